"""Colour attributions in two colours (towards the target, away from it) and write slide-ready PNGs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

TOWARDS = np.array([214, 96, 0], np.float32)  # orange: pixels that push towards the target digit
AWAY = np.array([33, 102, 172], np.float32)  # blue: pixels that push away from it (orange/blue reads for colour-blind eyes too)
PANEL = 280  # each 28x28 panel enlarged 10x on the slide
# matplotlib's "inferno" colour map (black, purple, orange, pale yellow; brightness rises all the
# way) at 17 evenly spaced points: interpolated to 256 levels it stays within 6 of 255 of the full map.
INFERNO_POINTS = np.array([
    [0, 0, 4], [11, 7, 36], [33, 12, 74], [61, 9, 101], [87, 16, 110], [113, 25, 110], [138, 34, 106],
    [163, 44, 97], [188, 55, 84], [208, 69, 69], [227, 89, 51], [241, 113, 31], [249, 140, 10],
    [252, 170, 15], [249, 201, 50], [242, 232, 101], [252, 255, 164],
], np.float32)


def inferno_table(levels: int = 256) -> np.ndarray:
    """(levels, 3) uint8: the "inferno" colours from dark (index 0) to bright, for feature maps."""
    where = np.linspace(0, 1, len(INFERNO_POINTS))
    steps = np.linspace(0, 1, levels)
    channels = [np.interp(steps, where, INFERNO_POINTS[:, channel]) for channel in range(3)]
    return np.round(np.stack(channels, axis=1)).astype(np.uint8)


def attribution_rgba(attribution: torch.Tensor | np.ndarray, opacity: float = 1.0) -> np.ndarray:
    """(H, W, 4) uint8: orange where positive, blue where negative, transparent where nothing.

    Scaled by the largest absolute value, so the strongest pixel is fully coloured; a pixel's alpha
    grows with its strength times ``opacity``.
    """
    values = np.asarray(attribution, np.float32)
    peak = float(np.abs(values).max())
    strength = np.abs(values) / peak if peak > 0 else np.zeros_like(values)
    rgba = np.zeros((*values.shape, 4), np.uint8)
    rgba[..., :3] = np.where((values >= 0)[..., None], TOWARDS, AWAY).astype(np.uint8)
    rgba[..., 3] = np.round(255 * opacity * np.sqrt(strength)).astype(np.uint8)  # sqrt: weak pixels stay visible
    return rgba


def on_paper(attribution, ink: torch.Tensor | np.ndarray) -> np.ndarray:
    """(H, W, 3) uint8: the ink in light grey on white with the attribution's colours over it."""
    ink = np.asarray(ink, np.float32).clip(0, 1)
    paper = (255 - 90 * ink)[..., None].repeat(3, axis=-1)
    rgba = attribution_rgba(attribution).astype(np.float32)
    alpha = rgba[..., 3:] / 255
    return np.round(paper * (1 - alpha) + rgba[..., :3] * alpha).astype(np.uint8)


def save_explanation(ink: torch.Tensor, attribution: torch.Tensor, path: str | Path, target: int) -> Path:
    """A PNG with the input the network received beside its attribution for ``target``, for a slide."""
    from PIL import Image, ImageDraw, ImageFont

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    ink_rgb = np.round(255 - 255 * np.asarray(ink, np.float32).clip(0, 1)).astype(np.uint8)[..., None].repeat(3, axis=-1)
    panels = [Image.fromarray(a).resize((PANEL, PANEL), Image.Resampling.NEAREST) for a in (ink_rgb, on_paper(attribution, ink))]
    margin, caption = 16, 36
    slide = Image.new("RGB", (3 * margin + 2 * PANEL, 2 * margin + PANEL + caption), "white")
    for index, panel in enumerate(panels):
        slide.paste(panel, (margin + index * (PANEL + margin), margin + caption))
    draw = ImageDraw.Draw(slide)
    font = ImageFont.load_default(size=18)
    draw.text((margin, margin), "what the network sees (28 x 28)", fill="black", font=font)
    draw.text((2 * margin + PANEL, margin), f"orange: towards {target}, blue: away", fill="black", font=font)
    slide.save(path)
    return path
