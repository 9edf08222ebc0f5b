"""Starting the Qt application: the entry point (the thread policy it sets is in ``core/threads.py``)."""

from __future__ import annotations

import sys
import threading
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from ..core.attribution import ATTRIBUTION_LIBRARY, BEFORE_IMPORTS
from ..core.threads import freeze_what_is_made, import_in_background, leave_the_cores_to_workers, pen
from ..core.xcb_libraries import startup_problem

ORGANIZATION = "digitdraw"
APPLICATION = "digitdraw"
# Modules that something imports later, each a fraction of a second of Python that would freeze
# whichever thread got there first: the modules of the tabs built when first shown (with pyqtgraph)
# and Captum with matplotlib (the inside view's attributions but its default, occlusion, which has a
# path of its own until Captum is in: core/attribution.py). The app imports them in the background
# once the window has painted, one module at a time and only while the pen rests (core/threads.py).
# Not torch._dynamo: loading it (triton's library among others) stuttered the window by 25-50 ms
# however it was imported, and only a few actions need it (torch.optim's Adadelta of PyTorch's
# example recipe, int8 quantization, ONNX export), each in a worker thread; training's and the
# Regression tab's optimizers are digitdraw's own.
SLOW_IMPORTS = ("digitdraw.ui.train.tab", "digitdraw.ui.regression.tab", "digitdraw.ui.compress.tab",
                "digitdraw.ui.autograd.tab", ATTRIBUTION_LIBRARY)
BACKGROUND_IMPORTS_AFTER_MS = 200  # the window's first frames are painted with the processor to themselves


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
    freeze_what_is_made()
    window.draw_tab.canvas.pen_changed.connect(lambda down: pen.pen_down() if down else pen.pen_up())
    imports: list[threading.Thread] = []
    QTimer.singleShot(BACKGROUND_IMPORTS_AFTER_MS, lambda: imports.append(
        import_in_background(SLOW_IMPORTS, gate=pen, before=BEFORE_IMPORTS)))
    if on_shown is not None:
        QTimer.singleShot(0, lambda: on_shown(window))
    code = app.exec()
    for thread in imports:
        thread.join()  # never leave an import half done while Python shuts down
    return code
