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

# A test this close under the target accuracy brings the next one nearer (see TargetTests).
NEAR_TARGET = 0.002
# Training images whose batch-norm statistics, taken afresh, a test of the target uses.
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
    mean: float = MNIST_MEAN  # the normalisation the model was trained with
    std: float = MNIST_STD

    def checkpoint(self) -> Checkpoint:
        """The trained model as a checkpoint with its training settings."""
        settings = {k: v for k, v in vars(self.config).items() if k != "device"}
        settings.update(epochs_trained=round(self.epochs, 3), seconds=round(self.seconds, 1), status=self.status)
        return Checkpoint.from_model(self.config.arch, self.model, mean=self.mean, std=self.std,
                                     test_accuracy=self.test_accuracy, training=settings)


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
    steps, so a test of the target would partly judge weights that are gone.
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
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
) -> TrainResult:
    """Train ``config.arch`` (or ``model``) on ``train_data``, testing on ``test_data`` after each epoch.

    The network's input is normalised with ``mean`` and ``std``: MNIST's for a new model, a
    checkpoint's own when its model is trained further.

    With ``target_accuracy`` set, the target is also tested in the second half of training
    (:class:`TargetTests`) and the run ends as soon as it is reached; such a run is tested, and
    ends, with a moving average of its weights (:class:`WeightAverage`), while the training itself
    is the same step for step. A non-finite loss ends the run with the last weights that gave a
    finite one (:class:`BlowUpGuard`). A stop request also cuts a test pass short; a stopped run
    is not tested again, so that stopping is quick, and its ``test_accuracy`` is None unless the
    last test was at the last step.
    """
    config.validate()
    train_data = config.training_split(train_data)
    run = _Run(config, train_data, test_data, model, on_batch, on_eval, should_stop, mean, std)
    try:
        for epoch in range(1, config.epochs + 1):
            _train_epoch(run, epoch)
            if run.status != "finished":
                break
            if run.scheduler is not None and config.schedule == "step":
                run.scheduler.step()
            if run.test():
                run.status = "target_reached"
                break
    except StopRequested:
        run.status, run.message = "stopped", f"stopped by request after {run.step} steps, during a test"
    except torch.OutOfMemoryError:
        raise TrainingError(f"out of memory on {config.device}: try a smaller batch size or the CPU") from None
    return run.result()


def _train_epoch(run: "_Run", epoch: int) -> None:
    """One pass over the training images in a fresh order; ``run.status`` says why it ended early, if it did."""
    config, images, labels = run.config, run.images, run.labels
    order = torch.randperm(len(labels), device=config.device, generator=run.generator)
    augment = run.augmentation if epoch > 1 else run.first_augmentation
    styled = augment is not None and augment.styles
    epoch_images, fits = restyle(images, labels, run.generator) if styled else (images, None)
    for start in range(0, len(labels), config.batch_size):
        if run.should_stop and run.should_stop():
            run.status, run.message = "stopped", f"stopped by request after {run.step} steps"
            return
        tick = time.perf_counter()
        batch = order[start : start + config.batch_size]
        x = ink_of(epoch_images[batch])
        if augment:
            x = augment(x, run.generator, None if fits is None else fits[batch])
        x = normalise(x, run.mean, run.std).contiguous(memory_format=torch.channels_last)
        with FX_TRACING:
            output = run.model(x)
        loss = _loss(output, labels[batch], config.label_smoothing)
        loss_value = loss.item()
        blown_up = run.guard.blown_up(loss_value)
        if blown_up:
            run.status = "diverged"
            run.message = (
                f"{blown_up} at step {run.step + 1}: the learning rate {config.lr:g} is too high "
                f"for this setup. Training stopped; the last weights with a finite loss are kept."
            )
            return
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        run.optimizer.step()
        if run.scheduler is not None and config.schedule == "onecycle":
            run.scheduler.step()
        if run.average:
            run.average.update()
        synchronize(config.device)
        run.step += 1
        run.samples += len(batch)
        run.compute_s += time.perf_counter() - tick
        if run.on_batch:
            run.on_batch(BatchReport(epoch, run.step, run.total_steps, loss_value,
                                     run.samples / run.compute_s, time.perf_counter() - run.started))
        if run.target_tests.due(run.step, run.history) and run.test():
            run.status = "target_reached"
            return


