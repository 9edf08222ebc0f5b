"""Make a network smaller: pruning, int8 quantization, and what each costs.

* **Pruning** zeroes weights with ``torch.nn.utils.prune``: unstructured (the smallest weights of
  all layers together, by magnitude) or by whole output channels (L2 norm, layer by layer, the
  output layer spared). A pruned model keeps its zeros when it is trained further: its weights'
  gradients are masked where a weight is zero.
* **int8, static**: the whole network, convolutions included, with torch.ao's FX graph mode and
  the x86 backend (fbgemm/oneDNN kernels), calibrated on a few hundred training digits. It runs
  as int8 without ``torch.compile``, where PT2E with ``X86InductorQuantizer`` needs a long compile
  to be as fast.
* **int8, dynamic**: only the linear layers, weights int8, activations quantized on the fly.

An int8 checkpoint holds plain tensors only, which :mod:`digitdraw.core.quantized` rebuilds into
the same network.
"""

from __future__ import annotations

import io
import statistics
import time
from dataclasses import dataclass, replace

import torch
from torch import nn
from torch.nn.utils import prune as torch_prune

from .checkpoints import Checkpoint
from .data import MnistSplit
from .inference import Classifier
from .models import FX_TRACING, weighted_layers
from .normalisation import ink_of, normalise
from .quantized import CompressionError, convert_static, dynamic, encode, prepared_static, quantization_engine

METHODS = ("prune", "int8", "dynamic-int8")
PRUNE_STRUCTURES = ("unstructured", "channels")
MAX_SPARSITY = 0.95
CALIBRATION_DIGITS = 500


# --- pruning -------------------------------------------------------------------------------


def prune(checkpoint: Checkpoint, amount: float, structure: str = "unstructured") -> Checkpoint:
    """A copy of ``checkpoint`` with the share ``amount`` (0-0.95) of its weights set to zero."""
    if checkpoint.quantized:
        raise CompressionError("an int8 model cannot be pruned; prune the original, then quantize")
    if structure not in PRUNE_STRUCTURES:
        raise CompressionError(f"unknown pruning {structure!r} (choose from {', '.join(PRUNE_STRUCTURES)})")
    if not 0 <= amount <= MAX_SPARSITY:
        raise CompressionError(f"the amount to prune is a fraction from 0 to {MAX_SPARSITY}, not {amount:g}")
    model = checkpoint.build()
    layers = weighted_layers(model)
    if structure == "unstructured":
        torch_prune.global_unstructured(
            [(layer, "weight") for layer in layers], pruning_method=torch_prune.L1Unstructured, amount=float(amount)
        )
    else:
        hidden = layers[:-1]  # removing output units would remove digits
        for layer in hidden:
            torch_prune.ln_structured(layer, "weight", amount=float(amount), n=2, dim=0)
        layers = hidden
    for layer in layers:
        torch_prune.remove(layer, "weight")
    compression = {"method": "prune", "structure": structure, "amount": float(amount)}
    return replace(Checkpoint.from_model(checkpoint.arch, model), mean=checkpoint.mean, std=checkpoint.std,
                   training=dict(checkpoint.training), compression=compression)


# --- quantization --------------------------------------------------------------------------


def quantize_static(checkpoint: Checkpoint, calibration: torch.Tensor) -> Checkpoint:
    """int8 weights and activations throughout, calibrated on ``calibration`` (uint8 (N, 28, 28) digits)."""
    _refuse_quantized(checkpoint)
    started = time.perf_counter()
    with quantization_engine() as engine:
        model = prepared_static(checkpoint.build(), engine)
        with torch.inference_mode(), FX_TRACING:
            model(normalise(ink_of(calibration), checkpoint.mean, checkpoint.std))
        model = convert_static(model)
    compression = dict(_source(checkpoint), method="int8", engine=engine, calibration_digits=len(calibration),
                       seconds=round(time.perf_counter() - started, 2))
    return _quantized_checkpoint(checkpoint, model, compression)


def quantize_dynamic(checkpoint: Checkpoint) -> Checkpoint:
    """int8 weights for the linear layers; their inputs are quantized on the fly (the simple baseline)."""
    _refuse_quantized(checkpoint)
    with quantization_engine() as engine:
        model = dynamic(checkpoint.build())
    return _quantized_checkpoint(checkpoint, model, dict(_source(checkpoint), method="dynamic-int8", engine=engine))


