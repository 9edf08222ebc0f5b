"""Simulated writers, for the personal-set tests and benchmarks/personal.py.

A writer has a style of their own: a slant, proportions, a tilt, a pen, a usual size, which way of
writing each digit they use (a named style of :mod:`digit_strokes`: slashed zero, flagged one,
crossed seven ...), in which order and direction their strokes go, and how steady their hand is.
And like a person, no two of their drawings are alike: each drawing varies in size, place, slant
(about +-10 degrees), tilt, proportions, pen and tremor; now and then they write a digit another
way than usual, and now and then a drawing is sloppy (re-traced, broken, a stray tail, badly
slanted or squashed, shaky). :data:`HUMAN` sets how much a drawing varies; :data:`STEADY` is the
small variation of one fixed distortion, which flatters learning.

:func:`writer_pool` draws a population of such writers from a seed, so that settings can be picked
on one pool and judged on another. Strokes are in a square area of side ``area``; the app's own
canvas turns them into pictures (:func:`canvas_images`, :func:`save_as_pictures`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from digit_strokes import HABITS, STYLE_NAMES, STYLES, Drawing, _place, _with_habit

SLOPPY_HABITS = tuple(h for h in HABITS if h in ("re-traced", "gap", "stray tail"))


@dataclass(frozen=True)
class Writer:
    """One person's habits."""

    name: str
    slant: float  # horizontal shift per unit of height; negative leans left
    aspect: float  # width relative to a neat drawing
    tilt_degrees: float
    pen_width: float  # on a 280-pixel canvas
    styles: dict[int, str] = field(default_factory=dict)  # digit -> style name; the plainest where absent
    size: float = 0.55  # usual height, as a share of the canvas
    tremor: float = 0.002  # hand tremor, as a share of the digit's height
    reversed_digits: frozenset[int] = frozenset()  # digits whose strokes go the other way, in the other order
    other_style_share: float = 0.08  # drawings written another way than usual
    sloppy_share: float = 0.06  # drawings dashed off badly
    shape: "Warp | None" = None  # how their digits' shapes differ from the scripted ones (loops, joins, curves)
    stroke_ends: tuple[float, float] = (0.0, 0.0)  # strokes begun and ended this much (of their length) later or earlier

    def style(self, digit: int) -> str:
        return self.styles.get(digit, STYLE_NAMES[digit][0])


@dataclass(frozen=True)
class Variation:
    """How much one drawing differs from the writer's usual one (uniform ranges, +-)."""

    size: float = 0.2  # log of the height's change
    place: float = 1.0  # share of the free room the centre moves in
    slant_degrees: float = 10.0
    tilt_degrees: float = 6.0
    aspect: float = 0.12  # log of the width's change
    pen: float = 0.2  # log of the pen width's change
    tremor: float = 0.6  # tremor scaled by 1 +- this
    shape: float = 0.05  # size of a drawing's own smooth change of shape, as a share of the digit's height
    stroke_ends: float = 0.08  # strokes begun and ended up to this much (of their length) sooner or later
    habits: bool = True  # other styles and sloppy drawings at the writer's rates


HUMAN = Variation()
STEADY = Variation(size=0.14, place=0.2, slant_degrees=2.5, tilt_degrees=4, aspect=0.08, pen=0.0, tremor=0.5, shape=0.0,
                   stroke_ends=0.0, habits=False)


@dataclass(frozen=True)
class Warp:
    """A smooth change of shape over the unit box: the sum of a few random waves, each way."""

    amplitude: np.ndarray  # (K, 2)
    frequency: np.ndarray  # (K, 2) cycles per unit
    phase: np.ndarray  # (K, 2)

    @classmethod
    def random(cls, rng: np.random.Generator, size: float, waves: int = 4) -> "Warp":
        amplitude = rng.normal(0, size / math.sqrt(waves), (waves, 2))
        frequency = rng.uniform(-1.6, 1.6, (waves, 2))
        return cls(amplitude, frequency, rng.uniform(0, 2 * math.pi, (waves, 2)))

    def __call__(self, points: np.ndarray) -> np.ndarray:
        angle = 2 * math.pi * points @ self.frequency.T  # (N, K)
        return points + np.stack([(np.sin(angle + self.phase[:, k]) * self.amplitude[:, k]).sum(1) for k in range(2)], 1)

WRITERS = (
    Writer("backhand", slant=-0.8, aspect=1.5, tilt_degrees=-10, pen_width=10),
    Writer("tall-tilted", slant=0.6, aspect=0.5, tilt_degrees=20, pen_width=16),
    Writer("continental", slant=-0.3, aspect=1.7, tilt_degrees=8, pen_width=12,
           styles={0: "0 slashed", 1: "1 long flag and base", 2: "2 looped", 4: "4 open top", 7: "7 crossed",
                   9: "9 curved stem"}),
)
# Writes on a tablet turned on its side: no augmentation of MNIST turns digits this far, so any
# model reads this hand badly, and tests can count on learning to show.
SIDEWAYS = Writer("sideways", slant=0.0, aspect=1.0, tilt_degrees=80, pen_width=12, other_style_share=0, sloppy_share=0)


