"""digitdraw's own AdamW, SGD and one-cycle schedule do what torch.optim's do, and import no torch._dynamo."""

from __future__ import annotations

import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from digitdraw.core.models import build_model
from digitdraw.core.optimizers import SGD, AdamW, OneCycle

STEPS = 60


def trained_weights(make_optimizer, make_schedule) -> list[torch.Tensor]:
    """digitnet2's weights after STEPS steps on fixed random batches (the same for every caller)."""
    torch.manual_seed(0)
    model = build_model("digitnet2")
    optimizer = make_optimizer(model.parameters())
    schedule = make_schedule(optimizer)
    batches = torch.Generator().manual_seed(1)
    for _ in range(STEPS):
        images = torch.randn(16, 1, 28, 28, generator=batches)
        labels = torch.randint(0, 10, (16,), generator=batches)
        optimizer.zero_grad(set_to_none=True)
        F.nll_loss(model(images), labels).backward()
        optimizer.step()
        schedule.step()
    return [p.detach() for p in model.parameters()]


@pytest.mark.parametrize("weight_decay", [5e-4, 0.0])
def test_adamw_with_one_cycle_trains_as_torch_optim_does(weight_decay):
    ours = trained_weights(
        lambda params: AdamW(params, lr=0.01, weight_decay=weight_decay),
        lambda optimizer: OneCycle(optimizer, max_lr=0.01, total_steps=STEPS),
    )
    torchs = trained_weights(
        lambda params: torch.optim.AdamW(params, lr=0.01, weight_decay=weight_decay),
        lambda optimizer: torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.01, total_steps=STEPS, pct_start=0.25),
    )
    untrained = trained_weights(lambda params: AdamW(params, lr=0.0), lambda optimizer: OneCycle(optimizer, 1e-9, STEPS))
    assert any(not torch.equal(o, u) for o, u in zip(ours, untrained)), "the weights moved"
    for o, t in zip(ours, torchs):
        torch.testing.assert_close(o, t, rtol=1e-4, atol=1e-5)


class Constant:
    """No schedule: the learning rate stays as set."""

    def __init__(self, optimizer):
        pass

    def step(self) -> None:
        pass


@pytest.mark.parametrize(
    "settings, schedule",
    [
        (dict(), "constant"),  # the Regression tab's plain gradient descent
        (dict(momentum=0.9, nesterov=True, weight_decay=5e-4), "onecycle"),  # the Train tab's sgd
        (dict(momentum=0.5), "constant"),
    ],
)
def test_sgd_trains_as_torch_optim_does(settings, schedule):
    ours_schedule, torchs_schedule = (
        (lambda o: OneCycle(o, max_lr=0.05, total_steps=STEPS),
         lambda o: torch.optim.lr_scheduler.OneCycleLR(o, max_lr=0.05, total_steps=STEPS, pct_start=0.25))
        if schedule == "onecycle" else (Constant, Constant)
    )
    ours = trained_weights(lambda params: SGD(params, lr=0.05, **settings), ours_schedule)
    torchs = trained_weights(lambda params: torch.optim.SGD(params, lr=0.05, **settings), torchs_schedule)
    untrained = trained_weights(lambda params: SGD(params, lr=0.0), Constant)
    assert any(not torch.equal(o, u) for o, u in zip(ours, untrained)), "the weights moved"
    for o, t in zip(ours, torchs):
        torch.testing.assert_close(o, t, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("cycle_momentum", [True, False])
def test_one_cycle_sets_the_rates_torch_sets(cycle_momentum):
    steps = 37  # the peak falls between two steps
    ours_model, torchs_model = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    ours_sgd = SGD(ours_model.parameters(), lr=0.1, momentum=0.9)
    torchs_sgd = torch.optim.SGD(torchs_model.parameters(), lr=0.1, momentum=0.9)
    ours = OneCycle(ours_sgd, max_lr=0.1, total_steps=steps, cycle_momentum=cycle_momentum)
    torchs = torch.optim.lr_scheduler.OneCycleLR(torchs_sgd, max_lr=0.1, total_steps=steps, pct_start=0.25, cycle_momentum=cycle_momentum)
    seen = []
    for _ in range(steps):
        for mine, theirs in zip(ours_sgd.param_groups, torchs_sgd.param_groups):
            assert mine["lr"] == pytest.approx(theirs["lr"], rel=1e-12)
            assert mine["momentum"] == pytest.approx(theirs["momentum"], rel=1e-12)
        seen.append(ours_sgd.param_groups[0]["lr"])
        torchs_sgd.step()
        ours.step()
        torchs.step()
    assert max(seen) == pytest.approx(0.1, rel=1e-2) and seen[0] == pytest.approx(0.1 / 25) and seen[-1] < 1e-4


def test_training_and_regression_fits_import_no_dynamo(tmp_path):
    """torch._dynamo costs seconds to import and stutters the window while it loads: nothing the
    default recipe, training with SGD or a Regression fit runs may pull it in."""
    script = (
        "import sys, torch\n"
        "from dataclasses import replace\n"
        "from digitdraw.core.data import MnistSplit\n"
        "from digitdraw.core.regression import OPTIMIZERS, RegressionFit, random_points\n"
        "from digitdraw.core.training import DEFAULT_RECIPE, train\n"
        "images, labels = torch.randint(0, 256, (256, 28, 28), dtype=torch.uint8), torch.arange(256) % 10\n"
        "split = MnistSplit(images, labels)\n"
        "for optimizer in ('adamw', 'sgd'):\n"
        "    result = train(replace(DEFAULT_RECIPE, epochs=2, batch_size=32, optimizer=optimizer), split, split)\n"
        "    assert result.status == 'finished', result.message\n"
        "for optimizer in OPTIMIZERS:\n"
        "    fit = RegressionFit('network', optimizer=optimizer, lr=0.01)\n"
        "    fit.set_points(*random_points('curve', seed=0))\n"
        "    first, last = fit.step(), fit.step(50)\n"
        "    assert last < first, (optimizer, first, last)\n"
        "print('torch._dynamo' in sys.modules)\n"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "False"
