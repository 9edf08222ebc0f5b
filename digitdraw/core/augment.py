"""Data augmentation on whole batches of ink images: how people draw differs from MNIST."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Augmentation:
    """Random affine distortion and stroke-width change, applied to a batch (N, 1, 28, 28) in [0, 1].

    With ``styles``, a share is also slanted harder, or squashed or stretched, the way a mouse or a
    pen draws, and a share loses pixels at random, as from a pen that skips or a faint scan (a
    network that never saw a hole in a stroke is thrown by any, and the pixels an attribution picks
    then matter little more than any others). The real-world styles
    of :mod:`digitdraw.core.styles` are redrawn once an epoch on the whole training set by
    ``styles.restyle``, whose fits (shrink, centre) are passed here per batch.
    """

    rotation_degrees: float = 12.0
    scale: tuple[float, float] = (0.85, 1.12)
    shift_pixels: float = 2.0
    shear: float = 0.15
    width_change: float = 0.6  # how far towards a thicker or thinner stroke, at most
    styles: bool = True
    hard_slant: float = 0.45  # shear of the share that slants hard, either way
    aspect: float = 0.45  # log of how far the squashed or tall share is squashed or stretched, at most
    habit_share: float = 0.12  # share of the batch slanted hard, and share squashed or stretched
    skip_share: float = 0.1  # share of the batch drawn by a pen that skips: ink pixels missing at random
    skip_rate: float = 0.3  # at most this share of such a digit's pixels missing

    def __call__(
        self, images: torch.Tensor, generator: torch.Generator | None = None, fits: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The batch distorted; ``fits`` (N, 3) from ``styles.restyle`` put restyled digits back in MNIST's box."""
        n, device = images.shape[0], images.device

        def uniform(low: float, high: float) -> torch.Tensor:
            return torch.rand(n, device=device, generator=generator) * (high - low) + low

        images = _change_stroke_width(images, uniform(-self.width_change, self.width_change))
        angle = uniform(-1, 1) * math.radians(self.rotation_degrees)
        scale = uniform(*self.scale)
        shear = uniform(-self.shear, self.shear)
        if self.styles:
            shear = torch.where(uniform(0, 1) < self.habit_share, uniform(-self.hard_slant, self.hard_slant), shear)
            aspect = torch.exp(uniform(-self.aspect, self.aspect)) ** (uniform(0, 1) < self.habit_share)
        shift = uniform(-1, 1) * (2 * self.shift_pixels / 28), uniform(-1, 1) * (2 * self.shift_pixels / 28)
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        theta = torch.stack(
            [torch.stack([cos, -sin + shear * cos, shift[0]], 1), torch.stack([sin, cos + shear * sin, shift[1]], 1)], 1
        )
        if self.styles:
            # squashed (aspect > 1) loses height, tall (aspect < 1) loses width: the longer side stays MNIST's
            theta = theta * torch.stack([1 / aspect.clamp(max=1), aspect.clamp(min=1), torch.ones_like(aspect)], 1)[:, None]
        if fits is not None:  # read the input at shrink * (theta's point) + centre
            theta = theta * fits[:, :1, None]
            theta[:, :, 2] += fits[:, 1:]
        grid = F.affine_grid(theta, list(images.shape), align_corners=False)
        images = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
        if self.styles:
            missing = uniform(0, self.skip_rate) * (uniform(0, 1) < self.skip_share)
            images = images * (torch.rand(images.shape, device=device, generator=generator) >= missing.view(-1, 1, 1, 1))
        return images


def _change_stroke_width(images: torch.Tensor, amount: torch.Tensor) -> torch.Tensor:
    """Blend each image towards its 3x3 dilation (amount > 0) or erosion (amount < 0)."""
    thicker = (amount > 0).view(-1, 1, 1, 1)
    target = torch.where(thicker, _filter3x3(images, torch.maximum, -math.inf), _filter3x3(images, torch.minimum, math.inf))
    return images + amount.abs().view(-1, 1, 1, 1) * (target - images)


def _filter3x3(images: torch.Tensor, extreme: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], outside: float) -> torch.Tensor:
    """Each pixel's 3x3 neighbourhood reduced by ``extreme`` (``torch.maximum``: dilation, ``torch.minimum``:
    erosion), as three shifted rows then three shifted columns: the same numbers as a stride-1 max-pool,
    many times quicker on a CPU than ``max_pool2d``, which also works out indices nobody needs here."""
    padded = F.pad(images, (1, 1, 1, 1), value=outside)
    rows = extreme(extreme(padded[..., :-2], padded[..., 1:-1]), padded[..., 2:])
    return extreme(extreme(rows[..., :-2, :], rows[..., 1:-1, :]), rows[..., 2:, :])
