"""Strokes to probabilities on the CPU: median and 99th percentile, default model and ``classic``.

Run: python benchmarks/latency.py [--count N] [--classic PATH] [--tab-count N]
One image is too little work to share between threads, so the classifier runs small CPU batches
on one thread (see ``digitdraw.core.inference``); this measures exactly what the Draw tab does.

Then the Draw tab itself, offscreen, drawings replayed point by point at mouse pace with the
inside view off and on: strokes to display for each prediction made while drawing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from digit_strokes import drawings  # noqa: E402

from digitdraw.core.checkpoints import Checkpoint  # noqa: E402
from digitdraw.core.inference import Classifier  # noqa: E402
from digitdraw.core.models import build_model  # noqa: E402
from digitdraw.core.preprocess import strokes_to_image  # noqa: E402

AREA = 480.0


def measure(classifier: Classifier, strokes_list, warmup: int = 30) -> np.ndarray:
    """Milliseconds from strokes to probabilities, one drawing at a time."""
    for strokes in strokes_list[:warmup]:
        classifier.predict(strokes_to_image(strokes, AREA))
    times = []
    for strokes in strokes_list:
        start = time.perf_counter()
        classifier.predict(strokes_to_image(strokes, AREA))
        times.append(time.perf_counter() - start)
    return np.array(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--classic", help="a trained classic checkpoint (default: a freshly built classic network)")
    parser.add_argument("--tab-count", type=int, default=20, help="drawings for the Draw tab's off/on figures (0: skip)")
    args = parser.parse_args()
    strokes_list = [d.strokes for d in drawings(args.count, seed=7, area=AREA)]
    points = np.mean([sum(len(s) for s in strokes) for strokes in strokes_list])
    print(f"{args.count} scripted drawings, {points:.0f} points each on average; torch {torch.__version__}, CPU")
    default = Classifier.load()
    if args.classic:
        classic, classic_note = Classifier.load(args.classic), args.classic
    else:
        classic = Classifier(Checkpoint.from_model("classic", build_model("classic")))
        classic_note = "freshly built, untrained (no classic checkpoint given; timing does not depend on weights)"
    for name, classifier, note in (("default", default, f"{default.arch}, shipped"), ("classic", classic, classic_note)):
        ms = measure(classifier, strokes_list)
        print(f"{name:8s} median {np.median(ms):5.2f} ms  p99 {np.percentile(ms, 99):5.2f} ms  ({note})")
    if args.tab_count:
        measure_draw_tab(strokes_list[: args.tab_count])


def measure_draw_tab(strokes_list, pace_s: float = 0.01) -> None:
    """Strokes to display in the Draw tab, inside view off and on, side by side in one run.

    The drawings are replayed point by point at ``pace_s`` (a 100 Hz mouse). For each point that
    makes the tab predict, the time from the point being due to the prediction painted counts:
    the prediction itself, painting what it changed, and any GUI work (inside view results among it)
    that kept the point waiting. Between drawings the pen rests until the inside view has explained
    the last one, as a person looks at the answer before drawing the next digit.
    """
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QPointF, QSettings
    from PySide6.QtWidgets import QApplication

    from digitdraw.ui.app import configure_application
    from digitdraw.ui.draw.tab import DrawTab

    app = QApplication.instance() or QApplication([])
    configure_application(app)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # the benchmark's own settings, not the user's
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    tab = DrawTab()
    tab.resize(1100, 800)
    tab.show()
    canvas = tab.canvas

    def until(due: float) -> None:
        while time.perf_counter() < due:
            app.processEvents()
            time.sleep(0.001)

    scale = canvas.area_size() / AREA
    predictions = []
    predict = tab.predict_now

    def counted_predict() -> None:
        predict()
        predictions.append(True)

    tab.predict_now = counted_predict
    until(time.perf_counter() + 5)  # the inside view imports Captum once at start-up, in its worker thread
    tab._timer.timeout.disconnect()
    tab._timer.timeout.connect(counted_predict)

    inside_work: list[float] = []  # seconds of GUI-thread work the inside view did while the pen moved
    for name in ("show_input", "_show"):
        setattr(tab.inside, name, _timed(getattr(tab.inside, name), inside_work, canvas.is_drawing))
    results: dict[bool, list[float]] = {}
    for inside in (False, True, False, True):  # interleaved, so a busy machine weighs on both alike
        tab.inside_toggle.setChecked(inside)
        times = results.setdefault(inside, [])
        for strokes in strokes_list:
            canvas.clear()
            due = time.perf_counter() + 0.1
            for stroke in strokes:
                for index, (x, y) in enumerate(stroke):
                    until(due)
                    before = len(predictions)
                    point = QPointF(x, y) * scale
                    canvas.begin_stroke(point) if index == 0 else canvas.extend_stroke(point)
                    if len(predictions) > before:
                        app.processEvents()  # paints what the prediction changed
                        times.append(time.perf_counter() - due)
                    due += pace_s
                canvas.end_stroke()
            until(due + 0.3)  # the pen rests: the settled prediction and the attribution come now
            while tab.inside._busy:  # the person looks at the explanation before drawing the next digit
                until(time.perf_counter() + 0.05)
    tab.shutdown()
    off, on = (np.array(results[key]) * 1000 for key in (False, True))
    print(f"Draw tab, strokes to display while drawing ({len(strokes_list)} drawings x2 each), inside view off and on:")
    print(f"  off median {np.median(off):6.2f} ms  p99 {np.percentile(off, 99):6.2f} ms  ({len(off)} predictions)")
    print(f"  on  median {np.median(on):6.2f} ms  p99 {np.percentile(on, 99):6.2f} ms  ({len(on)} predictions, "
          f"{tab.inside.method()}; +{np.median(on) - np.median(off):.2f} ms)")
    print(f"  inside view's own GUI-thread work while drawing: {1000 * sum(inside_work) / len(on):.2f} ms per prediction "
          f"on average, {1000 * max(inside_work):.1f} ms at most at once")


def _timed(method, seconds: list[float], drawing):
    """``method``, adding the time of each call made while ``drawing()`` to ``seconds``."""

    def timed(*args):
        start = time.perf_counter()
        result = method(*args)
        if drawing():
            seconds.append(time.perf_counter() - start)
        return result

    return timed


if __name__ == "__main__":
    main()
