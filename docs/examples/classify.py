"""Read digits from pictures with a trained network, the way digitdraw's Draw tab does.

Written by digitdraw; it needs only torch, numpy and PIL (Pillow).
The same in digitdraw:
    digitdraw classify --json --model resources/digitnet-default.pt IMAGE
"""

import argparse
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

BOX = 20  # MNIST's digits fill a 20-pixel box...
SIZE = 28  # ...in the middle of a 28x28 image
MNIST_WIDTHS = (1.5, 3.0)  # stroke widths of most MNIST digits, in pixels
MNIST_MEDIAN_WIDTH = 1.9
MIN_EXTENT_FRACTION = 0.04  # ink smaller than this share of the picture is nothing
WORK_BOX = 80  # strokes are thinned or thickened at 4x the 20-pixel box


def conv_block(in_channels, out_channels):
    # Convolution, then max-pooling, so that batch norm and ReLU work on a quarter of the pixels
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.MaxPool2d(2),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class Net(nn.Module):
    """digitdraw's digitnet2: three small convolution blocks at 28, 14 and 7 pixels, then one linear layer."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_block(1, 16), conv_block(16, 32), conv_block(32, 64))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64 * 3 * 3, 10))

    def forward(self, x):
        return F.log_softmax(self.classifier(self.features(x)), dim=1)


def read_picture(path):
    """The pixels of a picture file: (H, W) grey or (H, W, 3 or 4) colour."""
    with Image.open(path) as image:
        image.load()
        if image.mode not in ("L", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        return np.asarray(image)


def ink_from_pixels(image):
    """Grey ink in [0, 1] on a 0 background, whether the picture is dark on light or light on dark."""
    image = image.to(torch.float32)
    if image.ndim == 3:
        if image.shape[-1] == 4:  # transparent means paper: put it on white
            white = 255.0 if image.max() > 1 else 1.0
            alpha = image[..., 3:4] / white
            image = image[..., :3] * alpha + white * (1 - alpha)
        image = image[..., :3].mean(dim=-1) if image.shape[-1] >= 3 else image[..., 0]
    if image.max() > 1.0:
        image = image / 255.0
    # The paper's colour is the border's median; ink is whatever differs from it
    border = torch.cat([image[0], image[-1], image[:, 0], image[:, -1]])
    paper = border.median()
    ink = 1.0 - image if paper > 0.5 else image
    background = (1.0 - paper) if paper > 0.5 else paper
    strongest = torch.quantile(ink.flatten(), 0.999)
    if strongest - background < 0.15:
        return None  # an empty picture
    return ((ink - background) / (strongest - background)).clamp(0, 1)


def crop_to_ink(ink, threshold=0.1):
    """The smallest rectangle holding all the ink."""
    rows = torch.nonzero((ink > threshold).any(dim=1)).flatten()
    cols = torch.nonzero((ink > threshold).any(dim=0)).flatten()
    if len(rows) == 0:
        return None
    if max(rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1) < MIN_EXTENT_FRACTION * max(ink.shape):
        return None
    return ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def resize(image, factor):
    height, width = image.shape
    size = (max(1, round(height * factor)), max(1, round(width * factor)))
    return F.interpolate(image[None, None], size=size, mode="bilinear", antialias=True, align_corners=False)[0, 0].clamp(0, 1)


def stroke_width(ink):
    """Typical stroke width in pixels: twice the inked area over the length of its outline."""
    mask = (ink > 0.5).to(torch.float32)[None, None]
    area = mask.sum()
    if area == 0:
        return 0.0
    eroded = -F.max_pool2d(-F.pad(mask, (1, 1, 1, 1)), 3, 1)
    outline = (mask - eroded).sum().clamp(min=1.0)
    return float(2 * area / outline)


def normalise_stroke_width(work):
    """Thin fat strokes and thicken hairlines to an MNIST width; MNIST-like strokes stay as they are."""
    per_output_pixel = WORK_BOX / BOX
    inked = work[work > 0.05]
    if len(inked):  # faint hairlines back to full strength
        work = (work / torch.quantile(inked, 0.9).clamp(min=0.05)).clamp(0, 1)
    width = stroke_width(work)
    if width == 0 or MNIST_WIDTHS[0] <= width / per_output_pixel <= MNIST_WIDTHS[1]:
        return work
    steps = round((width - MNIST_MEDIAN_WIDTH * per_output_pixel) / 2)
    if steps == 0:
        return work
    image = work[None, None]
    if steps > 0:  # erode, but never so far that the digit disappears
        for _ in range(steps):
            thinner = -F.max_pool2d(-image, 3, 1, 1)
            if (thinner > 0.5).sum() < 0.2 * (image > 0.5).sum():
                break
            image = thinner
    else:  # dilate
        image = F.max_pool2d(image, 2 * (-steps) + 1, 1, -steps)
    return image[0, 0]


def place_by_centre_of_mass(box):
    """A 28x28 image with the digit's centre of mass in the middle, as MNIST was made."""
    height, width = box.shape
    mass = box.sum().clamp(min=1e-6)
    com_y = float((box.sum(1) * torch.arange(height, dtype=torch.float32)).sum() / mass)
    com_x = float((box.sum(0) * torch.arange(width, dtype=torch.float32)).sum() / mass)
    top, left = round(SIZE / 2 - com_y), round(SIZE / 2 - com_x)
    out = torch.zeros(SIZE, SIZE)
    src_top, src_left = max(0, -top), max(0, -left)
    dst_top, dst_left = max(0, top), max(0, left)
    rows = min(height - src_top, SIZE - dst_top)
    cols = min(width - src_left, SIZE - dst_left)
    out[dst_top : dst_top + rows, dst_left : dst_left + cols] = box[src_top : src_top + rows, src_left : src_left + cols]
    return out


