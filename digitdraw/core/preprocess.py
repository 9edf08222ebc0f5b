"""Turn strokes or images into the 28x28 ink image the network sees, the way MNIST was made.

MNIST digits were cropped to their ink, scaled so the longer side is 20 px (anti-aliased, aspect
kept) and placed in a 28x28 field with their centre of mass in the middle. Both paths here do the
same, and both make the stroke width look like MNIST's whatever pen drew it: strokes are
re-rendered with an MNIST-like pen, images are thinned or thickened.

Coordinates: pixel (row i, column j) has its centre at (x=j, y=i).
Results are float32 tensors of shape (28, 28) with ink 1.0 on background 0.0, or ``None`` when
there is nothing to classify.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch
import torch.nn.functional as F

SIZE = 28
BOX = 20.0
CENTRE = 14.0
PEN_RADIUS = 1.2  # half the stroke width of an average MNIST digit, in output pixels
EDGE_SOFTNESS = 1.4  # width in pixels of the anti-aliased ramp at a stroke's edge
# Stroke widths of MNIST test digits in output pixels, as measured by stroke_width() at the work scale:
MNIST_WIDTHS = (1.5, 3.0)  # left alone: MNIST's 20th to 95th percentile
MNIST_MEDIAN_WIDTH = 1.9
MIN_EXTENT_FRACTION = 0.04  # ink smaller than this fraction of the drawing area is "nothing"
_WORK_BOX = 80  # resolution at which images are thinned or thickened (4x the 20 px box)

Stroke = Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Placement:
    """Where preprocessing put the drawing in the 28x28 input: a point (x, y) of the drawing lands at
    ``(x, y) * scale + (offset_x, offset_y)`` in the input, whose pixel (i, j) has its centre at (x=j, y=i)."""

    scale: float
    offset_x: float
    offset_y: float

    def to_input(self, points: np.ndarray) -> np.ndarray:
        """Points (..., 2) of the drawing in the input's coordinates."""
        return np.asarray(points, np.float64) * self.scale + (self.offset_x, self.offset_y)

    def input_square(self) -> tuple[float, float, float]:
        """The 28x28 input's square in the drawing's units: (left, top, side)."""
        return (-0.5 - self.offset_x) / self.scale, (-0.5 - self.offset_y) / self.scale, SIZE / self.scale


@dataclass(frozen=True)
class Preprocessed:
    """The network's 28x28 input and where the drawing lies in it."""

    image: torch.Tensor
    placement: Placement


def strokes_to_image(strokes: Sequence[Stroke], area_size: float) -> torch.Tensor | None:
    """Render pen strokes (lists of (x, y) points in any units) as a centred 28x28 MNIST-style image.

    ``area_size`` is the size of the drawing area in the strokes' units; ink whose bounding box is
    smaller than ``MIN_EXTENT_FRACTION`` of it counts as nothing to classify.
    """
    prepared = prepare_strokes(strokes, area_size)
    return None if prepared is None else prepared.image


def prepare_strokes(strokes: Sequence[Stroke], area_size: float) -> Preprocessed | None:
    """:func:`strokes_to_image`, with the :class:`Placement` it applied (to lay the input back over the strokes)."""
    arrays = [np.asarray(s, dtype=np.float32).reshape(-1, 2) for s in strokes if len(s)]
    if not arrays:
        return None
    points = np.concatenate(arrays)
    low, high = points.min(axis=0), points.max(axis=0)
    extent = float((high - low).max())
    if extent < MIN_EXTENT_FRACTION * area_size:
        return None
    scale = (BOX - 2 * PEN_RADIUS) / extent
    mid = (low + high) / 2
    segments = _segments([(a - mid) * scale + CENTRE for a in arrays], min_step=0.6)
    shift = CENTRE - _segments_centre_of_mass(segments)
    segments += shift
    offset = CENTRE - mid.astype(np.float64) * scale + shift
    return Preprocessed(_render(segments), Placement(float(scale), float(offset[0]), float(offset[1])))


