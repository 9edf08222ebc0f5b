"""The one training loop, shared by the Train tab and ``digitdraw train``.

It reports through plain callbacks and checks ``should_stop`` every batch, so a GUI worker
thread or a terminal progress bar can drive it alike.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .augment import Augmentation
from .checkpoints import Checkpoint
from .data import MnistSplit
from .devices import synchronize
from .memory import reuse_freed_memory
from .models import FX_TRACING, build_model
from .normalisation import MNIST_MEAN, MNIST_STD, ink_of, normalise
from .optimizers import SGD, AdamW, OneCycle
from .styles import restyle
# What decides a run, declared beside the settings built from it; imported from here as well.
from .train_settings import DEFAULT_RECIPE, OPTIMIZERS, PYTORCH_EXAMPLE_RECIPE, RECIPES, SCHEDULES, TrainConfig  # noqa: F401

# A test this close under the target accuracy brings the next one nearer: an eighth epoch on, not a
# quarter; within half of it, a sixteenth (a test of 10,000 images costs about 18 steps of 128).
NEAR_TARGET = 0.002
# Training images whose batch-norm statistics, taken afresh, a test of the target uses (about 0.15 s).
PRECISE_STATISTICS_IMAGES = 2000
# With a target, the tests judge this moving average of the weights (about the last 50 steps'; fewer early on).
TARGET_AVERAGE_DECAY = 0.98


@dataclass(frozen=True)
class BatchReport:
    epoch: int  # counted from 1
    step: int  # batches done so far, over all epochs
    total_steps: int
    loss: float
    samples_per_s: float
    elapsed_s: float


@dataclass(frozen=True)
class EvalReport:
    epoch: float  # fractional where the test ran mid-epoch
    step: int
    test_loss: float
    test_accuracy: float


@dataclass
class TrainResult:
    """What a run produced. ``status`` is finished, target_reached, stopped or diverged."""

    model: nn.Module
    config: TrainConfig
    status: str
    message: str
    test_accuracy: float | None
    test_loss: float | None
    seconds: float
    epochs: float
    samples_per_s: float
    test_predictions: torch.Tensor | None = None  # predicted label of every test image, last evaluation
    history: list[EvalReport] = field(default_factory=list)

    def checkpoint(self) -> Checkpoint:
        """The trained model as a checkpoint with its training settings."""
        settings = {k: v for k, v in vars(self.config).items() if k != "device"}
        settings.update(epochs_trained=round(self.epochs, 3), seconds=round(self.seconds, 1), status=self.status)
        return Checkpoint.from_model(self.config.arch, self.model, test_accuracy=self.test_accuracy, training=settings)


class TrainingError(Exception):
    """Training could not run (bad settings, out of memory)."""


class StopRequested(Exception):
    """``should_stop`` said yes in the middle of a test pass."""


@torch.inference_mode()
def evaluate(
    model: nn.Module,
    split: MnistSplit,
    device: str,
    batch_size: int = 500,
    should_stop: Callable[[], bool] | None = None,
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
) -> tuple[float, float, torch.Tensor]:
    """(mean NLL loss, accuracy, predicted labels) of ``model`` on ``split``, its input normalised with
    ``mean`` and ``std``.

    ``should_stop`` is asked before every batch; a yes raises :class:`StopRequested`.
    """
    was_training = model.training
    model.eval()
    total_loss, predictions = 0.0, []
    for start in range(0, len(split), batch_size):
        if should_stop and should_stop():
            model.train(was_training)
            raise StopRequested
        images = normalise(ink_of(split.images[start : start + batch_size].to(device)), mean, std)
        labels = split.labels[start : start + batch_size].to(device)
        with FX_TRACING:  # never while torch.fx traces a model in another thread
            output = model(images)
        total_loss += float(F.nll_loss(output, labels, reduction="sum"))
        predictions.append(output.argmax(1).cpu())
    model.train(was_training)
    predicted = torch.cat(predictions)
    return total_loss / len(split), int((predicted == split.labels).sum()) / len(split), predicted


@torch.no_grad()
def recompute_batch_norm_statistics(model: nn.Module, images: torch.Tensor, batch_size: int = 500,
                                    mean: float = MNIST_MEAN, std: float = MNIST_STD) -> None:
    """Batch norm's running statistics taken afresh from ``images`` (uint8, N x 28 x 28) with the
    weights as they are now; nothing else changes (dropout stays off, no random numbers are drawn).

    Mid-run, at a high learning rate, the running averages trail the weights by a few hundred
    steps, and a test of the target partly judges weights that are gone: after 0.75 epoch of the
    default recipe, seeds 0-4 read 99.15, 99.21, 99.01, 99.10, 99.04 % with fresh statistics
    against 99.02, 98.95, 98.92, 99.10, 98.83 % with the running ones (README, *Speed*).
    """
    norms = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not norms or not len(images):
        return
    was_training, momenta = model.training, [norm.momentum for norm in norms]
    model.eval()
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a plain average over the batches below
        norm.train()
    for start in range(0, len(images), batch_size):
        with FX_TRACING:
            model(normalise(ink_of(images[start : start + batch_size]), mean, std).contiguous(memory_format=torch.channels_last))
    for norm, momentum in zip(norms, momenta):
        norm.momentum = momentum
    model.train(was_training)


def train(
    config: TrainConfig,
    train_data: MnistSplit,
    test_data: MnistSplit,
    *,
    on_batch: Callable[[BatchReport], None] | None = None,
    on_eval: Callable[[EvalReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
    model: nn.Module | None = None,
) -> TrainResult:
    """Train ``config.arch`` on ``train_data``, testing on ``test_data`` after each epoch.

    With ``target_accuracy`` set, the test also runs in the second half of training: first at the
    first eighth of an epoch past the half, then a quarter epoch on, an eighth once a test has come
    within ``NEAR_TARGET`` of the target, a sixteenth within half of that; the run ends as soon as
    the target is reached. Such a run is tested, and ends, with a moving average of its weights
    (:class:`WeightAverage`), whose batch-norm statistics are taken afresh from the first
    ``PRECISE_STATISTICS_IMAGES`` training images before each test; the training itself is the
    same as without a target, step for step.

    A non-finite loss ends the run with the weights from just before it: the last ones that gave a
    finite loss. A stop request also cuts a test pass short; a stopped run is not tested again, so
    that stopping is quick, and its ``test_accuracy`` is None unless the last test was at the last
    step.
    """
    config.validate()
    train_data = config.training_split(train_data)
    started = time.perf_counter()
    device = config.device
    # Gradients of a small net fall into denormal floats, which a CPU handles many times slower;
    # flushed to zero they cost nothing, and the results do not change in any way that shows.
    torch.set_flush_denormal(True)
    reuse_freed_memory()
    torch.manual_seed(config.seed)
    generator = torch.Generator(device=device).manual_seed(config.seed)
    try:
        model = (model or build_model(config.arch)).to(device, memory_format=torch.channels_last).train()
        images, labels = train_data.images.to(device), train_data.labels.to(device)
    except torch.OutOfMemoryError:
        raise TrainingError(f"out of memory on {device}: try a smaller batch size or the CPU") from None
    augmentation = Augmentation() if config.augment else None
    # First the digits, then their styles: the first epoch learns MNIST's own digits (it reaches 99 %
    # sooner), the real-world styles and the hand's habits come from the second epoch on.
    first_augmentation = replace(augmentation, styles=False) if augmentation else None
    optimizer = _make_optimizer(config, model)
    steps_per_epoch = math.ceil(len(labels) / config.batch_size)
    total_steps = steps_per_epoch * config.epochs
    scheduler = _make_scheduler(config, optimizer, total_steps)
    # Steps into an epoch at which a target is checked; the epoch's end is tested anyway.
    marks = {parts: {round(steps_per_epoch * k / parts) for k in range(1, parts)} - {0, steps_per_epoch} for parts in (4, 8, 16)}
    last_good = _LastGoodWeights(model)
    average = WeightAverage(model, TARGET_AVERAGE_DECAY) if config.target_accuracy is not None else None
    history: list[EvalReport] = []
    status, message, step, samples, compute_s = "finished", "", 0, 0, 0.0
    evaluation: tuple[float, float, torch.Tensor] | None = None

    def run_eval(tested: nn.Module = average.model if average else model) -> bool:
        nonlocal evaluation
        if tested is not model:
            recompute_batch_norm_statistics(tested, images[:PRECISE_STATISTICS_IMAGES])
        evaluation = evaluate(tested, test_data, device, should_stop=should_stop)
        report = EvalReport(step / steps_per_epoch, step, evaluation[0], evaluation[1])
        history.append(report)
        if on_eval:
            on_eval(report)
        return config.target_accuracy is not None and evaluation[1] >= config.target_accuracy

    def target_test_due() -> bool:
        if config.target_accuracy is None or step <= total_steps // 2:
            return False
        # Not tested yet: as if near, so that the first test comes at the first eighth past the half.
        gap = config.target_accuracy - history[-1].test_accuracy if history else NEAR_TARGET
        parts = 16 if gap <= NEAR_TARGET / 2 else 8 if gap <= NEAR_TARGET else 4
        return step % steps_per_epoch in marks[parts]

    try:
        for epoch in range(1, config.epochs + 1):
            order = torch.randperm(len(labels), device=device, generator=generator)
            augment = augmentation if epoch > 1 else first_augmentation
            styled = augment is not None and augment.styles
            epoch_images, fits = restyle(images, labels, generator) if styled else (images, None)
            for start in range(0, len(labels), config.batch_size):
                if should_stop and should_stop():
                    status, message = "stopped", f"stopped by request after {step} steps"
                    break
                tick = time.perf_counter()
                batch = order[start : start + config.batch_size]
                x = ink_of(epoch_images[batch])
                if augment:
                    x = augment(x, generator, None if fits is None else fits[batch])
                x = normalise(x, MNIST_MEAN, MNIST_STD).contiguous(memory_format=torch.channels_last)
                with FX_TRACING:
                    output = model(x)
                loss = _loss(output, labels[batch], config.label_smoothing)
                loss_value = loss.item()
                if not (math.isfinite(loss_value) and last_good.buffers_are_finite()):
                    last_good.restore()
                    status = "diverged"
                    what = f"the loss became {loss_value}" if not math.isfinite(loss_value) else "the network overflowed"
                    message = (
                        f"{what} at step {step + 1}: the learning rate {config.lr:g} is too high "
                        f"for this setup. Training stopped; the last weights with a finite loss are kept."
                    )
                    break
                last_good.save()  # these weights gave a finite loss
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                optimizer.step()
                if scheduler is not None and config.schedule == "onecycle":
                    scheduler.step()
                if average:
                    average.update()
                synchronize(device)
                step += 1
                samples += len(batch)
                compute_s += time.perf_counter() - tick
                if on_batch:
                    on_batch(BatchReport(epoch, step, total_steps, loss_value, samples / compute_s, time.perf_counter() - started))
                if target_test_due() and run_eval():
                    status = "target_reached"
                    break
            if status != "finished":
                break
            if scheduler is not None and config.schedule == "step":
                scheduler.step()
            if run_eval():
                status = "target_reached"
                break
    except StopRequested:
        status, message = "stopped", f"stopped by request after {step} steps, during a test"
    except torch.OutOfMemoryError:
        raise TrainingError(f"out of memory on {device}: try a smaller batch size or the CPU") from None

    if status == "diverged" and step > 0:
        try:
            run_eval(model)  # the last finite weights; the average may hold the ones that overflowed
        except StopRequested:
            evaluation = None
    if status == "stopped" and (not history or history[-1].step != step):
        evaluation = None  # the user asked to stop now: no final test of weights that changed since the last
    if average and evaluation and status != "diverged":
        model.load_state_dict(average.model.state_dict())  # the weights the last test judged
    if status == "target_reached":
        message = f"reached {evaluation[1]:.2%} test accuracy after {step / steps_per_epoch:.2f} epochs"
    elif status == "finished":
        message = f"finished {config.epochs} epochs: {evaluation[1]:.2%} test accuracy"
    model.eval()
    return TrainResult(
        model=model,
        config=config,
        status=status,
        message=message,
        test_accuracy=evaluation[1] if evaluation else None,
        test_loss=evaluation[0] if evaluation else None,
        seconds=time.perf_counter() - started,
        epochs=step / steps_per_epoch,
        samples_per_s=samples / compute_s if compute_s else 0.0,
        test_predictions=evaluation[2] if evaluation else None,
        history=history,
    )


def _loss(log_probabilities: torch.Tensor, labels: torch.Tensor, smoothing: float) -> torch.Tensor:
    nll = F.nll_loss(log_probabilities, labels)
    if not smoothing:
        return nll
    return (1 - smoothing) * nll - smoothing * log_probabilities.mean()


class WeightAverage:
    """An exponential moving average of a model's weights, in a copy of the model (``model``).

    Mid-run, at a high learning rate, each step's weights jitter about where the training is
    heading; their average over the last few dozen steps reads the test set better (after 0.625
    epoch of the default recipe, seeds 0-3: 98.88, 99.13, 99.02, 98.97 % against 98.84, 98.97,
    98.91, 98.69 % for the weights themselves, both with fresh batch-norm statistics; README,
    *Speed*). ``torch.optim.swa_utils.AveragedModel`` does the same at 0.7-0.9 ms a step (3 % of a
    step here, most of it per-call overhead); this is its multi-tensor update alone, 0.03-0.07 ms.
    """

    def __init__(self, model: nn.Module, decay: float):
        self.model = copy.deepcopy(model)
        self.decay = decay
        self.updates = 0
        self._average, self._live = list(self.model.parameters()), list(model.parameters())

    @torch.no_grad()
    def update(self) -> None:
        """One step nearer the live weights. Early on the decay is lower, (1 + n) / (10 + n) after n
        updates (as in ``tf.train.ExponentialMovingAverage``), so that a short run's average is not
        mostly its random starting weights."""
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        self.updates += 1
        torch._foreach_lerp_(self._average, self._live, 1 - decay)


class _LastGoodWeights:
    """A copy of a model's weights and statistics, refreshed in place after every step whose loss was
    finite: one multi-tensor copy, not a ``state_dict()`` and a copy per tensor, every step."""

    def __init__(self, model: nn.Module):
        self._live = list(model.state_dict().values())  # the model's own tensors, detached
        self._saved = [tensor.clone() for tensor in self._live]
        self._statistics = [buffer for buffer in model.buffers() if buffer.is_floating_point()]

    @torch.no_grad()
    def save(self) -> None:
        torch._foreach_copy_(self._saved, self._live)

    @torch.no_grad()
    def restore(self) -> None:
        torch._foreach_copy_(self._live, self._saved)

    def buffers_are_finite(self) -> bool:
        """No inf or NaN in batch norm's running statistics (they can overflow before the loss does)."""
        if not self._statistics:
            return True
        return bool(torch.isfinite(torch.cat([buffer.view(-1) for buffer in self._statistics])).all())


def _make_optimizer(config: TrainConfig, model: nn.Module):
    """AdamW, Adam and SGD from :mod:`.optimizers` (no ``torch._dynamo`` import); Adadelta from ``torch.optim``."""
    params = model.parameters()
    if config.optimizer == "adamw":
        return AdamW(params, lr=config.lr, weight_decay=5e-4)
    if config.optimizer == "adam":
        return AdamW(params, lr=config.lr, weight_decay=0.0)
    if config.optimizer == "sgd":
        return SGD(params, lr=config.lr, momentum=0.9, nesterov=True, weight_decay=5e-4)
    return torch.optim.Adadelta(params, lr=config.lr, foreach=True)


def _make_scheduler(config: TrainConfig, optimizer, total_steps: int):
    if config.schedule == "onecycle":
        if total_steps < 8:  # too short a run to warm up and anneal
            return None
        has_momentum = config.optimizer != "adadelta"
        return OneCycle(optimizer, max_lr=config.lr, total_steps=total_steps, pct_start=0.25, cycle_momentum=has_momentum)
    if config.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.7)
    return None
