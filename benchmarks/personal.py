"""Learning a hand: simulated writers, two drawings of each digit (20) to learn from, the rest held out.

A pool of writers of ``tests/writers.py`` (a style of their own, and every drawing varied as a
person's are) draws every digit ``--per-digit`` times on the app's canvas (offscreen); the pictures
are read as ``digitdraw classify`` reads files. The first two drawings of each digit go to
learning; the other drawings are held out. The writers are those of ``--seed``; the settings
shipped in ``FineTuneSettings`` and ``core.prototypes`` were picked on the writers of another seed
(``--seed 3``), not on these (``--seed 4``, the default).

For the ``--hardest`` writers the shipped model reads worst, each piece of the method is measured
on the held-out drawings: the shipped model; the shipped model with the vote of the 20 drawings
(no training); the fine-tuned network alone (the method as it was before the vote); the
fine-tuned network with the vote (the method). Then ``digitdraw learn --samples`` is run as a command on the
pictures, as a person would, and its model is read with the vote as ``digitdraw classify --model``
reads it: held-out error, MNIST test accuracy (all 10,000, with the vote) and the CPU seconds the
command used (user + system, all its threads). ``--all`` also prints, for every writer of the
pool, the shipped model with and without the vote (cheap: no training).

Run: QT_QPA_PLATFORM=offscreen python benchmarks/personal.py [--seed 4] [--writers 24] [--hardest 3]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from writers import canvas_images, save_as_pictures, writer_drawings, writer_pool  # noqa: E402

from digitdraw.core.checkpoints import load_checkpoint  # noqa: E402
from digitdraw.core.data import MnistSplit, load_mnist  # noqa: E402
from digitdraw.core.inference import Classifier, default_model_path  # noqa: E402
from digitdraw.core.personal import FineTuneSettings, fine_tune  # noqa: E402

LEARN_PER_DIGIT = 2


def wrong(classifier: Classifier, split: MnistSplit) -> int:
    predictions = classifier.predict_batch(split.images.float() / 255)
    return int((torch.tensor([p.digit for p in predictions]) != split.labels).sum())


def with_vote(classifier: Classifier, learn: MnistSplit) -> Classifier:
    """The shipped model with the drawings' vote as the Draw tab gives it before learning."""
    classifier.prototypes = classifier.prototypes_of(learn.images.float() / 255, learn.labels)
    return classifier


def learn_command(samples: Path, out: Path, data_dir: str | None) -> tuple[dict, float]:
    """Run ``digitdraw learn``; its JSON summary and the CPU seconds it used."""
    command = [sys.executable, "-m", "digitdraw", "learn", "--samples", str(samples), "--model", str(default_model_path()),
               "--out", str(out)] + (["--data-dir", data_dir] if data_dir else [])
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    finished = subprocess.run(command, capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return json.loads(finished.stdout.strip().splitlines()[-1]), (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=4, help="the pool of writers (default: 4; settings were picked on 3)")
    parser.add_argument("--writers", type=int, default=24, help="writers in the pool (default: 24)")
    parser.add_argument("--per-digit", type=int, default=12, help="drawings of each digit per writer (default: 12)")
    parser.add_argument("--hardest", type=int, default=3, help="learn for this many of the writers read worst (default: 3)")
    parser.add_argument("--all", action="store_true", help="also print the vote alone for every writer")
    parser.add_argument("--no-command", action="store_true", help="skip running digitdraw learn as a command")
    parser.add_argument("--data-dir", help="folder holding MNIST/raw")
    args = parser.parse_args()
    torch.set_num_threads(1)

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # the canvas draws the pictures
    settings = FineTuneSettings()
    mnist_train, mnist_test = load_mnist(args.data_dir)
    checkpoint = load_checkpoint(default_model_path())
    shipped = Classifier(checkpoint)
    split = LEARN_PER_DIGIT * 10  # digits cycle 0..9, so the first 20 are two of each
    writers = []
    for writer in writer_pool(args.writers, args.seed):
        drawings = writer_drawings(writer, args.per_digit, seed=zlib.crc32(writer.name.encode()))
        images, labels = canvas_images(drawings), torch.tensor([d.digit for d in drawings])
        learn, held = MnistSplit(images[:split], labels[:split]), MnistSplit(images[split:], labels[split:])
        shipped.prototypes = None
        before = wrong(shipped, held)
        voted = wrong(with_vote(shipped, learn), held)
        writers.append((writer, drawings, learn, held, before, voted))
        if args.all:
            print(f"{writer.name:14s} shipped {before:3d} wrong of {len(held)}, with the vote of 20 drawings {voted:3d}",
                  flush=True)
    shipped.prototypes = None
    total = sum(len(w[3]) for w in writers)
    print(f"pool {args.seed}: {len(writers)} writers, {total} held-out drawings: shipped {sum(w[4] for w in writers)} wrong "
          f"({sum(w[4] for w in writers) / total:.1%}), with the vote {sum(w[5] for w in writers)} wrong", flush=True)

    rows = []
    hardest = sorted(writers, key=lambda w: -w[4])[: args.hardest]
    with tempfile.TemporaryDirectory() as tmp:
        for writer, drawings, learn, held, before, voted in hardest:
            row = {"writer": writer.name, "held_out": len(held), "shipped": before, "shipped_vote": voted}
            started = time.process_time()
            result = fine_tune(checkpoint, learn, mnist_train, mnist_test, settings)
            row["tune_cpu_s"] = round(time.process_time() - started, 1)
            tuned = Classifier(result.checkpoint)
            row["tune_vote"] = wrong(tuned, held)
            row["tune_vote_mnist"] = 1 - wrong(tuned, mnist_test) / len(mnist_test)
            tuned.prototypes = None
            row["tune"] = wrong(tuned, held)
            row["tune_mnist"] = result.training.test_accuracy  # the network alone
            if not args.no_command:
                folder, model = Path(tmp, writer.name), Path(tmp, writer.name + ".pt")
                save_as_pictures(drawings[:split], folder)
                summary, cpu = learn_command(folder, model, args.data_dir)
                personal = Classifier.load(model)  # as digitdraw classify --model reads it: with the vote
                row.update(command=wrong(personal, held), command_mnist=1 - wrong(personal, mnist_test) / len(mnist_test),
                           command_cpu_s=round(cpu, 1), command_wall_s=summary["seconds"])
            rows.append(row)
            print(json.dumps(row), flush=True)
    del app
    print("\nwrong on held-out drawings (MNIST after, CPU seconds)")
    print("| writer | held out | shipped | shipped + vote | fine-tuned network | fine-tuned + vote (the method) | "
          "digitdraw learn + classify --model |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for row in rows + [_totals(rows)]:
        command = (f"{row['command']} ({row['command_mnist']:.2%}, {row['command_cpu_s']} s)" if "command" in row else "")
        print(f"| {row['writer']} | {row['held_out']} | {row['shipped']} | {row['shipped_vote']} | "
              f"{row['tune']} ({row['tune_mnist']:.2%}) | {row['tune_vote']} ({row['tune_vote_mnist']:.2%}, "
              f"{row['tune_cpu_s']} s) | {command} |")


def _totals(rows: list[dict]) -> dict:
    total = {"writer": "all", **{k: sum(r[k] for r in rows) for k in rows[0] if isinstance(rows[0][k], int)}}
    for key in rows[0]:
        if key.endswith("mnist"):
            total[key] = min(r[key] for r in rows)  # the worst
        elif key.endswith("_s"):
            total[key] = max(r[key] for r in rows)
    return total


if __name__ == "__main__":
    main()
