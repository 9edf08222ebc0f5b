"""Make a network smaller: pruning, int8 quantization, and what each costs.

* **Pruning** zeroes weights with ``torch.nn.utils.prune``: unstructured (the smallest weights of
  all layers together, by magnitude) or by whole output channels (L2 norm, layer by layer, the
  output layer spared). A pruned model keeps its zeros when it is trained further: its weights'
  gradients are masked where a weight is zero.
* **int8, static**: the whole network, convolutions included, with torch.ao's FX graph mode and
  the x86 backend (fbgemm/oneDNN kernels), calibrated on a few hundred training digits. It runs
  as int8 without ``torch.compile``; PT2E with ``X86InductorQuantizer`` needs a 45 s compile here
  to be as fast (docs/performance.md).
* **int8, dynamic**: only the linear layers, weights int8, activations quantized on the fly.

An int8 checkpoint holds plain tensors only (int8 weights, their scales and zero points, the
activations' scales and zero points): :func:`build_quantized` rebuilds the same network from
them, deterministically, so it loads with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import copy
import io
import statistics
import time
import warnings
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, replace

import torch
from torch import nn
from torch.nn.utils import prune as torch_prune

from .checkpoints import Checkpoint
from .data import MnistSplit
from .models import FX_TRACING, build_model
from .training import normalise

METHODS = ("prune", "int8", "dynamic-int8")
PRUNE_STRUCTURES = ("unstructured", "channels")
MAX_SPARSITY = 0.95
CALIBRATION_DIGITS = 500


class CompressionError(Exception):
    """A model that cannot be compressed this way."""


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
    layers = _weighted_layers(model)
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


def keep_pruned_weights_at_zero(model: nn.Module) -> None:
    """Mask the gradients of zero weights, so training (Adam, AdamW, SGD with decay) leaves them at zero."""
    for layer in _weighted_layers(model):
        weight = layer.weight
        if bool((weight == 0).any()):
            weight.register_hook(lambda grad, weight=weight: grad * (weight.detach() != 0))


def _weighted_layers(model: nn.Module) -> list[nn.Module]:
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


# --- quantization --------------------------------------------------------------------------


def quantize_static(checkpoint: Checkpoint, calibration: torch.Tensor) -> Checkpoint:
    """int8 weights and activations throughout, calibrated on ``calibration`` (uint8 (N, 28, 28) digits)."""
    _refuse_quantized(checkpoint)
    started = time.perf_counter()
    with _quantization_engine() as engine:
        model = _prepared_static(checkpoint, engine)
        with torch.inference_mode(), FX_TRACING:
            model(((calibration[:, None].float() / 255.0) - checkpoint.mean) / checkpoint.std)
        model = _convert_static(model)
    compression = dict(_source(checkpoint), method="int8", engine=engine, calibration_digits=len(calibration),
                       seconds=round(time.perf_counter() - started, 2))
    return _quantized_checkpoint(checkpoint, model, compression)


def quantize_dynamic(checkpoint: Checkpoint) -> Checkpoint:
    """int8 weights for the linear layers; their inputs are quantized on the fly (the simple baseline)."""
    _refuse_quantized(checkpoint)
    with _quantization_engine() as engine:
        model = _dynamic(checkpoint.build())
    return _quantized_checkpoint(checkpoint, model, dict(_source(checkpoint), method="dynamic-int8", engine=engine))


_TEMPLATES: dict[tuple[str, str, str], nn.Module] = {}  # (arch, method, engine) -> an int8 network to copy


def build_quantized(checkpoint: Checkpoint) -> nn.Module:
    """Rebuild an int8 model from the plain tensors of its checkpoint (see :func:`_encode`).

    The network's structure is made once per architecture by the same quantization steps (with
    any weights and scales) and copied; the checkpoint's tensors then replace every value.
    """
    with _quantization_engine() as engine:
        key = (checkpoint.arch, checkpoint.compression["method"], engine)
        if key not in _TEMPLATES:
            _TEMPLATES[key] = _template(*key)
        model = copy.deepcopy(_TEMPLATES[key])
        model.load_state_dict(_decode(checkpoint.state_dict, model.state_dict()))
    return model.eval()


def _template(arch: str, method: str, engine: str) -> nn.Module:
    float_checkpoint = Checkpoint(arch=arch, state_dict=build_model(arch).state_dict())
    if method == "dynamic-int8":
        return _dynamic(float_checkpoint.build())
    model = _prepared_static(float_checkpoint, engine)
    with torch.inference_mode(), FX_TRACING:
        model(torch.zeros(2, 1, 28, 28))  # any calibration: every scale is replaced
    return _convert_static(model)


def _prepared_static(checkpoint: Checkpoint, engine: str) -> nn.Module:
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx

    with _quiet(), FX_TRACING:
        return prepare_fx(checkpoint.build(), get_default_qconfig_mapping(engine), (torch.zeros(2, 1, 28, 28),))


def _convert_static(prepared: nn.Module) -> nn.Module:
    from torch.ao.quantization.quantize_fx import convert_fx

    with _quiet(), FX_TRACING:
        return convert_fx(prepared)


def _dynamic(model: nn.Module) -> nn.Module:
    from torch.ao.quantization import quantize_dynamic as ao_quantize_dynamic

    with _quiet():
        return ao_quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def _refuse_quantized(checkpoint: Checkpoint) -> None:
    if checkpoint.quantized:
        raise CompressionError("this model is int8 already; quantize the original")


def _source(checkpoint: Checkpoint) -> dict:
    """What an int8 model was made from (a pruned model stays described as pruned)."""
    return {f"pruned_{k}": v for k, v in checkpoint.compression.items() if k != "method"} if checkpoint.compression else {}


def _quantized_checkpoint(checkpoint: Checkpoint, model: nn.Module, compression: dict) -> Checkpoint:
    return Checkpoint(arch=checkpoint.arch, state_dict=_encode(model.state_dict()), mean=checkpoint.mean,
                      std=checkpoint.std, training=dict(checkpoint.training), compression=compression)


@contextmanager
def _quantization_engine():
    """Use the x86 int8 kernels where they exist (else qnnpack, e.g. on ARM)."""
    engines = torch.backends.quantized.supported_engines
    engine = "x86" if "x86" in engines else "qnnpack"
    if engine not in engines:
        raise CompressionError("this PyTorch build has no int8 CPU kernels")
    before = torch.backends.quantized.engine
    torch.backends.quantized.engine = engine
    try:
        yield engine
    finally:
        torch.backends.quantized.engine = before


@contextmanager
def _quiet():
    """torch.ao.quantization warns that it moves to torchao; the warning is for us, not for users."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _encode(state: dict) -> dict[str, torch.Tensor]:
    """A quantized model's state as plain tensors: every qint8 tensor as its int8 values, scales and zero points."""
    plain: dict[str, torch.Tensor] = {}
    for key, value in state.items():
        if isinstance(value, tuple):  # packed linear parameters: (weight, bias)
            for index, item in enumerate(value):
                if item is not None:
                    _put(plain, f"{key}.{index}", item)
        elif isinstance(value, torch.Tensor):
            _put(plain, key, value)
        # anything else (a dtype) is rebuilt by the same quantization steps
    return plain


