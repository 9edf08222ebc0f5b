"""How fast digitdraw trains, against PyTorch's MNIST example, side by side in one run.

1. The reference: PyTorch's examples/mnist/main.py as it is — the classic network, torchvision's
   ``datasets.MNIST`` with ``ToTensor`` + ``Normalize`` per sample through a ``DataLoader``
   (batch 64, shuffled), Adadelta lr 1.0, StepLR gamma 0.7 — for one epoch, then its test.
2. digitdraw's default recipe through ``core.training.train`` with ``target_accuracy=0.99``,
   timed from before the data is loaded.
3. The classic network through digitdraw's loop at the same batch size and recipe: samples/s
   against the reference's.

Before those, both ways as a user meets them, whole process against whole process: a fresh Python
running the reference's epoch and test, and ``digitdraw train --target-accuracy 0.99``, each timed
from before it is spawned to its exit (imports and saving the model included; the reference's
``torch.optim.Adadelta`` imports ``torch._dynamo``, digitdraw's own AdamW does not).

    python benchmarks/train_speed.py [--quick] [--device cuda:0] [--data-dir DIR] [--seed 0] [--skip-process]

``--quick`` trains on a few thousand images only, to try the script out; its numbers mean little.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import torch
import torch._dynamo  # noqa: F401  imported by the reference's first optimizer (seconds): here, outside the in-process timings
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitdraw.core.data import load_mnist, resolve_data_dir, write_mnist  # noqa: E402
from digitdraw.core.devices import resolve_device, synchronize  # noqa: E402
from digitdraw.core.models import build_model  # noqa: E402
from digitdraw.core.training import DEFAULT_RECIPE, PYTORCH_EXAMPLE_RECIPE, train  # noqa: E402

TARGET = 0.99
SPEED_UP_TARGET = 8.0


def reference_epoch(data_dir: Path, device: str, limit: int | None, test_limit: int | None) -> dict:
    """PyTorch's examples/mnist/main.py for one epoch: train() then test(), timed."""
    from torch.optim.lr_scheduler import StepLR
    from torch.utils.data import DataLoader, Subset
    from torchvision import datasets, transforms

    torch.manual_seed(1)
    started = time.perf_counter()
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset1 = datasets.MNIST(str(data_dir), train=True, download=False, transform=transform)
    dataset2 = datasets.MNIST(str(data_dir), train=False, transform=transform)
    if limit:
        dataset1 = Subset(dataset1, range(limit))
    if test_limit:
        dataset2 = Subset(dataset2, range(test_limit))
    train_loader = DataLoader(dataset1, batch_size=64, shuffle=True)
    test_loader = DataLoader(dataset2, batch_size=1000)
    model = build_model("classic").to(device)  # examples/mnist's Net, layer for layer
    optimizer = torch.optim.Adadelta(model.parameters(), lr=1.0)
    scheduler = StepLR(optimizer, step_size=1, gamma=0.7)

    model.train()
    samples = 0
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        samples += len(data)
        if batch_idx % 10 == 0:  # the example logs every 10 batches
            loss.item()
    scheduler.step()
    synchronize(device)
    train_s = time.perf_counter() - started

    test_started = time.perf_counter()
    model.eval()
    test_loss, correct = 0.0, 0
    with torch.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()
            correct += output.argmax(dim=1, keepdim=True).eq(target.view_as(output.argmax(1, keepdim=True))).sum().item()
    test_s = time.perf_counter() - test_started
    return {
        "seconds": train_s,
        "test_seconds": test_s,
        "test_accuracy": correct / len(test_loader.dataset),
        "samples_per_s": samples / train_s,
        "epochs": samples / len(train_loader.dataset),
    }


def ours(config, data_dir: Path, limit: int | None, test_limit: int | None) -> dict:
    """A run through digitdraw's loop, timed from before the data is loaded."""
    started = time.perf_counter()
    train_data, test_data = load_mnist(data_dir, download=False)
    if limit:
        train_data = train_data.subset(limit)
    if test_limit:
        test_data = test_data.subset(test_limit)
    result = train(config, train_data, test_data)
    synchronize(config.device)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "test_accuracy": result.test_accuracy,
        "samples_per_s": result.samples_per_s,  # training steps only
        "wall_samples_per_s": result.epochs * len(train_data) / seconds,
        "epochs": result.epochs,
        "status": result.status,
    }


