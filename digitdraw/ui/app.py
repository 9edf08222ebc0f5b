"""Starting the Qt application."""

from __future__ import annotations

import gc
import importlib
import os
import sys
import threading
from typing import Callable

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

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
SWITCH_INTERVAL_S = 0.001  # how long one thread may keep the GIL while another waits for it
WORKER_NICENESS = 5  # how much nicer (lower in priority) a worker thread is than the window's


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


_worker_threads: list[int] = []  # torch's thread count before the window's thread kept one for itself


def leave_the_cores_to_workers() -> None:
    """From now on the calling (window's) thread runs torch on one thread; workers take every core.

    GNU OpenMP keeps a team of helper threads for each thread that ran a parallel operation, and
    once it manages more threads than there are cores it lets idle helpers sleep at once instead of
    spinning: every operation of a training thread then waits for its helper to wake. A training
    thread ran at 73 % of the main thread's samples a second as soon as the main thread had run one
    parallel operation, at 100 % before (README, *Speed*). The window's own torch work is small: a
    drawing, a feature map. Call it before the window's thread runs any torch operation.
    """
    import torch

    if not _worker_threads:
        _worker_threads.append(torch.get_num_threads())
    torch.set_num_threads(1)
    torch.get_num_threads()  # settles this thread's count now, whatever a worker sets later


def set_up_worker_thread() -> None:
    """In a worker thread, before its torch work: as many torch threads as the process had at
    start, and a lower scheduling priority than the window's thread, so that the window gets a core
    at once when it wakes (the helper threads torch starts from here inherit it)."""
    if _worker_threads:
        import torch

        torch.set_num_threads(_worker_threads[0])
    if hasattr(os, "setpriority"):  # Linux: a thread's own niceness; elsewhere nothing to do
        try:
            window = os.getpriority(os.PRIO_PROCESS, os.getpid())  # the main thread's niceness
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), window + WORKER_NICENESS)
        except OSError:
            pass


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
    leave_the_cores_to_workers()
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