class TargetTests:
    """When a run with a target accuracy tests it, besides at the end of each epoch.

    Only in the second half of training: first at the first eighth of an epoch past the half, then
    a quarter epoch on, an eighth once a test has come within ``NEAR_TARGET`` of the target, a
    sixteenth within half of that. A test costs about as much as a few dozen steps, so the tests
    come often only where the target is near.
    """

    def __init__(self, target: float | None, steps_per_epoch: int, epochs: int):
        self.target = target
        self.steps_per_epoch = steps_per_epoch
        self.total_steps = steps_per_epoch * epochs
        # Steps into an epoch at which the target is tested; the epoch's end is tested anyway.
        self._marks = {
            parts: {round(steps_per_epoch * k / parts) for k in range(1, parts)} - {0, steps_per_epoch}
            for parts in (4, 8, 16)
        }

    def due(self, step: int, history: list[EvalReport]) -> bool:
        """True when the target is to be tested after ``step`` steps, given the tests so far."""
        if self.target is None or step <= self.total_steps // 2:
            return False
        # Not tested yet: as if near, so that the first test comes at the first eighth past the half.
        gap = self.target - history[-1].test_accuracy if history else NEAR_TARGET
        parts = 16 if gap <= NEAR_TARGET / 2 else 8 if gap <= NEAR_TARGET else 4
        return step % self.steps_per_epoch in self._marks[parts]

    def reached(self, accuracy: float) -> bool:
        return self.target is not None and accuracy >= self.target


class _Run:
    """A training run: its model, data, optimizer and schedule, the pieces above, and its progress so far."""

    def __init__(self, config: TrainConfig, train_data: MnistSplit, test_data: MnistSplit, model: nn.Module | None,
                 on_batch, on_eval, should_stop, mean: float, std: float):
        self.config, self.test_data, self.mean, self.std = config, test_data, mean, std
        self.on_batch, self.on_eval, self.should_stop = on_batch, on_eval, should_stop
        self.started = time.perf_counter()
        device = config.device
        # Gradients of a small net fall into denormal floats, which a CPU handles many times slower;
        # flushed to zero they cost nothing, and the results do not change in any way that shows.
        torch.set_flush_denormal(True)
        reuse_freed_memory()
        torch.manual_seed(config.seed)
        self.generator = torch.Generator(device=device).manual_seed(config.seed)
        try:
            self.model = (model or build_model(config.arch)).to(device, memory_format=torch.channels_last).train()
            self.images, self.labels = train_data.images.to(device), train_data.labels.to(device)
        except torch.OutOfMemoryError:
            raise TrainingError(f"out of memory on {device}: try a smaller batch size or the CPU") from None
        self.augmentation = Augmentation() if config.augment else None
        # First the digits, then their styles: the first epoch learns MNIST's own digits (it reaches 99 %
        # sooner), the real-world styles and the hand's habits come from the second epoch on.
        self.first_augmentation = replace(self.augmentation, styles=False) if self.augmentation else None
        self.optimizer = _make_optimizer(config, self.model)
        self.steps_per_epoch = math.ceil(len(self.labels) / config.batch_size)
        self.total_steps = self.steps_per_epoch * config.epochs
        self.scheduler = _make_scheduler(config, self.optimizer, self.total_steps)
        self.target_tests = TargetTests(config.target_accuracy, self.steps_per_epoch, config.epochs)
        self.guard = BlowUpGuard(self.model)
        self.average = WeightAverage(self.model, TARGET_AVERAGE_DECAY) if config.target_accuracy is not None else None
        self.status, self.message = "finished", ""
        self.step, self.samples, self.compute_s = 0, 0, 0.0
        self.history: list[EvalReport] = []
        self.evaluation: tuple[float, float, torch.Tensor] | None = None  # (loss, accuracy, predictions) of the last test

    def test(self, tested: nn.Module | None = None) -> bool:
        """Test ``tested`` (the weight average if there is one, else the model); True when the target is reached."""
        if tested is None:
            tested = self.average.model if self.average else self.model
        if tested is not self.model:
            recompute_batch_norm_statistics(tested, self.images[:PRECISE_STATISTICS_IMAGES], mean=self.mean, std=self.std)
        self.evaluation = evaluate(tested, self.test_data, self.config.device, should_stop=self.should_stop,
                                   mean=self.mean, std=self.std)
        report = EvalReport(self.step / self.steps_per_epoch, self.step, self.evaluation[0], self.evaluation[1])
        self.history.append(report)
        if self.on_eval:
            self.on_eval(report)
        return self.target_tests.reached(self.evaluation[1])

    def result(self) -> TrainResult:
        """The run's outcome, after a last test where one is due and with the weights the last test judged."""
        if self.status == "diverged" and self.step > 0:
            try:
                self.test(self.model)  # the last finite weights; the average may hold the ones that overflowed
            except StopRequested:
                self.evaluation = None
        if self.status == "stopped" and (not self.history or self.history[-1].step != self.step):
            self.evaluation = None  # the user asked to stop now: no final test of weights that changed since the last
        if self.average and self.evaluation and self.status != "diverged":
            self.model.load_state_dict(self.average.model.state_dict())
        epochs = self.step / self.steps_per_epoch
        if self.status == "target_reached":
            self.message = f"reached {self.evaluation[1]:.2%} test accuracy after {epochs:.2f} epochs"
        elif self.status == "finished":
            self.message = f"finished {self.config.epochs} epochs: {self.evaluation[1]:.2%} test accuracy"
        self.model.eval()
        evaluation = self.evaluation
        return TrainResult(
            model=self.model,
            config=self.config,
            status=self.status,
            message=self.message,
            test_accuracy=evaluation[1] if evaluation else None,
            test_loss=evaluation[0] if evaluation else None,
            seconds=time.perf_counter() - self.started,
            epochs=epochs,
            samples_per_s=self.samples / self.compute_s if self.compute_s else 0.0,
            test_predictions=evaluation[2] if evaluation else None,
            history=self.history,
            mean=self.mean,
            std=self.std,
        )


