"""The simulated writers behave like people: a style of their own, and no two drawings alike."""

from __future__ import annotations

import numpy as np
import torch

from writers import STEADY, canvas_images, writer_drawings, writer_pool


def box(drawing) -> np.ndarray:
    points = np.concatenate([np.asarray(stroke) for stroke in drawing.strokes])
    low, high = points.min(0), points.max(0)
    return np.array([*(low + high) / 2, *(high - low)])  # centre x, y; width, height


def test_a_seed_gives_the_same_writers_and_drawings_and_another_seed_others():
    first, again, other = writer_pool(3, seed=7), writer_pool(3, seed=7), writer_pool(3, seed=8)
    assert [w.slant for w in first] == [w.slant for w in again]
    assert [w.styles for w in first] == [w.styles for w in again]
    assert [w.slant for w in first] != [w.slant for w in other]
    drawings, repeated = writer_drawings(first[0], 2, seed=3), writer_drawings(again[0], 2, seed=3)
    assert [d.strokes for d in drawings] == [d.strokes for d in repeated]
    assert [d.strokes for d in writer_drawings(first[0], 2, seed=4)] != [d.strokes for d in drawings]


def test_writers_differ_in_style():
    writers = writer_pool(12, seed=1)
    assert np.std([w.slant for w in writers]) > 0.1
    assert np.std([np.log(w.aspect) for w in writers]) > 0.1
    assert len({tuple(sorted(w.styles.items())) for w in writers}) == len(writers)  # each writes digits their own ways
    assert any(w.reversed_digits for w in writers)


def test_every_drawing_of_a_writer_varies_as_much_as_a_persons_do():
    writer = writer_pool(1, seed=2)[0]
    sevens = [d for d in writer_drawings(writer, 30, seed=0) if d.digit == 7]
    boxes = np.array([box(d) for d in sevens])
    heights = boxes[:, 3]
    assert np.std(np.log(heights)) > 0.08  # size
    assert np.std(boxes[:, 0]) > 10 and np.std(boxes[:, 1]) > 10  # place, on a 280-pixel canvas
    assert len({round(d.pen_width, 3) for d in sevens}) == len(sevens)  # pen
    # far more than the small jitter of one fixed distortion
    steady = np.array([box(d) for d in writer_drawings(writer, 30, seed=0, variation=STEADY) if d.digit == 7])
    assert np.std(boxes[:, 0]) > 2 * np.std(steady[:, 0])


def test_now_and_then_a_digit_is_written_another_way_or_sloppily():
    writer = writer_pool(1, seed=3)[0]
    drawings = writer_drawings(writer, 40, seed=1)
    usual = sum(d.style == writer.style(d.digit) for d in drawings)
    assert 0.7 * len(drawings) < usual < len(drawings)
    assert 0 < sum(bool(d.habit) for d in drawings) < 0.3 * len(drawings)


def test_drawings_become_pictures_through_the_apps_canvas(qapp):
    drawings = writer_drawings(writer_pool(1, seed=4)[0], 1, seed=0)
    images = canvas_images(drawings)
    assert images.shape == (10, 28, 28) and images.dtype == torch.uint8
    assert all(image.float().sum() > 2000 for image in images)  # every one holds a digit
    assert len({image.numpy().tobytes() for image in images}) == 10
