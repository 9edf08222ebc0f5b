"""int8 networks stored as plain tensors, and rebuilt from them.

An int8 checkpoint holds plain tensors only (int8 weights, their scales and zero points, the
activations' scales and zero points), so it loads with ``torch.load(weights_only=True)``:
:func:`encode` turns a quantized model's state into such tensors, and :func:`build_quantized`
rebuilds the same network from them, deterministically. The quantization steps themselves
(:func:`prepared_static`, :func:`convert_static`, :func:`dynamic`) live here too, because the
rebuilding repeats them.
"""

from __future__ import annotations

import copy
import warnings
from collections import OrderedDict
from contextlib import contextmanager

import torch
from torch import nn

from .models import FX_TRACING, build_model

QUANTIZED_METHODS = ("int8", "dynamic-int8")


class CompressionError(Exception):
    """A model that cannot be compressed this way."""


_TEMPLATES: dict[tuple[str, str, str], nn.Module] = {}  # (arch, method, engine) -> an int8 network to copy


def build_quantized(arch: str, method: str, state: dict[str, torch.Tensor]) -> nn.Module:
    """Rebuild an int8 model of ``arch``, quantized by ``method``, from the plain tensors of :func:`encode`.

    The network's structure is made once per architecture by the same quantization steps (with
    any weights and scales) and copied; the tensors in ``state`` then replace every value.
    """
    with quantization_engine() as engine:
        key = (arch, method, engine)
        if key not in _TEMPLATES:
            _TEMPLATES[key] = _template(*key)
        model = copy.deepcopy(_TEMPLATES[key])
        model.load_state_dict(_decode(state, model.state_dict()))
    return model.eval()


def _template(arch: str, method: str, engine: str) -> nn.Module:
    if method == "dynamic-int8":
        return dynamic(build_model(arch).eval())
    model = prepared_static(build_model(arch).eval(), engine)
    with torch.inference_mode(), FX_TRACING:
        model(torch.zeros(2, 1, 28, 28))  # any calibration: every scale is replaced
    return convert_static(model)


def prepared_static(model: nn.Module, engine: str) -> nn.Module:
    """``model`` (float, in evaluation mode) with observers, ready to be calibrated for static int8."""
    from torch.ao.quantization import get_default_qconfig_mapping
    from torch.ao.quantization.quantize_fx import prepare_fx

    with _quiet(), FX_TRACING:
        return prepare_fx(model, get_default_qconfig_mapping(engine), (torch.zeros(2, 1, 28, 28),))


def convert_static(prepared: nn.Module) -> nn.Module:
    """A calibrated model from :func:`prepared_static`, converted to int8."""
    from torch.ao.quantization.quantize_fx import convert_fx

    with _quiet(), FX_TRACING:
        return convert_fx(prepared)


def dynamic(model: nn.Module) -> nn.Module:
    """``model`` with int8 linear layers whose inputs are quantized on the fly."""
    from torch.ao.quantization import quantize_dynamic as ao_quantize_dynamic

    with _quiet():
        return ao_quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


@contextmanager
def quantization_engine():
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


def encode(state: dict) -> dict[str, torch.Tensor]:
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
    """The inverse of :func:`encode`, shaped like ``template`` (a freshly rebuilt model's state)."""
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
