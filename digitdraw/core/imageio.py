"""Reading picture files of digits into pixel arrays."""

from __future__ import annotations

import os

import numpy as np

from .messages import UserMessage, translatable


class ImageReadError(UserMessage):
    """A file that cannot be read as a picture."""


def read_image(path: str | os.PathLike) -> np.ndarray:
    """Pixels of an image file as uint8, (H, W) grey or (H, W, 3|4) colour."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            image.load()
            if image.mode not in ("L", "RGB", "RGBA"):
                image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            return np.asarray(image)
    except FileNotFoundError:
        raise ImageReadError(translatable("no such file")) from None
    except IsADirectoryError:
        raise ImageReadError(translatable("is a folder, not an image")) from None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageReadError(translatable("not a readable image ({reason})"), reason=exc) from None
