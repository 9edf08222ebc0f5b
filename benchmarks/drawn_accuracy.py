"""Accuracy of the shipped model on scripted drawn digits, per style, habit and digit.

Every named style of ``tests/digit_strokes.py`` (slashed zeros, flagged ones, crossed sevens, ...) and
every habit (hard slant, squashed, tall, re-traced, gap, stray tail) is drawn many ways: random size,
place, slant, rotation, tremor, pen speed and width. These strokes are written by hand here, not made
by the training's synthesis (``core/styles.py`` edits MNIST images), so they test it independently.
Most drawings go straight through ``strokes_to_image``; a share is drawn with mouse events on the
real canvas widget offscreen, and classified both from its strokes and from the picture it shows
(the pen's width then matters, as for an opened image file).
Run: QT_QPA_PLATFORM=offscreen python benchmarks/drawn_accuracy.py [--per-style N] [--canvas-per-style M]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from digit_strokes import drawings_by_style  # noqa: E402

from digitdraw.core.inference import Classifier  # noqa: E402
from digitdraw.core.preprocess import image_to_image, strokes_to_image  # noqa: E402


def classify(classifier: Classifier, images: list[torch.Tensor | None]) -> np.ndarray:
    """Predicted digits; -1 where preprocessing found nothing to classify."""
    found = [i for i, image in enumerate(images) if image is not None]
    digits = np.full(len(images), -1)
    if found:
        predictions = classifier.predict_batch(torch.stack([images[i] for i in found]))
        digits[found] = [p.digit for p in predictions]
    return digits


def on_canvas(drawings_list, size: int = 420):
    """Draw each drawing with mouse events on the app's canvas; return (strokes images, picture images)."""
    from PySide6.QtCore import QEvent, QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    from digitdraw.ui.draw.canvas import Canvas

    app = QApplication.instance() or QApplication([])
    canvas = Canvas()
    canvas.resize(size, size)
    canvas.show()
    app.processEvents()
    left, held, none = Qt.MouseButton.LeftButton, Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    from_strokes, from_pictures = [], []
    for drawing in drawings_list:
        canvas.clear()
        canvas.set_pen_width(drawing.pen_width * size / 280)
        for stroke in drawing.strokes:
            points = [QPointF(x * size / 280, y * size / 280) for x, y in stroke]
            for kind, point, button, buttons in (
                [(QEvent.Type.MouseButtonPress, points[0], left, held)]
                + [(QEvent.Type.MouseMove, p, none, held) for p in points[1:]]
                + [(QEvent.Type.MouseButtonRelease, points[-1], left, none)]
            ):
                QApplication.sendEvent(canvas, QMouseEvent(kind, point, canvas.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier))
        from_strokes.append(strokes_to_image(canvas.strokes(), canvas.area_size()))
        picture = canvas.drawing_image().convertToFormat(canvas.drawing_image().Format.Format_Grayscale8)
        pixels = np.frombuffer(picture.constBits(), np.uint8).reshape(picture.height(), picture.bytesPerLine())[:, : picture.width()]
        from_pictures.append(image_to_image(pixels.copy()))
    canvas.close()
    return from_strokes, from_pictures


def report(name: str, drawn: list, predicted: np.ndarray) -> None:
    labels = np.array([d.digit for d in drawn])
    groups = np.array([d.habit or d.style for d in drawn])
    right = labels == predicted
    print(f"\n{name}: {right.mean():.2%} of {len(labels)} ({(predicted == -1).sum()} found nothing to classify)")
    per_digit = [right[labels == d].mean() for d in range(10)]
    print(f"per digit (mean {np.mean(per_digit):.2%}, each digit counted alike): "
          + "  ".join(f"{d}:{a:.1%}" for d, a in enumerate(per_digit)))
    print("per style and habit (worst first; the commonest wrong answer):")
    for group in sorted(dict.fromkeys(groups), key=lambda g: right[groups == g].mean()):
        wrong = predicted[(groups == group) & ~right]
        commonest = f"  read as {np.bincount(wrong + 1).argmax() - 1}" if len(wrong) else ""
        print(f"  {group:<26} {right[groups == group].mean():7.1%}{commonest}")
    print("confusion (rows: drawn, columns: read; last column: nothing)")
    print("      " + " ".join(f"{d:>4}" for d in range(10)) + "    –")
    for digit in range(10):
        row = predicted[labels == digit]
        print(f"  {digit}:  " + " ".join(f"{(row == d).sum():>4}" for d in list(range(10)) + [-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-style", type=int, default=60, help="drawings of each style and habit through strokes_to_image")
    parser.add_argument("--canvas-per-style", type=int, default=12, help="drawings of each through the canvas widget")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--model", help="checkpoint to evaluate (default: the shipped model)")
    args = parser.parse_args()
    classifier = Classifier.load(args.model)
    print(f"model: {classifier.arch}, MNIST test accuracy {classifier.checkpoint.test_accuracy:.2%} ({classifier.source})")
    bulk = drawings_by_style(args.per_style, seed=args.seed)
    report("strokes_to_image", bulk, classify(classifier, [strokes_to_image(d.strokes, 280) for d in bulk]))
    if args.canvas_per_style:
        drawn = drawings_by_style(args.canvas_per_style, seed=args.seed + 1)
        from_strokes, from_pictures = on_canvas(drawn)
        report("canvas widget, its strokes", drawn, classify(classifier, from_strokes))
        report("canvas widget, its picture (pen width matters)", drawn, classify(classifier, from_pictures))


if __name__ == "__main__":
    main()
