"""把训练好的网络变小，并测量代价：大小、准确率、速度。

由 digitdraw（压缩页）生成；只需要 torch 和 torchvision。
在 digitdraw 中的同样操作：
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


def load_model(path):
    """从检查点读取网络和输入归一化参数（weights_only=True：不执行文件里的代码）。"""
    checkpoint = torch.load(path, map_location="cpu", weights_only=True)
    if "state_dict" in checkpoint:  # digitdraw 的检查点
        state_dict, normalization = checkpoint["state_dict"], checkpoint["normalization"]
    else:  # 裸的 state_dict
        state_dict, normalization = checkpoint, {"mean": 0.1307, "std": 0.3081}
    model = Net()
    model.load_state_dict(state_dict)
    return model.eval(), normalization["mean"], normalization["std"]


def file_size(model):
    """权重存成文件占多少字节。"""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.tell()


@torch.no_grad()
def accuracy(model, images, labels, mean, std):
    """10,000 张 MNIST 测试数字中认对的比例。"""
    correct = 0
    for start in range(0, len(labels), 500):
        x = (images[start : start + 500][:, None].float() / 255.0 - mean) / std
        correct += int((model(x).argmax(1) == labels[start : start + 500]).sum())
    return correct / len(labels)


@torch.no_grad()
def latency_ms(model, images, mean, std, repeats=300):
    """读一张手写数字所需时间的中位数（毫秒，单个 CPU 线程）。"""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    x = (images[:64][:, None].float() / 255.0 - mean) / std
    for i in range(20):  # 预热
        model(x[i % 64 : i % 64 + 1])
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        model(x[i % 64 : i % 64 + 1])
        times.append(time.perf_counter() - start)
    torch.set_num_threads(threads)
    return statistics.median(times) * 1e3


def main():
    parser = argparse.ArgumentParser(description="压缩一个数字识别网络")
    parser.add_argument("--model", default="resources/digitnet-default.pt", help="检查点文件")
    parser.add_argument("--amount", type=float, default=0.5, help="要剪掉的权重比例")
    parser.add_argument("--data-dir", default="data", help="MNIST 所在的文件夹")
    parser.add_argument("--out", default="digitnet-default-prune.pt", help="压缩后的权重保存到哪里")
    args = parser.parse_args()

    base, mean, std = load_model(args.model)
    test_set = datasets.MNIST(args.data_dir, train=False, download=True)
    images, labels = test_set.data, test_set.targets
    base_size, base_accuracy, base_latency = file_size(base), accuracy(base, images, labels, mean, std), latency_ms(base, images, mean, std)

    model, _, _ = load_model(args.model)
    layers = [m for m in model.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    # 把所有层中绝对值最小的权重一起置零
    prune.global_unstructured([(layer, "weight") for layer in layers], pruning_method=prune.L1Unstructured, amount=args.amount)
    for layer in layers:
        prune.remove(layer, "weight")  # 把零固定下来
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