def _refuse_quantized(checkpoint: Checkpoint) -> None:
    if checkpoint.quantized:
        raise CompressionError("this model is int8 already; quantize the original")


def _source(checkpoint: Checkpoint) -> dict:
    """What an int8 model was made from (a pruned model stays described as pruned)."""
    return {f"pruned_{k}": v for k, v in checkpoint.compression.items() if k != "method"} if checkpoint.compression else {}


def _quantized_checkpoint(checkpoint: Checkpoint, model: nn.Module, compression: dict) -> Checkpoint:
    return Checkpoint(arch=checkpoint.arch, state_dict=encode(model.state_dict()), mean=checkpoint.mean,
                      std=checkpoint.std, training=dict(checkpoint.training), compression=compression)


# --- one entry point and the measures -------------------------------------------------------


def compress(checkpoint: Checkpoint, method: str, amount: float = 0.5, structure: str = "unstructured",
             calibration: torch.Tensor | None = None) -> Checkpoint:
    """``checkpoint`` compressed by ``method`` (one of :data:`METHODS`)."""
    if method == "prune":
        return prune(checkpoint, amount, structure)
    if method == "int8":
        if calibration is None:
            raise CompressionError("static int8 needs calibration digits")
        return quantize_static(checkpoint, calibration)
    if method == "dynamic-int8":
        return quantize_dynamic(checkpoint)
    raise CompressionError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")


def calibration_digits(train: MnistSplit, count: int = CALIBRATION_DIGITS, seed: int = 0) -> torch.Tensor:
    """``count`` training digits picked at random (reproducibly), uint8 (count, 28, 28)."""
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed))
    return train.images[order[:count]]


def file_size(checkpoint: Checkpoint) -> int:
    """Bytes the checkpoint takes as a file."""
    buffer = io.BytesIO()
    torch.save(checkpoint.to_dict(), buffer)
    return buffer.tell()


def nonzero_parameters(checkpoint: Checkpoint) -> tuple[int, int]:
    """(non-zero, all) weights and biases of the rebuilt network (int8 values counted as stored)."""
    tensors = []
    for key, value in checkpoint.build().state_dict().items():
        if isinstance(value, tuple):  # packed linear parameters: (weight, bias)
            tensors += [t for t in value if t is not None]
        elif key.endswith((".weight", ".bias")) and value is not None:  # a quantized conv without bias has None
            tensors.append(value)
    tensors = [t.int_repr() if t.is_quantized else t for t in tensors]
    return sum(int(t.count_nonzero()) for t in tensors), sum(t.numel() for t in tensors)


@torch.inference_mode()
def accuracy(model: nn.Module, test: MnistSplit, mean: float, std: float, batch_size: int = 500) -> float:
    """Share of ``test`` that ``model`` gets right, its input normalised with ``mean`` and ``std``, on the CPU
    (batch by batch, never while torch.fx traces)."""
    model.eval()
    correct = 0
    for start in range(0, len(test), batch_size):
        with FX_TRACING:
            predicted = model(normalise(ink_of(test.images[start : start + batch_size]), mean, std)).argmax(1)
        correct += int((predicted == test.labels[start : start + batch_size]).sum())
    return correct / len(test)


def latency(predict, images: torch.Tensor, repeats: int = 300, warmup: int = 20) -> tuple[float, float]:
    """(median, 99th percentile) seconds of ``predict`` on one image, cycling through ``images``."""
    for i in range(warmup):
        predict(images[i % len(images)])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        predict(images[i % len(images)])
        times.append(time.perf_counter() - start)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(0.99 * len(times)))]


@dataclass(frozen=True)
class Measures:
    """One variant of a model, measured."""

    size_bytes: int
    nonzero: int
    parameters: int
    accuracy: float
    latency_ms: float
    latency_p99_ms: float


def measure(checkpoint: Checkpoint, test: MnistSplit, repeats: int = 300) -> Measures:
    """File size, non-zero parameters, MNIST accuracy and CPU latency for one 28x28 drawing (one thread)."""
    classifier = Classifier(checkpoint, "cpu")
    nonzero, parameters = nonzero_parameters(checkpoint)
    images = test.images[:64].float() / 255.0
    median, p99 = latency(classifier.predict, images, repeats)
    return Measures(file_size(checkpoint), nonzero, parameters, accuracy(classifier.model, test, checkpoint.mean, checkpoint.std), median * 1e3, p99 * 1e3)

