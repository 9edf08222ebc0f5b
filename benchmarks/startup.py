"""How long from starting digitdraw to a window that takes a stroke and answers it?

Each run is a fresh Python process that starts the app the way ``digitdraw`` does (offscreen
unless ``QT_QPA_PLATFORM`` says otherwise), draws one stroke on the Draw tab's canvas with mouse
events as soon as the window is shown, and waits until the tab shows a digit. The whole process
is timed from before it is spawned; the process itself reports the breakdown and its resident
memory, then how late a 5 ms timer runs from the answer until the app's background imports are
in. A bare ``python -c "import torch"`` runs beside it, alternately, for scale.

    python benchmarks/startup.py [--runs 5] [--reference /path/to/other/checkout]

``--reference`` times another checkout of digitdraw the same way, alternating with this one.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_S = 3.0

# Runs in the fresh process: the app as ``run_app`` starts it, timed step by step.
CHILD = r"""
import gc, inspect, sys, threading, time, json
from pathlib import Path
marks = {"python": time.perf_counter()}
if "gc.disable()" in (Path(sys.argv[1]) / "digitdraw" / "cli.py").read_text():
    gc.disable()  # as that checkout's cli.main does before its imports
sys.path.insert(0, sys.argv[1])
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
marks["import Qt"] = time.perf_counter()
from digitdraw.ui import app as app_module
import digitdraw.ui.main_window
marks["import digitdraw"] = time.perf_counter()
built = digitdraw.ui.main_window.MainWindow.__init__

def timed_build(self, *args, **kwargs):
    built(self, *args, **kwargs)
    marks["build window"] = time.perf_counter()

digitdraw.ui.main_window.MainWindow.__init__ = timed_build

def rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")

def stroke(window):
    marks["show window"] = time.perf_counter()
    canvas = window.draw_tab.canvas
    points = [QPoint(canvas.width() // 2, canvas.height() // 4 + dy) for dy in range(0, 201, 20)]
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0])
    for point in points[1:]:
        QTest.mouseMove(canvas, point)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1])
    wait_for_answer(window)

def wait_for_answer(window):
    if not window.draw_tab.prediction_label.text().isdigit():
        QTimer.singleShot(1, lambda: wait_for_answer(window))
        return
    marks["answer a stroke"] = time.perf_counter()
    print("ANSWERED", time.time(), json.dumps({"marks": marks, "rss_mb": rss_mb(),
          "dynamo_loaded": "torch._dynamo" in sys.modules}), flush=True)
    probe_until_imported(window)

def probe_until_imported(window):
    # How late a 5 ms timer runs from the answer until the app's background imports are in, then close.
    answered = time.perf_counter()
    lateness, last, seen = [], [answered], [False]
    def tick():
        now = time.perf_counter()
        lateness.append(max(0.0, (now - last[0]) * 1000 - 5))
        last[0] = now
        importing = [t for t in threading.enumerate() if t.name == "digitdraw-imports"]
        seen[0] = seen[0] or bool(importing)
        if (seen[0] and not importing) or (not seen[0] and now - answered > NO_IMPORTS_AFTER_S):
            timer.stop()
            print("LATENESS", json.dumps({"ms": sorted(lateness), "imported_after_s": now - answered if seen[0] else None}),
                  flush=True)
            window.close()
    timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=5)
    timer.timeout.connect(tick)
    timer.start()

NO_IMPORTS_AFTER_S = 3  # a checkout whose imports thread has not started by then imports nothing in the background

if "on_shown" in inspect.signature(app_module.run_app).parameters:
    app_module.run_app(on_shown=stroke)
else:  # an older checkout: run_app's steps by hand
    app = QApplication(sys.argv[:1])
    app_module.configure_application(app)
    window = digitdraw.ui.main_window.MainWindow()
    window.show()
    QTimer.singleShot(0, lambda: stroke(window))
    app.exec()
