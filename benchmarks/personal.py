"""Learning a hand: simulated writers, 20 drawings each to learn from, the rest held out.

Each writer of ``tests/writers.py`` draws every digit ``--per-digit`` times on the app's canvas
(offscreen); the pictures the canvas shows are saved as PNG files in ``ImageFolder`` layout. The
first two drawings of each digit (20 in all) go to ``digitdraw learn`` (run as a command, from
the shipped model); the rest are held out. Printed per writer: the error on the held-out drawings
before and after, MNIST test accuracy before and after (from ``learn``'s JSON line), and the CPU
seconds ``learn`` used (user + system, all its threads).
Run: QT_QPA_PLATFORM=offscreen python benchmarks/personal.py [--per-digit N] [--steps N] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from writers import WRITERS, save_as_pictures, writer_drawings  # noqa: E402

from digitdraw.core.inference import Classifier, default_model_path  # noqa: E402
from digitdraw.core.personal import load_samples  # noqa: E402

LEARN_PER_DIGIT = 2


def held_out_error(model: Path, folder: Path) -> float:
    samples = load_samples(folder).images
    predictions = Classifier.load(model).predict_batch(samples.images.float() / 255)
    digits = torch.tensor([p.digit for p in predictions])
    return float((digits != samples.labels).float().mean())


def learn(samples: Path, out: Path, steps: int | None, data_dir: str | None) -> tuple[dict, float]:
    """Run ``digitdraw learn``; its JSON summary and the CPU seconds it used."""
    command = [sys.executable, "-m", "digitdraw", "learn", "--samples", str(samples), "--model", str(default_model_path()),
               "--out", str(out)]
    command += ["--steps", str(steps)] if steps else []
    command += ["--data-dir", data_dir] if data_dir else []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return json.loads(finished.stdout.strip().splitlines()[-1]), cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-digit", type=int, default=12, help="drawings of each digit per writer (default: 12)")
    parser.add_argument("--steps", type=int, help="passed to digitdraw learn")
    parser.add_argument("--data-dir", help="passed to digitdraw learn")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # the canvas draws the pictures
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for writer in WRITERS:
            drawings = writer_drawings(writer, args.per_digit, seed=args.seed)
            split = LEARN_PER_DIGIT * 10  # digits cycle 0..9, so this is two of each
            learn_folder, held_folder = Path(tmp, writer.name, "learn"), Path(tmp, writer.name, "held")
            save_as_pictures(drawings[:split], learn_folder)
            save_as_pictures(drawings[split:], held_folder)
            tuned = Path(tmp, writer.name, "tuned.pt")
            summary, cpu = learn(learn_folder, tuned, args.steps, args.data_dir)
            row = {
                "writer": writer.name,
                "held_out": len(drawings) - split,
                "error_before": held_out_error(default_model_path(), held_folder),
                "error_after": held_out_error(tuned, held_folder),
                "mnist_before": summary["mnist_accuracy_before"],
                "mnist_after": summary["mnist_accuracy_after"],
                "cpu_s": round(cpu, 1),
                "wall_s": summary["seconds"],
            }
            rows.append(row)
            print(f"{row['writer']:12s} held-out error {row['error_before']:6.1%} -> {row['error_after']:6.1%} "
                  f"({row['held_out']} drawings) | MNIST {row['mnist_before']:.2%} -> {row['mnist_after']:.2%} | "
                  f"learn: {row['cpu_s']:.1f} s CPU, {row['wall_s']:.1f} s wall", flush=True)
    del app
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
