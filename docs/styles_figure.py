"""Draw docs/styles.png: MNIST training digits and the same digits in each synthesised style.

Run: DIGITDRAW_DATA=... python docs/styles_figure.py [--out docs/styles.png]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import torch
from PIL import Image, ImageDraw

from digitdraw.core.data import load_mnist
from digitdraw.core.styles import STYLES, render

PER_ROW, ZOOM, LABEL_WIDTH = 6, 2, 190


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).with_name("styles.png")))
    args = parser.parse_args()
    train, _ = load_mnist(None)
    generator = torch.Generator().manual_seed(0)
    cell = 28 * ZOOM
    width = LABEL_WIDTH + 2 * PER_ROW * cell + cell // 2
    sheet = Image.new("L", (width, len(STYLES) * cell), 0)
    pen = ImageDraw.Draw(sheet)
    for row, (name, style) in enumerate(STYLES.items()):
        picked = torch.nonzero(torch.isin(train.labels, torch.tensor(style.digits))).flatten()[20 : 20 + PER_ROW]
        before = train.images[picked][:, None].float() / 255
        after = render(name, before.clone(), generator)
        strip = torch.cat([*before[:, 0], torch.zeros(28, 14), *after[:, 0]], 1)
        picture = Image.fromarray((strip.numpy() * 255).astype(np.uint8)).resize((strip.shape[1] * ZOOM, cell), Image.NEAREST)
        sheet.paste(picture, (LABEL_WIDTH, row * cell))
        pen.text((8, row * cell + cell // 2 - 6), name, fill=255)
    sheet.save(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
