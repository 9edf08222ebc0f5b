"""Starting the app: the modules it imports in the background once the window is up."""

from __future__ import annotations

import gc
import os
import importlib.util
import subprocess
import sys

from digitdraw.core.threads import import_in_background
from digitdraw.ui.app import SLOW_IMPORTS


def test_the_slow_imports_name_modules_that_exist():
    assert all(importlib.util.find_spec(name) is not None for name in SLOW_IMPORTS), SLOW_IMPORTS


def test_background_imports_bring_in_every_module_past_one_that_fails_then_collect_garbage_again(monkeypatch):
    for name in ("colorsys", "graphlib"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    gc.disable()  # as cli.main leaves it for the window
    try:
        import_in_background(("colorsys", "digitdraw_no_such_module", "graphlib")).join()
        assert "colorsys" in sys.modules and "graphlib" in sys.modules
        assert gc.isenabled(), "garbage is collected again once they are in"
        assert gc.get_freeze_count() > 0, "what was made so far is left out of later collections"
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_window_thread_keeps_one_torch_thread_and_workers_take_every_core_at_lower_priority():
    """In a fresh process (thread counts are process state): the window's thread stays at one torch
    thread even after a worker set its own, so it never starts an OpenMP team that would slow the
    workers'; a worker runs on every core, below the window's priority."""
    script = (
        "import os, threading, torch\n"
        "from digitdraw.core.threads import WORKER_NICENESS, leave_the_cores_to_workers, set_up_worker_thread\n"
        "torch.set_num_threads(2)\n"
        "leave_the_cores_to_workers()\n"
        "seen = {}\n"
        "def worker():\n"
        "    set_up_worker_thread()\n"
        "    torch.relu(torch.randn(1_000_000))\n"
        "    seen.update(threads=torch.get_num_threads(), nice=os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))\n"
        "thread = threading.Thread(target=worker); thread.start(); thread.join()\n"
        "torch.relu(torch.randn(1_000_000))\n"
        "window_nice = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())\n"
        "print(torch.get_num_threads(), seen['threads'], seen['nice'] - window_nice == WORKER_NICENESS)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["1", "2", "True"]


def test_background_imports_wait_while_the_pen_is_down_and_go_on_once_it_rests(monkeypatch):
    """Each module waits until the pen has rested a moment: an import beside a stroke stutters it."""
    from digitdraw.core import threads

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(threads, "PEN_STILL_S", 0.05)
    gate = threads.PenGate()
    gate.pen_down()
    importer = threads.import_in_background(("colorsys",), gate=gate)
    try:
        importer.join(timeout=1.0)
        assert importer.is_alive() and "colorsys" not in sys.modules, "imported under the pen"
        assert threads.waits_for_background_import("colorsys")
    finally:
        gate.pen_up()
    importer.join()
    assert "colorsys" in sys.modules and not threads.waits_for_background_import("colorsys")
    assert not any(isinstance(finder, threads._ImportWhilePenRests) for finder in sys.meta_path)
    gc.unfreeze()


def test_a_module_already_loading_stops_at_its_next_call_when_the_pen_comes_down(monkeypatch, tmp_path):
    """A long module body does not go on beside a stroke: the importing thread pauses mid-module."""
    import threading
    import types

    from digitdraw.core import threads

    state = types.ModuleType("digitdraw_probe_state")
    state.entered, state.go_on, state.calls = threading.Event(), threading.Event(), []
    monkeypatch.setitem(sys.modules, "digitdraw_probe_state", state)
    (tmp_path / "digitdraw_probe_slow.py").write_text(
        "import digitdraw_probe_state as state\n"
        "state.entered.set()\n"
        "state.go_on.wait()\n"
        "for _ in range(100):\n"
        "    state.calls.append(1)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(threads, "PEN_STILL_S", 0.05)
    gate = threads.PenGate()
    importer = threads.import_in_background(("digitdraw_probe_slow",), gate=gate)
    try:
        assert state.entered.wait(10)
        gate.pen_down()
        state.go_on.set()
        importer.join(timeout=1.0)
        assert importer.is_alive() and state.calls == [], "the module went on under the pen"
    finally:
        gate.pen_up()
        importer.join()
        gc.unfreeze()
    assert len(state.calls) == 100 and sys.getprofile() is None


def test_a_tab_switch_holds_the_background_imports_a_moment(monkeypatch):
    """Building and painting a tab has the processor to itself: the imports wait out the hold."""
    from digitdraw.core import threads

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(threads, "PEN_STILL_S", 0.0)
    gate = threads.PenGate()
    gate.hold(1.0)
    importer = threads.import_in_background(("colorsys",), gate=gate)
    importer.join(timeout=0.5)
    assert importer.is_alive() and "colorsys" not in sys.modules, "imported during the hold"
    importer.join()
    gc.unfreeze()
    assert "colorsys" in sys.modules


def test_background_imports_wait_while_the_draw_tab_is_busy_for_the_drawing(monkeypatch):
    """The inside view's work for a drawing counts as the pen down: three threads would share the GIL."""
    from digitdraw.core import threads

    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    monkeypatch.setattr(threads, "PEN_STILL_S", 0.05)
    gate = threads.PenGate()
    with gate.busy():
        assert gate.down and not gate.is_down()
        importer = threads.import_in_background(("colorsys",), gate=gate)
        importer.join(timeout=1.0)
        assert importer.is_alive() and "colorsys" not in sys.modules
    assert not gate.down
    importer.join()
    gc.unfreeze()
    assert "colorsys" in sys.modules


def test_a_modules_preparation_runs_just_before_it_loads_and_a_failing_one_loses_nothing(monkeypatch):
    for name in ("colorsys", "graphlib"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    seen = []

    def fails():
        raise OSError("no such program")

    import_in_background(("colorsys", "graphlib"), before={
        "graphlib": lambda: seen.append(("colorsys" in sys.modules, "graphlib" in sys.modules)),
        "colorsys": fails}).join()
    gc.unfreeze()
    assert seen == [(True, False)], "once, after the module before it and before its own"
    assert "colorsys" in sys.modules and "graphlib" in sys.modules


def test_matplotlibs_font_cache_is_built_by_another_process_before_captum_needs_it(tmp_path):
    """On a user's first start the font manager's scan of the system fonts runs in a child process,
    not in the app's importing thread beside the pen; with a cache there, nothing is started."""
    from digitdraw.core.attribution import BEFORE_IMPORTS

    assert set(BEFORE_IMPORTS) == {"matplotlib.font_manager"}
    script = (
        "import sys, matplotlib\n"
        "from digitdraw.core.attribution import build_font_cache_apart\n"
        "build_font_cache_apart()\n"
        "print('matplotlib.font_manager' in sys.modules)\n"
    )
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path)}
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env).stdout
    assert output.split() == ["False"], "not in this process"
    assert [path.name.startswith("fontlist-v") for path in tmp_path.glob("*.json")] == [True]


def test_the_window_freezes_what_start_up_made_before_anyone_draws(qtbot, monkeypatch):
    """run_app leaves start-up's objects out of later garbage collections as soon as the window shows:
    a full collection over torch's objects would otherwise freeze the pen for 100-250 ms."""
    from digitdraw.ui import app as app_module

    seen = {}
    monkeypatch.setattr(app_module, "import_in_background", lambda names, gate=None, before=None: _Joined())
    gc.unfreeze()

    def shown(window):
        seen["frozen"] = gc.get_freeze_count()
        window.close()

    try:
        assert app_module.run_app(on_shown=shown) == 0
        assert seen["frozen"] > 0
    finally:
        gc.unfreeze()


class _Joined:
    def join(self) -> None:
        pass
