"""What a network is fed: ink in [0, 1], shifted and scaled by its checkpoint's mean and std.

Every model here is trained on ``(ink - mean) / std``; a checkpoint records the (mean, std) its
model was trained with, and everything that runs the model normalises with those values.
"""

from __future__ import annotations

import torch

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # over MNIST's training pixels; what digitdraw trains with


def ink_of(images: torch.Tensor) -> torch.Tensor:
    """uint8 digits (N, 28, 28) -> float ink (N, 1, 28, 28) in [0, 1]."""
    return images[:, None].float() / 255.0


def normalise(ink: torch.Tensor, mean: float, std: float) -> torch.Tensor:
    """Ink in [0, 1] -> the network's input, ``(ink - mean) / std``, with the checkpoint's ``mean`` and ``std``."""
    return (ink - mean) / std
