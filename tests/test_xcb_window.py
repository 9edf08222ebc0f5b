"""The real window on a real X server (Xvfb), with the xcb platform plugin a Linux desktop uses.

The rest of the suite runs on Qt's offscreen platform, and a process picks its platform once, so
the app runs here in a child process (tests/xcb_driver.py) on an Xvfb display of its own, driven
through the X server. Where Xvfb or the xcb plugin's libraries are missing, these tests skip and
say what to install (.ci/run installs both on Debian).
"""

from __future__ import annotations

import importlib.util
import json
import os
import select
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digitdraw.core.xcb_libraries import startup_problem

DRIVER = Path(__file__).with_name("xcb_driver.py")
SCREEN = "1280x720"  # what a laptop at 150 % scaling offers: smaller than the window's default size


def _why_no_x_server() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the X server tests run on Linux only"
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (Debian / Ubuntu: apt-get install xvfb)"
    if importlib.util.find_spec("Xlib") is None:
        return "python-xlib is not installed (pip install -e '.[test]')"
    problem = startup_problem({"QT_QPA_PLATFORM": "xcb"})
    if problem:
        return problem
    return None


@pytest.fixture(scope="module")
def x_display():
    """A fresh Xvfb server on a display number it picks itself (-displayfd); its ':N' name."""
    reason = _why_no_x_server()
    if reason:
        pytest.skip(reason)
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{SCREEN}x24", "-nolisten", "tcp"],
        pass_fds=(write_end,), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 60)
        number = os.read(read_end, 32).decode().strip() if ready else ""
        if not number:
            server.kill()
            pytest.fail(f"Xvfb did not start: {server.communicate(timeout=10)[1].decode(errors='replace')[-2000:]}")
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def session(x_display, data_dir, tmp_path_factory) -> dict:
    """What tests/xcb_driver.py saw when it used the app on the X server."""
    env = {key: value for key, value in os.environ.items() if key != "WAYLAND_DISPLAY"}
    env.update(DISPLAY=x_display, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path_factory.mktemp("config")))
    run = subprocess.run([sys.executable, str(DRIVER), str(data_dir)], env=env, capture_output=True, text=True,
                         timeout=600)
    lines = run.stdout.strip().splitlines()
    assert lines, f"the app failed on the X server (status {run.returncode}):\n{run.stderr[-4000:]}"
    results = json.loads(lines[-1])
    assert "error" not in results, results["error"]
    return {**results, "process_status": run.returncode, "stderr": run.stderr[-4000:]}


def test_the_window_opens_with_the_xcb_plugin(session):
    assert session["platform"] == "xcb"
    assert session["exposed"]
    assert session["answer_at_start"] == "–"
    assert session["window_fits_the_screen"]


def test_a_seven_drawn_with_the_mouse_through_x_is_read(session):
    assert "error" not in session["drawing"], session["drawing"]
    assert session["drawing"]["points_received"] == session["drawing"]["events_sent"]
    assert session["answer_after_drawing"] == "7"


def test_the_click_that_draws_activates_the_window_and_focuses_the_canvas(session):
    assert session["active_after_drawing"]
    assert session["focus_after_drawing"] == "canvas"


def test_escape_pressed_through_x_clears_the_drawing(session):
    assert session["cleared_by_escape"]
    assert session["answer_after_escape"] == "–"


def test_clicking_the_tabs_switches_between_them(session):
    assert session["tabs_reached"] == [1, 2, 0, 1]


def test_the_autograd_tab_runs_backward_on_a_click_through_x(session):
    # the preset ((w*x + b - y)**2).mean() at w=0.5, b=0, x=[1,2,3,4], y=[2.1,3.9,6.2,7.8]: ∂L/∂w = -22.35
    assert session["autograd_reached"] and session["autograd_backward_done"]
    assert abs(session["autograd_w_grad"] - -22.35) < 1e-4


def test_closing_the_window_while_training_stops_the_training_and_exits(session):
    assert session["training_progressed"] and session["training_running_at_close"]
    assert session["window_closed"]
    assert session["training_thread_finished"]
    assert session["exit_status"] == 0
    assert session["process_status"] == 0, session["stderr"]
