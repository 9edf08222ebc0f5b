"""Simulated writers with a consistent hand, for the personal-set tests and benchmarks/personal.py.

A writer has habits the network was not taught: a strong slant one way, squashed or tall
proportions, a tilt, a pen of their own, and some write a few digits in a variant of their own
(a slashed zero, a long-flagged one with a base serif, a crossed seven, a looped two ...). Every
drawing of a writer keeps those habits and varies only a little in size, place, slant and tilt,
as one person's drawings do. Strokes are in a square area of side ``area`` like ``digit_strokes``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from digit_strokes import TEMPLATES, Drawing, Strokes, _arc, _join, _line, _place

VARIANTS: dict[int, Strokes] = {
    0: [_arc(0.35, 0.5, 0.3, 0.5, -90, -450), _line((0.68, 0.02), (0.02, 0.98))],  # slashed zero
    1: [_line((0.0, 0.45), (0.42, 0.0), (0.42, 1.0)), _line((0.12, 1.0), (0.72, 1.0))],  # long flag, base serif
    2: [_join(_arc(0.33, 0.3, 0.3, 0.3, 200, 400), _line((0.55, 0.5), (0.1, 0.88)),
              _arc(0.2, 0.86, 0.12, 0.12, 200, 560)[:-4], _line((0.3, 0.95), (0.7, 1.0)))],  # looped two
    4: [_line((0.05, 0.0), (0.02, 0.6), (0.7, 0.6)), _line((0.52, 0.2), (0.52, 1.0))],  # open top
    7: [_join(_line((0.0, 0.1), (0.02, 0.0), (0.68, 0.0), (0.3, 1.0))), _line((0.12, 0.5), (0.62, 0.5))],  # crossed
    9: [_join(_arc(0.33, 0.28, 0.3, 0.28, -10, -370), _arc(0.0, 0.3, 0.62, 0.7, 0, 80))],  # curved stem
}


@dataclass(frozen=True)
class Writer:
    """One person's habits."""

    name: str
    slant: float  # horizontal shift per unit of height; negative leans left
    aspect: float  # width relative to a neat drawing
    tilt_degrees: float
    pen_width: float
    variants: dict[int, Strokes] = field(default_factory=dict)

    def template(self, digit: int) -> Strokes:
        return self.variants.get(digit, TEMPLATES[digit][0])


WRITERS = (
    Writer("backhand", slant=-0.8, aspect=1.5, tilt_degrees=-10, pen_width=10),
    Writer("tall-tilted", slant=0.6, aspect=0.5, tilt_degrees=20, pen_width=16),
    Writer("continental", slant=-0.3, aspect=1.7, tilt_degrees=8, pen_width=12, variants=VARIANTS),
)
# Writes on a tablet turned on its side: no augmentation of MNIST turns digits this far, so any
# model reads this hand badly, and tests can count on learning to show.
SIDEWAYS = Writer("sideways", slant=0.0, aspect=1.0, tilt_degrees=80, pen_width=12)


def writer_drawings(writer: Writer, per_digit: int, seed: int = 0, area: float = 280.0) -> list[Drawing]:
    """``per_digit`` drawings of each digit 0-9 by ``writer``, digits cycling (0, 1, ..., 9, 0, 1, ...)."""
    rng = np.random.default_rng(seed)
    drawings = []
    for _ in range(per_digit):
        for digit in range(10):
            width_per_height = 0.7 * writer.aspect + abs(writer.slant)  # the drawing stays on the canvas
            height = area * min(rng.uniform(0.45, 0.6), 0.85 / width_per_height)
            centre = area / 2 + rng.uniform(-0.06, 0.06, size=2) * area
            strokes = _place(
                writer.template(digit),
                area,
                height,
                centre,
                slant=writer.slant + rng.uniform(-0.08, 0.08),
                angle=math.radians(writer.tilt_degrees + rng.uniform(-4, 4)),
                aspect=writer.aspect * rng.uniform(0.92, 1.08),
                spacing=rng.uniform(0.01, 0.03) * height,
                tremor=rng.uniform(0, 0.002) * height,
                rng=rng,
            )
            drawings.append(Drawing(digit, strokes, writer.pen_width))
    return drawings


def save_as_pictures(drawings: list[Drawing], folder, size: int = 280) -> list:
    """Draw each drawing on the app's canvas (offscreen) and save what it shows as ``folder/<digit>/<n>.png``.

    Needs a ``QApplication``. Returns the paths, in the order of ``drawings``.
    """
    from pathlib import Path

    from PySide6.QtCore import QPointF

    from digitdraw.ui.draw.canvas import Canvas

    canvas = Canvas()
    canvas.resize(size, size)
    scale = size / 280
    paths = []
    for index, drawing in enumerate(drawings):
        canvas.clear()
        canvas.set_pen_width(drawing.pen_width * scale)
        for stroke in drawing.strokes:
            canvas.begin_stroke(QPointF(stroke[0][0] * scale, stroke[0][1] * scale))
            for x, y in stroke[1:]:
                canvas.extend_stroke(QPointF(x * scale, y * scale))
            canvas.end_stroke()
        path = Path(folder) / str(drawing.digit) / f"{index:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not canvas.drawing_image().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        paths.append(path)
    canvas.deleteLater()
    return paths
