"""用训练好的网络识别图片里的数字，做法和 digitdraw 的绘图页一样。

由 digitdraw 生成；只需要 torch、numpy 和 PIL（Pillow）。
在 digitdraw 中的同样操作：
    digitdraw classify --json --model resources/digitnet-default.pt IMAGE
"""

import argparse
import json

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from PIL import Image

BOX = 20  # MNIST 的数字占满一个 20 像素的方框……
SIZE = 28  # ……放在 28x28 图像的中间
MNIST_WIDTHS = (1.5, 3.0)  # 大多数 MNIST 数字的笔画宽度（像素）
MNIST_MEDIAN_WIDTH = 1.9
MIN_EXTENT_FRACTION = 0.04  # 小于图片这个比例的墨迹算作空白
WORK_BOX = 80  # 在 4 倍于 20 像素方框的尺寸上把笔画变细或变粗


def conv_block(in_channels, out_channels):
    # 先卷积再最大池化，批归一化和 ReLU 只需处理四分之一的像素
    return nn.Sequential(
        nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
        nn.MaxPool2d(2),
        nn.BatchNorm2d(out_channels),
        nn.ReLU(inplace=True),
    )


class Net(nn.Module):
    """digitdraw 的 digitnet2：在 28、14、7 像素上的三个小卷积块，再接一个全连接层。"""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(conv_block(1, 16), conv_block(16, 32), conv_block(32, 64))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(0.2), nn.Linear(64 * 3 * 3, 10))

    def forward(self, x):
        return F.log_softmax(self.classifier(self.features(x)), dim=1)


def read_picture(path):
    """图片文件的像素：(H, W) 灰度，或 (H, W, 3 或 4) 彩色。"""
    with Image.open(path) as image:
        image.load()
        if image.mode not in ("L", "RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
        return np.asarray(image)


def ink_from_pixels(image):
    """[0, 1] 之间的灰度墨迹，背景为 0；无论图片是浅底深字还是深底浅字。"""
    image = image.to(torch.float32)
    if image.ndim == 3:
        if image.shape[-1] == 4:  # 透明即纸面：放在白底上
            white = 255.0 if image.max() > 1 else 1.0
            alpha = image[..., 3:4] / white
            image = image[..., :3] * alpha + white * (1 - alpha)
        image = image[..., :3].mean(dim=-1) if image.shape[-1] >= 3 else image[..., 0]
    if image.max() > 1.0:
        image = image / 255.0
    # 纸的颜色取边框的中位数；与之不同的就是墨迹
    border = torch.cat([image[0], image[-1], image[:, 0], image[:, -1]])
    paper = border.median()
    ink = 1.0 - image if paper > 0.5 else image
    background = (1.0 - paper) if paper > 0.5 else paper
    strongest = torch.quantile(ink.flatten(), 0.999)
    if strongest - background < 0.15:
        return None  # 空白图片
    return ((ink - background) / (strongest - background)).clamp(0, 1)


def crop_to_ink(ink, threshold=0.1):
    """包含全部墨迹的最小矩形。"""
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
    """典型笔画宽度（像素）：墨迹面积的两倍除以轮廓长度。"""
    mask = (ink > 0.5).to(torch.float32)[None, None]
    area = mask.sum()
    if area == 0:
        return 0.0
    eroded = -F.max_pool2d(-F.pad(mask, (1, 1, 1, 1)), 3, 1)
    outline = (mask - eroded).sum().clamp(min=1.0)
    return float(2 * area / outline)


def normalise_stroke_width(work):
    """把粗笔画变细、细线变粗，达到 MNIST 的宽度；本来就像 MNIST 的笔画保持不变。"""
    per_output_pixel = WORK_BOX / BOX
    inked = work[work > 0.05]
    if len(inked):  # 把淡淡的细线恢复到全黑
        work = (work / torch.quantile(inked, 0.9).clamp(min=0.05)).clamp(0, 1)
    width = stroke_width(work)
    if width == 0 or MNIST_WIDTHS[0] <= width / per_output_pixel <= MNIST_WIDTHS[1]:
        return work
    steps = round((width - MNIST_MEDIAN_WIDTH * per_output_pixel) / 2)
    if steps == 0:
        return work
    image = work[None, None]
    if steps > 0:  # 腐蚀，但不能让数字消失
        for _ in range(steps):
            thinner = -F.max_pool2d(-image, 3, 1, 1)
            if (thinner > 0.5).sum() < 0.2 * (image > 0.5).sum():
                break
            image = thinner
    else:  # 膨胀
        image = F.max_pool2d(image, 2 * (-steps) + 1, 1, -steps)
    return image[0, 0]


def place_by_centre_of_mass(box):
    """一张 28x28 的图像，数字的质心在正中，和 MNIST 的制作方法一样。"""
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
    """把一张数字图片变成网络的 28x28 输入：墨迹 1.0、背景 0.0；没有数字时返回 None。"""
    ink = ink_from_pixels(torch.from_numpy(np.array(pixels)))
    crop = None if ink is None else crop_to_ink(ink)
    if crop is None:
        return None
    work = resize(crop, WORK_BOX / max(crop.shape))  # 长边缩放到 80 像素
    crop = crop_to_ink(normalise_stroke_width(work))
    if crop is None:
        return None
    box = resize(crop, BOX / max(crop.shape))  # 长边缩放到 20 像素，保持长宽比
    return place_by_centre_of_mass(box)


def load_model(path, device):
    """从检查点读取网络和输入的归一化参数；weights_only=True 不会执行文件里的任何代码。"""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if "state_dict" in checkpoint:  # digitdraw 的检查点
        state_dict, normalization = checkpoint["state_dict"], checkpoint["normalization"]
    else:  # 裸的 state_dict，即 torch.save(model.state_dict()) 写出的文件
        state_dict, normalization = checkpoint, {"mean": 0.1307, "std": 0.3081}
    model = Net()
    model.load_state_dict(state_dict)
    return model.to(device).eval(), normalization["mean"], normalization["std"]


def main():
    parser = argparse.ArgumentParser(description="识别数字图片")
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="图片文件（PNG、JPEG……）")
    parser.add_argument("--model", default="resources/digitnet-default.pt", help="检查点文件")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, mps")
    args = parser.parse_args()

    model, mean, std = load_model(args.model, args.device)
    for path in args.images:
        image = picture_to_input(read_picture(path))
        if image is None:
            print(json.dumps({"path": path, "error": "nothing to classify: the image holds no digit"}))
            continue
        x = ((image[None, None] - mean) / std).to(args.device)  # 一张图组成的批次 (1, 1, 28, 28)，已归一化
        with torch.no_grad():
            probabilities = model(x).exp()[0].cpu()  # 网络输出的是对数概率
        print(json.dumps({"path": path, "digit": int(probabilities.argmax()), "probabilities": probabilities.tolist()}))


if __name__ == "__main__":
    main()
