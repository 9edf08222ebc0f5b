"""Starting the Qt application."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from ..core.xcb_libraries import startup_problem

ORGANIZATION = "digitdraw"
APPLICATION = "digitdraw"


def configure_application(app: QApplication) -> None:
    """Names under which ``QSettings`` keeps the window state and choices."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("digitdraw")


def run_app(data_dir: str | None = None) -> int:
    """Show the main window and run the event loop until it closes (1 if it cannot open)."""
    problem = startup_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    from .language import install_translators
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    install_translators()
    window = MainWindow(data_dir=data_dir)
    window.show()
    return app.exec()
