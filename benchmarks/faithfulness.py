"""Is the attribution faithful? Deletion (pixel flipping) on MNIST test digits, for every method.

Run: DIGITDRAW_DATA=... python benchmarks/faithfulness.py [--count 1000] [--methods a,b] [--model PATH]

Each test digit is written as a PNG and explained by ``digitdraw explain --json``, the command a
user runs, so the figures measure that code path: its ``input`` (the 28x28 ink image the network
received) and its ``attribution`` for the digit it reads. Then the 2% (and 5%) of pixels with the
highest attribution are set to 0, and, separately, as many random ink pixels (ink > 0.2). The
table gives the mean drop of the read digit's probability for both and their ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from digitdraw import cli
from digitdraw.core.attribution import DEFAULT_METHOD, METHODS
from digitdraw.core.data import load_mnist
from digitdraw.core.inference import Classifier

FRACTIONS = (0.02, 0.05)
INK = 0.2


def explain_json(paths: list[str], method: str, model: str | None) -> list[dict]:
    """The objects ``digitdraw explain --json`` prints for ``paths``."""
    argv = ["explain", "--json", "--method", method, *(["--model", model] if model else []), *paths]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        cli.main(argv)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def deletion_drops(classifier: Classifier, explained: list[dict], fraction: float, seed: int = 0) -> tuple[float, float]:
    """Mean drop of the read digit's probability: top-attributed pixels blanked vs random ink pixels blanked."""
    rng = np.random.default_rng(seed)
    inputs = torch.tensor([e["input"] for e in explained])
    attributions = torch.tensor([e["attribution"] for e in explained])
    digits = torch.tensor([e["digit"] for e in explained])
    count = round(fraction * 28 * 28)
    guided, random = inputs.clone().reshape(len(inputs), -1), inputs.clone().reshape(len(inputs), -1)
    for row in range(len(inputs)):
        guided[row, attributions[row].reshape(-1).argsort(descending=True)[:count]] = 0
        ink = np.flatnonzero(inputs[row].reshape(-1).numpy() > INK)
        random[row, rng.choice(ink, size=min(count, len(ink)), replace=False)] = 0
    before = _probabilities(classifier, inputs, digits)
    return (
        float((before - _probabilities(classifier, guided.reshape(inputs.shape), digits)).mean()),
        float((before - _probabilities(classifier, random.reshape(inputs.shape), digits)).mean()),
    )


def _probabilities(classifier: Classifier, images: torch.Tensor, digits: torch.Tensor) -> torch.Tensor:
    rows = [p.probabilities for p in classifier.predict_batch(images)]
    return torch.tensor(rows)[torch.arange(len(digits)), digits]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--methods", default=",".join(METHODS), help="comma-separated (default: all)")
    parser.add_argument("--model", help="checkpoint (default: the shipped model)")
    args = parser.parse_args()
    torch.set_num_threads(1)  # one image at a time, as the command runs; threads only wait on a shared machine
    _, test = load_mnist(None)
    classifier = Classifier.load(args.model)
    print(f"{args.count} MNIST test digits, model {classifier.source} ({classifier.arch}); via `digitdraw explain --json`")
    print(f"{'method':22s} {'2% guided':>10s} {'random':>8s} {'ratio':>6s} {'5% guided':>10s} {'random':>8s} {'ratio':>6s} {'s/img':>6s}")
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for index in range(args.count):
            paths.append(str(Path(folder) / f"{index:05d}.png"))
            Image.fromarray(test.images[index].numpy()).save(paths[-1])
        for method in args.methods.split(","):
            start = time.perf_counter()
            explained = explain_json(paths, method, args.model)
            seconds = (time.perf_counter() - start) / len(paths)
            cells = []
            for fraction in FRACTIONS:
                guided, random = deletion_drops(classifier, explained, fraction)
                cells.append(f"{guided:10.3f} {random:8.3f} {guided / max(random, 1e-9):6.1f}")
            marker = "  (default)" if method == DEFAULT_METHOD else ""
            print(f"{method:22s} {' '.join(cells)} {seconds:6.3f}{marker}", flush=True)


if __name__ == "__main__":
    main()
