"""Training in a worker thread: load MNIST and run :func:`digitdraw.core.training.train`.

The Train tab trains with it, the Draw tab's personal panel fine-tunes with it, the Compress tab
fine-tunes a pruned model with it: the one training loop. :class:`TrainingJob` never touches a
widget. A tab runs :meth:`TrainingJob.run` with
:func:`digitdraw.ui.workers.create_worker` (``with_report=True``); what it reports arrives through
the worker's ``yielded`` signal (a :class:`Status` line, :class:`TrainingStarted`, a throttled
:class:`Progress`, an :class:`~digitdraw.core.training.EvalReport`), and the :class:`Outcome` through
``returned``. It is steered by thread-safe flags that the window's thread sets directly, because
the worker's thread is busy training:

- :meth:`TrainingJob.request_stop` ends training before the next batch (or the next batch of a
  test in progress) and keeps the weights: the run returns an outcome "stopped";
- :meth:`TrainingJob.abort` (the worker's ``on_stop``: the window is closing) also gives up the
  result, so the thread ends within one forward pass, with the worker's ``aborted``;
- :meth:`TrainingJob.set_paused` holds training between batches.

Typical use::

    job = TrainingJob(config, data_dir)
    worker = job.start_worker("digitdraw-training", status=show_line, progress=on_progress,
                              returned=on_outcome, errored=on_error)
    ...
    worker.quit()  # when the window closes: abort, wait
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from PySide6.QtCore import QObject

from ..core.anatomy import first_filters
from ..core.checkpoints import Checkpoint
from ..core.data import DataMissingError, MnistSplit, cached_mnist
from ..core.models import build_model
from ..core.threads import prepare_for_background_training
from ..core.training import BatchReport, EvalReport, TrainConfig, TrainingError, evaluate, train
from .language import error_text
from .workers import Aborted, Worker, create_worker

EMIT_INTERVAL_S = 0.2  # at most 5 progress reports a second: each costs the window ~4.5 ms of painting
GALLERY_SIZE = 64  # misclassified test digits sent back for the gallery


@dataclass(frozen=True)
class Status:
    """A line for the status bar."""

    text: str


@dataclass(frozen=True)
class TrainingStarted:
    """Training (not loading) begins: this many steps lie ahead."""

    total_steps: int


@dataclass(frozen=True)
class Progress:
    """A throttled batch report: the losses of every batch since the previous one."""

    steps: np.ndarray  # int, the step number of each loss
    losses: np.ndarray  # float
    epoch: int
    step: int
    total_steps: int
    samples_per_s: float
    elapsed_s: float  # training time, pauses excluded
    filters: torch.Tensor | None = None  # a CPU copy of the first layer's filters (C, C_in, kH, kW)

    @property
    def fraction(self) -> float:
        return self.step / self.total_steps if self.total_steps else 0.0

    @property
    def eta_s(self) -> float:
        """Seconds left at the pace so far (an upper bound when a target accuracy may stop it early)."""
        return self.elapsed_s / self.step * (self.total_steps - self.step) if self.step else float("nan")


@dataclass(frozen=True)
class Outcome:
    """What the GUI needs when a run (or an evaluation) ends. Everything is on the CPU."""

    status: str  # finished, target_reached, stopped, diverged or evaluated
    message: str
    checkpoint: Checkpoint | None
    test_accuracy: float | None
    seconds: float
    epochs: float
    samples_per_s: float
    confusion: np.ndarray | None  # (10, 10) counts, rows = true digit, columns = predicted
    wrong_images: np.ndarray | None  # (K, 28, 28) uint8, misclassified test digits
    wrong_true: np.ndarray | None  # (K,)
    wrong_said: np.ndarray | None  # (K,)
    wrong_total: int = 0
    test_images: np.ndarray | None = None  # (N, 28, 28) uint8, every test digit (the gallery shows any cell's)
    test_true: np.ndarray | None = None  # (N,)
    test_said: np.ndarray | None = None  # (N,) what the network said


class TrainingJob(QObject):
    """Loads MNIST and trains (or only evaluates) the model, in the thread that calls :meth:`run`.

    A QObject only for ``tr()``: it has no signals and lives in no event loop."""

    def __init__(
        self,
        config: TrainConfig,
        data_dir=None,
        *,
        test_subset: int | None = None,
        initial: Checkpoint | None = None,
        evaluate_only: bool = False,
        emit_interval_s: float = EMIT_INTERVAL_S,
    ):
        super().__init__()
        prepare_for_background_training()
        self.config = config
        self.data_dir = data_dir
        self.test_subset = test_subset
        self.initial = initial
        self.evaluate_only = evaluate_only
        self.emit_interval_s = emit_interval_s
        self.report: Callable[[object], None] = lambda item: None  # set by run()
        self._stop = threading.Event()
        self._abort = threading.Event()
        self._running = threading.Event()  # cleared while paused
        self._running.set()
        self._paused_s = 0.0
        self._pending_steps: list[int] = []
        self._pending_losses: list[float] = []
        self._last_emit = 0.0
        self._last_report: BatchReport | None = None
        self._model: torch.nn.Module | None = None  # the model being trained, for the filters' throttled copy

    # -- called from the GUI thread -------------------------------------------------------
    def request_stop(self) -> None:
        """Ask the run to end; honoured before the next batch (also while paused)."""
        self._stop.set()
        self._running.set()

    def abort(self) -> None:
        """Stop as fast as possible, giving up the final test (and the run's result)."""
        self._abort.set()
        self.request_stop()

    def set_paused(self, paused: bool) -> None:
        if paused and not self._stop.is_set():
            self._running.clear()
        else:
            self._running.set()

    def describe_error(self, error: BaseException) -> str:
        """What went wrong, as one sentence for the status line (the worker's ``describe_error``)."""
        if isinstance(error, DataMissingError):
            return error_text(error)
        if isinstance(error, (TrainingError, ValueError)):
            return self.tr("Cannot train with these settings: {0}").format(error)
        if isinstance(error, torch.OutOfMemoryError):
            return self.tr("Out of memory on {0}: try a smaller batch size or the CPU.").format(self.config.device)
        return self.tr("Training failed: {0}: {1}").format(type(error).__name__, error)

    def start_worker(
        self,
        name: str,
        *,
        status: Callable[[str], None] | None = None,
        started_training: Callable[[int], None] | None = None,
        progress: Callable[[Progress], None] | None = None,
        evaluated: Callable[[EvalReport], None] | None = None,
        **slots,
    ) -> Worker:
        """Run this job in a worker thread called ``name``; the started worker. What the job reports
        goes to ``status`` (a line), ``started_training`` (the steps ahead), ``progress`` and
        ``evaluated``; ``slots`` connect the worker's own signals (``returned=...``, ``errored=...``,
        ``finished=...``)."""
        handlers = {
            Status: status and (lambda item: status(item.text)),
            TrainingStarted: started_training and (lambda item: started_training(item.total_steps)),
            Progress: progress,
            EvalReport: evaluated,
        }

        def on_report(item) -> None:
            handler = handlers.get(type(item))
            if handler is not None:
                handler(item)

        return create_worker(self.run, name=name, with_report=True, on_stop=self.abort,
                             describe_error=self.describe_error, connect={"yielded": on_report, **slots})

    # -- runs in the worker thread --------------------------------------------------------
    def run(self, report: Callable[[object], None]):
        """Train (or evaluate), sending what happens to ``report``; the :class:`Outcome`, or what a
        subclass makes (None if nothing came of it). Raises :class:`Aborted` after :meth:`abort`."""
        self.report = report
        return self._run()

    def _run(self):
        started = time.perf_counter()
        self.report(Status(self.tr("Loading MNIST…")))
        train_data, test_data = cached_mnist(self.data_dir)
        train_data = self.config.training_split(train_data)
        if self.test_subset:
            test_data = test_data.subset(self.test_subset)
        self._check_abort()
        self.config.validate()
        # Built here rather than in train() so that the weights survive an abort, and so that
        # every forward pass can check for one (evaluation included).
        torch.manual_seed(self.config.seed)
        model = self.initial.build() if self.initial is not None else build_model(self.config.arch)
        hook = model.register_forward_pre_hook(lambda *_: self._check_abort())
        self._model = model
        try:
            if self.evaluate_only:
                return self._evaluate_only(model, test_data, started)
            return self._train(model, train_data, test_data, started)
        finally:
            hook.remove()

    def _check_abort(self) -> None:
        if self._abort.is_set():
            raise Aborted

    def _train(self, model, train_data: MnistSplit, test_data: MnistSplit, started: float) -> Outcome | None:
        if self._stop.is_set():
            self.report(Status(self.tr("Stopped before training began.")))
            return None
        steps = -(-len(train_data) // self.config.batch_size) * self.config.epochs
        self.report(TrainingStarted(steps))
        self.report(Status(
            self.tr("Training {0} on {1} images, testing on {2}, on {3}…").format(
                self.config.arch, f"{len(train_data):,}", f"{len(test_data):,}", self.config.device
            )
        ))
        result = train(
            self.config,
            train_data,
            test_data,
            on_batch=self._on_batch,
            on_eval=self._on_eval,
            should_stop=self._should_stop,
            model=model,
            **self._normalisation(),
        )
        self._flush()
        return self._outcome(
            result.status,
            result.message,
            result.checkpoint(),
            result.test_accuracy,
            time.perf_counter() - started,
            result.epochs,
            result.samples_per_s,
            result.test_predictions,
            test_data,
        )

    def _evaluate_only(self, model, test_data: MnistSplit, started: float) -> Outcome:
        if self.initial is None:
            raise ValueError("there is no model to evaluate")
        self.report(Status(self.tr("Testing {0} on {1} test images…").format(self.initial.arch, f"{len(test_data):,}")))
        device = self.config.device
        model.to(device)
        _, accuracy, predicted = evaluate(model, test_data, device, **self._normalisation())
        model.to("cpu")
        checkpoint = Checkpoint.from_model(
            self.initial.arch, model, test_accuracy=accuracy, training=dict(self.initial.training), **self._normalisation()
        )
        message = self.tr("{0} test accuracy on {1} test images").format(f"{accuracy:.2%}", f"{len(test_data):,}")
        return self._outcome("evaluated", message, checkpoint, accuracy, time.perf_counter() - started, 0.0, 0.0, predicted, test_data)

    def _normalisation(self) -> dict:
        """The input normalisation of the model started from (its checkpoint's own), else MNIST's."""
        return {"mean": self.initial.mean, "std": self.initial.std} if self.initial is not None else {}

    def _should_stop(self) -> bool:
        if not self._running.is_set():
            paused_at = time.perf_counter()
            self._flush()
            self.report(Status(self.tr("Paused — press Resume to go on, or Stop.")))
            while not self._running.wait(0.1):
                pass
            self._paused_s += time.perf_counter() - paused_at
            if not self._stop.is_set():
                self.report(Status(self.tr("Training…")))
        self._check_abort()
        if self._stop.is_set():
            self._flush()
            self.report(Status(self.tr("Stopping…")))
            return True
        return False

    def _on_batch(self, report: BatchReport) -> None:
        self._pending_steps.append(report.step)
        self._pending_losses.append(report.loss)
        self._last_report = report
        now = time.perf_counter()
        if now - self._last_emit >= self.emit_interval_s or report.step == report.total_steps:
            self._flush(now)

    def _flush(self, now: float | None = None) -> None:
        report = self._last_report
        if report is None or not self._pending_steps:
            return
        self._last_emit = now if now is not None else time.perf_counter()
        self.report(
            Progress(
                steps=np.asarray(self._pending_steps, dtype=np.int64),
                losses=np.asarray(self._pending_losses, dtype=np.float64),
                epoch=report.epoch,
                step=report.step,
                total_steps=report.total_steps,
                samples_per_s=report.samples_per_s,
                elapsed_s=max(report.elapsed_s - self._paused_s, 1e-9),
                filters=None if self._model is None else first_filters(self._model),
            )
        )
        self._pending_steps, self._pending_losses = [], []

    def _on_eval(self, report: EvalReport) -> None:
        self._flush()
        self.report(report)

    @staticmethod
    def _outcome(status, message, checkpoint, accuracy, seconds, epochs, samples_per_s, predicted, test_data) -> Outcome:
        confusion = wrong_images = wrong_true = wrong_said = test_images = test_true = test_said = None
        wrong_total = 0
        if predicted is not None:
            truth = test_data.labels.cpu()
            predicted = predicted.cpu()
            confusion = torch.bincount(truth * 10 + predicted, minlength=100).reshape(10, 10).numpy()
            wrong = (predicted != truth).nonzero().flatten()
            wrong_total = len(wrong)
            wrong = wrong[:GALLERY_SIZE]
            wrong_images = test_data.images[wrong].cpu().numpy()
            wrong_true, wrong_said = truth[wrong].numpy(), predicted[wrong].numpy()
            test_images, test_true, test_said = test_data.images.cpu().numpy(), truth.numpy(), predicted.numpy()
        return Outcome(
            status, message, checkpoint, accuracy, seconds, epochs, samples_per_s,
            confusion, wrong_images, wrong_true, wrong_said, wrong_total, test_images, test_true, test_said,
        )
