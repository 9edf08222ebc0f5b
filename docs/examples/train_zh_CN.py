"""按 digitdraw 训练页的做法和这些设置，在 MNIST 上训练一个网络。

由 digitdraw 生成；只需要 torch 和 torchvision，结构和 PyTorch 的 examples/mnist/main.py 一样。
在 digitdraw 中的同一次训练：
    digitdraw train --arch digitnet2 --epochs 1 --batch-size 128 --lr 0.01 --optimizer adamw --schedule onecycle --seed 0
"""

import argparse
import json
import math
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # MNIST 训练图像像素的均值和标准差


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


def thicken_or_thin(images, amount):
    """把每张图向它的 3x3 膨胀（amount > 0：笔画变粗）或腐蚀（amount < 0：笔画变细）混合。"""
    dilated = F.max_pool2d(images, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-images, 3, stride=1, padding=1)
    target = torch.where((amount > 0).view(-1, 1, 1, 1), dilated, eroded)
    return images + amount.abs().view(-1, 1, 1, 1) * (target - images)


def distort(images, generator, habits):
    """随机改变一批图像 (N, 1, 28, 28) 的笔画粗细、旋转、缩放、错切和平移，让手绘的数字也能认准。

    带上书写习惯时（从第二轮起），还有一部分会被强烈倾斜、压扁或拉长，
    还有一部分会丢掉一些像素，像断墨的笔写的。
    （从第二轮起，digitdraw 还会把一部分数字改写成现实中的写法，
    如带斜线的 0、带横的 7、带钩的 1：这里省略了，所以之后的轮次会略有不同。）
    """
    n = len(images)

    def uniform(low, high):
        return torch.rand(n, device=images.device, generator=generator) * (high - low) + low

    images = thicken_or_thin(images, uniform(-0.6, 0.6))
    angle = uniform(-1, 1) * math.radians(12.0)
    scale = uniform(0.85, 1.12)
    shear = uniform(-0.15, 0.15)
    if habits:
        shear = torch.where(uniform(0, 1) < 0.12, uniform(-0.45, 0.45), shear)
        aspect = torch.exp(uniform(-0.45, 0.45)) ** (uniform(0, 1) < 0.12)
    shift = uniform(-1, 1) * (2 * 2.0 / 28), uniform(-1, 1) * (2 * 2.0 / 28)
    # 每张图一个 2x3 仿射矩阵，用 grid_sample 的坐标（整张图为 [-1, 1]）
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear * cos, shift[0]], 1), torch.stack([sin, cos + shear * sin, shift[1]], 1)], 1
    )
    if habits:  # 压扁（aspect > 1）变矮，拉长（aspect < 1）变窄
        theta = theta * torch.stack([1 / aspect.clamp(max=1), aspect.clamp(min=1), torch.ones_like(aspect)], 1)[:, None]
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    images = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if habits:
        missing = uniform(0, 0.3) * (uniform(0, 1) < 0.1)
        images = images * (torch.rand(images.shape, device=images.device, generator=generator) >= missing.view(-1, 1, 1, 1))
    return images


def train(args, model, device, images, labels, optimizer, scheduler, epoch, generator):
    """一轮：每张训练图像用一次，顺序重新打乱，分批训练。"""
    model.train()
    order = torch.randperm(len(labels), device=device, generator=generator)
    steps_per_epoch = math.ceil(len(labels) / args.batch_size)
    for batch_index, start in enumerate(range(0, len(labels), args.batch_size)):
        batch = order[start : start + args.batch_size]
        data = images[batch][:, None].float() / 255.0  # uint8 (N, 28, 28) -> [0, 1] 之间的 float (N, 1, 28, 28)
        data = distort(data, generator, habits=epoch > 1)
        # 按 MNIST 的统计量归一化；channels_last 让卷积在 CPU 上更快
        data = ((data - MNIST_MEAN) / MNIST_STD).contiguous(memory_format=torch.channels_last)
        target = labels[batch]
        output = model(data)
        loss = F.nll_loss(output, target)
        if not math.isfinite(loss.item()):
            raise SystemExit("损失不再是有限的数：学习率太高了。")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()  # 单周期：学习率每一步都在变
        if batch_index % args.log_interval == 0:
            print(
                f"Train Epoch: {epoch} [{start + len(batch)}/{len(labels)} ({100.0 * (batch_index + 1) / steps_per_epoch:.0f}%)]"
                f"\tLoss: {loss.item():.6f}"
            )
    return steps_per_epoch


