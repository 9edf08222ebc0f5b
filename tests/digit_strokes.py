"""Scripted pen drawings of the ten digits, for tests and benchmarks.

Each digit has a few named styles (ways people write it, :data:`STYLES`), as strokes of points in a unit box:
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


# Ways people write each digit, by name; the first of each digit is its plainest form. Real-world styles
# that MNIST (American writers) barely holds are here too: slashed and dotted zeros, ones with a long
# flag and a base, crossed and hooked sevens, open-top fours, nines with a curved stem, looped twos.
STYLES: dict[str, tuple[int, Strokes]] = {
    "0 oval": (0, [_arc(0.35, 0.5, 0.32, 0.5, -90, -450)]),
    "0 overlapping": (0, [_arc(0.35, 0.5, 0.28, 0.5, -100, 270)]),
    "0 slashed": (0, [_arc(0.35, 0.5, 0.3, 0.5, -90, -450), _line((0.0, 1.05), (0.7, -0.05))]),
    "0 slashed inside": (0, [_arc(0.35, 0.5, 0.32, 0.5, -100, 270), _line((0.15, 0.85), (0.55, 0.15))]),
    "0 dotted": (0, [_arc(0.35, 0.5, 0.32, 0.5, -90, -450), _line((0.33, 0.5), (0.37, 0.49))]),
    "1 stick": (1, [_line((0.35, 0.0), (0.35, 1.0))]),
    "1 short flag": (1, [_line((0.15, 0.2), (0.38, 0.0), (0.38, 1.0))]),
    "1 flag and base": (1, [_line((0.12, 0.22), (0.38, 0.0), (0.38, 1.0)), _line((0.15, 1.0), (0.6, 1.0))]),
    "1 long flag": (1, [_line((0.0, 0.4), (0.42, 0.0), (0.42, 1.0))]),
    "1 long shallow flag": (1, [_line((0.0, 0.25), (0.45, 0.0), (0.45, 1.0))]),
    "1 long flag and base": (1, [_line((0.0, 0.35), (0.4, 0.0), (0.4, 1.0)), _line((0.12, 1.0), (0.68, 1.0))]),
    "2 plain": (2, [_join(_arc(0.33, 0.3, 0.3, 0.3, 200, 360 + 30), _line((0.6, 0.45), (0.02, 1.0), (0.68, 1.0)))]),
    "2 curved base": (2, [_join(_arc(0.35, 0.28, 0.3, 0.28, 190, 360 + 60), _arc(0.15, 0.95, 0.45, 0.45, -45, -90 - 45)[:-3],
                                _line((0.05, 1.0), (0.7, 0.98)))]),
    "2 looped": (2, [_join(_arc(0.33, 0.3, 0.3, 0.3, 200, 360 + 30), _line((0.6, 0.45), (0.1, 0.95)),
                           _arc(0.2, 0.83, 0.14, 0.14, 135, 135 + 330), _line((0.26, 0.97), (0.7, 0.98)))]),
    "3 round": (3, [_join(_arc(0.33, 0.25, 0.3, 0.25, 200, 450), _arc(0.33, 0.73, 0.33, 0.27, -90, 150))]),
    "3 flat top": (3, [_join(_line((0.05, 0.0), (0.62, 0.0), (0.25, 0.4)), _arc(0.33, 0.7, 0.32, 0.3, -80, 150))]),
    "4 closed": (4, [_line((0.5, 0.0), (0.02, 0.65), (0.72, 0.65)), _line((0.5, 0.25), (0.5, 1.0))]),
    "4 closed, one stroke": (4, [_line((0.55, 1.0), (0.55, 0.0), (0.0, 0.65), (0.72, 0.65))]),
    "4 open top": (4, [_line((0.08, 0.0), (0.05, 0.58), (0.7, 0.58)), _line((0.55, 0.05), (0.55, 1.0))]),
    "4 open top, leaning arm": (4, [_line((0.3, 0.0), (0.02, 0.6), (0.72, 0.6)), _line((0.52, 0.15), (0.52, 1.0))]),
    "5 one stroke": (5, [_join(_line((0.65, 0.0), (0.1, 0.0), (0.06, 0.42)), _arc(0.3, 0.68, 0.33, 0.3, -120, 150))]),
    "5 two strokes": (5, [_join(_line((0.1, 0.0), (0.06, 0.42)), _arc(0.3, 0.68, 0.33, 0.3, -120, 150)), _line((0.1, 0.0), (0.65, 0.0))]),
    "6 round": (6, [_join(_arc(0.55, 0.55, 0.5, 0.55, -80, -180), _arc(0.33, 0.72, 0.28, 0.28, 180, 180 + 340))]),
    "6 straight": (6, [_join(_line((0.5, 0.0), (0.08, 0.65)), _arc(0.33, 0.73, 0.26, 0.27, 160, 160 + 360))]),
    "7 plain": (7, [_line((0.0, 0.0), (0.68, 0.0), (0.25, 1.0))]),
    "7 crossed": (7, [_line((0.0, 0.0), (0.68, 0.0), (0.25, 1.0)), _line((0.2, 0.52), (0.62, 0.52))]),
    "7 serif": (7, [_line((0.02, 0.12), (0.05, 0.0), (0.68, 0.0), (0.3, 1.0))]),
    "7 hooked stem": (7, [_line((0.0, 0.0), (0.68, 0.0), (0.34, 0.82), (0.27, 0.97), (0.13, 0.9))]),
    "7 crossed, serif": (7, [_line((0.02, 0.14), (0.05, 0.0), (0.68, 0.0), (0.3, 1.0)), _line((0.25, 0.5), (0.6, 0.48))]),
    "8 figure eight": (8, [_figure_eight(0.26, 0.32)]),
    "8 two loops": (8, [_arc(0.35, 0.24, 0.24, 0.24, 90, 450), _arc(0.35, 0.74, 0.3, 0.26, -90, 270)]),
    "9 straight stem": (9, [_join(_arc(0.33, 0.28, 0.3, 0.28, -10, -370), _line((0.63, 0.22), (0.6, 1.0)))]),
    "9 curved stem": (9, [_join(_arc(0.33, 0.28, 0.3, 0.28, 0, -360), _line((0.63, 0.28), (0.55, 0.75)),
                                _arc(0.3, 0.75, 0.25, 0.25, 0, 100))]),
    "9 leaning stem": (9, [_join(_arc(0.35, 0.27, 0.3, 0.27, -10, -370), _line((0.65, 0.22), (0.42, 1.0)))]),
}
TEMPLATES: dict[int, list[Strokes]] = {d: [t for digit, t in STYLES.values() if digit == d] for d in range(10)}
STYLE_NAMES: dict[int, list[str]] = {d: [n for n, (digit, _) in STYLES.items() if digit == d] for d in range(10)}

# Habits of a mouse or a pen, on any digit: how :func:`draw` changes the strokes.
HABITS = ("slant left", "slant right", "squashed", "tall", "re-traced", "gap", "stray tail")


@dataclass(frozen=True)
class Drawing:
    """One drawn digit: its strokes in drawing-area coordinates and the pen that drew them."""

    digit: int
    strokes: list[list[tuple[float, float]]]
    pen_width: float
    style: str = ""
    habit: str = ""


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


def _with_habit(strokes: Strokes, habit: str, rng: np.random.Generator) -> Strokes:
    """The template's strokes changed the way a hand does: re-traced, broken by a gap, or with a stray tail.

    Slant and aspect habits are placement settings (see :func:`draw`); they leave the strokes as they are.
    """
    strokes = [_resample(np.asarray(s, dtype=np.float64), 0.01) for s in strokes]
    longest = max(range(len(strokes)), key=lambda k: len(strokes[k]))
    stroke = strokes[longest]
    if habit == "re-traced":  # back over a stretch of the longest stroke, a little off
        start = rng.integers(0, max(1, len(stroke) // 2))
        stretch = stroke[start : start + max(3, int(len(stroke) * rng.uniform(0.3, 0.6)))]
        back = stretch[::-1] + rng.normal(0, 0.012, 2) + rng.normal(0, 0.004, stretch.shape)
        strokes[longest] = np.concatenate([stroke[: start + len(stretch)], back, stroke[start + 1 :]])
    elif habit == "gap" and len(stroke) > 20:  # the pen skipped: a short break
        at, size = rng.integers(3, len(stroke) - 14), int(rng.integers(6, 11))
        strokes[longest:longest + 1] = [stroke[:at], stroke[at + size :]]
    elif habit == "stray tail":  # the pen came off with a flick
        end = strokes[-1]
        angle, length = rng.uniform(0, 2 * np.pi), rng.uniform(0.06, 0.14)
        strokes[-1] = np.concatenate([end, [end[-1] + length * np.array([np.cos(angle), np.sin(angle)])]])
    return strokes


def draw(digit: int, rng: np.random.Generator, area: float = 280.0, style: str | None = None, habit: str = "") -> Drawing:
    """A randomly varied drawing of ``digit``: its named style (else any), size, place, slant, tilt, pen and
    speed; with a ``habit`` from :data:`HABITS`, drawn that way."""
    style = style or STYLE_NAMES[digit][rng.integers(len(STYLE_NAMES[digit]))]
    template = _with_habit(STYLES[style][1], habit, rng) if habit else STYLES[style][1]
    height = area * rng.uniform(0.3, 0.9)
    margin = height / 2
    centre = rng.uniform(margin, area - margin, size=2) if area - margin > margin else np.array([area / 2] * 2)
    slant = {"slant left": rng.uniform(-0.6, -0.35), "slant right": rng.uniform(0.4, 0.65)}.get(habit, rng.uniform(-0.3, 0.35))
    aspect = {"squashed": rng.uniform(1.5, 2.0), "tall": rng.uniform(0.45, 0.65)}.get(habit, rng.uniform(0.75, 1.3))
    strokes = _place(
        template,
        area,
        height,
        centre,
        slant=slant,
        angle=math.radians(rng.uniform(-12, 12)),
        aspect=aspect,
        spacing=rng.uniform(0.005, 0.06) * height,
        tremor=rng.uniform(0, 0.004) * height,
        rng=rng,
    )
    pen_width = float(np.exp(rng.uniform(math.log(2), math.log(40))))
    return Drawing(STYLES[style][0], strokes, pen_width, style, habit)


def drawings(count: int, seed: int = 0, area: float = 280.0) -> list[Drawing]:
    """``count`` random drawings cycling through the digits 0..9."""
    rng = np.random.default_rng(seed)
    return [draw(i % 10, rng, area) for i in range(count)]


def drawings_by_style(per_style: int, seed: int = 0, area: float = 280.0, habits: bool = True) -> list[Drawing]:
    """``per_style`` drawings of every named style; with ``habits``, also ``per_style`` of every habit
    (on digits cycling 0..9, any style)."""
    rng = np.random.default_rng(seed)
    plain = [draw(digit, rng, area, name) for name, (digit, _) in STYLES.items() for _ in range(per_style)]
    with_habits = [draw(i % 10, rng, area, habit=habit) for habit in HABITS for i in range(per_style)] if habits else []
    return plain + with_habits
