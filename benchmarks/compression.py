"""Compression figures side by side in one run: int8 vs the original, pruning with and without a
short fine-tune, ONNX Runtime vs PyTorch. Prints, asserts nothing.

    DIGITDRAW_DATA=... python benchmarks/compression.py [--model PATH] [--pt2e]

Latency is one 28x28 drawing through the Classifier (normalisation, network, probabilities) on one
CPU thread, the Draw tab's path after the strokes are rendered; the variants are timed in
alternating rounds so that a busy machine slows them alike.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import warnings
from pathlib import Path

import torch

from digitdraw.core import compression
from digitdraw.core.data import load_mnist
from digitdraw.core.export import export, onnx_runner
from digitdraw.core.inference import Classifier
from digitdraw.core.normalisation import ink_of, normalise
from digitdraw.core.training import TrainConfig, train

TOLERANCE_POINTS = 0.5
FINE_TUNE = TrainConfig(epochs=1, lr=0.002)  # as the Compress tab: one epoch over 20,000 training digits
FINE_TUNE_DIGITS = 20000


def timed_side_by_side(predictors: dict, images: torch.Tensor, rounds: int = 10, per_round: int = 100) -> dict:
    """{name: (median ms, p99 ms)}, each predictor timed in turn, round after round."""
    times = {name: [] for name in predictors}
    for predict in predictors.values():
        for image in images[:20]:
            predict(image)
    for r in range(rounds):
        for name, predict in predictors.items():
            for i in range(per_round):
                start = time.perf_counter()
                predict(images[(r * per_round + i) % len(images)])
                times[name].append(time.perf_counter() - start)
    out = {}
    for name, values in times.items():
        values.sort()
        out[name] = (statistics.median(values) * 1e3, values[int(0.99 * len(values))] * 1e3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="checkpoint (default: the shipped model)")
    parser.add_argument("--pt2e", action="store_true", help="also PT2E + X86InductorQuantizer (torchao), eager and torch.compile'd")
    args = parser.parse_args()
    torch.set_num_threads(2)
    original = Classifier.load(args.model)
    base = original.checkpoint
    train_data, test = load_mnist()
    images = test.images[:500].float() / 255.0
    print(f"model: {original.source} ({base.arch}); torch {torch.__version__}; "
          f"{torch.get_num_threads()} threads for accuracy, 1 for latency; machine shared and loaded\n")

    # --- int8 ------------------------------------------------------------------------------------
    started = time.perf_counter()
    int8 = compression.quantize_static(base, compression.calibration_digits(train_data))
    int8_seconds = time.perf_counter() - started
    dynamic = compression.quantize_dynamic(base)
    variants = {"original": base, "int8 static": int8, "dynamic int8": dynamic}
    classifiers = {name: Classifier(c) for name, c in variants.items()}
    latencies = timed_side_by_side({name: c.predict for name, c in classifiers.items()}, images)
    base_size, base_accuracy = compression.file_size(base), compression.accuracy(classifiers["original"].model, test, base.mean, base.std)
    print(f"int8 static quantized in {int8_seconds:.1f} s (torch.ao FX, x86 engine, 500 calibration digits)")
    print(f"{'variant':<14}{'file':>10}{'size':>7}{'accuracy':>10}{'Δ points':>10}{'median':>10}{'p99':>10}{'speed':>8}")
    for name, classifier in classifiers.items():
        size = compression.file_size(variants[name])
        accuracy = compression.accuracy(classifier.model, test, base.mean, base.std)
        median, p99 = latencies[name]
        print(f"{name:<14}{size / 1000:>8.1f}KB{size / base_size:>7.0%}{accuracy:>10.2%}{(accuracy - base_accuracy) * 100:>+10.2f}"
              f"{median:>8.3f}ms{p99:>8.3f}ms{latencies['original'][0] / median:>7.2f}×")

    # --- pruning ---------------------------------------------------------------------------------
    print(f"\nunstructured pruning: highest sparsity within {TOLERANCE_POINTS} points of {base_accuracy:.2%}")
    floor = base_accuracy - TOLERANCE_POINTS / 100
    amounts = [a / 100 for a in range(5, 96, 5)]
    plain = {a: compression.accuracy(compression.prune(base, a).build(), test, base.mean, base.std) for a in amounts}
    best_plain = max((a for a in amounts if plain[a] >= floor), default=0.0)
    print("  without fine-tune: " + ", ".join(f"{a:.0%} {plain[a]:.2%}" for a in amounts if a >= best_plain - 0.1 and a <= best_plain + 0.15))
    print(f"  -> {best_plain:.0%} sparsity ({plain.get(best_plain, base_accuracy):.2%})")
    best_tuned, tuned_accuracy, tune_seconds = best_plain, plain.get(best_plain, base_accuracy), []
    for amount in [a for a in amounts if a > best_plain]:
        pruned = compression.prune(base, amount)
        started = time.perf_counter()
        result = train(FINE_TUNE, train_data.subset(FINE_TUNE_DIGITS), test, model=pruned.build())
        tune_seconds.append(time.perf_counter() - started)
        accuracy = compression.accuracy(result.model, test, base.mean, base.std)
        print(f"  fine-tuned at {amount:.0%}: {accuracy:.2%} ({tune_seconds[-1]:.0f} s)")
        if accuracy < floor:
            break
        best_tuned, tuned_accuracy = amount, accuracy
    print(f"  -> with a fine-tune of one epoch over {FINE_TUNE_DIGITS:,} digits: {best_tuned:.0%} sparsity ({tuned_accuracy:.2%})")

    # --- ONNX ------------------------------------------------------------------------------------
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        started = time.perf_counter()
        report = export(base, "onnx", path, test.images[:100])
        export_seconds = time.perf_counter() - started
        run = onnx_runner(path)
        ink = test.images[:, None].float() / 255.0
        with torch.inference_mode():
            expected = torch.cat([original.model(normalise(ink[i:i + 500], base.mean, base.std)).exp() for i in range(0, len(ink), 500)])
        got = torch.cat([run(ink[i:i + 500]) for i in range(0, len(ink), 500)])
        same = int((got.argmax(1) == expected.argmax(1)).sum())
        print(f"\nONNX ({report.size_bytes / 1000:.0f} KB, exported and checked in {export_seconds:.0f} s): ONNX Runtime "
              f"{onnxruntime_version()} vs PyTorch on all {len(ink):,} test digits: same digit on {same:,}, "
              f"largest probability difference {float((got - expected).abs().max()):.2g}")
        onnx_latency = timed_side_by_side({"PyTorch": original.predict, "ONNX Runtime": lambda image: run(image[None, None])}, images)
        for name, (median, p99) in onnx_latency.items():
            print(f"  {name:<13} one drawing: median {median:.3f} ms, p99 {p99:.3f} ms")

    if args.pt2e:
        pt2e(base, train_data, test, images)


def onnxruntime_version() -> str:
    import onnxruntime

    return onnxruntime.__version__


def pt2e(base, train_data, test, images) -> None:
    """The other way: PT2E with X86InductorQuantizer; fast only once torch.compile'd."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e
    from torchao.quantization.pt2e.quantizer import x86_inductor_quantizer as xiq

    warnings.simplefilter("ignore")
    normalised = lambda x: normalise(x, base.mean, base.std)  # noqa: E731
    started = time.perf_counter()
    exported = torch.export.export(base.build(), (torch.rand(2, 1, 28, 28),),
                                   dynamic_shapes=({0: torch.export.Dim("n", max=4096)},)).module()
    quantizer = xiq.X86InductorQuantizer().set_global(xiq.get_default_x86_inductor_quantization_config())
    prepared = prepare_pt2e(exported, quantizer)
    prepared(normalised(ink_of(compression.calibration_digits(train_data))))
    model = convert_pt2e(prepared)
    print(f"\nPT2E + X86InductorQuantizer: quantized in {time.perf_counter() - started:.1f} s")
    float_model = base.build()
    started = time.perf_counter()
    with torch.no_grad():
        compiled = torch.compile(model)
        compiled(normalised(images[:1, None]))
    compile_seconds = time.perf_counter() - started
    torch.set_num_threads(1)
    with torch.no_grad():
        times = timed_side_by_side({
            "float": lambda i: float_model(normalised(i[None, None])),
            "pt2e eager": lambda i: model(normalised(i[None, None])),
            "pt2e compiled": lambda i: compiled(normalised(i[None, None])),
        }, images)
    print(f"  torch.compile took {compile_seconds:.0f} s")
    for name, (median, p99) in times.items():
        print(f"  {name:<14} median {median:.3f} ms, p99 {p99:.3f} ms")


if __name__ == "__main__":
    main()
