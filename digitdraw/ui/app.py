"""Starting the Qt application."""

from __future__ import annotations

import gc
import importlib
import sys
import threading
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..core.xcb_libraries import startup_problem

ORGANIZATION = "digitdraw"
APPLICATION = "digitdraw"
# Modules that something imports later, each a fraction of a second to seconds of Python that would
# freeze whichever thread got there first: the modules of the tabs built when first shown (with
# pyqtgraph), torch._dynamo (the first torch.optim optimizer imports it: a Regression fit, or
# training with SGD; the default recipe's AdamW is digitdraw's own and needs none) and Captum with matplotlib (the inside view's first attribution). The app
# imports them in the background once the window has answered its first strokes.
SLOW_IMPORTS = ("digitdraw.ui.train_tab", "digitdraw.ui.regression_tab", "digitdraw.ui.compress_tab",
                "torch._dynamo", "captum.attr")
BACKGROUND_IMPORTS_AFTER_MS = 1000  # the first strokes are answered with the processor to themselves
SWITCH_INTERVAL_S = 0.001  # how long one thread may keep the GIL while another waits for it


def configure_application(app: QApplication) -> None:
    """Names under which ``QSettings`` keeps the window state and choices."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("digitdraw")


def hand_over_the_gil_often() -> None:
    """From now on the GIL changes hands every millisecond instead of every five.

    For a window with work in a background thread (imports, training): the window gets the GIL
    back soon after it asks, and the thread is not held up behind the window's painting either.
    Set for the rest of the session: a thread that put back the old value on finishing would undo
    it for another still running.
    """
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def import_in_background(names: tuple[str, ...] = SLOW_IMPORTS) -> threading.Thread:
    """Import ``names`` in a daemon thread, the GIL handed back to the window often meanwhile.

    Garbage collection waits until they are in: a full collection amid the objects of torch and its
    compiler stack holds the GIL for a hundred milliseconds or more, a visible freeze. Then the
    objects made so far, which live as long as the app, are frozen out of every later collection.
    """

    def work() -> None:
        gc.disable()
        try:
            for name in names:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001  whoever needs the module later imports it again and reports the error
                    pass
        finally:
            gc.freeze()
            gc.enable()

    hand_over_the_gil_often()
    thread = threading.Thread(target=work, name="digitdraw-imports", daemon=True)
    thread.start()
    return thread


def run_app(data_dir: str | None = None, on_shown: Callable | None = None) -> int:
    """Show the main window and run the event loop until it closes (1 if it cannot open).

    ``on_shown(window)`` runs once the window is up (benchmarks/startup.py draws a stroke there).
    """
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
    imports: list[threading.Thread] = []
    QTimer.singleShot(BACKGROUND_IMPORTS_AFTER_MS, lambda: imports.append(import_in_background()))
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window))
    code = app.exec()
    for thread in imports:
        thread.join()  # never leave an import half done while Python shuts down
    return code