"""


def one_run(checkout: Path) -> dict:
    """Spawn one fresh app process from ``checkout``; whole-process seconds and its own breakdown."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    started = time.time()
    completed = subprocess.run([sys.executable, "-c", CHILD, str(checkout)], capture_output=True, text=True, env=env,
                               cwd=checkout, timeout=300)
    line = next((line for line in completed.stdout.splitlines() if line.startswith("ANSWERED")), None)
    if line is None:
        raise SystemExit(f"the app in {checkout} did not answer a stroke:\n{completed.stderr[-3000:]}")
    _, answered_at, payload = line.split(" ", 2)
    report = json.loads(payload)
    probe = next((line for line in completed.stdout.splitlines() if line.startswith("LATENESS")), None)
    probed = json.loads(probe.split(" ", 1)[1]) if probe else {"ms": [], "imported_after_s": None}
    marks = report["marks"]
    names = list(marks)
    steps = {name: marks[name] - marks[previous] for previous, name in zip(names, names[1:])}
    return {"seconds": float(answered_at) - started, "steps": steps, "rss_mb": report["rss_mb"],
            "dynamo_loaded": report["dynamo_loaded"], "lateness_ms": probed["ms"], "imported_after_s": probed["imported_after_s"]}


def bare_import_torch() -> float:
    started = time.time()
    subprocess.run([sys.executable, "-c", "import torch"], check=True)
    return time.time() - started


def summarise(name: str, runs: list[dict]) -> None:
    seconds = [run["seconds"] for run in runs]
    print(f"{name}: median {statistics.median(seconds):.2f} s (range {min(seconds):.2f}–{max(seconds):.2f}) "
          f"to a window that answered a stroke; resident memory median "
          f"{statistics.median(run['rss_mb'] for run in runs):.0f} MB; torch._dynamo imported (or importing) by then: "
          f"{'yes' if any(run['dynamo_loaded'] for run in runs) else 'no'}")
    lateness = sorted(ms for run in runs for ms in run["lateness_ms"])
    if lateness:
        imported = [run["imported_after_s"] for run in runs if run["imported_after_s"] is not None]
        until = f"background imports done {statistics.median(imported):.1f} s after the answer (median)" if imported else \
            "no background imports"
        print(f"    from the answer until the background imports are in ({until}): a 5 ms timer ran late by "
              f"p50 {lateness[len(lateness) // 2]:.1f} ms, p99 {lateness[int(0.99 * (len(lateness) - 1))]:.1f} ms, "
              f"worst {lateness[-1]:.1f} ms ({len(lateness)} ticks)")
    steps = runs[0]["steps"]
    python_s = [run["seconds"] - sum(run["steps"].values()) for run in runs]
    print(f"    {'python starts':<20} {statistics.median(python_s):6.2f} s")
    for step in steps:
        print(f"    {step:<20} {statistics.median(run['steps'][step] for run in runs):6.2f} s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reference", type=Path, help="another digitdraw checkout to time alternately")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    checkouts = {"this checkout": ROOT}
    if args.reference:
        checkouts["reference"] = args.reference.resolve()
    runs: dict[str, list[dict]] = {name: [] for name in checkouts}
    torch_s: list[float] = []
    for index in range(args.runs):
        for name, checkout in checkouts.items():
            runs[name].append(one_run(checkout))
        torch_s.append(bare_import_torch())
        print(f"run {index + 1}/{args.runs}: " + ", ".join(f"{name} {runs[name][-1]['seconds']:.2f} s" for name in runs)
              + f", import torch {torch_s[-1]:.2f} s", flush=True)
    print()
    for name in checkouts:
        summarise(name, runs[name])
    ours = statistics.median(run["seconds"] for run in runs["this checkout"])
    print(f"bare `python -c 'import torch'`: median {statistics.median(torch_s):.2f} s "
          f"(range {min(torch_s):.2f}–{max(torch_s):.2f})")
    print(f"target: at most {TARGET_S:.0f} s to a window that answers a stroke: {'met' if ours <= TARGET_S else 'MISSED'}")
    if args.reference:
        reference = statistics.median(run["seconds"] for run in runs["reference"])
        print(f"this checkout takes {ours / reference:.2f}x the reference's time")
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": runs, "import_torch_s": torch_s}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
