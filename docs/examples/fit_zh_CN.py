"""用梯度下降最小化均方误差，把直线 y = w x + b拟合到 24 个点上。

由 digitdraw（回归页）生成；只需要 torch 和 numpy。
命令行上的同一次拟合：
    digitdraw fit --points POINTS.csv --model line --optimizer sgd --lr 0.1 --steps 1000 --seed 0
"""

import argparse
import json

import numpy as np
import torch
from torch import nn

# 数据点 (x, y)
X = np.array([
    0.5246465015313329, 0.6487487197567618, 0.7548770403091667, 0.8022701777491792,
    0.8687617154257521, 1.6185494884960754, 2.080900585423031, 2.9280804238748326,
    3.1974070148364624, 4.304184990778925, 5.3731509822418255, 5.392624923188806,
    5.959721981904619, 6.232655185893089, 6.32470560416825, 6.535619732242672,
    7.065469048855986, 7.066899017869497, 7.8194321528024515, 7.842681987093789,
    8.216638489288124, 8.268610301148978, 8.714800195499494, 8.915651814089912,
])
Y = np.array([
    5.276501039265032, 5.149436567840901, 5.410622784460656, 5.809688410269458,
    5.061015811824628, 5.419669331693088, 5.3746485003947795, 5.657282277529735,
    5.417886895681896, 5.322800872769165, 4.543898832651493, 4.855269236586454,
    5.311442226911982, 5.692847151821483, 4.0264190011348635, 5.656003307061349,
    5.469235232894517, 5.130264884806477, 4.698094092488438, 4.347296011952419,
    5.349808127455626, 5.642721124104049, 5.475177156820596, 5.1506813072065425,
])


def main():
    parser = argparse.ArgumentParser(description="在均方误差上做梯度下降")
    parser.add_argument("--lr", type=float, default=0.1, help="学习率")
    parser.add_argument("--steps", type=int, default=1000, help="最多的优化步数")
    parser.add_argument("--seed", type=int, default=0, help="初始权重的随机种子")
    parser.add_argument("--log-interval", type=int, default=100, help="每隔多少步打印一次损失")
    args = parser.parse_args()

    # 缩放：x 映射到 [-1, 1]，y 变为均值 0、标准差 1，这样同一个学习率适用于任何单位
    x_center, x_scale = (X.max() + X.min()) / 2, np.ptp(X) / 2
    y_mean, y_std = float(Y.mean()), float(Y.std()) or 1.0
    x = torch.as_tensor((X - x_center) / x_scale, dtype=torch.float32).view(-1, 1)
    y = torch.as_tensor((Y - y_mean) / y_std, dtype=torch.float32).view(-1, 1)

    torch.manual_seed(args.seed)
    model = nn.Linear(1, 1)  # y = w x + b
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)  # 普通的梯度下降

    steps, loss_value = 0, float("nan")
    for step in range(1, args.steps + 1):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        if not torch.isfinite(loss) or loss.item() > 10000.0:
            raise SystemExit("损失发散了：学习率太大。")
        loss.backward()  # 自动求导：损失对每个参数的梯度
        gradient = torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item()
        optimizer.step()
        steps, loss_value = step, loss.item() * y_std**2  # 以 y 的单位计
        if step % args.log_interval == 0:
            print(f"step {step}: loss {loss_value:.6g}")
        if gradient < 1e-05:  # 已收敛：梯度几乎为零
            break

    # 拟合出的参数，换算回数据点的单位
    w = y_std * model.weight.item() / x_scale
    b = y_mean + y_std * model.bias.item() - w * x_center
    parameters = {"w": float(w), "b": float(b)}
    print(json.dumps({"model": "line", "steps": steps, "loss": loss_value, "parameters": parameters}))


if __name__ == "__main__":
    main()