def image_to_image(pixels: np.ndarray | torch.Tensor) -> torch.Tensor | None:
    """Preprocess a picture of a digit of any size: grey or colour, dark-on-light or light-on-dark."""
    ink = ink_from_pixels(pixels if isinstance(pixels, torch.Tensor) else torch.from_numpy(np.array(pixels)))
    if ink is None:
        return None
    crop = _crop_to_ink(ink)
    if crop is None:
        return None
    height, width = crop.shape
    longer = max(height, width)
    work = _resize(crop, _WORK_BOX / longer)
    work = _normalise_stroke_width(work)
    crop = _crop_to_ink(work)
    if crop is None:
        return None
    box = _resize(crop, BOX / max(crop.shape))
    return _place_by_centre_of_mass(box)


def ink_from_pixels(image: torch.Tensor) -> torch.Tensor | None:
    """Grey ink in [0, 1] on a 0 background, with the paper's polarity detected from the border."""
    image = image.to(torch.float32)
    if image.ndim == 3:
        channels = image.shape[-1]
        if channels == 4:  # composite over white paper so transparent means background
            alpha = image[..., 3:4] / (255.0 if image.max() > 1 else 1.0)
            top = image[..., :3]
            white = 255.0 if image.max() > 1 else 1.0
            image = top * alpha + white * (1 - alpha)
        elif channels not in (1, 3):
            raise ValueError(f"expected a grey, RGB or RGBA image, got {channels} channels")
        image = image[..., :3].mean(dim=-1) if image.shape[-1] >= 3 else image[..., 0]
    if image.ndim != 2 or min(image.shape) < 4:
        raise ValueError(f"expected an image of at least 4x4 pixels, got shape {tuple(image.shape)}")
    if image.max() > 1.0:
        image = image / 255.0
    border = torch.cat([image[0], image[-1], image[:, 0], image[:, -1]])
    paper = border.median()
    ink = 1.0 - image if paper > 0.5 else image
    background = (1.0 - paper) if paper > 0.5 else paper
    strongest = torch.quantile(ink.flatten(), 0.999)
    if strongest - background < 0.15:
        return None
    return ((ink - background) / (strongest - background)).clamp(0, 1)


def _crop_to_ink(ink: torch.Tensor, threshold: float = 0.1) -> torch.Tensor | None:
    rows = torch.nonzero((ink > threshold).any(dim=1)).flatten()
    cols = torch.nonzero((ink > threshold).any(dim=0)).flatten()
    if len(rows) == 0:
        return None
    longer_side = max(ink.shape)
    if max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) < MIN_EXTENT_FRACTION * longer_side:
        return None
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _resize(image: torch.Tensor, factor: float) -> torch.Tensor:
    height, width = image.shape
    size = (max(1, round(height * factor)), max(1, round(width * factor)))
    return F.interpolate(image[None, None], size=size, mode="bilinear", antialias=True, align_corners=False)[0, 0].clamp(0, 1)


def stroke_width(ink: torch.Tensor) -> float:
    """Typical stroke width in pixels: twice the inked area over the length of its outline."""
    mask = (ink > 0.5).to(torch.float32)[None, None]
    area = mask.sum()
    if area == 0:
        return 0.0
    eroded = -F.max_pool2d(-F.pad(mask, (1, 1, 1, 1)), 3, 1)
    outline = (mask - eroded).sum().clamp(min=1.0)
    return float(2 * area / outline)


def _normalise_stroke_width(work: torch.Tensor) -> torch.Tensor:
    """Thin fat strokes and thicken hairlines to an MNIST width, at the 80 px scale.

    Strokes already as wide as MNIST's are left alone, so an MNIST digit comes out unchanged.
    """
    per_output_pixel = _WORK_BOX / BOX
    inked = work[work > 0.05]
    if len(inked):  # hairlines fade when scaled down: bring their ink back to full strength
        work = (work / torch.quantile(inked, 0.9).clamp(min=0.05)).clamp(0, 1)
    width = stroke_width(work)
    if width == 0 or MNIST_WIDTHS[0] <= width / per_output_pixel <= MNIST_WIDTHS[1]:
        return work
    steps = round((width - MNIST_MEDIAN_WIDTH * per_output_pixel) / 2)
    if steps == 0:
        return work
    image = work[None, None]
    if steps > 0:  # erode, but never so far that the digit disappears
        for _ in range(steps):
            thinner = -F.max_pool2d(-image, 3, 1, 1)
            if (thinner > 0.5).sum() < 0.2 * (image > 0.5).sum():
                break
            image = thinner
    else:
        image = F.max_pool2d(image, 2 * (-steps) + 1, 1, -steps)
    return image[0, 0]


