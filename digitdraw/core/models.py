"""Digit classifiers, registered by name so checkpoints can rebuild them."""

from __future__ import annotations

import threading
from typing import Callable

import torch
from torch import nn
import torch.nn.functional as F

ModelFactory = Callable[[], nn.Module]
# torch.fx patches nn.Module.__call__ for every thread while it traces a model (int8 quantization
# does): code that traces holds this lock, and every forward pass (inference, training, the inside view) holds it too.
FX_TRACING = threading.Lock()
_REGISTRY: dict[str, tuple[ModelFactory, str]] = {}


def register(name: str, description: str):
    """Class decorator that makes a model buildable by ``build_model(name)``."""

    def decorate(cls):
        _REGISTRY[name] = (cls, description)
        return cls

    return decorate


def architectures() -> dict[str, str]:
    """Registered architecture names and their one-line descriptions."""
    return {name: description for name, (_, description) in _REGISTRY.items()}


def weighted_layers(model: nn.Module) -> list[nn.Module]:
    """The layers with weights that pruning and quantization act on: convolutions and linear layers."""
    return [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def keep_pruned_weights_at_zero(model: nn.Module) -> None:
    """Mask the gradients of zero weights, so training (Adam, AdamW, SGD with decay) leaves them at zero."""
    for layer in weighted_layers(model):
        weight = layer.weight
        if bool((weight == 0).any()):
            weight.register_hook(lambda grad, weight=weight: grad * (weight.detach() != 0))


def build_model(name: str) -> nn.Module:
    """A freshly initialised model of the named architecture."""
    try:
        factory, _ = _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise ValueError(f"unknown architecture {name!r} (known: {known})") from None
    return factory()


@register("classic", "PyTorch's MNIST example: conv 32, conv 64, max-pool, fc 9216-128-10")
class ClassicNet(nn.Module):
    """The network of PyTorch's examples/mnist/main.py, layer for layer."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 3, 1)
        self.conv2 = nn.Conv2d(32, 64, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(9216, 128)
        self.fc2 = nn.Linear(128, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))
        x = F.relu(self.conv2(x))
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = self.dropout2(x)
        x = self.fc2(x)
        return F.log_softmax(x, dim=1)


def _conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


def _pooled_conv_block(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.MaxPool2d(2),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


@register("digitnet", "three small conv blocks with batch norm (digitdraw's default before digitnet2)")
class DigitNet(nn.Module):
    """A compact CNN: three conv blocks at 28, 14 and 7 pixels, each halved by max-pooling."""

    def __init__(self, widths: tuple[int, int, int] = (16, 32, 64)):
        super().__init__()
        self.features = self._features(*widths)
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.2),
            nn.Linear(widths[-1] * 3 * 3, 10),
        )

    @staticmethod
    def _features(first: int, second: int, third: int) -> nn.Sequential:
        pool = nn.MaxPool2d
        return nn.Sequential(_conv_block(1, first), pool(2), _conv_block(first, second), pool(2), _conv_block(second, third), pool(2))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.log_softmax(self.classifier(self.features(x)), dim=1)


@register("digitnet2", "digitdraw's default: digitnet with each conv max-pooled before its batch norm and ReLU, faster to train")
class DigitNet2(DigitNet):
    """DigitNet whose blocks pool right after the convolution, so that batch norm and ReLU (and their
    gradients) work on a quarter of the pixels: as many weights, a training step about 1.4x quicker."""

    @staticmethod
    def _features(first: int, second: int, third: int) -> nn.Sequential:
        return nn.Sequential(_pooled_conv_block(1, first), _pooled_conv_block(first, second), _pooled_conv_block(second, third))


DEFAULT_ARCH = "digitnet2"
