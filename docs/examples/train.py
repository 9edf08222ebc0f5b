"""Train a network on MNIST the way digitdraw's Train tab does, with these settings.

Written by digitdraw; it needs only torch and torchvision, and reads like PyTorch's examples/mnist/main.py.
The same run in digitdraw:
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

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # of MNIST's training pixels


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


def thicken_or_thin(images, amount):
    """Blend each image towards its 3x3 dilation (amount > 0: thicker strokes) or erosion (amount < 0: thinner)."""
    dilated = F.max_pool2d(images, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-images, 3, stride=1, padding=1)
    target = torch.where((amount > 0).view(-1, 1, 1, 1), dilated, eroded)
    return images + amount.abs().view(-1, 1, 1, 1) * (target - images)


def distort(images, generator, habits):
    """Random stroke width, rotation, scale, shear and shift of a batch (N, 1, 28, 28), so that drawn digits are read well.

    With habits (from the second epoch on), a share is also slanted hard, squashed or stretched,
    and a share loses pixels, as from a pen that skips.
    (From the second epoch on, digitdraw also redraws a share of the digits in real-world styles,
    slashed zeros, crossed sevens, ones with a flag: left out here, so later epochs differ a little.)
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
    # One 2x3 affine matrix per image, in grid_sample's coordinates ([-1, 1] across the image)
    cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
    theta = torch.stack(
        [torch.stack([cos, -sin + shear * cos, shift[0]], 1), torch.stack([sin, cos + shear * sin, shift[1]], 1)], 1
    )
    if habits:  # squashed (aspect > 1) loses height, tall (aspect < 1) loses width
        theta = theta * torch.stack([1 / aspect.clamp(max=1), aspect.clamp(min=1), torch.ones_like(aspect)], 1)[:, None]
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    images = F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)
    if habits:
        missing = uniform(0, 0.3) * (uniform(0, 1) < 0.1)
        images = images * (torch.rand(images.shape, device=images.device, generator=generator) >= missing.view(-1, 1, 1, 1))
    return images


def train(args, model, device, images, labels, optimizer, scheduler, epoch, generator):
    """One epoch: every training image once, in a new random order, in batches."""
    model.train()
    order = torch.randperm(len(labels), device=device, generator=generator)
    steps_per_epoch = math.ceil(len(labels) / args.batch_size)
    for batch_index, start in enumerate(range(0, len(labels), args.batch_size)):
        batch = order[start : start + args.batch_size]
        data = images[batch][:, None].float() / 255.0  # uint8 (N, 28, 28) -> float (N, 1, 28, 28) in [0, 1]
        data = distort(data, generator, habits=epoch > 1)
        # Normalise as MNIST's statistics say; channels_last makes convolutions quicker on a CPU
        data = ((data - MNIST_MEAN) / MNIST_STD).contiguous(memory_format=torch.channels_last)
        target = labels[batch]
        output = model(data)
        loss = F.nll_loss(output, target)
        if not math.isfinite(loss.item()):
            raise SystemExit("The loss is no longer a number: the learning rate is too high.")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()  # one-cycle: the learning rate changes every step
        if batch_index % args.log_interval == 0:
            print(
                f"Train Epoch: {epoch} [{start + len(batch)}/{len(labels)} ({100.0 * (batch_index + 1) / steps_per_epoch:.0f}%)]"
                f"\tLoss: {loss.item():.6f}"
            )
    return steps_per_epoch


@torch.no_grad()
def test(model, device, images, labels):
    """Loss and accuracy on the 10,000 test images, which training never sees."""
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
    parser = argparse.ArgumentParser(description="PyTorch MNIST, as digitdraw trains it")
    parser.add_argument("--batch-size", type=int, default=128, help="images per training step")
    parser.add_argument("--epochs", type=int, default=1, help="passes over the training images")
    parser.add_argument("--lr", type=float, default=0.01, help="learning rate (the peak of the one-cycle schedule)")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument("--train-images", type=int, default=None, help="train on the first N training images")
    parser.add_argument("--device", default="cpu", help="cpu, cuda, mps")
    parser.add_argument("--data-dir", default="data", help="folder for MNIST (torchvision downloads it there)")
    parser.add_argument("--log-interval", type=int, default=10, help="print the loss every this many steps")
    parser.add_argument("--out", default="digitdraw-model.pt", help="where to save the weights")
    args = parser.parse_args()
    started = time.perf_counter()
    device = torch.device(args.device)

    # Denormal floats are many times slower on a CPU; flushed to zero they cost nothing
    torch.set_flush_denormal(True)
    torch.manual_seed(args.seed)  # the starting weights and dropout
    generator = torch.Generator(device=device).manual_seed(args.seed)  # the order of the images and their distortions

    # MNIST as whole tensors: uint8 images (N, 28, 28) and their labels
    train_set = datasets.MNIST(args.data_dir, train=True, download=True)
    test_set = datasets.MNIST(args.data_dir, train=False, download=True)
    images, labels = train_set.data[: args.train_images].to(device), train_set.targets[: args.train_images].to(device)
    test_images, test_labels = test_set.data.to(device), test_set.targets.to(device)

    model = Net().to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=5e-4)
    total_steps = math.ceil(len(labels) / args.batch_size) * args.epochs
    # One cycle: the learning rate climbs for a quarter of the steps, then falls to almost nothing
    scheduler = None
    if total_steps >= 8:  # too short a run cannot warm up and anneal
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

    torch.save(model.state_dict(), args.out)  # digitdraw opens this file too (File > Load model…)
    print(json.dumps({
        "test_accuracy": round(accuracy, 4),
        "seconds": round(time.perf_counter() - started, 2),
        "epochs": round(steps / math.ceil(len(labels) / args.batch_size), 3),
        "samples_per_s": round(samples / compute_seconds, 1),
        "out": args.out,
    }))


if __name__ == "__main__":
    main()
