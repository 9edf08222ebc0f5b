"""Scripted pen drawings of the ten digits, for tests and benchmarks.

Each digit has a few templates (ways people write it), as strokes of points in a unit box:
x to the right from 0 to about 0.7, y downwards from 0 to 1. :func:`draw` places a template in a
square drawing area with random size, position, slant, rotation, hand tremor and point density
(pen speed), and picks a pen width; :func:`clear_drawing` gives an undistorted, centred one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Strokes = list[np.ndarray]  # each (N, 2)


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float, n: int = 40) -> np.ndarray:
    """Points on an ellipse from angle ``start`` to ``end`` in degrees (0 = right, 90 = down)."""
    t = np.radians(np.linspace(start, end, n))
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _line(*points: tuple[float, float]) -> np.ndarray:
    return np.asarray(points, dtype=np.float64)


def _join(*parts: np.ndarray) -> np.ndarray:
    return np.concatenate(parts)


def _figure_eight(top_width: float, bottom_width: float) -> np.ndarray:
    t = np.linspace(0, 2 * np.pi, 120)
    width = np.where(np.cos(t) > 0, top_width, bottom_width)
    return np.stack([0.35 + width * np.sin(2 * t), 0.5 - 0.5 * np.cos(t)], axis=1)


TEMPLATES: dict[int, list[Strokes]] = {
    0: [
        [_arc(0.35, 0.5, 0.32, 0.5, -90, -450)],
        [_arc(0.35, 0.5, 0.28, 0.5, -100, 270)],
    ],
    1: [
        [_line((0.35, 0.0), (0.35, 1.0))],
        [_line((0.15, 0.2), (0.38, 0.0), (0.38, 1.0))],
        [_line((0.12, 0.22), (0.38, 0.0), (0.38, 1.0)), _line((0.15, 1.0), (0.6, 1.0))],
    ],
    2: [
        [_join(_arc(0.33, 0.3, 0.3, 0.3, 200, 360 + 30), _line((0.6, 0.45), (0.02, 1.0), (0.68, 1.0)))],
        [_join(_arc(0.35, 0.28, 0.3, 0.28, 190, 360 + 60), _arc(0.15, 0.95, 0.45, 0.45, -45, -90 - 45)[:-3],
               _line((0.05, 1.0), (0.7, 0.98)))],
    ],
    3: [
        [_join(_arc(0.33, 0.25, 0.3, 0.25, 200, 450), _arc(0.33, 0.73, 0.33, 0.27, -90, 150))],
        [_join(_line((0.05, 0.0), (0.62, 0.0), (0.25, 0.4)), _arc(0.33, 0.7, 0.32, 0.3, -80, 150))],
    ],
    4: [
        [_line((0.5, 0.0), (0.02, 0.65), (0.72, 0.65)), _line((0.5, 0.25), (0.5, 1.0))],
        [_line((0.08, 0.0), (0.05, 0.58), (0.7, 0.58)), _line((0.55, 0.05), (0.55, 1.0))],
    ],
    5: [
        [_join(_line((0.65, 0.0), (0.1, 0.0), (0.06, 0.42)), _arc(0.3, 0.68, 0.33, 0.3, -120, 150))],
        [_join(_line((0.1, 0.0), (0.06, 0.42)), _arc(0.3, 0.68, 0.33, 0.3, -120, 150)), _line((0.1, 0.0), (0.65, 0.0))],
    ],
    6: [
        [_join(_arc(0.55, 0.55, 0.5, 0.55, -80, -180), _arc(0.33, 0.72, 0.28, 0.28, 180, 180 + 340))],
        [_join(_line((0.5, 0.0), (0.08, 0.65)), _arc(0.33, 0.73, 0.26, 0.27, 160, 160 + 360))],
    ],
    7: [
        [_line((0.0, 0.0), (0.68, 0.0), (0.25, 1.0))],
        [_line((0.0, 0.0), (0.68, 0.0), (0.25, 1.0)), _line((0.2, 0.52), (0.62, 0.52))],
        [_line((0.02, 0.12), (0.05, 0.0), (0.68, 0.0), (0.3, 1.0))],
    ],
    8: [
        [_figure_eight(0.26, 0.32)],
        [_arc(0.35, 0.24, 0.24, 0.24, 90, 450), _arc(0.35, 0.74, 0.3, 0.26, -90, 270)],
    ],
    9: [
        [_join(_arc(0.33, 0.28, 0.3, 0.28, -10, -370), _line((0.63, 0.22), (0.6, 1.0)))],
        [_join(_arc(0.33, 0.28, 0.3, 0.28, 0, -360), _line((0.63, 0.28), (0.55, 0.75)), _arc(0.3, 0.75, 0.25, 0.25, 0, 100))],
    ],
}


@dataclass(frozen=True)
class Drawing:
    """One drawn digit: its strokes in drawing-area coordinates and the pen that drew them."""

    digit: int
    strokes: list[list[tuple[float, float]]]
    pen_width: float


def _resample(points: np.ndarray, spacing: float) -> np.ndarray:
    """Points every ``spacing`` along a polyline, like a pen sampled at steady speed."""
    steps = np.linalg.norm(np.diff(points, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    if along[-1] == 0:
        return points[:1]
    count = max(2, int(math.ceil(along[-1] / spacing)) + 1)
    targets = np.linspace(0.0, along[-1], count)
    return np.stack([np.interp(targets, along, points[:, k]) for k in range(2)], axis=1)


def _place(strokes: Strokes, area: float, height: float, centre: np.ndarray, slant: float, angle: float,
           aspect: float, spacing: float, tremor: float, rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    cos, sin = math.cos(angle), math.sin(angle)
    placed = []
    for stroke in strokes:
        local = (np.asarray(stroke) - (0.35, 0.5)) * (height * aspect, height)
        local[:, 0] -= slant * local[:, 1]
        rotated = np.stack([cos * local[:, 0] - sin * local[:, 1], sin * local[:, 0] + cos * local[:, 1]], axis=1)
        points = _resample(rotated + centre, spacing)
        if tremor:
            drift = np.cumsum(rng.normal(0, tremor, points.shape), axis=0)
            points = points + drift - np.linspace(0, 1, len(points))[:, None] * drift[-1]
        placed.append([(float(x), float(y)) for x, y in np.clip(points, 0, area - 1)])
    return placed


def clear_drawing(digit: int, area: float = 280.0, style: int = 0, pen_width: float = 14.0) -> Drawing:
    """A neat, upright drawing of ``digit`` filling most of a square area of side ``area``."""
    strokes = _place(TEMPLATES[digit][style], area, 0.7 * area, np.array([area / 2, area / 2]), 0.0, 0.0,
                     1.0, area / 100, 0.0, np.random.default_rng(0))
    return Drawing(digit, strokes, pen_width)


def draw(digit: int, rng: np.random.Generator, area: float = 280.0) -> Drawing:
    """A randomly varied drawing of ``digit``: any template, size, place, slant, tilt, pen and speed."""
    templates = TEMPLATES[digit]
    template = templates[rng.integers(len(templates))]
    height = area * rng.uniform(0.3, 0.9)
    margin = height / 2
    centre = rng.uniform(margin, area - margin, size=2) if area - margin > margin else np.array([area / 2] * 2)
    strokes = _place(
        template,
        area,
        height,
        centre,
        slant=rng.uniform(-0.3, 0.35),
        angle=math.radians(rng.uniform(-12, 12)),
        aspect=rng.uniform(0.75, 1.3),
        spacing=rng.uniform(0.005, 0.06) * height,
        tremor=rng.uniform(0, 0.004) * height,
        rng=rng,
    )
    pen_width = float(np.exp(rng.uniform(math.log(2), math.log(40))))
    return Drawing(digit, strokes, pen_width)


def drawings(count: int, seed: int = 0, area: float = 280.0) -> list[Drawing]:
    """``count`` random drawings cycling through the digits 0..9."""
    rng = np.random.default_rng(seed)
    return [draw(i % 10, rng, area) for i in range(count)]
