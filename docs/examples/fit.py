"""Fit a straight line y = w x + b to 24 points by gradient descent on the mean squared error.

Written by digitdraw (the Regression tab); it needs only torch and numpy.
The same fit on the command line:
    digitdraw fit --points POINTS.csv --model line --optimizer sgd --lr 0.1 --steps 1000 --seed 0
"""

import argparse
import json

import numpy as np
import torch
from torch import nn

# The points (x, y)
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
    parser = argparse.ArgumentParser(description="Gradient descent on the mean squared error")
    parser.add_argument("--lr", type=float, default=0.1, help="learning rate")
    parser.add_argument("--steps", type=int, default=1000, help="optimizer steps at most")
    parser.add_argument("--seed", type=int, default=0, help="random seed of the starting weights")
    parser.add_argument("--log-interval", type=int, default=100, help="print the loss every this many steps")
    args = parser.parse_args()

    # Rescale: x onto [-1, 1], y to mean 0 and standard deviation 1, so one learning rate suits any units
    x_center, x_scale = (X.max() + X.min()) / 2, np.ptp(X) / 2
    y_mean, y_std = float(Y.mean()), float(Y.std()) or 1.0
    x = torch.as_tensor((X - x_center) / x_scale, dtype=torch.float32).view(-1, 1)
    y = torch.as_tensor((Y - y_mean) / y_std, dtype=torch.float32).view(-1, 1)

    torch.manual_seed(args.seed)
    model = nn.Linear(1, 1)  # y = w x + b
    optimizer = torch.optim.SGD(model.parameters(), lr=args.lr)  # plain gradient descent

    steps, loss_value = 0, float("nan")
    for step in range(1, args.steps + 1):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        if not torch.isfinite(loss) or loss.item() > 10000.0:
            raise SystemExit("The loss diverged: the learning rate is too large.")
        loss.backward()  # autograd: the gradient of the loss for every parameter
        gradient = torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item()
        optimizer.step()
        steps, loss_value = step, loss.item() * y_std**2  # in the units of y
        if step % args.log_interval == 0:
            print(f"step {step}: loss {loss_value:.6g}")
        if gradient < 1e-05:  # converged: the gradient is all but zero
            break

    # The fitted parameters, back in the units of the points
    w = y_std * model.weight.item() / x_scale
    b = y_mean + y_std * model.bias.item() - w * x_center
    parameters = {"w": float(w), "b": float(b)}
    print(json.dumps({"model": "line", "steps": steps, "loss": loss_value, "parameters": parameters}))


if __name__ == "__main__":
    main()
