"""Long work in a worker thread, talking to the window only by signals: :func:`create_worker`.

In the spirit of napari's ``create_worker``/``thread_worker``: a function or a generator runs on
its own ``QThread``, and the window hears about it through a standard set of signals, every one
emitted in the window's thread (so any slot, a lambda included, may touch widgets):

- ``started()`` when the work begins;
- ``yielded(value)`` for each value a generator yields, or a function passes to its ``report``
  callable (``with_report=True``: work driven by callbacks, which cannot yield);
- ``returned(value)`` with what the function or generator returned;
- ``errored(message)`` with a one-line message in the app's language, never a traceback (the
  traceback goes to the log);
- ``aborted()`` when the work ended early at a stop request;
- ``finished()`` always last, once the thread has ended.

One way to stop: :meth:`Worker.request_stop` asks (a generator is closed before its next value;
a function is told through ``on_stop``, and raises :class:`Aborted` or returns early), and
:meth:`Worker.quit` asks, waits for the thread, and drops whatever it had not delivered yet, so
that a window's ``closeEvent`` or a test's end leaves no thread running and no slot to call.

Each worker's thread follows :mod:`digitdraw.core.threads`: a lower priority than the window's
thread and torch on every core, the GIL handed over often.
"""

from __future__ import annotations

import atexit
import inspect
import logging
import threading
from functools import partial
from typing import Any, Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, QTimer, Signal, Slot

from ..core.messages import UserMessage
from ..core.threads import hand_over_the_gil_often, set_up_worker_thread
from .language import error_text

log = logging.getLogger(__name__)
_alive: set["Worker"] = set()  # every started worker, kept alive until it has finished


class Aborted(Exception):
    """Raised by work that ends early because a stop was requested: the worker emits ``aborted``."""


def one_line(text: str) -> str:
    """The first non-empty line of ``text`` (a library's message may continue with hints or a dump)."""
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


class _Thread(QThread):
    def __init__(self, work: Callable[[], None], name: str, parent: QObject):
        super().__init__(parent)
        self.setObjectName(name)
        self._work = work

    def run(self) -> None:
        self._work()


