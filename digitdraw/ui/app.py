"""Starting the Qt application: the entry point (the thread policy it sets is in ``core/threads.py``)."""

from __future__ import annotations

import sys
import threading
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..core.threads import import_in_background, leave_the_cores_to_workers
from ..core.xcb_libraries import startup_problem

ORGANIZATION = "digitdraw"
APPLICATION = "digitdraw"
# Modules that something imports later, each a fraction of a second of Python that would freeze
# whichever thread got there first: the modules of the tabs built when first shown (with pyqtgraph)
# and Captum with matplotlib (the inside view's first attribution). The app imports them in the
# background once the window has answered its first strokes. Not torch._dynamo: loading it (triton's
# library among others) stuttered the window by 25-50 ms however it was imported, and only a few
# actions need it (torch.optim's Adadelta of PyTorch's example recipe, int8 quantization, ONNX
# export), each in a worker thread; training's and the Regression tab's optimizers are digitdraw's own.
SLOW_IMPORTS = ("digitdraw.ui.train.tab", "digitdraw.ui.regression.tab", "digitdraw.ui.compress.tab",
                "digitdraw.ui.autograd.tab", "captum.attr")
BACKGROUND_IMPORTS_AFTER_MS = 1000  # the first strokes are answered with the processor to themselves


def configure_application(app: QApplication) -> None:
    """Names under which ``QSettings`` keeps the window state and choices."""
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("digitdraw")


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
    leave_the_cores_to_workers()
    window = MainWindow(data_dir=data_dir)
    window.show()
    imports: list[threading.Thread] = []
    QTimer.singleShot(BACKGROUND_IMPORTS_AFTER_MS, lambda: imports.append(import_in_background(SLOW_IMPORTS)))
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window))
    code = app.exec()
    for thread in imports:
        thread.join()  # never leave an import half done while Python shuts down
    return code
