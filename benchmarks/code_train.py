"""The Train tab's PyTorch script against digitdraw's own training: the same run, compared.

    python benchmarks/code_train.py                  # the default recipe, one epoch, augmentation on
    python benchmarks/code_train.py --epochs 2 --seed 1 --train-images 20000

Runs ``train()`` here and the script ``digitdraw code train`` writes for the same settings in a
subprocess where digitdraw cannot be imported, both on the CPU with the same number of threads,
and prints each one's test accuracy, the difference in points and the largest difference between
their per-step losses. From the second epoch on the script leaves out digitdraw's real-world
digit styles (core/styles.py), so only the first epoch is expected to match step for step.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402

from digitdraw.core.codegen import train_script  # noqa: E402
from digitdraw.core.data import load_mnist, resolve_data_dir  # noqa: E402
from digitdraw.core.training import DEFAULT_RECIPE, train  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-images", type=int)
    parser.add_argument("--no-augment", dest="augment", action="store_false")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()

    config = replace(DEFAULT_RECIPE, epochs=args.epochs, seed=args.seed, augment=args.augment,
                     train_images=args.train_images)
    train_data, test_data = load_mnist(None)
    torch.set_num_threads(args.threads)
    losses: list[float] = []
    started = time.perf_counter()
    result = train(config, train_data, test_data, on_batch=lambda report: losses.append(report.loss))
    digitdraw_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "train.py"
        script.write_text(train_script(config, str(resolve_data_dir(None)), str(Path(folder) / "model.pt")),
                          encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        env["OMP_NUM_THREADS"] = str(args.threads)
        runner = ("import runpy, sys; sys.modules['digitdraw'] = None; sys.argv = sys.argv[1:]; "
                  "runpy.run_path(sys.argv[0], run_name='__main__')")
        started = time.perf_counter()
        output = subprocess.run([sys.executable, "-c", runner, str(script), "--log-interval", "1"], capture_output=True,
                                text=True, env=env, check=True).stdout
        script_seconds = time.perf_counter() - started
    script_losses = [float(value) for value in re.findall(r"Loss: (\S+)", output)]
    summary = json.loads(output.splitlines()[-1])
    ours = round(result.test_accuracy, 4)
    first_epoch = len(losses) // config.epochs
    print(json.dumps({
        "epochs": config.epochs, "seed": config.seed, "augment": config.augment, "threads": args.threads,
        "train_images": len(config.training_split(train_data)),
        "digitdraw_test_accuracy": ours, "script_test_accuracy": summary["test_accuracy"],
        "difference_points": round(100 * (summary["test_accuracy"] - ours), 2),
        "steps": len(losses), "script_steps": len(script_losses),
        "max_loss_difference_first_epoch": max(abs(a - b) for a, b in zip(losses[:first_epoch], script_losses)),
        "max_loss_difference": max(abs(a - b) for a, b in zip(losses, script_losses)),
        "digitdraw_seconds": round(digitdraw_seconds, 1), "script_seconds": round(script_seconds, 1),
    }))


if __name__ == "__main__":
    main()