def picture_to_input(pixels):
    """A picture of a digit as the network's 28x28 input: ink 1.0 on 0.0, or None when it holds no digit."""
    ink = ink_from_pixels(torch.from_numpy(np.array(pixels)))
    crop = None if ink is None else crop_to_ink(ink)
    if crop is None:
        return None
    work = resize(crop, WORK_BOX / max(crop.shape))  # longer side to 80 pixels
    crop = crop_to_ink(normalise_stroke_width(work))
    if crop is None:
        return None
    box = resize(crop, BOX / max(crop.shape))  # longer side to 20 pixels, aspect kept
    return place_by_centre_of_mass(box)


def load_model(path, device):
    """The network and its input normalisation from a checkpoint; weights_only=True runs no code from the file."""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if "state_dict" in checkpoint:  # a digitdraw checkpoint
        state_dict, normalization = checkpoint["state_dict"], checkpoint["normalization"]
    else:  # a bare state_dict, as torch.save(model.state_dict()) writes
        state_dict, normalization = checkpoint, {"mean": 0.1307, "std": 0.3081}
    model = Net()
    model.load_state_dict(state_dict)
    return model.to(device).eval(), normalization["mean"], normalization["std"]


def main():
    parser = argparse.ArgumentParser(description="Classify pictures of digits")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="picture files (PNG, JPEG, ...)")
    parser.add_argument("--model", default="resources/digitnet-default.pt", help="checkpoint file")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, mps")
    args = parser.parse_args()

    model, mean, std = load_model(args.model, args.device)
    for path in args.images:
        image = picture_to_input(read_picture(path))
        if image is None:
            print(json.dumps({"path": path, "error": "nothing to classify: the image holds no digit"}))
            continue
        x = ((image[None, None] - mean) / std).to(args.device)  # a batch of one (1, 1, 28, 28), normalised
        with torch.no_grad():
            probabilities = model(x).exp()[0].cpu()  # the network gives log-probabilities
        print(json.dumps({"path": path, "digit": int(probabilities.argmax()), "probabilities": probabilities.tolist()}))


if __name__ == "__main__":
    main()