@torch.no_grad()
def test(model, device, images, labels):
    """在 10,000 张训练时从未见过的测试图像上的损失和准确率。"""
    model.eval()
    test_loss, correct = 0.0, 0
    for start in range(0, len(labels), 500):
        data = (images[start : start + 500][:, None].float() / 255.0 - MNIST_MEAN) / MNIST_STD
        target = labels[start : start + 500]
        output = model(data)
        test_loss += F.nll_loss(output, target, reduction="sum").item()
        correct += (output.argmax(1) == target).sum().item()
    test_loss /= len(labels)
    print(
        f"\nTest set: Average loss: {test_loss:.4f}, Accuracy: {correct}/{len(labels)} ({100.0 * correct / len(labels):.2f}%)\n"
    )
    return correct / len(labels)


def main():
    parser = argparse.ArgumentParser(description="PyTorch MNIST，按 digitdraw 的方式训练")
    parser.add_argument("--batch-size", type=int, default=128, help="每个训练步的图像数")
    parser.add_argument("--epochs", type=int, default=1, help="遍历训练图像的轮数")
    parser.add_argument("--lr", type=float, default=0.01, help="学习率（单周期调度的峰值）")
    parser.add_argument("--seed", type=int, default=0, help="随机种子")
    parser.add_argument("--train-images", type=int, default=None, help="只用前 N 张训练图像")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, mps")
    parser.add_argument("--data-dir", default="data", help="MNIST 所在的文件夹（torchvision 会下载到这里）")
    parser.add_argument("--log-interval", type=int, default=10, help="每隔多少步打印一次损失")
    parser.add_argument("--out", default="digitdraw-model.pt", help="权重保存到哪里")
    args = parser.parse_args()
    started = time.perf_counter()
    device = torch.device(args.device)

    # 非规格化浮点数在 CPU 上慢很多倍；把它们当作零就不花时间
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)  # 初始权重和 dropout
    generator = torch.Generator(device=device).manual_seed(args.seed)  # 图像的顺序和变形

    # 整个 MNIST 作为张量：uint8 图像 (N, 28, 28) 和标签
    train_set = datasets.MNIST(args.data_dir, train=True, download=True)
    test_set = datasets.MNIST(args.data_dir, train=False, download=True)
    images, labels = train_set.data[: args.train_images].to(device), train_set.targets[: args.train_images].to(device)
    test_images, test_labels = test_set.data.to(device), test_set.targets.to(device)

    model = Net().to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    total_steps = math.ceil(len(labels) / args.batch_size) * args.epochs
    # 单周期：学习率在前四分之一的步数里上升，然后降到几乎为零
    scheduler = None
    if total_steps >= 8:  # 太短的训练无法预热和退火
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=args.lr, total_steps=total_steps, pct_start=0.25
        )

    steps, samples, compute_seconds = 0, 0, 0.0
    for epoch in range(1, args.epochs + 1):
        tick = time.perf_counter()
        steps += train(args, model, device, images, labels, optimizer, scheduler, epoch, generator)
        samples += len(labels)
        compute_seconds += time.perf_counter() - tick
        accuracy = test(model, device, test_images, test_labels)

    torch.save(model.state_dict(), args.out)  # digitdraw 也能打开这个文件（文件 > 加载模型…）
    print(json.dumps({
        "test_accuracy": round(accuracy, 4),
        "seconds": round(time.perf_counter() - started, 2),
        "epochs": round(steps / math.ceil(len(labels) / args.batch_size), 3),
        "samples_per_s": round(samples / compute_seconds, 1),
        "out": args.out,
    }))


if __name__ == "__main__":
    main()