def _place_by_centre_of_mass(box: torch.Tensor) -> torch.Tensor:
    height, width = box.shape
    com_y, com_x = (float(c) for c in _centre_of_mass_yx(box))
    top, left = round(CENTRE - com_y), round(CENTRE - com_x)
    out = torch.zeros(SIZE, SIZE)
    src_top, src_left = max(0, -top), max(0, -left)
    dst_top, dst_left = max(0, top), max(0, left)
    rows = min(height - src_top, SIZE - dst_top)
    cols = min(width - src_left, SIZE - dst_left)
    out[dst_top : dst_top + rows, dst_left : dst_left + cols] = box[src_top : src_top + rows, src_left : src_left + cols]
    return out


def _centre_of_mass_yx(image: torch.Tensor) -> torch.Tensor:
    mass = image.sum().clamp(min=1e-6)
    ys = torch.arange(image.shape[0], dtype=torch.float32)
    xs = torch.arange(image.shape[1], dtype=torch.float32)
    return torch.stack([(image.sum(1) * ys).sum() / mass, (image.sum(0) * xs).sum() / mass])


def _segments_centre_of_mass(segments: np.ndarray) -> np.ndarray:
    """Centre of mass (x, y) of the ink of round-capped segments: midpoints weighted by inked area."""
    lengths = np.linalg.norm(segments[:, 1] - segments[:, 0], axis=1)
    weights = lengths + np.pi * PEN_RADIUS / 2  # the caps' share keeps dots from weighing nothing
    return (segments.mean(axis=1) * weights[:, None]).sum(axis=0) / weights.sum()


def _segments(strokes: list[np.ndarray], min_step: float) -> np.ndarray:
    """Line segments (K, 2, 2) of all strokes, keeping a point each time the pen has moved ``min_step`` along it."""
    segments = []
    for points in strokes:
        travelled = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(points, axis=0), axis=1))])
        step_index = np.floor(travelled / min_step)
        keep = np.flatnonzero(np.diff(step_index, prepend=-1.0) > 0)
        if keep[-1] != len(points) - 1:
            keep = np.append(keep, len(points) - 1)
        kept = points[keep] if len(keep) > 1 else points[[0, 0]]  # a dot: a segment of length zero
        segments.append(np.stack([kept[:-1], kept[1:]], axis=1))
    return np.concatenate(segments).astype(np.float32)


def _render(segments: np.ndarray) -> torch.Tensor:
    """Anti-aliased ink of round-capped segments (K, 2, 2) of radius ``PEN_RADIUS`` on the 28x28 grid.

    Only the pixels near the segments' bounding box are computed: the strokes path must stay fast.
    """
    reach = PEN_RADIUS + EDGE_SOFTNESS / 2
    low = np.clip(np.floor(segments.reshape(-1, 2).min(axis=0) - reach), 0, SIZE - 1).astype(int)
    high = np.clip(np.ceil(segments.reshape(-1, 2).max(axis=0) + reach), 0, SIZE - 1).astype(int)
    pixel_y, pixel_x = np.mgrid[low[1] : high[1] + 1, low[0] : high[0] + 1].astype(np.float32)
    start_x, start_y = segments[:, 0, 0], segments[:, 0, 1]
    dx, dy = segments[:, 1, 0] - start_x, segments[:, 1, 1] - start_y
    inverse_length2 = 1.0 / np.maximum(dx * dx + dy * dy, 1e-12)
    rel_x, rel_y = pixel_x.reshape(-1, 1) - start_x, pixel_y.reshape(-1, 1) - start_y  # (pixels, K)
    t = np.clip((rel_x * dx + rel_y * dy) * inverse_length2, 0.0, 1.0)
    rel_x -= t * dx
    rel_y -= t * dy
    distance = np.sqrt((rel_x * rel_x + rel_y * rel_y).min(axis=1))
    ink = np.zeros((SIZE, SIZE), dtype=np.float32)
    near = np.clip((PEN_RADIUS - distance) / EDGE_SOFTNESS + 0.5, 0.0, 1.0)
    ink[low[1] : high[1] + 1, low[0] : high[0] + 1] = near.reshape(pixel_x.shape)
    return torch.from_numpy(ink)
