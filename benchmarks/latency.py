"""Strokes to probabilities on the CPU: median and 99th percentile, default model and ``classic``.

Run: python benchmarks/latency.py [--count N] [--classic PATH]
One image is too little work to share between threads, so the classifier runs small CPU batches
on one thread (see ``digitdraw.core.inference``); this measures exactly what the Draw tab does.
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


if __name__ == "__main__":
    main()
