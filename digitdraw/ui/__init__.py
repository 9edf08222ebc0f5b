"""Qt views of digitdraw; they call :mod:`digitdraw.core` and never the other way round."""

from .main_window import MainWindow

__all__ = ["MainWindow"]
