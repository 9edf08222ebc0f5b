"""AdamW, SGD and the one-cycle schedule, without ``torch.optim``.

Every ``torch.optim`` optimizer imports ``torch._dynamo`` the first time it is used: seconds of CPU
for a short training run, a stall on the Train tab's first press and a stutter of the window
while it loads. The training loop and the Regression tab need two update rules and one
schedule, so they are written here on torch's multi-tensor (``_foreach``) ops, the ones
``torch.optim`` itself runs; the tests check them against ``torch.optim.AdamW``, ``SGD`` and
``OneCycleLR`` step for step. Only Adadelta (PyTorch's example recipe) still comes from
``torch.optim``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import torch


class _Optimizer:
    """One parameter group in ``torch.optim``'s ``param_groups`` layout, so that a schedule (or the
    Regression tab) sets ``lr`` and momentum the same way."""

    def __init__(self, params: Iterable[torch.Tensor], **settings):
        params = [p for p in params if p.requires_grad]
        self.param_groups = [dict(params=params, **settings)]

    def zero_grad(self, set_to_none: bool = True) -> None:
        for p in self.param_groups[0]["params"]:
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad.zero_()

    def _state(self) -> list[torch.Tensor]:
        """A zero tensor shaped like each parameter: a running statistic of the update."""
        return [torch.zeros_like(p, memory_format=torch.preserve_format) for p in self.param_groups[0]["params"]]

    @torch.no_grad()
    def step(self) -> None:
        """One update of the parameters that have a gradient this step."""
        group = self.param_groups[0]
        with_grads = [i for i, p in enumerate(group["params"]) if p.grad is not None]
        if with_grads:
            params = [group["params"][i] for i in with_grads]
            self._update(group, with_grads, params, [p.grad for p in params])

    def _update(self, group: dict, indices: list[int], params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        """The update rule: ``indices`` say which of the group's parameters ``params`` and ``grads`` are."""
        raise NotImplementedError


class AdamW(_Optimizer):
    """``torch.optim.AdamW``'s update (decoupled weight decay, no amsgrad); Adam with ``weight_decay=0``."""

    def __init__(
        self,
        params: Iterable[torch.Tensor],
        lr: float,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.steps = 0
        self._exp_avgs, self._exp_avg_sqs = self._state(), self._state()

    def _update(self, group: dict, indices: list[int], params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        exp_avgs = [self._exp_avgs[i] for i in indices]
        exp_avg_sqs = [self._exp_avg_sqs[i] for i in indices]
        lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
        self.steps += 1
        if group["weight_decay"]:
            torch._foreach_mul_(params, 1 - lr * group["weight_decay"])
        torch._foreach_lerp_(exp_avgs, grads, 1 - beta1)
        torch._foreach_mul_(exp_avg_sqs, beta2)
        torch._foreach_addcmul_(exp_avg_sqs, grads, grads, 1 - beta2)
        step_size = lr / (1 - beta1**self.steps)
        denominators = torch._foreach_sqrt(exp_avg_sqs)
        torch._foreach_div_(denominators, math.sqrt(1 - beta2**self.steps))
        torch._foreach_add_(denominators, eps)
        torch._foreach_addcdiv_(params, exp_avgs, denominators, -step_size)


class SGD(_Optimizer):
    """``torch.optim.SGD``'s update: L2 weight decay, momentum without dampening, optionally Nesterov's."""

    def __init__(
        self, params: Iterable[torch.Tensor], lr: float, momentum: float = 0.0, nesterov: bool = False,
        weight_decay: float = 0.0,
    ):
        super().__init__(params, lr=lr, momentum=momentum, nesterov=nesterov, weight_decay=weight_decay)
        # torch starts each momentum buffer as a copy of the first gradient: momentum * 0 + gradient is that copy
        self._momenta = self._state()

    def _update(self, group: dict, indices: list[int], params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        if group["weight_decay"]:
            grads = torch._foreach_add(grads, params, alpha=group["weight_decay"])
        momentum = group["momentum"]
        if momentum:
            momenta = [self._momenta[i] for i in indices]
            torch._foreach_mul_(momenta, momentum)
            torch._foreach_add_(momenta, grads)
            grads = torch._foreach_add(grads, momenta, alpha=momentum) if group["nesterov"] else momenta
        torch._foreach_add_(params, grads, alpha=-group["lr"])


class OneCycle:
    """``torch.optim.lr_scheduler.OneCycleLR``'s defaults (cosine, div_factor 25, final_div_factor
    1e4, momentum 0.95 -> 0.85 -> 0.95) for any optimizer with ``param_groups``: the learning rate
    climbs for ``pct_start`` of the steps, then falls. Momentum is ``betas[0]`` or ``momentum``."""

    def __init__(self, optimizer, max_lr: float, total_steps: int, pct_start: float = 0.25, cycle_momentum: bool = True):
        self.optimizer, self.max_lr, self.cycle_momentum = optimizer, max_lr, cycle_momentum
        self.peak = float(pct_start * total_steps) - 1
        self.end = total_steps - 1
        self.step_count = 0
        self._apply()

    def step(self) -> None:
        self.step_count += 1
        self._apply()

    def _apply(self) -> None:
        start_lr = self.max_lr / 25
        if self.step_count <= self.peak:
            fraction = self.step_count / self.peak
            lr, momentum = _cosine(start_lr, self.max_lr, fraction), _cosine(0.95, 0.85, fraction)
        else:
            fraction = (self.step_count - self.peak) / (self.end - self.peak)
            lr, momentum = _cosine(self.max_lr, start_lr / 1e4, fraction), _cosine(0.85, 0.95, fraction)
        for group in self.optimizer.param_groups:
            group["lr"] = lr
            if not self.cycle_momentum:
                continue
            if "betas" in group:
                group["betas"] = (momentum, group["betas"][1])
            else:
                group["momentum"] = momentum


def _cosine(start: float, end: float, fraction: float) -> float:
    """From ``start`` (fraction 0) to ``end`` (fraction 1) along half a cosine."""
    return end + (start - end) / 2 * (math.cos(math.pi * fraction) + 1)