def random_writer(rng: np.random.Generator, name: str) -> Writer:
    """A writer drawn from a population: most write most digits the plainest way, slant a little and
    keep proportions near a neat hand's; some do not."""
    styles = {}
    for digit, names in STYLE_NAMES.items():
        if len(names) > 1 and rng.random() < 0.5:
            styles[digit] = names[rng.integers(1, len(names))]
    return Writer(
        name,
        slant=float(np.clip(rng.normal(0.05, 0.25), -0.7, 0.7)),
        aspect=float(np.exp(np.clip(rng.normal(0.0, 0.25), -0.6, 0.6))),
        tilt_degrees=float(np.clip(rng.normal(0.0, 7.0), -18, 18)),
        pen_width=float(np.exp(rng.uniform(math.log(5), math.log(28)))),
        styles=styles,
        size=float(rng.uniform(0.35, 0.7)),
        tremor=float(rng.uniform(0.001, 0.006)),
        reversed_digits=frozenset(int(d) for d in np.flatnonzero(rng.random(10) < 0.3)),
        other_style_share=float(rng.uniform(0.05, 0.2)),
        sloppy_share=float(rng.uniform(0.03, 0.15)),
        shape=Warp.random(rng, float(rng.uniform(0.03, 0.09))),
        stroke_ends=(float(rng.normal(0, 0.05)), float(rng.normal(0, 0.05))),
    )


def writer_pool(count: int, seed: int) -> list[Writer]:
    """``count`` writers of the population; another seed gives other writers."""
    rng = np.random.default_rng([seed, 24])
    return [random_writer(rng, f"writer {seed}-{k}") for k in range(count)]


def writer_drawings(writer: Writer, per_digit: int, seed: int = 0, area: float = 280.0,
                    variation: Variation = HUMAN) -> list[Drawing]:
    """``per_digit`` drawings of each digit 0-9 by ``writer``, digits cycling (0, 1, ..., 9, 0, 1, ...)."""
    rng = np.random.default_rng(seed)
    return [_drawing(writer, digit, rng, area, variation) for _ in range(per_digit) for digit in range(10)]


def _drawing(writer: Writer, digit: int, rng: np.random.Generator, area: float, variation: Variation) -> Drawing:
    style = writer.style(digit)
    if variation.habits and rng.random() < writer.other_style_share and len(STYLE_NAMES[digit]) > 1:
        style = str(rng.choice([name for name in STYLE_NAMES[digit] if name != style]))
    sloppy = variation.habits and rng.random() < writer.sloppy_share
    strokes = STYLES[style][1]
    habit = ""
    if sloppy:
        habit = str(rng.choice(SLOPPY_HABITS))
        strokes = _with_habit(strokes, habit, rng)
    ends = [writer.stroke_ends[k] + spread_once(rng, variation.stroke_ends) for k in range(2)]
    strokes = [_trim(np.asarray(stroke, dtype=np.float64), *ends) for stroke in strokes]
    if writer.shape is not None:
        strokes = [writer.shape(stroke) for stroke in strokes]
    shape_size = variation.shape * (2.5 if sloppy else 1)
    if shape_size:
        own = Warp.random(rng, shape_size)
        strokes = [own(stroke) for stroke in strokes]
    if digit in writer.reversed_digits:
        strokes = [np.asarray(stroke)[::-1] for stroke in reversed(strokes)]

    def spread(amount: float) -> float:
        return float(rng.uniform(-amount, amount))

    slant = writer.slant + math.tan(math.radians(spread(variation.slant_degrees)))
    tilt = writer.tilt_degrees + spread(variation.tilt_degrees)
    aspect = writer.aspect * math.exp(spread(variation.aspect))
    tremor = writer.tremor * (1 + spread(variation.tremor))
    if sloppy:  # dashed off: slanted, turned, squashed and shaken more than usual
        slant += spread(0.3)
        tilt += spread(12)
        aspect *= math.exp(spread(0.35))
        tremor *= 2.5
    width_per_height = 0.7 * aspect + abs(slant)  # the drawing stays on the canvas
    height = area * min(writer.size * math.exp(spread(variation.size)), 0.88, 0.88 / width_per_height)
    room = np.clip(area / 2 - np.array([height * width_per_height, height]) / 2 - 0.04 * area, 0, None)
    centre = area / 2 + rng.uniform(-1, 1, size=2) * room * variation.place
    placed = _place(strokes, area, height, centre, slant=slant, angle=math.radians(tilt), aspect=aspect,
                    spacing=rng.uniform(0.01, 0.04) * height, tremor=tremor * height, rng=rng)
    pen_width = writer.pen_width * math.exp(spread(variation.pen)) * area / 280
    return Drawing(digit, placed, pen_width, style, habit)