class Worker(QObject):
    """``func(*args)`` (a function or a generator function) run on its own thread; see the module."""

    started = Signal()
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(str)
    aborted = Signal()
    finished = Signal()

    # Emitted in the worker's thread, delivered (queued) to this object in the window's thread,
    # which re-emits them as the public signals above.
    _started_there = Signal()
    _yielded_there = Signal(object)
    _returned_there = Signal(object)
    _errored_there = Signal(object)
    _aborted_there = Signal()

    def __init__(
        self,
        func: Callable[..., Any],
        *args: Any,
        name: str = "digitdraw-worker",
        with_report: bool = False,
        on_stop: Callable[[], None] | None = None,
        describe_error: Callable[[BaseException], str] = error_text,
        parent: QObject | None = None,
    ):
        """``with_report``: ``func`` gets a ``report(value)`` callable before ``args``. ``on_stop`` is
        called (in the asking thread) at a stop request, to tell running work to end.
        ``describe_error`` turns an exception into the message ``errored`` carries."""
        super().__init__(parent)
        self.func, self.args, self.name = func, args, name
        self._with_report = with_report
        self._on_stop = on_stop
        self._describe_error = describe_error
        self._stop = threading.Event()
        self._delivering = True  # False once quit() has returned: nothing more reaches the window
        self._running = False
        self.error: BaseException | None = None  # what ended the work with ``errored``
        self._thread = _Thread(self._run, name, self)
        queued = Qt.ConnectionType.QueuedConnection
        self._started_there.connect(self._deliver_started, queued)
        self._yielded_there.connect(self._deliver_yielded, queued)
        self._returned_there.connect(self._deliver_returned, queued)
        self._errored_there.connect(self._deliver_error, queued)
        self._aborted_there.connect(self._deliver_aborted, queued)
        self._thread.finished.connect(self._thread_finished, queued)

    # -- the window's side ---------------------------------------------------------------------
    def start(self) -> "Worker":
        """Start the thread (once); returns the worker."""
        hand_over_the_gil_often()
        _alive.add(self)
        self._running = True
        self._thread.start()
        return self

    @property
    def is_running(self) -> bool:
        """True from :meth:`start` until ``finished`` has been emitted (or :meth:`quit` has returned)."""
        return self._running

    @property
    def abort_requested(self) -> bool:
        """Whether a stop has been requested (thread-safe: work may poll it)."""
        return self._stop.is_set()

    def request_stop(self) -> None:
        """Ask the work to end early; returns at once (safe from any thread, any number of times)."""
        if self._stop.is_set():
            return
        self._stop.set()
        if self._on_stop is not None:
            self._on_stop()

    def wait(self, timeout_ms: int | None = None) -> bool:
        """Block until the thread has ended (at most ``timeout_ms``); True if it has."""
        return self._thread.wait() if timeout_ms is None else self._thread.wait(timeout_ms)

    def quit(self) -> None:
        """Stop the work, wait for its thread and deliver nothing more (for ``closeEvent`` and tests)."""
        self.request_stop()
        self.wait()
        self._delivering = False
        self._end()

    # -- delivery in the window's thread -------------------------------------------------------
    @Slot()
    def _deliver_started(self) -> None:
        if self._delivering:
            self.started.emit()

    @Slot(object)
    def _deliver_yielded(self, value: Any) -> None:
        if self._delivering:
            self.yielded.emit(value)

    @Slot(object)
    def _deliver_returned(self, value: Any) -> None:
        if self._delivering:
            self.returned.emit(value)

    @Slot(object)
    def _deliver_error(self, error: BaseException) -> None:
        self.error = error
        if self._delivering:
            self.errored.emit(one_line(self._describe_error(error)) or type(error).__name__)

    @Slot()
    def _deliver_aborted(self) -> None:
        if self._delivering:
            self.aborted.emit()

    @Slot()
    def _thread_finished(self) -> None:
        self._thread.wait()  # the thread has left run(); wait until it is really over
        if self._delivering:
            self._end()
            self.finished.emit()

    def _end(self) -> None:
        if self._running:
            self._running = False
            if QCoreApplication.instance() is None:  # no event loop any more (Python is shutting down)
                _alive.discard(self)
            else:  # let go of the worker once this event is over: not while Qt is still delivering it
                QTimer.singleShot(0, partial(_alive.discard, self))

    # -- the worker's thread -------------------------------------------------------------------
    def _run(self) -> None:
        set_up_worker_thread()
        self._started_there.emit()
        try:
            if self._stop.is_set():
                raise Aborted
            args = (self._report, *self.args) if self._with_report else self.args
            result = self.func(*args)
            if inspect.isgenerator(result):
                result = self._drain(result)
        except Aborted:
            self._aborted_there.emit()
        except Exception as error:  # a worker reports, it never dies silently
            level = logging.INFO if isinstance(error, UserMessage) else logging.WARNING
            log.log(level, "%s failed", self.name, exc_info=error)
            self._errored_there.emit(error)
        else:
            self._returned_there.emit(result)

    def _report(self, value: Any) -> None:
        self._yielded_there.emit(value)

    def _drain(self, generator) -> Any:
        """Each value of ``generator`` to ``yielded``; closed at a stop request between values."""
        while True:
            if self._stop.is_set():
                generator.close()
                raise Aborted
            try:
                value = next(generator)
            except StopIteration as end:
                return end.value
            self._yielded_there.emit(value)


def create_worker(
    func: Callable[..., Any],
    *args: Any,
    connect: dict[str, Callable] | None = None,
    start: bool = True,
    **options: Any,
) -> Worker:
    """A :class:`Worker` running ``func(*args)``, its signals connected to ``connect``'s slots
    ({"returned": slot, ...}) and started unless ``start`` is False. ``options`` go to
    :class:`Worker` (``name``, ``with_report``, ``on_stop``, ``describe_error``, ``parent``)."""
    worker = Worker(func, *args, **options)
    for signal, slot in (connect or {}).items():
        getattr(worker, signal).connect(slot)
    return worker.start() if start else worker


def running_workers() -> list[Worker]:
    """The workers started and not yet finished (tests check that none is left behind)."""
    return [worker for worker in _alive if worker.is_running]


def quit_all() -> None:
    """:meth:`Worker.quit` every running worker: before Python shuts down, none may be left running."""
    for worker in running_workers():
        worker.quit()


atexit.register(quit_all)