def step_breakdown(data_dir: Path, device: str, steps: int = 60) -> dict:
    """Where a step of the default recipe's time goes, phase by phase, and the cost of one test."""
    from digitdraw.core.augment import Augmentation
    from digitdraw.core.normalisation import MNIST_MEAN, MNIST_STD, ink_of, normalise
    from digitdraw.core.training import _make_optimizer, evaluate

    train_data, test_data = load_mnist(data_dir, download=False)
    config = replace(DEFAULT_RECIPE, device=device)
    model = build_model(config.arch).to(device, memory_format=torch.channels_last).train()
    optimizer = _make_optimizer(config, model)
    augmentation, generator = Augmentation(), torch.Generator(device=device).manual_seed(0)
    images, labels = train_data.images.to(device), train_data.labels.to(device)
    order = torch.randperm(len(labels), device=device, generator=generator)
    phases = dict.fromkeys(("batch", "augmentation", "normalise", "forward+loss", "backward", "optimizer"), 0.0)
    for index in range(steps + 5):
        marks = [time.perf_counter()]
        batch = order[index * config.batch_size : (index + 1) * config.batch_size]
        x, y = ink_of(images[batch]), labels[batch]
        marks.append(time.perf_counter())
        x = augmentation(x, generator)
        marks.append(time.perf_counter())
        x = normalise(x, MNIST_MEAN, MNIST_STD).contiguous(memory_format=torch.channels_last)
        marks.append(time.perf_counter())
        loss = F.nll_loss(model(x), y)
        loss.item()
        marks.append(time.perf_counter())
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        synchronize(device)
        marks.append(time.perf_counter())
        optimizer.step()
        synchronize(device)
        marks.append(time.perf_counter())
        if index >= 5:  # the first steps warm up
            for name, begin, end in zip(phases, marks, marks[1:]):
                phases[name] += end - begin
    started = time.perf_counter()
    evaluate(model, test_data, device)
    test_s = time.perf_counter() - started
    step_s = sum(phases.values()) / steps
    return {"step_ms": 1000 * step_s, "share": {name: seconds / steps / step_s for name, seconds in phases.items()},
            "test_s": test_s, "test_in_steps": test_s / step_s, "steps_per_epoch": len(labels) / config.batch_size}


