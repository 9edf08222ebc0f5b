"""Preprocessing on real MNIST digits and on scripted pen strokes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from digitdraw.core.preprocess import MNIST_WIDTHS, image_to_image, stroke_width, strokes_to_image

from digit_strokes import clear_drawing

COUNT = 100


def similarity(a: torch.Tensor, b: torch.Tensor) -> float:
    a, b = a.flatten().float(), b.flatten().float()
    return float(a @ b / (a.norm() * b.norm()).clamp(min=1e-9))


def upscale(ink: torch.Tensor, factor: int) -> torch.Tensor:
    return F.interpolate(ink[None, None], scale_factor=factor, mode="bilinear")[0, 0]


@pytest.fixture(scope="module")
def digits(mnist) -> torch.Tensor:
    """MNIST test digits as ink in [0, 1]."""
    return mnist[1].images[:COUNT].float() / 255


def mean_similarity(digits: torch.Tensor, change) -> float:
    scores = []
    for ink in digits:
        out = image_to_image(change(ink))
        scores.append(0.0 if out is None else similarity(out, ink))
    return float(np.mean(scores))


def test_an_mnist_digit_comes_out_nearly_unchanged(digits):
    assert mean_similarity(digits, lambda ink: (ink * 255).to(torch.uint8).numpy()) > 0.95


@pytest.mark.parametrize(
    ("name", "change", "at_least"),
    [
        ("light on dark paper, as MNIST", lambda ink: ink, 0.95),
        ("dark on light paper", lambda ink: 1 - ink, 0.95),
        ("colour", lambda ink: torch.stack([1 - ink, 1 - 0.5 * ink, torch.ones_like(ink)], dim=-1), 0.95),
        ("shifted in a larger picture", lambda ink: F.pad(ink, (30, 6, 3, 40)), 0.95),
        ("scaled up 3x", lambda ink: upscale(ink, 3), 0.9),
        ("scaled down to 20x20", lambda ink: F.interpolate(ink[None, None], size=(20, 20), mode="bilinear", antialias=True)[0, 0], 0.85),
        ("thick: dilated", lambda ink: F.max_pool2d(upscale(ink, 4)[None, None], 9, 1, 4)[0, 0], 0.78),
        ("thin: eroded", lambda ink: -F.max_pool2d(-upscale(ink, 4)[None, None], 5, 1, 2)[0, 0], 0.88),
    ],
)
def test_changed_mnist_digits_come_out_close_to_the_original(digits, name, change, at_least):
    assert mean_similarity(digits, change) > at_least, name


@pytest.mark.parametrize(
    "picture",
    [np.zeros((50, 50)), np.full((50, 50), 255), np.full((40, 60, 3), 128), np.pad(np.full((1, 1), 255), 60)],
    ids=["black", "white", "grey colour", "one speck"],
)
def test_empty_pictures_give_nothing_to_classify(picture):
    assert image_to_image(picture.astype(np.uint8)) is None


def test_empty_and_tiny_strokes_give_nothing_to_classify():
    assert strokes_to_image([], area_size=280) is None
    assert strokes_to_image([[]], area_size=280) is None
    assert strokes_to_image([[(100, 100), (102, 101)]], area_size=280) is None


def test_a_dot_and_a_line_are_not_nothing():
    assert strokes_to_image([[(140, 40), (140, 240)]], area_size=280) is not None


def test_a_picture_too_small_or_with_odd_channels_is_refused():
    with pytest.raises(ValueError):
        image_to_image(np.zeros((3, 3), np.uint8))
    with pytest.raises(ValueError):
        image_to_image(np.zeros((30, 30, 2), np.uint8))


def test_a_big_photo_is_handled_like_a_small_picture():
    photo = np.full((4000, 5000), 230, np.uint8)  # 20 megapixels of grey paper
    photo[1000:3000, 2400:2600] = 20  # a thick upright bar: a "1"
    image = image_to_image(photo)
    small = image_to_image(photo[::50, ::50])
    assert image is not None and small is not None
    assert F.cosine_similarity(image.flatten(), small.flatten(), dim=0) > 0.9


def render(strokes, pen_width: int, size: int = 280) -> np.ndarray:
    """Strokes drawn with a round pen of ``pen_width`` pixels, dark on white."""
    picture = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(picture)
    for stroke in strokes:
        pen.line(stroke, fill=0, width=pen_width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            pen.ellipse((x - pen_width / 2, y - pen_width / 2, x + pen_width / 2, y + pen_width / 2), fill=0)
    return np.asarray(picture)


def test_thin_and_fat_pens_give_mnist_like_strokes():
    for digit in range(10):
        strokes = clear_drawing(digit).strokes
        for ink in (image_to_image(render(strokes, 2)), image_to_image(render(strokes, 28)), strokes_to_image(strokes, 280)):
            work = F.interpolate(ink[None, None], scale_factor=4, mode="bilinear")[0, 0]
            assert 0.9 <= stroke_width(work) / 4 <= MNIST_WIDTHS[1], digit


def test_thin_and_fat_pens_give_nearly_the_same_image():
    scores = [
        similarity(image_to_image(render(clear_drawing(d).strokes, 3)), image_to_image(render(clear_drawing(d).strokes, 24)))
        for d in range(10)
    ]
    assert np.mean(scores) > 0.7 and min(scores) > 0.55


def test_strokes_and_a_picture_of_them_agree():
    drawing = clear_drawing(8)
    assert similarity(strokes_to_image(drawing.strokes, 280), image_to_image(render(drawing.strokes, 14))) > 0.85


def test_strokes_are_placed_like_mnist():
    ink = strokes_to_image(clear_drawing(0).strokes, 280)
    assert ink.shape == (28, 28) and ink.dtype == torch.float32
    rows, cols = torch.nonzero(ink > 0.1, as_tuple=True)
    assert max(rows.max() - rows.min(), cols.max() - cols.min()) + 1 <= 22
    mass = ink.sum()
    centre = ((ink.sum(1) * torch.arange(28)).sum() / mass, (ink.sum(0) * torch.arange(28)).sum() / mass)
    assert all(abs(float(c) - 14) < 0.75 for c in centre)


def test_strokes_do_not_depend_on_where_or_how_big_they_are_drawn():
    drawing = clear_drawing(4, area=280)
    moved = [[(x * 0.5 + 100, y * 0.5 + 20) for x, y in stroke] for stroke in drawing.strokes]
    assert similarity(strokes_to_image(drawing.strokes, 280), strokes_to_image(moved, 280)) > 0.97
