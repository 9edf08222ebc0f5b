"""Whether a picture looks like one digit at all, before the network's answer is taken at its word.

A network trained on MNIST gives ten probabilities for any input, a screenshot included, and can
be "89 % sure" of nonsense. What a single digit looks like is checked on the picture's ink: a digit
is one to a few connected strokes, and it does not cover the whole picture.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from .messages import UserMessage, translatable
from .preprocess import ink_from_pixels

LOOK_SIZE = 160  # the ink is judged on a copy this many pixels on its longer side
MAX_PIECES = 6  # a digit is one to three strokes; a broken scan adds a few
SPECK_SHARE = 0.02  # pieces smaller than this share of the largest are specks, not counted
MAX_INK_SHARE = 0.5  # a digit's strokes cover less than this share of its box (MNIST's densest: 38 % of 28x28)


def ink_pieces(ink: torch.Tensor, threshold: float = 0.5) -> int:
    """How many separate pieces the ink (H, W) in [0, 1] falls into, specks left out (8-connected)."""
    mask = ink > threshold
    if not mask.any():
        return 0
    height, width = mask.shape
    labels = torch.where(mask, torch.arange(1, height * width + 1, dtype=torch.float32).reshape(height, width), 0.0)
    while True:  # every ink pixel takes the largest label among its neighbours until nothing changes
        spread = F.max_pool2d(labels[None, None], 3, stride=1, padding=1)[0, 0] * mask
        if torch.equal(spread, labels):
            break
        labels = spread
    _, sizes = torch.unique(labels[mask], return_counts=True)
    return int((sizes >= max(2, SPECK_SHARE * int(sizes.max()))).sum())


def digit_doubt(pixels: np.ndarray) -> UserMessage | None:
    """Why the picture ``pixels`` (as ``read_image`` gives) does not look like one digit, or None if it may be one."""
    ink = ink_from_pixels(torch.from_numpy(np.array(pixels)))
    if ink is None:
        return None
    rows, columns = torch.nonzero(ink > 0.5, as_tuple=True)
    if not len(rows):
        return None
    box = ink[int(rows.min()):int(rows.max()) + 1, int(columns.min()):int(columns.max()) + 1]
    scale = LOOK_SIZE / max(box.shape)
    if scale < 1:  # max-pooling keeps thin strokes joined
        box = F.adaptive_max_pool2d(box[None, None], (max(1, round(box.shape[0] * scale)), max(1, round(box.shape[1] * scale))))[0, 0]
    pieces = ink_pieces(box)
    if pieces > MAX_PIECES:
        return UserMessage(translatable("This does not look like one digit: its ink falls into {pieces} separate pieces, "
                                        "where a digit has one to three, so the network's answer means little. Try a "
                                        "picture of a single digit."), pieces=pieces)
    share = float((box > 0.5).float().mean())
    if share > MAX_INK_SHARE and pieces > 1 or float((ink > 0.5).float().mean()) > MAX_INK_SHARE:
        return UserMessage(translatable("This does not look like a digit: ink covers {share:.0%} of it, where a digit's "
                                        "strokes cover less than half, so the network's answer means little. Try a "
                                        "picture of a single digit on plain paper."), share=max(share, float((ink > 0.5).float().mean())))
    return None
