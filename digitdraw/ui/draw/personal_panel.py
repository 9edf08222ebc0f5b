"""Corrections that teach the network your hand: the row under the Draw tab's canvas.

A digit button (or a digit key while the canvas has the focus) stores what is drawn as that digit
in the personal set and clears the canvas. *Learn my handwriting* fine-tunes the Draw tab's model
on the set: a :class:`FineTuneJob` (the Train tab's job, running
:func:`digitdraw.core.personal.fine_tune`) in a worker thread; the tuned model replaces the Draw
tab's and is saved as the personal model, which the app loads at the next start.

From the first correction on, the Draw tab's model also hears the vote of the set's drawings
(:mod:`digitdraw.core.prototypes`): the panel keeps the set's images and hands their features,
as the current model sees them, to the classifier whenever the set or the model changes.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Callable

import torch
from PySide6.QtCore import QBuffer, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.checkpoints import CheckpointError, save_checkpoint
from ...core.inference import Classifier
from ...core.personal import (
    MIN_SAMPLES,
    FineTuneResult,
    FineTuneSettings,
    PersonalSet,
    Samples,
    fine_tune,
    load_picture,
    personal_model_path,
)
from ...core.training import TrainConfig
from .canvas import Canvas
from ..labels import ElidedLabel, message_line, show_message
from ..language import error_text
from ..training_job import Progress, Status, TrainingJob, TrainingStarted
from ..workers import Worker

THUMBNAIL_SIZE = 72


class FineTuneJob(TrainingJob):
    """The Train tab's job, running a personal fine-tune instead of a training run.

    It keeps everything of :class:`TrainingJob` (MNIST read once, throttled progress, stop and
    abort) and returns a :class:`~digitdraw.core.personal.FineTuneResult` (None if it could not start).
    """

    def __init__(self, personal_set: PersonalSet, classifier: Classifier, settings: FineTuneSettings, data_dir=None,
                 *, test_subset: int | None = None):
        config = TrainConfig(arch=classifier.arch, epochs=1, batch_size=settings.batch_size, lr=settings.lr,
                             device=settings.device, seed=settings.seed)
        super().__init__(config, data_dir, test_subset=test_subset, initial=classifier.checkpoint)
        self.personal_set = personal_set
        self.settings = settings

    def _train(self, model, train_data, test_data, started: float) -> FineTuneResult:
        self.report(Status(self.tr("Reading your drawings…")))
        samples = self.personal_set.load()
        if len(samples) < MIN_SAMPLES:
            raise _TooFewDrawings(self.tr("Only {0} of your drawings could be read; at least {1} are needed.")
                                  .format(len(samples), MIN_SAMPLES))
        self.report(TrainingStarted(self.settings.steps))
        self.report(Status(self.tr("Learning from your %n drawing(s), mixed with MNIST…", "", len(samples))))
        result = fine_tune(self.initial, samples.images, train_data, test_data, self.settings, model=model,
                           on_batch=self._on_batch, on_eval=self._on_eval, should_stop=self._should_stop)
        self._flush()
        return result

    def describe_error(self, error: BaseException) -> str:
        return str(error) if isinstance(error, _TooFewDrawings) else super().describe_error(error)


class _TooFewDrawings(Exception):
    """Fewer drawings of the personal set could be read than learning needs (the message says so)."""


class PersonalPanel(QWidget):
    """Digit buttons with the count of each, and learning from them; lives under the canvas."""

    model_changed = Signal(object)  # a Classifier: the tuned model, or the shipped one again

    def __init__(self, canvas: Canvas, current_classifier: Callable[[], Classifier | None], data_dir=None,
                 personal_set: PersonalSet | None = None, parent=None):
        super().__init__(parent)
        self.canvas = canvas
        self.current_classifier = current_classifier
        self.data_dir = data_dir
        self.personal_set = personal_set or PersonalSet()
        self.settings = FineTuneSettings()
        self.test_subset: int | None = None  # tests test on fewer MNIST digits
        self.job: FineTuneJob | None = None
        self.worker: Worker | None = None  # runs the job; None once it has finished
        self.result: FineTuneResult | None = None
        self._announced: Classifier | None = None  # the model this panel's messages speak of
        self._started_at = 0.0
        self._samples: Samples | None = None  # the set's drawings as the network reads them, for the vote
        self._build()
        for digit in range(10):  # Qt matches the keypad's digits to these too
            shortcut = QShortcut(QKeySequence(str(digit)), canvas, context=Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(lambda d=digit: self.store(d))
        self.refresh_counts()

    # --- the personal model at start-up ------------------------------------------------------

    def startup_classifier(self) -> Classifier:
        """The personal model if there is a usable one, else the shipped model (which may raise)."""
        path = personal_model_path()
        if path.is_file():
            try:
                classifier = Classifier.load(path)
            except (CheckpointError, ValueError, OSError) as exc:
                self._show(self.tr("Your personal model could not be loaded, so the shipped one is used: {0}").format(error_text(exc)),
                           error=True)
            else:
                self._show(self.tr("Using the model tuned to your handwriting."))
                self._announced = classifier
                return self._announced
        self._announced = Classifier.load()  # a word about the personal model, if any, speaks of this one
        return self._announced

    # --- the vote of your drawings -----------------------------------------------------------

    def with_vote(self, classifier: Classifier, reload: bool = False) -> Classifier:
        """``classifier`` with the personal set's drawings voting (none when the set is empty); the Draw tab
        gives every model it reads with to this."""
        if self._samples is None or reload:
            self._samples = self.personal_set.load()
        images = self._samples.images
        classifier.prototypes = classifier.prototypes_of(images.images.float() / 255, images.labels) if len(images) else None
        return classifier

    def _refresh_vote(self, reload: bool = False) -> None:
        classifier = self.current_classifier()
        if classifier is not None:
            self.with_vote(classifier, reload)

    def _add_to_vote(self, path: Path, digit: int) -> None:
        """The new drawing joins the vote at once (read back as learning will read it)."""
        if self._samples is None:
            self._refresh_vote(reload=True)
            return
        image = load_picture(path)
        if image is not None:
            images = self._samples.images
            self._samples = Samples(
                type(images)(torch.cat([images.images, image[None]]), torch.cat([images.labels, torch.tensor([digit])])),
                [*self._samples.paths, path],
            )
        self._refresh_vote()

    # --- corrections -------------------------------------------------------------------------

    def store(self, digit: int) -> bool:
        """Save what the canvas shows as ``digit`` in the personal set and clear the canvas."""
        strokes = self.canvas.strokes()
        if not strokes and self.canvas.picture() is None:
            self._show(self.tr("Draw a digit first, then press the digit it is."), error=True)
            return False
        try:
            path = self.personal_set.add(digit, _png_bytes(self.canvas), strokes or None, self.canvas.area_size())
        except OSError as exc:
            self._show(self.tr("Could not save the drawing: {0}").format(exc), error=True)
            return False
        self.canvas.clear()
        self._add_to_vote(path, digit)
        self.refresh_counts()
        self._show(self.tr("Saved as a {0} ({1}). Your set holds %n drawing(s).", "", sum(self.personal_set.counts()))
                   .format(digit, path.name))
        return True

    def model_in_use(self, classifier: Classifier) -> None:
        """The Draw tab now uses ``classifier``: what this panel said about another model goes."""
        if classifier is not self._announced:
            self._announced = None
            self.result_label.setText("")
            self._show("")

    def refresh_counts(self) -> None:
        counts = self.personal_set.counts()
        for label, count in zip(self.count_labels, counts):
            label.setText(str(count))
        self.learn_button.setToolTip(self.tr("Fine-tune the model on your %n drawing(s), mixed with MNIST.", "", sum(counts)))
        self.shipped_button.setEnabled(personal_model_path().is_file() and not self.is_running)

    # --- learning ----------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    def learn(self) -> bool:
        """Fine-tune the current model on the personal set in the background; False if it cannot start."""
        classifier = self.current_classifier()
        drawings = sum(self.personal_set.counts())
        if self.is_running or classifier is None:
            return False
        if drawings < MIN_SAMPLES:
            self._show(self.tr("Learning needs at least {0} drawings; your set holds %n. Draw a digit and press "
                               "its key or button to add one.", "", drawings).format(MIN_SAMPLES), error=True)
            return False
        settings = replace(self.settings, device=classifier.device)
        job = FineTuneJob(self.personal_set, classifier, settings, self.data_dir, test_subset=self.test_subset)
        self.job, self.result = job, None
        self._started_at = time.perf_counter()
        self.worker = job.start_worker(
            "digitdraw-fine-tune",
            status=self._show,
            started_training=self.progress_bar.setMaximum,
            progress=self._on_progress,
            returned=self._on_finished,
            errored=lambda text: self._show(text, error=True),
            finished=self._on_worker_finished,
        )
        self._set_running(True)  # once the worker is there: is_running asks it
        return True

    def stop(self) -> None:
        if self.job is not None:
            self.job.request_stop()

    def shutdown(self) -> None:
        """End a run at once and wait for its thread (the window is closing)."""
        if self.worker is not None:
            self.worker.quit()

    def use_shipped_model(self) -> None:
        """Go back to the shipped model, now and at the next start (the personal set is kept)."""
        try:
            classifier = Classifier.load()
        except (CheckpointError, ValueError, OSError) as exc:
            self._show(self.tr("The shipped model could not be loaded: {0}").format(error_text(exc)), error=True)
            return
        try:
            personal_model_path().unlink(missing_ok=True)
        except OSError as exc:
            self._show(self.tr("Could not remove your personal model: {0}").format(exc), error=True)
        else:
            self._show(self.tr("Back to the shipped model. Your drawings are kept: learn again any time."))
        self.result_label.setText("")
        self._announced = classifier
        self.model_changed.emit(self._announced)
        self.refresh_counts()

    def _on_progress(self, progress: Progress) -> None:
        self.progress_bar.setValue(progress.step)
        self.progress_label.setText(self.tr("{0:,.0f} images/s · {1:.0f} s left")
                                    .format(progress.samples_per_s, max(0.0, progress.eta_s)))

    def _on_finished(self, result: FineTuneResult) -> None:
        self.result = result
        if result.training.status not in ("finished", "target_reached") or result.mnist_accuracy_after is None:
            self._show(self.tr("Learning stopped; the model is unchanged."))
            return
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.result_label.setText(
            self.tr("Your drawings read right: {0:.0%} → {1:.0%} · MNIST test: {2:.2%} → {3:.2%} · {4:.0f} s").format(
                result.samples_accuracy_before, result.samples_accuracy_after, result.mnist_accuracy_before,
                result.mnist_accuracy_after, time.perf_counter() - self._started_at)
        )
        path = personal_model_path()
        try:
            save_checkpoint(result.checkpoint, path)
        except OSError as exc:
            self._show(self.tr("The tuned model is in use but could not be saved: {0}").format(exc), error=True)
            source = None
        else:
            self._show(self.tr("The Draw tab now reads with the model tuned to your hand (saved, used at the next start)."))
            source = str(path)
        self._announced = Classifier(result.checkpoint, self.job.settings.device if self.job else "cpu", source=source)
        self.model_changed.emit(self._announced)

    def _on_worker_finished(self) -> None:
        self.worker = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.learn_button.setEnabled(not running)
        self.stop_button.setVisible(running)
        self.progress_bar.setVisible(running)
        self.progress_label.setVisible(running)
        self.browse_button.setVisible(not running)  # the progress takes their room: the row never widens the window
        self.shipped_button.setVisible(not running)
        if running:
            self.progress_bar.setRange(0, self.settings.steps)
            self.progress_bar.setValue(0)
            self.progress_label.setText("")
        self.refresh_counts()

    # --- browsing ----------------------------------------------------------------------------

    def browse(self) -> None:
        before = self.personal_set.counts()
        PersonalSetDialog(self.personal_set, self).exec()
        self._refresh_vote(reload=True)
        self.refresh_counts()
        if self.personal_set.counts() != before:  # an earlier count in the message line is no longer true
            self._show(self.tr("Your set now holds %n drawing(s).", "", sum(self.personal_set.counts())))

    # --- widgets -----------------------------------------------------------------------------

    def _show(self, text: str, error: bool = False) -> None:
        show_message(self.status_label, text, error)

    def _build(self) -> None:
        digits = QGridLayout()
        digits.setHorizontalSpacing(4)
        digits.setVerticalSpacing(0)
        digits.addWidget(QLabel(self.tr("That was a:")), 0, 0)
        digits.addWidget(QLabel(self.tr("saved:")), 1, 0)
        self.digit_buttons, self.count_labels = [], []
        for digit in range(10):
            button = QPushButton(str(digit), objectName=f"correct{digit}")
            button.setToolTip(self.tr("Save the drawing as a {0} in your personal set (or press {0} on the canvas).")
                              .format(digit))
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the canvas keeps the focus, so keys keep working
            button.setMinimumWidth(30)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _=False, d=digit: self.store(d))
            count = QLabel("0", alignment=Qt.AlignmentFlag.AlignCenter)
            count.setStyleSheet("color: #666;")
            digits.addWidget(button, 0, digit + 1)
            digits.addWidget(count, 1, digit + 1)
            self.digit_buttons.append(button)
            self.count_labels.append(count)
        self.learn_button = QPushButton(self.tr("Learn my handwriting"), objectName="learnButton")
        self.learn_button.clicked.connect(self.learn)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.stop)
        self.browse_button = QPushButton(self.tr("Browse…"))
        self.browse_button.setToolTip(self.tr("See, remove or clear the drawings of your personal set."))
        self.browse_button.clicked.connect(self.browse)
        self.shipped_button = QPushButton(self.tr("Use the shipped model"))
        self.shipped_button.setToolTip(self.tr("Go back to the model digitdraw ships with, now and at the next start."))
        self.shipped_button.clicked.connect(self.use_shipped_model)
        self.progress_bar = QProgressBar()
        self.progress_bar.setMinimumWidth(60)
        self.progress_bar.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.progress_label = ElidedLabel("")  # "2,813 images/s · 5 s left" takes the room there is, never more
        actions = QHBoxLayout()
        for widget, stretch in ((self.learn_button, 0), (self.stop_button, 0), (self.progress_bar, 2), (self.progress_label, 3)):
            actions.addWidget(widget, stretch)
        actions.addStretch(1)
        actions.addWidget(self.browse_button)
        actions.addWidget(self.shipped_button)
        self.result_label = ElidedLabel("", objectName="learnResult", lines=1)  # there or empty, nothing below moves
        self.result_label.setStyleSheet("font-weight: bold;")
        self.status_label = message_line(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(digits)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)
        layout.addWidget(self.status_label)
        self._set_running(False)


class PersonalSetDialog(QDialog):
    """Thumbnails of the personal set, one digit or all; relabel or remove the selected ones (it asks), or clear everything."""

    def __init__(self, personal_set: PersonalSet, parent=None):
        super().__init__(parent)
        self.personal_set = personal_set
        self.setWindowTitle(self.tr("Your handwriting"))
        self.filter = QComboBox()
        self.filter.addItem(self.tr("All digits"), None)
        for digit in range(10):
            self.filter.addItem(self.tr("Only {0}").format(digit), digit)
        self.filter.currentIndexChanged.connect(self.reload)
        self.list = QListWidget(viewMode=QListWidget.ViewMode.IconMode, resizeMode=QListWidget.ResizeMode.Adjust)
        self.list.setIconSize(QSize(THUMBNAIL_SIZE, THUMBNAIL_SIZE))
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.summary = QLabel("")
        self.relabel_box = QComboBox(objectName="relabelBox")
        self.relabel_box.addItem(self.tr("Relabel as…"), None)
        for digit in range(10):
            self.relabel_box.addItem(self.tr("Relabel as {0}").format(digit), digit)
        self.relabel_box.setToolTip(self.tr("Move the selected drawings to another digit: for a drawing saved under the wrong one."))
        self.relabel_box.activated.connect(self._relabel_chosen)
        remove = QPushButton(self.tr("Remove selected…"))
        remove.clicked.connect(self.ask_remove_selected)
        clear = QPushButton(self.tr("Clear all…"))
        clear.clicked.connect(self.ask_clear)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        buttons = QHBoxLayout()
        buttons.addWidget(self.filter)
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.relabel_box)
        for button in (remove, clear, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.resize(720, 480)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        pictures = self.personal_set.pictures(self.filter.currentData())
        for path in pictures:
            pixmap = QPixmap(str(path))
            item = QListWidgetItem(QIcon(pixmap.scaled(THUMBNAIL_SIZE, THUMBNAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio,
                                                       Qt.TransformationMode.SmoothTransformation)), path.parent.name)
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.list.addItem(item)
        self.summary.setText(self.tr("%n drawing(s)", "", len(pictures)))

    def selected_paths(self) -> list[Path]:
        return [Path(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()]

    def ask_remove_selected(self) -> None:
        """Remove the selected drawings once the user says yes: a removed drawing cannot be brought back."""
        chosen = self.selected_paths()
        if not chosen:
            self.summary.setText(self.tr("Select the drawings to remove first."))
            return
        answer = QMessageBox.question(self, self.tr("Remove drawings"),
                                      self.tr("Delete %n selected drawing(s) from your personal set?", "", len(chosen)))
        if answer == QMessageBox.StandardButton.Yes:
            self.remove_selected()

    def remove_selected(self) -> None:
        for path in self.selected_paths():
            self.personal_set.remove(path)
        self.reload()

    def relabel_selected(self, digit: int) -> None:
        """Move the selected drawings to ``digit``."""
        chosen = self.selected_paths()
        for path in chosen:
            self.personal_set.relabel(path, digit)
        self.reload()
        if chosen:
            self.summary.setText(self.tr("%n drawing(s) moved to {0}.", "", len(chosen)).format(digit))

    def _relabel_chosen(self, index: int) -> None:
        digit = self.relabel_box.itemData(index)
        self.relabel_box.setCurrentIndex(0)
        if digit is None:
            return
        if not self.selected_paths():
            self.summary.setText(self.tr("Select the drawings to relabel first."))
            return
        self.relabel_selected(digit)

    def ask_clear(self) -> None:
        answer = QMessageBox.question(self, self.tr("Clear your handwriting"),
                                      self.tr("Delete all %n drawing(s) of your personal set?", "",
                                              sum(self.personal_set.counts())))
        if answer == QMessageBox.StandardButton.Yes:
            self.personal_set.clear()
            self.reload()


def _png_bytes(canvas: Canvas) -> bytes:
    """What the canvas shows, as PNG file contents."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    canvas.drawing_image().save(buffer, "PNG")
    return bytes(buffer.data())
