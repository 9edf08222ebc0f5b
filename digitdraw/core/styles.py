"""Real-world ways of writing digits that MNIST barely holds, synthesised on whole batches of MNIST images.

MNIST was written by American census staff and students in the 1990s. People elsewhere slash or dot
their zeros, give their ones a long flag and a base, cross their sevens, and a mouse or a pen adds
its own habits: re-traced strokes, small gaps, stray tails. Each style here is an ink operation
derived from the digit's own ink: its box, the stroke width, the ink in a given row. New strokes are
anti-aliased segments as wide as the digit's strokes; erasing uses the same soft disk.

What editing MNIST images cannot honestly make, or what MNIST already holds, is not synthesised:
the closed (triangular) 4 and the 9 with a straight stem are MNIST's own common forms; the open-top
4 is made from a closed one by lifting the pen at its apex. Slant and squashed or tall digits are
affine changes, made by :class:`digitdraw.core.augment.Augmentation` after the styles.

Coordinates: pixel (row i, column j) has its centre at (x=j, y=i); images are (N, 1, 28, 28), ink 1 on 0.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F

SIZE = 28
INK = 0.35  # a pixel at least this dark is ink when measuring a digit
EDGE = 1.0  # width in pixels of the anti-aliased ramp at the edge of a drawn stroke
BOX = 20.0  # MNIST's digits fill a 20-pixel box; a style that grows a digit is scaled back into it


@dataclass(frozen=True)
class Ink:
    """Where each image's ink is: its box (inclusive pixel rows and columns) and its stroke width."""

    left: torch.Tensor
    right: torch.Tensor
    top: torch.Tensor
    bottom: torch.Tensor
    width: torch.Tensor

    @property
    def height(self) -> torch.Tensor:
        return self.bottom - self.top + 1

    @property
    def span(self) -> torch.Tensor:
        return self.right - self.left + 1


def measure(images: torch.Tensor) -> Ink:
    """The ink box and typical stroke width (twice the inked area over its outline) of each image."""
    x = images[:, 0]
    index = torch.arange(SIZE, device=x.device, dtype=x.dtype)
    rows, cols = (x > INK).any(2), (x > INK).any(1)
    far = float(SIZE)
    top = torch.where(rows, index, far).amin(1).clamp(max=SIZE - 1)
    bottom = torch.where(rows, index, -1.0).amax(1).clamp(min=0)
    left = torch.where(cols, index, far).amin(1).clamp(max=SIZE - 1)
    right = torch.where(cols, index, -1.0).amax(1).clamp(min=0)
    outline = (x[:, :, 1:] - x[:, :, :-1]).abs().sum((1, 2)) + (x[:, 1:] - x[:, :-1]).abs().sum((1, 2))
    width = (2 * x.sum((1, 2)) / outline.clamp(min=1.0)).clamp(1.2, 4.0)
    return Ink(left, torch.maximum(right, left), top, torch.maximum(bottom, top), width)


def ink_in_row(images: torch.Tensor, row: torch.Tensor, side: str = "centre") -> torch.Tensor:
    """The x of the ink in ``row`` of each image: its centre of mass, or its leftmost or rightmost inked pixel."""
    x = images[:, 0]
    picked = x.gather(1, row.round().long().clamp(0, SIZE - 1).view(-1, 1, 1).expand(-1, 1, SIZE))[:, 0]
    index = torch.arange(SIZE, device=x.device, dtype=x.dtype)
    if side == "centre":
        return (picked * index).sum(1) / picked.sum(1).clamp(min=1e-3)
    inked = picked > INK
    if side == "left":
        return torch.where(inked, index, float(SIZE)).amin(1).clamp(max=SIZE - 1)
    return torch.where(inked, index, -1.0).amax(1).clamp(min=0)