def spread_once(rng: np.random.Generator, amount: float) -> float:
    return float(rng.uniform(-amount, amount))


def _trim(stroke: np.ndarray, start: float, end: float) -> np.ndarray:
    """The stroke begun ``start`` and ended ``end`` of its length later (positive: shorter), or carried on
    straight past its ends (negative)."""
    if len(stroke) < 2:
        return stroke
    steps = np.linalg.norm(np.diff(stroke, axis=0), axis=1)
    along = np.concatenate([[0.0], np.cumsum(steps)])
    length = along[-1]
    if length == 0:
        return stroke
    # an end that closes a loop (0, 6, 8, 9) is not left far open: people close loops, if roughly
    head_room, tail_room = _closes_loop(stroke, 0), _closes_loop(stroke, -1)
    start, end = min(start, 0.02) if head_room else start, min(end, 0.02) if tail_room else end
    first, last = max(start, 0) * length, length - max(end, 0) * length
    if last - first < 0.3 * length:  # never trim a stroke to nothing
        first, last = 0.0, length
    keep = (along > first) & (along < last)
    head = np.array([[np.interp(first, along, stroke[:, k]) for k in range(2)]])
    tail = np.array([[np.interp(last, along, stroke[:, k]) for k in range(2)]])
    trimmed = np.concatenate([head, stroke[keep], tail])
    if start < 0:
        direction = trimmed[0] - trimmed[min(3, len(trimmed) - 1)]
        trimmed = np.concatenate([[trimmed[0] - start * length * direction / max(np.linalg.norm(direction), 1e-9)], trimmed])
    if end < 0:
        direction = trimmed[-1] - trimmed[max(-4, -len(trimmed))]
        trimmed = np.concatenate([trimmed, [trimmed[-1] - end * length * direction / max(np.linalg.norm(direction), 1e-9)]])
    return trimmed


def _closes_loop(stroke: np.ndarray, end: int) -> bool:
    """Whether the stroke's first (``end`` 0) or last (-1) point lies on another part of it, as a loop's does."""
    count = len(stroke)
    others = stroke[count // 5 :] if end == 0 else stroke[: count - count // 5]
    size = float(np.ptp(stroke, axis=0).max())
    return bool(size and np.linalg.norm(others - stroke[end], axis=1).min() < 0.15 * size)


def _paint(canvas, drawing: Drawing, scale: float) -> None:
    from PySide6.QtCore import QPointF

    canvas.clear()
    canvas.set_pen_width(drawing.pen_width * scale)
    for stroke in drawing.strokes:
        canvas.begin_stroke(QPointF(stroke[0][0] * scale, stroke[0][1] * scale))
        for x, y in stroke[1:]:
            canvas.extend_stroke(QPointF(x * scale, y * scale))
        canvas.end_stroke()


def save_as_pictures(drawings: list[Drawing], folder, size: int = 280) -> list:
    """Draw each drawing on the app's canvas (offscreen) and save what it shows as ``folder/<digit>/<n>.png``.

    Needs a ``QApplication``. Returns the paths, in the order of ``drawings``.
    """
    from pathlib import Path

    from digitdraw.ui.draw.canvas import Canvas

    canvas = Canvas()
    canvas.resize(size, size)
    paths = []
    for index, drawing in enumerate(drawings):
        _paint(canvas, drawing, size / 280)
        path = Path(folder) / str(drawing.digit) / f"{index:04d}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not canvas.drawing_image().save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
        paths.append(path)
    canvas.deleteLater()
    return paths


def canvas_images(drawings: list[Drawing], size: int = 280):
    """The 28x28 uint8 images (N, 28, 28) that ``classify`` and ``learn`` read from the canvas's pictures of
    ``drawings`` (what :func:`save_as_pictures` saves, without the files). Needs a ``QApplication``."""
    import io

    import torch
    from PIL import Image
    from PySide6.QtCore import QBuffer, QIODevice

    from digitdraw.core.preprocess import image_to_image
    from digitdraw.ui.draw.canvas import Canvas

    canvas = Canvas()
    canvas.resize(size, size)
    images = []
    for drawing in drawings:
        _paint(canvas, drawing, size / 280)
        buffer = QBuffer()
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        canvas.drawing_image().save(buffer, "PNG")
        with Image.open(io.BytesIO(bytes(buffer.data()))) as picture:  # as digitdraw.core.imageio reads a file
            pixels = np.asarray(picture.convert("RGBA" if "A" in picture.getbands() else "RGB")
                                if picture.mode not in ("L", "RGB", "RGBA") else picture)
        image = image_to_image(pixels)
        images.append(torch.zeros(28, 28) if image is None else image)
    canvas.deleteLater()
    return (torch.stack(images) * 255).round().to(torch.uint8)
