"""Pixels as Qt pictures, for every tab: arrays to ``QImage``, feature maps and filters as mosaics."""

from __future__ import annotations

import numpy as np
import torch
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap

from ..core.heatmap import inferno_table, on_paper

MAP_COLOURS = inferno_table()  # activations: black through red and orange to yellow
_FORMATS = {1: QImage.Format.Format_Grayscale8, 3: QImage.Format.Format_RGB888, 4: QImage.Format.Format_RGBA8888}


def qimage(pixels: np.ndarray) -> QImage:
    """A QImage copy of uint8 pixels (H, W) grey or (H, W, 3|4) colour, as read by ``read_image``."""
    pixels = np.ascontiguousarray(pixels, np.uint8)
    height, width = pixels.shape[:2]
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    return QImage(pixels.data, width, height, pixels.strides[0], _FORMATS[channels]).copy()


def digit_pixmap(image: np.ndarray, size: int) -> QPixmap:
    """A 28 × 28 uint8 MNIST digit (white ink on black) as dark ink on white, scaled to ``size``."""
    ink = qimage(255 - np.asarray(image, dtype=np.uint8))
    return QPixmap.fromImage(ink).scaled(size, size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation)


def map_colours(values: np.ndarray, peak: float | None = None) -> np.ndarray:
    """Activations (any shape) as RGB in :data:`MAP_COLOURS`, 0 black and ``peak`` (default: their
    largest) yellow."""
    peak = peak or float(values.max()) or 1.0
    return MAP_COLOURS[np.round(255 * np.clip(values, 0, None) / peak).astype(np.uint8)]


def mosaic_image(maps: torch.Tensor, signed: bool = False, columns: int | None = None) -> tuple[np.ndarray, int, int]:
    """Maps (or, ``signed``, filter weights) (C, H, W) as one RGB image in a grid about twice as wide
    as high, 1-pixel gaps; (image, columns, tile)."""
    count, height, width = maps.shape
    columns = min(count, columns or max(1, int(np.ceil(np.sqrt(2 * count * height / width)))))
    rows = int(np.ceil(count / columns))
    tile = max(height, width) + 1
    values = maps.numpy().astype(np.float32)
    if signed:  # weights: orange positive, blue negative, on white, one scale for the whole filter
        coloured = on_paper(values, np.zeros_like(values))
    else:  # activations: one colour scale for the whole block, so strong and weak maps compare
        coloured = map_colours(values)
    tiles = np.full((rows * columns, tile, tile, 3), 255, np.uint8)
    tiles[:count, :height, :width] = coloured
    image = tiles.reshape(rows, columns, tile, tile, 3).transpose(0, 2, 1, 3, 4).reshape(rows * tile, columns * tile, 3)
    return image[:-1, :-1], columns, tile