def _put(plain: dict[str, torch.Tensor], key: str, tensor: torch.Tensor) -> None:
    tensor = tensor.detach()
    if not tensor.is_quantized:
        plain[key] = tensor.clone()
        return
    plain[f"{key}#int"] = tensor.int_repr()
    if tensor.qscheme() in (torch.per_channel_affine, torch.per_channel_symmetric):
        plain[f"{key}#scales"] = tensor.q_per_channel_scales()
        plain[f"{key}#zero_points"] = tensor.q_per_channel_zero_points()
        plain[f"{key}#axis"] = torch.tensor(tensor.q_per_channel_axis())
    else:
        plain[f"{key}#scale"] = torch.tensor(tensor.q_scale(), dtype=torch.float64)
        plain[f"{key}#zero_point"] = torch.tensor(tensor.q_zero_point())


def _decode(plain: dict[str, torch.Tensor], template: dict) -> dict:
    """The inverse of :func:`_encode`, shaped like ``template`` (a freshly rebuilt model's state)."""
    state = OrderedDict()
    state._metadata = getattr(template, "_metadata", None)  # layer versions: quantized layers read them
    for key, value in template.items():
        if isinstance(value, tuple):
            state[key] = tuple(_take(plain, f"{key}.{i}") if _has(plain, f"{key}.{i}") else None for i in range(len(value)))
        elif isinstance(value, torch.Tensor):
            state[key] = _take(plain, key)
        else:
            state[key] = value
    return state


def _has(plain: dict, key: str) -> bool:
    return key in plain or f"{key}#int" in plain


def _take(plain: dict[str, torch.Tensor], key: str) -> torch.Tensor:
    if key in plain:
        return plain[key]
    values = plain[f"{key}#int"]
    if f"{key}#axis" in plain:
        return torch._make_per_channel_quantized_tensor(
            values, plain[f"{key}#scales"], plain[f"{key}#zero_points"], int(plain[f"{key}#axis"])
        )
    return torch._make_per_tensor_quantized_tensor(values, float(plain[f"{key}#scale"]), int(plain[f"{key}#zero_point"]))


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
def accuracy(model: nn.Module, test: MnistSplit, batch_size: int = 500) -> float:
    """Share of ``test`` that ``model`` gets right, on the CPU (batch by batch, never while torch.fx traces)."""
    model.eval()
    correct = 0
    for start in range(0, len(test), batch_size):
        with FX_TRACING:
            predicted = model(normalise(test.images[start : start + batch_size])).argmax(1)
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
    from .inference import Classifier

    classifier = Classifier(checkpoint, "cpu")
    nonzero, parameters = nonzero_parameters(checkpoint)
    images = test.images[:64].float() / 255.0
    median, p99 = latency(classifier.predict, images, repeats)
    return Measures(file_size(checkpoint), nonzero, parameters, accuracy(classifier.model, test), median * 1e3, p99 * 1e3)

