"""Qt views of digitdraw; they call :mod:`digitdraw.core` and never the other way round."""
