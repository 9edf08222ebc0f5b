"""Data augmentation on whole batches of ink images: how people draw differs from MNIST."""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Augmentation:
    """Random affine distortion and stroke-width change, applied to a batch (N, 1, 28, 28) in [0, 1]."""

    rotation_degrees: float = 12.0
    scale: tuple[float, float] = (0.85, 1.12)
    shift_pixels: float = 2.0
    shear: float = 0.15
    width_change: float = 0.6  # how far towards a thicker or thinner stroke, at most

    def __call__(self, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        n, device = images.shape[0], images.device

        def uniform(low: float, high: float) -> torch.Tensor:
            return torch.rand(n, device=device, generator=generator) * (high - low) + low

        images = _change_stroke_width(images, uniform(-self.width_change, self.width_change))
        angle = uniform(-1, 1) * math.radians(self.rotation_degrees)
        scale = uniform(*self.scale)
        shear = uniform(-self.shear, self.shear)
        shift = uniform(-1, 1) * (2 * self.shift_pixels / 28), uniform(-1, 1) * (2 * self.shift_pixels / 28)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack(
            [torch.stack([cos, -sin + shear * cos, shift[0]], 1), torch.stack([sin, cos + shear * sin, shift[1]], 1)], 1
        )
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def _change_stroke_width(images: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    """Blend each image towards its 3x3 dilation (amount > 0) or erosion (amount < 0)."""
    thicker = amount > 0
    target = torch.empty_like(images)
    target[thicker] = F.max_pool2d(images[thicker], 3, 1, 1)  # each image pooled once, the one way it needs
    target[~thicker] = -F.max_pool2d(-images[~thicker], 3, 1, 1)
    return images + amount.abs().view(-1, 1, 1, 1) * (target - images)
