"""Augmentation: each distortion does what it says, within its limits, on known images."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from digitdraw.core.augment import Augmentation, _filter3x3
from digitdraw.core.inference import Classifier

NONE = dict(rotation_degrees=0.0, scale=(1.0, 1.0), shift_pixels=0.0, shear=0.0, width_change=0.0, styles=False)
COPIES = 64


def only(**distortion) -> Augmentation:
    """An augmentation that applies only the given distortion."""
    return Augmentation(**{**NONE, **distortion})


def bar(horizontal: bool = True) -> torch.Tensor:
    """A 2-pixel-thick bar through the centre of a 28x28 image, as a batch of COPIES."""
    image = torch.zeros(28, 28)
    if horizontal:
        image[13:15, 6:22] = 1.0
    else:
        image[6:22, 13:15] = 1.0
    return image.expand(COPIES, 1, 28, 28).clone()


def ink_moments(images: torch.Tensor):
    """Per image: ink sum, centre (x, y), and covariance (xx, yy, xy) of the ink's position."""
    ys, xs = torch.meshgrid(torch.arange(28.0), torch.arange(28.0), indexing="ij")
    ink = images[:, 0]
    mass = ink.sum((1, 2))
    cx, cy = (ink * xs).sum((1, 2)) / mass, (ink * ys).sum((1, 2)) / mass
    dx, dy = xs - cx.view(-1, 1, 1), ys - cy.view(-1, 1, 1)
    xx, yy, xy = ((ink * d).sum((1, 2)) / mass for d in (dx * dx, dy * dy, dx * dy))
    return mass, cx, cy, xx, yy, xy


def generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def test_with_every_distortion_off_the_image_is_unchanged(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255
    assert torch.allclose(only()(digits, generator()), digits, atol=1e-5)


def test_rotation_turns_a_bar_by_up_to_the_angle_asked_and_keeps_its_ink():
    images = bar()
    out = only(rotation_degrees=12.0)(images, generator())
    mass, cx, cy, xx, yy, xy = ink_moments(out)
    angles = torch.rad2deg(0.5 * torch.atan2(2 * xy, xx - yy))  # the bar's direction, 0 = horizontal
    assert angles.abs().max() <= 12.5 and angles.abs().max() > 8, "rotated, by up to 12 degrees"
    assert (angles > 1).any() and (angles < -1).any(), "both ways"
    assert torch.allclose(mass, images.sum((1, 2, 3)), rtol=0.03), "no ink lost or made"
    assert torch.allclose(cx, torch.full_like(cx, 13.5), atol=0.3) and torch.allclose(cy, torch.full_like(cy, 13.5), atol=0.3)


def test_scale_makes_the_digit_bigger_or_smaller_within_the_range():
    images = bar()
    out = only(scale=(0.85, 1.12))(images, generator())
    length = ink_moments(out)[3].sqrt() / ink_moments(images)[3].sqrt()
    assert 0.83 <= length.min() < 0.9 and 1.07 < length.max() <= 1.14
    assert ((length > 0.99) & (length < 1.01)).float().mean() < 0.2, "most copies change size"


def test_shear_slants_a_vertical_bar_by_up_to_the_factor_asked():
    images = bar(horizontal=False)
    out = only(shear=0.15)(images, generator())
    _, _, _, xx, yy, xy = ink_moments(out)
    slope = xy / yy  # how far the ink moves sideways per pixel down
    assert slope.abs().max() <= 0.16 and slope.abs().max() > 0.1
    assert (slope > 0.02).any() and (slope < -0.02).any()


def test_shift_moves_the_ink_by_up_to_two_pixels_each_way(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255
    out = only(shift_pixels=2.0)(digits, generator())
    _, cx0, cy0, *_ = ink_moments(digits)
    _, cx1, cy1, *_ = ink_moments(out)
    for moved in (cx1 - cx0, cy1 - cy0):
        assert moved.abs().max() <= 2.1 and moved.abs().max() > 1.5
        assert (moved > 0.5).any() and (moved < -0.5).any()


def test_stroke_width_blends_towards_thicker_or_thinner_strokes(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255
    out = only(width_change=0.6)(digits, generator())
    thicker, thinner = F.max_pool2d(digits, 3, 1, 1), -F.max_pool2d(-digits, 3, 1, 1)
    grew = (out >= digits - 1e-4).flatten(1).all(1)
    shrank = (out <= digits + 1e-4).flatten(1).all(1)
    assert (grew | shrank).all(), "each image either thickens or thins, never both"
    assert grew.sum() > COPIES // 4 and shrank.sum() > COPIES // 4
    assert (out[grew] <= digits[grew] + 0.6 * (thicker[grew] - digits[grew]) + 1e-5).all()
    assert (out[shrank] >= digits[shrank] + 0.6 * (thinner[shrank] - digits[shrank]) - 1e-5).all()
    change = (out.sum((1, 2, 3)) / digits.sum((1, 2, 3)) - 1).abs()
    assert change.max() > 0.2, "some strokes change width a lot"


def test_the_quick_3x3_filter_gives_max_pooling_numbers_exactly(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255  # ink touching the border included below
    digits[:, :, 0] = digits[:, :, :, -1] = 0.5
    assert torch.equal(_filter3x3(digits, torch.maximum, -math.inf), F.max_pool2d(digits, 3, 1, 1))
    assert torch.equal(_filter3x3(digits, torch.minimum, math.inf), -F.max_pool2d(-digits, 3, 1, 1))


def test_a_skipping_pen_leaves_holes_in_the_ink_of_its_share_only(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255
    hand = dict(styles=True, hard_slant=0.0, aspect=0.0, habit_share=0.0, skip_rate=0.3)
    out = only(**hand, skip_share=1.0)(digits, generator())
    kept = (out > 1e-4).flatten(1).sum(1) / (digits > 1e-4).flatten(1).sum(1)
    assert ((out == 0) | torch.isclose(out, digits, atol=1e-5)).all(), "a pixel is either missing or as it was"
    assert kept.min() >= 0.6 and kept.max() <= 1, "at most 30 % of a digit's pixels go, plus chance"
    assert 0.8 < kept.mean() < 0.9, "15 % go on average"
    assert kept.std() > 0.05, "each digit its own share"
    half = only(**hand, skip_share=0.5)(digits, generator(1))
    untouched = torch.isclose(half, digits, atol=1e-5).flatten(1).all(1).float().mean()
    assert 0.3 < untouched < 0.7, "about half the batch keeps all its ink"
    assert torch.allclose(only(skip_share=1.0)(digits, generator()), digits, atol=1e-5), "a habit: off with the styles"


def test_the_default_augmentation_keeps_digits_readable_and_in_range(mnist):
    digits = mnist[1].images[:COPIES, None].float() / 255
    out = Augmentation()(digits, generator())
    assert out.shape == digits.shape and out.min() >= 0 and out.max() <= 1
    assert not torch.allclose(out, digits, atol=0.05)
    read = [p.digit for p in Classifier.load().predict_batch(out[:, 0])]
    right = sum(digit == int(label) for digit, label in zip(read, mnist[1].labels[:COPIES]))
    assert right >= 0.9 * COPIES, "still the same digit to the shipped network"
    assert torch.equal(out, Augmentation()(digits, generator())), "seeded: the same distortion again"
    assert math.isfinite(float(out.sum()))
