"""How work in background threads shares the processor with the window's thread (no Qt here).

The window's thread draws and answers the mouse; worker threads (training, measuring, explaining,
importing) do the heavy work. The policy, set once per process or once per thread:

- the GIL changes hands often (:func:`hand_over_the_gil_often`), so neither side waits long for it;
- the window's thread runs torch on one thread and workers take every core
  (:func:`leave_the_cores_to_workers`, :func:`set_up_worker_thread`);
- a worker runs at a lower scheduling priority than the window's thread (:data:`WORKER_NICENESS`);
- during training every thread allocates from glibc's main heap (:func:`prepare_for_background_training`);
- slow imports happen in a thread with garbage collection held off, and only while the pen rests
  (:func:`import_in_background`, :data:`pen`); what start-up made is frozen out of collections
  (:func:`freeze_what_is_made`).

``digitdraw.ui.workers`` applies the per-thread part to every worker it starts.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
import threading
import time
from typing import Callable

from .memory import reuse_freed_memory

SWITCH_INTERVAL_S = 0.001  # how long one thread may keep the GIL while another waits for it
WORKER_NICENESS = 5  # how much nicer (lower in priority) a worker thread is than the window's

_worker_threads: list[int] = []  # torch's thread count before the window's thread kept one for itself


def hand_over_the_gil_often() -> None:
    """From now on the GIL changes hands every millisecond instead of every five.

    For a window with work in a background thread (imports, training): the window gets the GIL
    back soon after it asks, and the thread is not held up behind the window's painting either.
    Set for the rest of the session: a thread that put back the old value on finishing would undo
    it for another still running.
    """
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))


def leave_the_cores_to_workers() -> None:
    """From now on the calling (window's) thread runs torch on one thread; workers take every core.

    GNU OpenMP keeps a team of helper threads for each thread that ran a parallel operation, and
    once it manages more threads than there are cores it lets idle helpers sleep at once instead of
    spinning: every operation of a training thread then waits for its helper to wake. A training
    thread ran at 73 % of the main thread's samples a second as soon as the main thread had run one
    parallel operation, at 100 % before. The window's own torch work is small: a drawing, a feature
    map. Call it before the window's thread runs any torch operation.
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


def prepare_for_background_training() -> None:
    """Process-wide settings under which training in a thread keeps pace with the command line.

    The GIL changes hands every millisecond instead of every five, so the worker is not held up
    behind the window's painting (nor the window behind the worker); and on glibc every thread
    allocates from the main heap: in a thread's own malloc arena, torch's large per-step
    temporaries went back to the kernel and came back page by page at every step, which halved the
    worker's speed (``benchmarks/ui_responsiveness.py`` measures both).
    """
    hand_over_the_gil_often()
    reuse_freed_memory(one_arena=True)


class PenGate:
    """Whether the pen is on the canvas (or the Draw tab is computing what it shows), for background
    work that should wait while someone draws.

    The window's thread says :meth:`pen_down` and :meth:`pen_up`, and :meth:`hold` for other work of
    its own that should not share the GIL (building a tab); work done for the drawing in another
    thread runs inside :meth:`busy`. A background thread calls :meth:`wait_until_still`, or reads
    :attr:`down` and :attr:`quiet_until` where it must be cheap.
    """

    def __init__(self) -> None:
        self._free = threading.Event()  # set while the pen is up and nothing is busy
        self._free.set()
        self._free_since = 0.0  # time.monotonic() when it last became free
        self._lock = threading.Lock()
        self._pen_down = False
        self._busy = 0
        self.down = False  # the pen is down or something is busy: a plain attribute, cheap to read
        self.quiet_until = 0.0  # time.monotonic() until which background work waits anyway (hold)

    def _update(self) -> None:
        down = self._pen_down or self._busy > 0
        if down:
            self._free.clear()
        elif not self._free.is_set():
            self._free_since = time.monotonic()
            self._free.set()
        self.down = down

    def pen_down(self) -> None:
        with self._lock:
            self._pen_down = True
            self._update()

    def pen_up(self) -> None:
        with self._lock:
            self._pen_down = False
            self._update()

    def is_down(self) -> bool:
        return self._pen_down

    def hold(self, seconds: float) -> None:
        """Background work waits for the next ``seconds`` (and then until still) as if the pen were down."""
        self.quiet_until = max(self.quiet_until, time.monotonic() + seconds)

    @contextlib.contextmanager
    def busy(self):
        """Background work waits while this block runs (the Draw tab's own work for the drawing)."""
        with self._lock:
            self._busy += 1
            self._update()
        try:
            yield
        finally:
            with self._lock:
                self._busy -= 1
                self._update()

    def wait_until_still(self, still_s: float, limit_s: float) -> None:
        """Wait (without the GIL) until the pen has been up, and nothing busy, for ``still_s``, and
        any hold is over; at most ``limit_s`` in all."""
        deadline = time.monotonic() + limit_s
        while (left := deadline - time.monotonic()) > 0:
            if not self._free.wait(left):
                return
            now = time.monotonic()
            ready_at = max(self._free_since + still_s, self.quiet_until)
            if now >= ready_at:
                return
            time.sleep(min(ready_at - now, max(0.0, deadline - now)))


pen = PenGate()  # the Draw tab's canvas reports to it; background imports wait on it
PEN_STILL_S = 0.1  # background imports go on once the pen has rested this long (its attribution goes first)
PEN_WAIT_LIMIT_S = 5.0  # a pen never resting (or a release never seen) holds no module back longer
_importing: set[str] = set()  # modules named to a background import that has not reached them yet


class _PauseUnderThePen:
    """The importing thread's profile function: at every function call, while the pen is down, it
    waits (without the GIL) until the pen rests, so that a module's body, however long, stops as the
    pen comes down instead of taking half the window's thread's time. At most ``PEN_WAIT_LIMIT_S``
    for each module (:meth:`next_module`)."""

    def __init__(self, gate: PenGate):
        self._gate, self._waited = gate, 0.0

    def next_module(self) -> None:
        self._waited = 0.0
        self.wait()

    def wait(self) -> None:
        if self._waited < PEN_WAIT_LIMIT_S:
            started = time.monotonic()
            self._gate.wait_until_still(PEN_STILL_S, PEN_WAIT_LIMIT_S - self._waited)
            self._waited += time.monotonic() - started

    def __call__(self, frame, event, arg) -> None:
        gate = self._gate  # this runs at every call the import makes: plain attributes only
        if gate.down or gate.quiet_until > time.monotonic():
            self.wait()


class _ImportWhilePenRests:
    """A meta path finder that finds nothing: in the importing thread it waits, before each module
    is loaded, until the pen rests, so that an import's steps never run beside a stroke; and before
    a module named in ``before``, it runs that module's preparation (see :func:`import_in_background`)."""

    def __init__(self, thread_id: int, pause: _PauseUnderThePen | None, before: dict[str, Callable[[], None]]):
        self._thread_id, self._pause, self._before = thread_id, pause, dict(before)

    def find_spec(self, name, path=None, target=None):
        if threading.get_ident() == self._thread_id:
            prepare = self._before.pop(name, None)
            if prepare is not None:
                try:
                    prepare()
                except Exception:  # noqa: BLE001  a preparation only saves time; the import does the work anyway
                    pass
            if self._pause is not None:
                self._pause.next_module()
        return None


def waits_for_background_import(name: str) -> bool:
    """Whether ``name`` is still to come from a background import (importing it now would compete with it)."""
    return name in _importing


def freeze_what_is_made() -> None:
    """Leave every object made so far out of later garbage collections.

    Start-up's objects (torch's, Qt's, the window's) live as long as the app. Left in the collector's
    oldest generation, a full collection walks all of them, 100-250 ms with the GIL held, in
    whichever thread allocated last: the window's while someone draws.
    """
    gc.freeze()


def import_in_background(names: tuple[str, ...], gate: PenGate | None = None,
                         before: dict[str, Callable[[], None]] | None = None) -> threading.Thread:
    """Import ``names`` in a daemon thread, the GIL handed back to the window often meanwhile.

    With ``gate``, each module waits until the pen has rested a moment before it loads: an import
    holds the GIL for stretches a thread switch cannot split (loading a shared library,
    unmarshalling code, initialising an extension), which the window feels as a stutter under the pen.
    A module already loading stops at its next function call when the pen comes down (a profile
    function, which makes the imports half as slow again, only while the pen rests).
    Garbage collection waits until they are in: a full collection amid the objects of torch and its
    compiler stack holds the GIL for a hundred milliseconds or more, a visible freeze. Then the
    objects made so far, which live as long as the app, are frozen out of every later collection.
    ``before`` maps a module to a function run (in this thread) just before the module loads, for
    work that is better done in another process first: its time then holds no GIL of the window's.
    A module that fails to import is skipped: whoever needs it later imports it again and reports
    the error. :func:`waits_for_background_import` tells which are still to come.
    """
    _importing.update(names)

    def work() -> None:
        pause = _PauseUnderThePen(gate) if gate is not None else None
        finder = _ImportWhilePenRests(threading.get_ident(), pause, before or {}) if gate or before else None
        if finder is not None:
            sys.meta_path.insert(0, finder)
        if pause is not None:
            sys.setprofile(pause)
        gc.disable()
        try:
            for name in names:
                try:
                    importlib.import_module(name)
                except Exception:  # noqa: BLE001  reported by whoever imports it for real
                    pass
                finally:
                    _importing.discard(name)
        finally:
            sys.setprofile(None)
            if finder is not None:
                sys.meta_path.remove(finder)
            gc.freeze()
            gc.enable()

    hand_over_the_gil_often()
    thread = threading.Thread(target=work, name="digitdraw-imports", daemon=True)
    thread.start()
    return thread