@functools.lru_cache(maxsize=4)
def _pixel_centres(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """x and y of the 784 pixel centres, row by row."""
    index = torch.arange(SIZE * SIZE, device=device)
    return (index % SIZE).float(), (index // SIZE).float()


def polyline_ink(points: torch.Tensor, width: torch.Tensor) -> torch.Tensor:
    """Anti-aliased ink (M, 1, 28, 28) of a pen of ``width`` (M,) drawn through ``points`` (M, P, 2)."""
    pixel_x, pixel_y = _pixel_centres(points.device)
    start_x, start_y = points[:, :-1, 0, None], points[:, :-1, 1, None]  # (M, S, 1)
    along_x, along_y = points[:, 1:, 0, None] - start_x, points[:, 1:, 1, None] - start_y
    offset_x, offset_y = pixel_x - start_x, pixel_y - start_y  # (M, S, 784)
    t = ((offset_x * along_x + offset_y * along_y) / (along_x**2 + along_y**2).clamp(min=1e-6)).clamp(0, 1)
    squared = ((offset_x - t * along_x) ** 2 + (offset_y - t * along_y) ** 2).amin(1)  # nearest segment, (M, 784)
    ink = ((width[:, None] / 2 - squared.sqrt()) / EDGE + 0.5).clamp(0, 1)
    return ink.view(-1, 1, SIZE, SIZE)


def draw(images: torch.Tensor, points: torch.Tensor, width: torch.Tensor) -> torch.Tensor:
    """Images with a stroke through ``points`` added (ink never gets lighter)."""
    return torch.maximum(images, polyline_ink(points, width))


def erase(images: torch.Tensor, centre: torch.Tensor, radius: torch.Tensor) -> torch.Tensor:
    """Images with a soft disk of ``radius`` (M,) around ``centre`` (M, 2) wiped clean."""
    return images * (1 - polyline_ink(centre[:, None].expand(-1, 2, -1), 2 * radius))


def _points(*xy: tuple[torch.Tensor, torch.Tensor]) -> torch.Tensor:
    """(M, P, 2) from P pairs of (M,) coordinates."""
    return torch.stack([torch.stack(pair, -1) for pair in xy], 1)


class Uniform:
    """Random numbers for a batch of M images: ``uniform(low, high)`` gives one per image."""

    def __init__(self, count: int, device, generator: torch.Generator | None = None):
        self.count, self.device, self.generator = count, device, generator

    def __call__(self, low: float, high: float) -> torch.Tensor:
        return torch.rand(self.count, device=self.device, generator=self.generator) * (high - low) + low

    def per_pixel(self) -> torch.Tensor:
        """(M, 784) numbers in [0, 1)."""
        return torch.rand(self.count, SIZE * SIZE, device=self.device, generator=self.generator)


def _pen(ink: Ink, uniform: Uniform) -> torch.Tensor:
    return ink.width * uniform(0.85, 1.15)


# --- the styles of particular digits -------------------------------------------------------------


def slashed_zero(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """Ø: a straight stroke through the hole, corner to corner, often past the ring."""
    lean = torch.where(uniform(0, 1) < 0.8, 1.0, -1.0)  # mostly '/', sometimes '\'
    centre_x, centre_y = (ink.left + ink.right) / 2, (ink.top + ink.bottom) / 2
    half_x = ink.span * uniform(0.25, 0.6) * lean
    half_y = ink.height * uniform(0.45, 0.65)
    return draw(x, _points((centre_x - half_x, centre_y + half_y), (centre_x + half_x, centre_y - half_y)), _pen(ink, uniform))


def dotted_zero(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A zero with a dot (a short dab) in the middle of its hole."""
    centre_x = (ink.left + ink.right) / 2 + ink.span * uniform(-0.06, 0.06)
    centre_y = (ink.top + ink.bottom) / 2 + ink.height * uniform(-0.06, 0.06)
    dab = ink.height * uniform(0.0, 0.08)
    points = _points((centre_x - dab / 2, centre_y + dab / 2), (centre_x + dab / 2, centre_y - dab / 2))
    return draw(x, points, ink.width * uniform(1.1, 1.7))


def _one_flag(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    top_x = ink_in_row(x, ink.top)
    length = ink.height * uniform(0.3, 0.75)
    angle = uniform(math.radians(20), math.radians(60))  # below the horizontal, down to the left
    end = (top_x - length * torch.cos(angle), ink.top + length * torch.sin(angle))
    return draw(x, _points(end, (top_x, ink.top)), _pen(ink, uniform))


def one_with_flag(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A one with a long up-stroke (flag) from its top, down to the left."""
    return _one_flag(x, ink, uniform)


def one_with_flag_and_base(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A one with a flag and a horizontal base stroke (serif) across its foot."""
    x = _one_flag(x, ink, uniform)
    foot_x = ink_in_row(x, ink.bottom)
    half = ink.height * uniform(0.15, 0.3)
    skew = ink.height * uniform(-0.02, 0.02)
    return draw(x, _points((foot_x - half, ink.bottom + skew), (foot_x + half, ink.bottom - skew)), _pen(ink, uniform))


def crossed_seven(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A seven with a short bar across its stem at about mid height."""
    row = ink.top + ink.height * uniform(0.45, 0.6)
    stem_x = ink_in_row(x, row)
    tilt = ink.height * uniform(-0.03, 0.03)
    start = (stem_x - ink.span * uniform(0.2, 0.4), row + tilt)
    end = (stem_x + ink.span * uniform(0.2, 0.4), row - tilt)
    return draw(x, _points(start, end), _pen(ink, uniform))


def hooked_seven(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A seven whose stem ends in a hook curling back to the left, and often a tick down from its bar."""
    foot_x, foot_y = ink_in_row(x, ink.bottom - 1), ink.bottom - 1
    hook = ink.height * uniform(0.12, 0.25)
    points = _points((foot_x, foot_y), (foot_x - 0.5 * hook, foot_y + 0.15 * hook), (foot_x - hook, foot_y - 0.3 * hook))
    x = draw(x, points, _pen(ink, uniform))
    bar_end_x = ink_in_row(x, ink.top + 1, side="left")
    tick = ink.height * uniform(0.0, 0.18) * (uniform(0, 1) < 0.5)
    return draw(x, _points((bar_end_x, ink.top + 1), (bar_end_x - 0.2 * tick, ink.top + 1 + tick)), _pen(ink, uniform))


def open_top_four(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A four whose two upper strokes do not meet: the pen lifted at a closed four's apex."""
    apex = torch.stack([ink_in_row(x, ink.top), ink.top], -1)
    return erase(x, apex, ink.height * uniform(0.14, 0.22))


def nine_with_new_stem(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A nine whose stem, below its loop, is redrawn straight and upright, or curving into a hook to the left."""
    cut = (ink.top + ink.height * 0.62).round()
    rows = torch.arange(SIZE, device=x.device, dtype=x.dtype).view(1, 1, SIZE, 1)
    x = x * (rows <= cut.view(-1, 1, 1, 1))
    start_x = ink_in_row(x, cut, side="right") - ink.width / 2
    drop = ink.bottom - cut
    lean = ink.height * uniform(-0.05, 0.15)
    curl = ink.height * uniform(0.1, 0.3) * (uniform(0, 1) < 0.5)  # 0: straight
    points = _points(
        (start_x, cut - 1),
        (start_x - 0.5 * lean, cut + 0.5 * drop),
        (start_x - lean - 0.3 * curl, ink.bottom - 0.2 * curl),
        (start_x - lean - curl, ink.bottom - 0.5 * curl),
    )
    return draw(x, points, _pen(ink, uniform))


def looped_two(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A two with a small loop where its diagonal turns into the base."""
    pixels = x[:, 0].flatten(1)
    column, row = _pixel_centres(x.device)
    corner = torch.where(pixels > 0.5, column - row, float("inf")).argmin(1)  # lowest, leftmost ink
    corner_x, corner_y = column[corner], row[corner]
    radius = torch.maximum(ink.height * uniform(0.1, 0.17), ink.width * 1.3)  # an open loop, not a blob
    angles = torch.linspace(0, 2 * math.pi, 9, device=x.device)
    centre_x, centre_y = corner_x + 0.5 * radius, corner_y - 0.9 * radius
    points = torch.stack([centre_x[:, None] + radius[:, None] * torch.cos(angles),
                          centre_y[:, None] + radius[:, None] * torch.sin(angles)], -1)
    return draw(x, points, _pen(ink, uniform))


# --- habits of a mouse or a pen, on any digit ----------------------------------------------------


def retraced(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """Part of the digit gone over twice, the second time a pixel or so off."""
    angle = uniform(0, 2 * math.pi)
    step = uniform(0.8, 1.6) * 2 / SIZE  # in grid_sample's [-1, 1] units
    theta = torch.zeros(len(x), 2, 3, device=x.device)
    theta[:, 0, 0] = theta[:, 1, 1] = 1
    theta[:, 0, 2], theta[:, 1, 2] = step * torch.cos(angle), step * torch.sin(angle)
    shifted = F.grid_sample(x, F.affine_grid(theta, list(x.shape), align_corners=False), align_corners=False)
    normal = uniform(0, 2 * math.pi)
    pixel_x, pixel_y = _pixel_centres(x.device)
    side = ((pixel_x - SIZE / 2) * torch.cos(normal)[:, None] + (pixel_y - SIZE / 2) * torch.sin(normal)[:, None]) > 0
    return torch.maximum(x, shifted * side.view(-1, 1, SIZE, SIZE) * uniform(0.7, 1.0).view(-1, 1, 1, 1))


def small_gap(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A short break somewhere in a stroke, where the pen skipped or lifted."""
    where = ((x[:, 0].flatten(1) > 0.5) * uniform.per_pixel()).argmax(1)  # a random inked pixel
    pixel_x, pixel_y = _pixel_centres(x.device)
    centre = torch.stack([pixel_x[where], pixel_y[where]], -1)
    return erase(x, centre, ink.width * uniform(0.6, 0.9))


def stray_tail(x: torch.Tensor, ink: Ink, uniform: Uniform) -> torch.Tensor:
    """A short stray stroke where the pen came down or lifted off, at the digit's top or foot."""
    at_foot = uniform(0, 1) < 0.5
    y = torch.where(at_foot, ink.bottom, ink.top)
    start_x = ink_in_row(x, y)
    angle = uniform(0, 2 * math.pi)
    length = ink.height * uniform(0.06, 0.15)
    end = (start_x + length * torch.cos(angle), y + length * torch.sin(angle))
    return draw(x, _points((start_x, y), end), _pen(ink, uniform))


@dataclass(frozen=True)
class Style:
    name: str
    digits: tuple[int, ...]  # the labels it is made on
    make: Callable[..., torch.Tensor]
    share: float = 0.05  # of its digits' images restyled so each epoch
    habit: bool = False  # a habit of the hand (any digit) rather than a way of writing one digit


STYLES: dict[str, Style] = {
    style.name: style
    for style in (
        Style("slashed zero", (0,), slashed_zero, 0.1),
        Style("dotted zero", (0,), dotted_zero, 0.1),
        # a long flag is what a 7 is most easily taken for, so half the ones have one
        Style("one with flag", (1,), one_with_flag, 0.5),
        Style("one with flag and base", (1,), one_with_flag_and_base, 0.1),
        Style("crossed seven", (7,), crossed_seven, 0.1),
        Style("hooked seven", (7,), hooked_seven, 0.1),
        Style("open-top four", (4,), open_top_four, 0.2),
        Style("nine with new stem", (9,), nine_with_new_stem, 0.2),
        Style("looped two", (2,), looped_two, 0.2),
        Style("re-traced", tuple(range(10)), retraced, habit=True),
        Style("small gap", (0, 2, 3, 5, 6, 8, 9), small_gap, habit=True),
        Style("stray tail", tuple(range(10)), stray_tail, habit=True),
    )
}


def render(name: str, images: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
    """All ``images`` (N, 1, 28, 28) redrawn in the named style."""
    uniform = Uniform(len(images), images.device, generator)
    return STYLES[name].make(images, measure(images), uniform).clamp(0, 1)


def synthesise(
    images: torch.Tensor,
    labels: torch.Tensor,
    generator: torch.Generator | None = None,
    digit_scale: float = 1.0,
    habit_fraction: float = 0.05,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Restyle a random share of a batch according to its labels; return (images, which were changed).

    Each digit style strikes its ``share`` (times ``digit_scale``) of its digit's images, at most one
    style an image (a scale that would give a digit's styles more than all its images gives each its
    part of them all); each habit strikes about ``habit_fraction`` of the digits it suits. Labels are
    never changed.
    """
    n, device = len(images), images.device
    habit_lots = torch.rand(n, len(STYLES), device=device, generator=generator)
    choice = torch.rand(n, device=device, generator=generator)  # which of its digit's styles, if any
    changed = torch.zeros(n, dtype=torch.bool, device=device)
    for k, (style, (low, high)) in enumerate(zip(STYLES.values(), _style_ranges(digit_scale))):
        suits = torch.isin(labels, torch.tensor(style.digits, device=device))
        if style.habit:
            chosen = suits & (habit_lots[:, k] < habit_fraction)
        else:
            chosen = suits & (choice >= low) & (choice < high)
        where = torch.nonzero(chosen).flatten()
        if len(where):
            images = images if changed.any() else images.clone()
            images[where] = render(style.name, images[where], generator)
            changed[where] = True
    return images, changed


def _style_ranges(digit_scale: float) -> list[tuple[float, float]]:
    """Per style, the range of a uniform draw that picks it: its digit's styles side by side from 0."""
    ranges, used = [], {}
    for style in STYLES.values():
        siblings = [s for s in STYLES.values() if s.digits == style.digits and not s.habit]
        total = max(1.0, digit_scale * sum(s.share for s in siblings))
        low = used.get(style.digits, 0.0)
        high = low + digit_scale * style.share / total
        used[style.digits] = high
        ranges.append((low, high))
    return ranges


def restyle(
    images: torch.Tensor, labels: torch.Tensor, generator: torch.Generator | None = None, chunk: int = 8192
) -> tuple[torch.Tensor, torch.Tensor]:
    """A whole data set (uint8 (N, 28, 28)) with a fresh random share restyled, once an epoch.

    Returns the images (uint8) and, per image, how to fit it back into MNIST's box (see :func:`refit`;
    (1, 0, 0), no change, for the images left alone). Working on thousands of images at once keeps the
    cost to a second or two an epoch, where batch by batch it would be the many small operations.
    """
    restyled, fits = images.clone(), torch.zeros(len(images), 3, device=images.device)
    fits[:, 0] = 1
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # these many small operations ran 10x slower on two threads of a busy CPU
    try:
        for start in range(0, len(images), chunk):
            part = images[start : start + chunk][:, None].float() / 255
            part, changed = synthesise(part, labels[start : start + chunk], generator)
            where = torch.nonzero(changed).flatten()
            restyled[start + where] = (part[where, 0] * 255).round().to(torch.uint8)
            fits[start + where] = refit(part[where])
    finally:
        torch.set_num_threads(threads)
    return restyled, fits


def refit(images: torch.Tensor) -> torch.Tensor:
    """Per image (N, 1, 28, 28), how to scale ink grown past MNIST's 20-pixel box back into it and put its
    centre of mass in the middle, as MNIST was made: (shrink, centre x, centre y), in grid_sample's units
    (an output point p is read from the input at shrink * p + centre)."""
    ink = measure(images)
    shrink = (torch.maximum(ink.height, ink.span) / BOX).clamp(min=1.0)  # never enlarges
    x = images[:, 0]
    mass = x.sum((1, 2)).clamp(min=1e-3)
    index = torch.arange(SIZE, device=x.device, dtype=x.dtype)
    centre_x = (x.sum(1) * index).sum(1) / mass
    centre_y = (x.sum(2) * index).sum(1) / mass
    return torch.stack([shrink, (2 * centre_x + 1) / SIZE - 1, (2 * centre_y + 1) / SIZE - 1], 1)
