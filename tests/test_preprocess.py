"""Preprocessing on real MNIST digits and on scripted pen strokes."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image, ImageDraw

from digitdraw.core.preprocess import MNIST_WIDTHS, image_to_image, prepare_strokes, stroke_width, strokes_to_image

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
    # ... and it is the expected image: an upright bar 20 px tall, a few px wide, in the middle.
    rows, cols = torch.nonzero(image > 0.3, as_tuple=True)
    assert rows.max() - rows.min() + 1 in (19, 20, 21) and cols.max() - cols.min() + 1 <= 5
    assert abs(float(cols.float().mean()) - 14) <= 1 and abs(float(rows.float().mean()) - 14) <= 1


def render(strokes, pen_width: int, size: int = 280) -> np.ndarray:
    """Strokes drawn with a round pen of ``pen_width`` pixels, dark on white."""
    picture = Image.new("L", (size, size), 255)
    pen = ImageDraw.Draw(picture)
    for stroke in strokes:
        pen.line(stroke, fill=0, width=pen_width, joint="curve")
        for x, y in (stroke[0], stroke[-1]):
            pen.ellipse((x - pen_width / 2, y - pen_width / 2, x + pen_width / 2, y + pen_width / 2), fill=0)
    return np.asarray(picture)


def mnist_like(ink: np.ndarray) -> torch.Tensor:
    """The expected image, by MNIST's recipe written out plainly: crop the ink (light on dark), fit it
    in 20x20, put its centre of mass at the centre of 28x28. Independent of digitdraw's code."""
    rows, cols = np.nonzero(ink > 0)
    box = ink[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    factor = 20 / max(box.shape)
    size = (max(1, round(box.shape[1] * factor)), max(1, round(box.shape[0] * factor)))
    small = np.asarray(Image.fromarray(box.astype(np.uint8)).resize(size, Image.LANCZOS), np.float64).clip(0, 255)
    mass = small.sum()
    centre_row = (small.sum(1) * np.arange(small.shape[0])).sum() / mass
    centre_col = (small.sum(0) * np.arange(small.shape[1])).sum() / mass
    top, left = round(13.5 - centre_row), round(13.5 - centre_col)
    out = np.zeros((28, 28))
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return torch.tensor(out / out.max(), dtype=torch.float32)


@pytest.fixture(scope="module")
def expected_drawings() -> list[torch.Tensor]:
    """The expected 28x28 image of each clear drawing, drawn with an MNIST-like pen."""
    return [mnist_like(255 - render(clear_drawing(d).strokes, 24).astype(np.int64)) for d in range(10)]


def closest(image: torch.Tensor, expected: list[torch.Tensor]) -> int:
    return int(np.argmax([similarity(image, e) for e in expected]))


def test_strokes_give_the_expected_image(expected_drawings):
    for digit in range(10):
        image = strokes_to_image(clear_drawing(digit).strokes, 280)
        assert similarity(image, expected_drawings[digit]) > 0.8, digit
        assert closest(image, expected_drawings) == digit


def test_thin_and_fat_pens_give_mnist_like_strokes():
    for digit in range(10):
        strokes = clear_drawing(digit).strokes
        for ink in (image_to_image(render(strokes, 2)), image_to_image(render(strokes, 28)), strokes_to_image(strokes, 280)):
            work = F.interpolate(ink[None, None], scale_factor=4, mode="bilinear")[0, 0]
            assert 0.9 <= stroke_width(work) / 4 <= MNIST_WIDTHS[1], digit


def test_thin_and_fat_pens_give_nearly_the_same_image(expected_drawings):
    thin = [image_to_image(render(clear_drawing(d).strokes, 3)) for d in range(10)]
    fat = [image_to_image(render(clear_drawing(d).strokes, 24)) for d in range(10)]
    scores = [similarity(a, b) for a, b in zip(thin, fat)]
    assert np.mean(scores) > 0.7 and min(scores) > 0.55
    # ... and both are the digit that was drawn, not merely alike:
    assert [closest(image, expected_drawings) for image in fat] == list(range(10))
    assert sum(closest(image, expected_drawings) == d for d, image in enumerate(thin)) >= 9, "a thin 4 looks like a 9"


def test_strokes_and_a_picture_of_them_agree(expected_drawings):
    drawing = clear_drawing(8)
    from_strokes, from_picture = strokes_to_image(drawing.strokes, 280), image_to_image(render(drawing.strokes, 14))
    assert similarity(from_strokes, from_picture) > 0.85
    assert similarity(from_picture, expected_drawings[8]) > 0.8 and closest(from_picture, expected_drawings) == 8


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
    expected = mnist_like(255 - render(drawing.strokes, 24).astype(np.int64))
    assert similarity(strokes_to_image(moved, 280), expected) > 0.8


@pytest.mark.parametrize("area", [280, 613])
def test_the_placement_is_the_mapping_the_strokes_were_drawn_with(area):
    """Strokes mapped by the returned placement and rendered as they are give the same input."""
    from digitdraw.core.preprocess import _render, _segments

    for digit in range(10):
        strokes = clear_drawing(digit, area=area).strokes
        prepared = prepare_strokes(strokes, area)
        assert torch.equal(prepared.image, strokes_to_image(strokes, area))
        mapped = [prepared.placement.to_input(stroke).astype(np.float32) for stroke in strokes]
        torch.testing.assert_close(_render(_segments(mapped, min_step=0.6)), prepared.image, atol=1e-4, rtol=0)
        left, top, side = prepared.placement.input_square()
        corners = prepared.placement.to_input(np.array([[left, top], [left + side, top + side]]))
        np.testing.assert_allclose(corners, [[-0.5, -0.5], [27.5, 27.5]], atol=1e-9)