def _loss(log_probabilities: torch.Tensor, labels: torch.Tensor, smoothing: float) -> torch.Tensor:
    nll = F.nll_loss(log_probabilities, labels)
    if not smoothing:
        return nll
    return (1 - smoothing) * nll - smoothing * log_probabilities.mean()


class WeightAverage:
    """An exponential moving average of a model's weights, in a copy of the model (``model``).

    Mid-run, at a high learning rate, each step's weights jitter about where the training is
    heading; their average over the last few dozen steps reads the test set better. This is the
    multi-tensor update of ``torch.optim.swa_utils.AveragedModel`` without its per-call overhead.
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


class BlowUpGuard:
    """Keeps a copy of the last weights and statistics that gave a finite loss, and puts them back
    when a loss, or batch norm's running statistics, stop being finite. The copy is refreshed in
    place every step: one multi-tensor copy, not a ``state_dict()`` and a copy per tensor."""

    def __init__(self, model: nn.Module):
        self._live = list(model.state_dict().values())  # the model's own tensors, detached
        self._saved = [tensor.clone() for tensor in self._live]
        self._statistics = [buffer for buffer in model.buffers() if buffer.is_floating_point()]

    def blown_up(self, loss_value: float) -> str | None:
        """None when ``loss_value`` and the statistics are finite (the weights are kept); else what
        blew up, once the kept weights are back in the model."""
        if math.isfinite(loss_value) and self._statistics_are_finite():
            self._save()
            return None
        self._restore()
        return f"the loss became {loss_value}" if not math.isfinite(loss_value) else "the network overflowed"

    @torch.no_grad()
    def _save(self) -> None:
        torch._foreach_copy_(self._saved, self._live)

    @torch.no_grad()
    def _restore(self) -> None:
        torch._foreach_copy_(self._live, self._saved)

    def _statistics_are_finite(self) -> bool:
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