def whole_processes(data_dir: Path, device: str, seed: int, quick: bool) -> tuple[float, dict, float]:
    """Seconds of a fresh process running the reference's epoch, and of ``digitdraw train`` to 99%."""
    with tempfile.TemporaryDirectory(prefix="digitdraw-speed-") as tmp:
        if quick:
            train_data, test_data = load_mnist(data_dir, download=False)
            data_dir = Path(tmp) / "data"
            write_mnist(data_dir, train_data.subset(6_000), test_data.subset(2_000))
        started = time.perf_counter()
        subprocess.run([sys.executable, __file__, "--reference-process", "--data-dir", str(data_dir), "--device", device],
                       check=True, cwd=ROOT)
        reference_s = time.perf_counter() - started
        command = [sys.executable, "-m", "digitdraw", "train", "--target-accuracy", str(TARGET), "--device", device,
                   "--seed", str(seed), "--data-dir", str(data_dir), "--out", str(Path(tmp) / "model.pt")]
        started = time.perf_counter()
        completed = subprocess.run(command, check=True, cwd=ROOT, capture_output=True, text=True)
        ours_s = time.perf_counter() - started
    return reference_s, json.loads(completed.stdout.strip().splitlines()[-1]), ours_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few thousand images only, to try the script out")
    parser.add_argument("--device", default="cpu", help="cpu, cuda:0, mps (default: cpu)")
    parser.add_argument("--data-dir", help="folder holding MNIST/raw (default: $DIGITDRAW_DATA, else the user cache)")
    parser.add_argument("--skip-classic", action="store_true", help="leave out the classic network through our loop")
    parser.add_argument("--threads", type=int, help="torch intra-op threads (default: torch's choice)")
    parser.add_argument("--json", help="also write the figures to this JSON file")
    parser.add_argument("--seed", type=int, default=0, help="seed of digitdraw's runs (default: %(default)s)")
    parser.add_argument("--skip-process", action="store_true", help="leave out the whole-process comparison")
    parser.add_argument("--breakdown", action="store_true", help="only where a training step's time goes, then exit")
    parser.add_argument("--reference-process", action="store_true", help=argparse.SUPPRESS)  # the spawned reference
    args = parser.parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)

    device = resolve_device(args.device)
    data_dir = resolve_data_dir(args.data_dir)
    if args.reference_process:
        reference_epoch(data_dir, device, None, None)
        return 0
    if args.breakdown:
        breakdown = step_breakdown(data_dir, device)
        print(f"default recipe, one step of {DEFAULT_RECIPE.batch_size} images: {breakdown['step_ms']:.1f} ms")
        for name, share in breakdown["share"].items():
            print(f"    {name:<14} {share:6.1%}")
        print(f"one test of {len(load_mnist(data_dir, download=False)[1]):,} images: {breakdown['test_s']:.2f} s, "
              f"the time of {breakdown['test_in_steps']:.0f} steps ({breakdown['steps_per_epoch']:.0f} steps an epoch)")
        return 0
    process = None
    if not args.skip_process:
        print("whole processes: the reference's epoch and test, then digitdraw train to 99%…", flush=True)
        reference_s, ours_summary, ours_s = whole_processes(data_dir, device, args.seed, args.quick)
        process = {"reference_s": reference_s, "ours_s": ours_s, "ours": ours_summary}
        print(f"    reference {reference_s:.1f} s; digitdraw train {ours_s:.1f} s, "
              f"{ours_summary['test_accuracy']:.2%} after {ours_summary['epochs']:.2f} epochs", flush=True)
    limit, test_limit = (6_000, 2_000) if args.quick else (None, None)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {device}, data {data_dir}"
          + ("  [--quick: 6,000 training and 2,000 test images]" if args.quick else ""), flush=True)

    print("1/3 reference: PyTorch's MNIST example, one epoch…", flush=True)
    reference = reference_epoch(data_dir, device, limit, test_limit)
    print(f"    {reference['seconds']:.1f} s, {reference['test_accuracy']:.2%}", flush=True)

    default = replace(DEFAULT_RECIPE, device=device, target_accuracy=TARGET, seed=args.seed)
    print(f"2/3 digitdraw default recipe to {TARGET:.0%}: {default}", flush=True)
    ours_default = ours(default, data_dir, limit, test_limit)
    print(f"    {ours_default['seconds']:.1f} s, {ours_default['test_accuracy']:.2%} ({ours_default['status']})", flush=True)

    ours_classic = None
    if not args.skip_classic:
        print("3/3 classic network, PyTorch's recipe, one epoch through digitdraw's loop…", flush=True)
        classic = replace(PYTORCH_EXAMPLE_RECIPE, epochs=1, device=device)
        ours_classic = ours(classic, data_dir, limit, test_limit)
        print(f"    {ours_classic['seconds']:.1f} s, {ours_classic['test_accuracy']:.2%}", flush=True)

    rows = [
        ("reference: PyTorch example, 1 epoch", reference),
        (f"digitdraw default, to {TARGET:.1%}", ours_default),
    ]
    if ours_classic:
        rows.append(("classic, PyTorch recipe, our loop, 1 epoch", ours_classic))
    print()
    print(f"{'run':<44} {'seconds':>8} {'epochs':>7} {'test acc':>9} {'samples/s':>10}")
    print("-" * 82)
    for name, row in rows:
        print(f"{name:<44} {row['seconds']:>8.1f} {row['epochs']:>7.2f} {row['test_accuracy']:>9.2%} {row['samples_per_s']:>10,.0f}")
    print(f"(reference's test pass: {reference['test_seconds']:.1f} s more; seconds include data loading;"
          f" samples/s counts training steps)")
    print()
    speed_up = reference["seconds"] / ours_default["seconds"]
    reached = ours_default["test_accuracy"] is not None and ours_default["test_accuracy"] >= TARGET
    verdict = "meets" if reached and speed_up >= SPEED_UP_TARGET else "MISSES"
    print(f"default to {TARGET:.0%}: {speed_up:.1f}x faster than the reference's one epoch "
          f"({verdict} the target of {SPEED_UP_TARGET:.0f}x{'' if reached else f'; {TARGET:.0%} not reached'})")
    if ours_classic:
        print(f"classic through our loop: {ours_classic['samples_per_s'] / reference['samples_per_s']:.2f}x the reference's "
              f"samples/s; whole epoch with loading and test {ours_classic['seconds']:.1f} s vs "
              f"{reference['seconds'] + reference['test_seconds']:.1f} s")
    if process:
        process_speed_up = process["reference_s"] / process["ours_s"]
        reached = process["ours"]["test_accuracy"] is not None and process["ours"]["test_accuracy"] >= TARGET
        print(f"whole process: digitdraw train to {TARGET:.0%} {process['ours_s']:.1f} s vs the reference's epoch and "
              f"test {process['reference_s']:.1f} s = {process_speed_up:.1f}x "
              f"({'meets' if reached and process_speed_up >= SPEED_UP_TARGET else 'MISSES'} the target of "
              f"{SPEED_UP_TARGET:.0f}x)")
        process["speed_up"] = process_speed_up
    figures = {"process": process, "device": device, "threads": torch.get_num_threads(), "quick": args.quick, "reference": reference,
               "default": ours_default, "classic_our_loop": ours_classic, "speed_up": speed_up}
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
