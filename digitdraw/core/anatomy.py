"""What a network is made of and what each layer makes of an image, read from the model itself.

:func:`layers` runs one blank image through any ``nn.Module`` with forward hooks on its leaf
modules and lists them in the order they ran, each with its output shape and parameter count, so
the list is right for every architecture, a loaded checkpoint, a model trained a minute ago and a
layer kind nobody here has heard of (int8 quantized ones too). :func:`feature_maps` captures the
maps of each convolution block for a real image the same way. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from .devices import torch_threads
from .models import FX_TRACING

INPUT_SHAPE = (1, 28, 28)
_UNSHOWN_KINDS = ("Pool", "Dropout")  # a block's map is shown before pooling and dropout


@dataclass(frozen=True)
class Layer:
    """One leaf module as it ran: its name in the model, its kind and what it gave."""

    name: str
    kind: str
    output_shape: tuple[int, ...]  # without the batch dimension
    parameters: int

    @property
    def shape_text(self) -> str:
        return "×".join(str(size) for size in self.output_shape) or "scalar"


@dataclass(frozen=True)
class Block:
    """A convolution block: the maps it shows (C, H, W) and the filters that made its first layer's."""

    name: str
    maps: torch.Tensor
    filters: torch.Tensor | None  # (C, C_in, kH, kW) of the block's convolution, None if it has none readable


def layers(model: nn.Module, input_shape: tuple[int, ...] = INPUT_SHAPE) -> list[Layer]:
    """The model's leaf layers in the order they run on a blank image, with output shapes and parameter counts."""
    with FX_TRACING, _Recorder(model) as recorder, torch.inference_mode(), torch_threads(1):  # one image: one thread
        model(torch.zeros((1, *input_shape), device=model_device(model)))
    return [
        Layer(name, type(module).__name__, _shape_of(output), _parameter_count(module))
        for name, module, output in recorder.calls
    ]


def feature_maps(model: nn.Module, image: torch.Tensor) -> list[Block]:
    """The maps of every convolution block for ``image`` (the network's normalised (1, 28, 28) input).

    A block starts at each convolution; its maps are those of the last layer before pooling or
    dropout (after the ReLU when the ReLU is a module), with negative values cut at 0 as a ReLU does.
    """
    with FX_TRACING, _Recorder(model) as recorder, torch.inference_mode(), torch_threads(1):  # one image: one thread
        model(image[None].to(model_device(model)))
    blocks: list[Block] = []
    for name, module, output in recorder.calls:
        four_dims = isinstance(output, torch.Tensor) and output.dim() == 4
        if _is_convolution(module) and four_dims:
            blocks.append(Block(name, _as_float(output[0]).clamp(min=0), _filters_of(module)))
        elif blocks and four_dims and not any(kind in type(module).__name__ for kind in _UNSHOWN_KINDS):
            if tuple(output.shape[1:]) == tuple(blocks[-1].maps.shape):
                blocks[-1] = Block(blocks[-1].name, _as_float(output[0]).clamp(min=0), blocks[-1].filters)
    return blocks


def first_filters(model: nn.Module) -> torch.Tensor | None:
    """A CPU copy of the first convolution's weights (C, C_in, kH, kW), or None if the model has none."""
    for module in model.modules():
        if _is_convolution(module):
            return _filters_of(module)
    return None


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class _Recorder:
    """Hooks on every module that record (name, module, output) of each innermost call, in call order.

    A module counts when nothing inside it ran during its call, so a layer that keeps helper
    modules it never calls (quantized ``Linear`` keeps its packed weights in one) still counts.
    """

    def __init__(self, model: nn.Module):
        self.model = model
        self.calls: list[tuple[str, nn.Module, object]] = []
        self._open: list[list] = []  # [module, something ran inside] for each call in progress
        self._handles = []

    def __enter__(self) -> "_Recorder":
        for name, module in self.model.named_modules():
            self._handles.append(module.register_forward_pre_hook(self._enter))
            self._handles.append(module.register_forward_hook(self._leave(name or type(module).__name__)))
        return self

    def _enter(self, module, inputs) -> None:
        if self._open:
            self._open[-1][1] = True
        self._open.append([module, False])

    def _leave(self, name: str):
        def record(module, inputs, output):
            _, inner_ran = self._open.pop()
            if not inner_ran:
                self.calls.append((name, module, output.detach() if isinstance(output, torch.Tensor) else output))

        return record

    def __exit__(self, *exc) -> None:
        for handle in self._handles:
            handle.remove()


def _is_convolution(module: nn.Module) -> bool:
    return "Conv" in type(module).__name__


def _filters_of(module: nn.Module) -> torch.Tensor | None:
    weight = getattr(module, "weight", None)
    if callable(weight) and not isinstance(weight, torch.Tensor):  # quantized modules expose weight()
        try:
            weight = weight()
        except Exception:  # a layer kind whose weights cannot be read: show its maps without filters
            return None
    if not isinstance(weight, torch.Tensor) or weight.dim() != 4:
        return None
    return _as_float(weight.detach()).to("cpu", copy=True)


def _as_float(tensor: torch.Tensor) -> torch.Tensor:
    return (tensor.dequantize() if tensor.is_quantized else tensor).float().cpu()


def _shape_of(output) -> tuple[int, ...]:
    if isinstance(output, torch.Tensor):
        return tuple(output.shape[1:])
    if isinstance(output, (tuple, list)) and output and isinstance(output[0], torch.Tensor):
        return tuple(output[0].shape[1:])
    return ()


def _parameter_count(module: nn.Module) -> int:
    count = sum(p.numel() for p in module.parameters(recurse=False))
    if count == 0:  # quantized layers keep packed weights outside parameters()
        count = sum(_numel(value) for value in module.state_dict().values())
    return count


def _numel(value) -> int:
    """Elements of a tensor or of the tensors in a packed tuple; scales and zero points (0-d) do not count."""
    if isinstance(value, (tuple, list)):
        return sum(_numel(item) for item in value)
    if isinstance(value, torch.Tensor) and value.dim() > 0:
        return value.numel()
    return 0


def model_device(model: nn.Module) -> torch.device:
    """The device of the model's first parameter (the CPU for a model without any)."""
    tensor = next(model.parameters(), None)
    return tensor.device if tensor is not None else torch.device("cpu")
