"""Does the window stay responsive while the Train tab trains? And does the GUI slow training?

Trains from the Train tab offscreen while a 5 ms timer measures how late the event loop runs
(targets: 99th percentile at most 8 ms, worst at most 33 ms), then compares the tab's training
throughput with ``digitdraw train`` on the command line: same settings, same images, same run
(target: at least 90% of it).

    python benchmarks/ui_responsiveness.py [--images N] [--epochs E] [--device cuda:0] [--threads T] [--hover]

With ``--hover`` the tab trains twice in the same sitting, first with the mouse still, then with the
mouse sweeping over the loss plot (its hover readout following), and the figures are printed side by side.

The images are the first N of MNIST's training set (all 10,000 test images are used), written to a
temporary data folder so that the command line and the tab read exactly the same files.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TICK_MS = 5
HOVER_MS = 16  # the mouse moves over the loss plot this often with --hover (a 60 Hz mouse)
PRESS_AFTER_MS = 300  # Train is pressed this long after the tab is shown
LATE_P99_MS, LATE_MAX_MS = 8, 33  # two frames at 60 Hz at worst
THROUGHPUT_SHARE = 0.9  # of the command line's samples/s


def write_subset(source: Path, target: Path, images: int) -> None:
    """MNIST's first ``images`` training images and the whole test set, in MNIST's own file format."""
    from digitdraw.core.data import load_mnist, write_mnist

    train, test = load_mnist(source, download=False)
    write_mnist(target, train.subset(images), test)


def command_line(data_dir: Path, args, out: Path) -> dict:
    command = [sys.executable, "-m", "digitdraw", "train", "--data-dir", str(data_dir), "--epochs", str(args.epochs),
               "--device", args.device, "--out", str(out), "--seed", "0"]
    env = dict(os.environ)
    if args.threads:
        env["OMP_NUM_THREADS"] = str(args.threads)
    completed = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
    if completed.returncode != 0:
        raise SystemExit(f"digitdraw train failed:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def in_the_tab(data_dir: Path, args, hover: bool = False) -> dict:
    import torch
    from PySide6.QtCore import QElapsedTimer, QPoint, Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from digitdraw.core.threads import import_in_background
    from digitdraw.ui.app import SLOW_IMPORTS, configure_application
    from digitdraw.ui.train.tab import TrainTab

    app = QApplication.instance() or QApplication(sys.argv[:1])
    configure_application(app)
    if not args.cold:
        import_in_background(SLOW_IMPORTS).join()  # what the app does once its window is up, seconds before anyone presses Train
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval / 1000)
    tab = TrainTab(data_dir=data_dir)
    if args.no_plots:  # the live views stay still: what drawing them costs the run
        tab.loss_plot.add_points = lambda steps, losses: None
        tab._show_filters = lambda filters: None
    tab.resize(1180, 740)
    tab.show()
    tab.apply_recipe("default")
    tab.epochs_spin.setValue(args.epochs)
    tab.subset_spin.setValue(min(args.images, tab.subset_spin.maximum()))  # the images there are, as a user's MNIST
    tab.device_combo.setCurrentIndex(tab.device_combo.findData(args.device))
    tab.target_check.setChecked(False)

    clock = QElapsedTimer()
    clock.start()
    gaps: list[float] = []
    startup_gaps: list[float] = []  # until the first loss is plotted (loading MNIST, building the model)
    last = [None]

    def tick() -> None:
        now = clock.nsecsElapsed() / 1e6
        if last[0] is not None and tab.is_running:
            (gaps if tab.progress_bar.value() > 0 else startup_gaps).append(now - last[0] - TICK_MS)
        last[0] = now

    timer = QTimer(timerType=Qt.TimerType.PreciseTimer, interval=TICK_MS)
    timer.timeout.connect(tick)
    outcomes = []
    tab.training_finished.connect(outcomes.append)
    tab.running_changed.connect(lambda running: running or QTimer.singleShot(200, app.quit))
    if not args.no_probe:
        timer.start()
    readouts = []  # the readout's texts while the mouse sweeps (with --hover)
    sweep = [0]

    def move_the_mouse() -> None:
        """One step of a sweep back and forth across the loss plot, as a hand would move."""
        plot = tab.loss_plot
        width = plot.viewport().width()
        sweep[0] += 7
        x = sweep[0] % (2 * width)
        x = x if x < width else 2 * width - x
        QTest.mouseMove(plot.viewport(), QPoint(max(1, min(width - 2, x)), plot.viewport().height() // 2))
        if plot.readout.text and (not readouts or readouts[-1] != plot.readout.text):
            readouts.append(plot.readout.text)

    mover = QTimer(interval=HOVER_MS)
    mover.timeout.connect(move_the_mouse)
    if hover:
        mover.start()
    pressed = {}

    def press() -> None:
        pressed.update(wall=time.perf_counter(), cpu=time.thread_time())
        tab.start_training()

    # Train is pressed once the tab is on screen, as a person presses it: a press in the same pass of the
    # event loop as show() would share the tab's first painting (its plots' axes) with the worker's start.
    QTimer.singleShot(PRESS_AFTER_MS, press)
    app.exec()
    seconds = time.perf_counter() - pressed["wall"]
    gui_cpu_s = time.thread_time() - pressed["cpu"]  # the window's own processor time: plots, probe, signals
    timer.stop()
    mover.stop()
    tab.shutdown()
    if not outcomes:
        raise SystemExit(f"the tab's run failed: {tab.status_label.text()}")
    outcome = outcomes[-1]
    lateness = np.maximum(np.asarray(gaps or [0.0]), 0.0)
    startup = np.maximum(np.asarray(startup_gaps or [0.0]), 0.0)
    return {
        "seconds": seconds,
        "gui_cpu_s": gui_cpu_s,
        "test_accuracy": outcome.test_accuracy,
        "samples_per_s": outcome.samples_per_s,
        "epochs": outcome.epochs,
        "ticks": len(gaps),
        "late_p50_ms": float(np.percentile(lateness, 50)),
        "late_p99_ms": float(np.percentile(lateness, 99)),
        "late_max_ms": float(lateness.max()),
        "loss_points": tab.loss_plot.point_count(),
        "startup_ticks": len(startup_gaps),
        "startup_late_p99_ms": float(np.percentile(startup, 99)),
        "startup_late_max_ms": float(startup.max()),
        "readouts_shown": len(readouts),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=10_000, help="training images (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--device", default="cpu", help="cpu, cuda:0, mps (default: cpu)")
    parser.add_argument("--threads", type=int, help="torch intra-op threads for both runs (default: torch's)")
    parser.add_argument("--data-dir", help="folder holding MNIST/raw (default: $DIGITDRAW_DATA, else the user cache)")
    parser.add_argument("--no-probe", action="store_true", help="no 5 ms timer: throughput of the tab alone")
    parser.add_argument("--no-plots", action="store_true", help="leave the loss curve and the filters still while training")
    parser.add_argument("--switch-interval", type=float, help="the GIL switch interval in ms (Python's default: 5)")
    parser.add_argument("--cold", action="store_true", help="press Train before the app's background imports "
                        "(torch._dynamo, Captum, ...) are in, unlike the app, which has them a second after its window is up")
    parser.add_argument("--hover", action="store_true", help="train in the tab twice: the mouse still, then "
                        "sweeping over the loss plot; the figures side by side")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    args = parser.parse_args(argv)

    import torch

    from digitdraw.core.threads import leave_the_cores_to_workers

    if args.threads:
        torch.set_num_threads(args.threads)
    threads = torch.get_num_threads()
    leave_the_cores_to_workers()  # as run_app does: this (the window's) thread keeps one torch thread

    from digitdraw.core.data import resolve_data_dir
    from digitdraw.core.devices import resolve_device

    args.device = resolve_device(args.device)
    with tempfile.TemporaryDirectory(prefix="digitdraw-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        write_subset(resolve_data_dir(args.data_dir), data_dir, args.images)
        print(f"torch {torch.__version__}, {threads} threads, device {args.device}; "
              f"default recipe, {args.epochs} epoch(s) on {args.images:,} images, tested on 10,000", flush=True)
        print("command line…", flush=True)
        cli = command_line(data_dir, args, Path(tmp) / "cli.pt")
        print(f"    {cli['seconds']:.1f} s, {cli['samples_per_s']:,.0f} samples/s", flush=True)
        print("Train tab, with a 5 ms timer on the event loop…", flush=True)
        gui = in_the_tab(data_dir, args)
        print(f"    {gui['seconds']:.1f} s, {gui['samples_per_s']:,.0f} samples/s", flush=True)
        hovered = None
        if args.hover:
            print(f"Train tab again, the mouse moving over the loss plot every {HOVER_MS} ms…", flush=True)
            hovered = in_the_tab(data_dir, args, hover=True)
            print(f"    {hovered['seconds']:.1f} s, {hovered['samples_per_s']:,.0f} samples/s, "
                  f"{hovered['readouts_shown']:,} readouts shown", flush=True)

    ratio = gui["samples_per_s"] / cli["samples_per_s"]
    print()
    print(f"event loop lateness over {gui['ticks']:,} ticks of {TICK_MS} ms while training (from the first batch on):")
    print(f"  p50 {gui['late_p50_ms']:6.1f} ms")
    print(f"  p99 {gui['late_p99_ms']:6.1f} ms   (target <= {LATE_P99_MS} ms: "
          f"{'met' if gui['late_p99_ms'] <= LATE_P99_MS else 'MISSED'})")
    print(f"  max {gui['late_max_ms']:6.1f} ms   (target <= {LATE_MAX_MS} ms: "
          f"{'met' if gui['late_max_ms'] <= LATE_MAX_MS else 'MISSED'})")
    print(f"  before the first batch ({gui['startup_ticks']} ticks: loading MNIST, building the model): "
          f"p99 {gui['startup_late_p99_ms']:.1f} ms, max {gui['startup_late_max_ms']:.1f} ms (no hitch: target max <= "
          f"{LATE_MAX_MS} ms: {'met' if gui['startup_late_max_ms'] <= LATE_MAX_MS else 'MISSED'})")
    print(f"training throughput: tab {gui['samples_per_s']:,.0f} samples/s vs command line {cli['samples_per_s']:,.0f} "
          f"= {ratio:.0%} (target >= {THROUGHPUT_SHARE:.0%}: {'met' if ratio >= THROUGHPUT_SHARE else 'MISSED'})")
    print(f"the window's thread used {gui['gui_cpu_s']:.1f} s of processor time in the tab's {gui['seconds']:.1f} s "
          f"({gui['gui_cpu_s'] / gui['seconds']:.0%} of one core)")
    print(f"test accuracy: tab {gui['test_accuracy']:.2%}, command line {cli['test_accuracy']:.2%}; "
          f"{gui['loss_points']:,} loss points plotted")
    if hovered is not None:
        print()
        print(f"{'':32}{'mouse still':>14}{'mouse over the loss plot':>28}")
        for label, key, unit in (("lateness p50", "late_p50_ms", "ms"), ("lateness p99", "late_p99_ms", "ms"),
                                 ("lateness max", "late_max_ms", "ms"), ("samples/s", "samples_per_s", ""),
                                 ("window thread CPU", "gui_cpu_s", "s")):
            still, moving = gui[key], hovered[key]
            print(f"{label:32}{still:>12,.1f} {unit:<2}{moving:>26,.1f} {unit}")
        print(f"{'share of the command line':32}{ratio:>14.0%}{hovered['samples_per_s'] / cli['samples_per_s']:>28.0%}")
    if args.json:
        figures = {"cli": cli, "tab": gui, "ratio": ratio}
        if hovered is not None:
            figures["tab_hover"] = hovered
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
