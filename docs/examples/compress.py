"""Make a trained network smaller, and measure what it costs: size, accuracy, speed.

Written by digitdraw (the Compress tab); it needs only torch and torchvision.
The same in digitdraw:
    digitdraw compress --model resources/digitnet-default.pt --method prune --amount 0.5 --structure unstructured
"""

import argparse
import io
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision import datasets
from torch.nn.utils import prune


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


def load_model(path):
    """The network and its input normalisation from a checkpoint (weights_only=True: no code from the file runs)."""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if "state_dict" in checkpoint:  # a digitdraw checkpoint
        state_dict, normalization = checkpoint["state_dict"], checkpoint["normalization"]
    else:  # a bare state_dict
        state_dict, normalization = checkpoint, {"mean": 0.1307, "std": 0.3081}
    model = Net()
    model.load_state_dict(state_dict)
    return model.eval(), normalization["mean"], normalization["std"]


def file_size(model):
    """Bytes the weights take as a file."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell()


@torch.no_grad()
def accuracy(model, images, labels, mean, std):
    """Share of the 10,000 MNIST test digits read right."""
    correct = 0
    for start in range(0, len(labels), 500):
        x = (images[start : start + 500][:, None].float() / 255.0 - mean) / std
        correct += int((model(x).argmax(1) == labels[start : start + 500]).sum())
    return correct / len(labels)


@torch.no_grad()
def latency_ms(model, images, mean, std, repeats=300):
    """Median milliseconds to read one drawing, on one CPU thread."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    x = (images[:64][:, None].float() / 255.0 - mean) / std
    for i in range(20):  # warm up
        model(x[i % 64 : i % 64 + 1])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model(x[i % 64 : i % 64 + 1])
        times.append(time.perf_counter() - start)
    torch.set_num_threads(threads)
    return statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description="Compress a digit network")
    parser.add_argument("--model", default="resources/digitnet-default.pt", help="checkpoint file")
    parser.add_argument("--amount", type=float, default=0.5, help="share of the weights to prune")
    parser.add_argument("--data-dir", default="data", help="folder for MNIST")
    parser.add_argument("--out", default="digitnet-default-prune.pt", help="where to save the compressed weights")
    args = parser.parse_args()

    base, mean, std = load_model(args.model)
    test_set = datasets.MNIST(args.data_dir, train=False, download=True)
    images, labels = test_set.data, test_set.targets
    base_size, base_accuracy, base_latency = file_size(base), accuracy(base, images, labels, mean, std), latency_ms(base, images, mean, std)

    model, _, _ = load_model(args.model)
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    # Zero the smallest weights of all layers together, by magnitude
    prune.global_unstructured([(layer, "weight") for layer in layers], pruning_method=prune.L1Unstructured, amount=args.amount)
    for layer in layers:
        prune.remove(layer, "weight")  # make the zeros permanent
    torch.save(model.state_dict(), args.out)

    print(json.dumps({
        "method": "prune",
        "size_bytes": os.path.getsize(args.out),
        "base_size_bytes": base_size,
        "mnist_accuracy": round(accuracy(model, images, labels, mean, std), 4),
        "base_mnist_accuracy": round(base_accuracy, 4),
        "latency_ms": round(latency_ms(model, images, mean, std), 3),
        "base_latency_ms": round(base_latency, 3),
        "out": args.out,
    }))


if __name__ == "__main__":
    main()
