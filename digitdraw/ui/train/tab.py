"""The Train tab: pick a network and recipe, train it on MNIST, watch it learn, then use it.

Training runs as a :class:`~digitdraw.ui.training_job.TrainingJob` in a worker thread
(:mod:`digitdraw.ui.workers`); this widget only reacts to the worker's signals, so the window stays
responsive throughout.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ...core.checkpoints import Checkpoint, CheckpointError, load_checkpoint, save_checkpoint
from ...core.inference import Classifier
from ...core.train_settings import (
    FULL_TRAIN_SET, RECIPE, SETTINGS, TrainConfig, default_values, recipe_values, train_config,
)
from ..code_panel import code_button
from ..language import error_text
from ..later_parts import LaterParts
from ..pictures import mosaic_image, qimage
from ..settings_form import SettingsForm
from ..workers import Worker
from ..training_job import Outcome, Progress, TrainingJob
from .views import AccuracyPlot, ConfusionMatrixView, LossPlot, MistakesGallery

DEFAULT_MODEL_FILE = "digitdraw-model.pt"  # where the script saves its weights: digitdraw train's default
FILTERS_WIDTH = 120  # the first layer's filters, live while training


def _format_seconds(seconds: float) -> str:
    if seconds != seconds or seconds < 0:  # NaN
        return "–"
    seconds = round(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


class TrainTab(LaterParts, QWidget):
    """Settings on the left; live loss and accuracy, then the confusion matrix and mistakes, on the right."""

    model_ready = Signal(object)  # a Classifier, when "Use this model" is pressed
    training_finished = Signal(object)  # an Outcome, when a run or a test ends with a result
    running_changed = Signal(bool)
    digit_opened = Signal(object, int, int)  # a test digit to open in the Draw tab: picture, true digit, the answer

    def __init__(self, data_dir=None, parent=None):
        super().__init__(parent)
        self.setObjectName("train_tab")
        self.data_dir = data_dir
        self.test_subset: int | None = None  # test on the first N test images only (tests, benchmarks)
        self.job: TrainingJob | None = None
        self.worker: Worker | None = None  # runs the job; None once it has finished
        self.checkpoint: Checkpoint | None = None  # the model trained last, or opened
        self.checkpoint_source: str | None = None
        self.outcome: Outcome | None = None
        self._build()
        self._build_actions()
        self._restore_choices()
        self._set_running(False)
        for spin in (self.epochs_spin, self.batch_spin, self.subset_spin):
            spin.valueChanged.connect(self._show_run_ahead)
        self.build_later(self._build_loss_plot, self._build_accuracy_plot)

    # The loss and accuracy plots are most of the tab's first switch: they come after its first
    # paint, one per turn of the event loop (LaterParts).
    LATER_ATTRIBUTES = frozenset({"loss_plot", "accuracy_plot"})

    def _build_loss_plot(self) -> None:
        self.loss_plot = LossPlot()
        self._take_place(0, self.loss_plot)

    def _build_accuracy_plot(self) -> None:
        self.accuracy_plot = AccuracyPlot()
        self._take_place(1, self.accuracy_plot)

    def _take_place(self, index: int, plot: QWidget) -> None:
        place = self._plot_places[index]
        place.parentWidget().layout().replaceWidget(place, plot)
        place.deleteLater()
        self._show_run_ahead()

    # -- construction ---------------------------------------------------------------------
    def _build(self) -> None:
        self.continue_check = QCheckBox(self.tr("start from the current model"), objectName="continue")
        self.continue_check.setToolTip(self.tr("Keep training the model trained last (or opened) instead of fresh weights"))
        self.continue_check.toggled.connect(self._on_continue_toggled)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setVerticalSpacing(3)  # the column fits a 640-pixel-high window without scrolling, in Chinese too
        self.settings_form = SettingsForm((RECIPE, *SETTINGS), form, default_values())
        form.addRow("", self.continue_check)
        widgets, switches = self.settings_form.widgets, self.settings_form.switches
        self.recipe_combo, self.arch_combo, self.device_combo = widgets["recipe"], widgets["arch"], widgets["device"]
        self.epochs_spin, self.batch_spin, self.lr_spin = widgets["epochs"], widgets["batch_size"], widgets["lr"]
        self.optimizer_combo, self.schedule_combo = widgets["optimizer"], widgets["schedule"]
        self.augment_check, self.subset_spin = widgets["augment"], widgets["train_images"]
        self.target_spin, self.target_check = widgets["target_accuracy"], switches["target_accuracy"]
        self.recipe_combo.activated.connect(lambda _: self.apply_recipe(self.recipe_combo.currentData()))
        self.settings_box = QGroupBox(self.tr("Settings"))
        self.settings_box.setLayout(form)

        self.train_button = QPushButton(self.tr("Train"), objectName="train")
        self.train_button.setStyleSheet("QPushButton { font-weight: bold; }")
        self.pause_button = QPushButton(self.tr("Pause"), objectName="pause", checkable=True)
        self.stop_button = QPushButton(self.tr("Stop"), objectName="stop")
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.toggled.connect(self.set_paused)
        self.stop_button.clicked.connect(self.stop_training)
        run_row = QHBoxLayout()
        for button in (self.train_button, self.pause_button, self.stop_button):
            run_row.addWidget(button)

        self.progress_bar = QProgressBar(objectName="progress")
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.speed_label = QLabel("", objectName="speed")
        self.status_label = QLabel(self.tr("Choose the settings and press Train."), objectName="status")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.MinimumExpanding)
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.use_button = QPushButton(self.tr("Use this model for drawing"), objectName="use_model")
        self.use_button.setToolTip(self.tr("Put the model trained here into the Draw tab"))
        self.use_button.clicked.connect(self.use_model)
        self.save_button = QPushButton(self.tr("Save…"), objectName="save")
        self.save_button.clicked.connect(self._save_with_dialog)
        model_row = QHBoxLayout()
        model_row.addWidget(self.use_button, 1)
        model_row.addWidget(self.save_button)

        self.code_button = code_button(self, self.code_script, self.tr("The PyTorch code that trains the network "
                                                                        "the way this tab does, with these settings."))
        left = QVBoxLayout()
        left.setSpacing(4)
        left.addWidget(self.settings_box)
        left.addWidget(self.code_button, 0, Qt.AlignmentFlag.AlignRight)
        left.addLayout(run_row)
        left.addWidget(self.progress_bar)
        left.addWidget(self.speed_label)
        left.addWidget(self.status_label, 1)
        self.help_label = QLabel(
            self.tr(
                "<b>Loss</b>: how wrong the network is on each batch of training digits; it should fall.<br>"
                "<b>Test accuracy</b>: the share of 10,000 digits it never trained on that it reads right.<br>"
                "<b>Confusion matrix</b>: which digits it mistakes for which."
            ),
            objectName="help",
        )
        self.help_label.setWordWrap(True)
        self.help_label.setStyleSheet("color: #555;")
        left.addWidget(self.help_label)
        left.setContentsMargins(0, 0, 0, 0)
        # Scrolls rather than cutting when long messages or a language's taller script meet a small window.
        scroll = QScrollArea(widgetResizable=True, frameShape=QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(QWidget())
        scroll.widget().setLayout(left)
        left_widget = QWidget()
        left_widget.setFixedWidth(330)
        column = QVBoxLayout(left_widget)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(scroll, 1)
        column.addLayout(model_row)

        self.confusion_view = ConfusionMatrixView()
        self.gallery = MistakesGallery()
        self.filters_view = QLabel(objectName="filters", alignment=Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.filters_view.setFixedWidth(FILTERS_WIDTH)
        self.filters_view.setToolTip(self.tr("The first layer's filters as they learn: orange weights positive, blue negative."))
        filters_box = QGroupBox(self.tr("First layer's filters"))
        QVBoxLayout(filters_box).addWidget(self.filters_view)
        plots = QHBoxLayout()
        self._plot_places = [QWidget(), QWidget()]  # the two plots come after the first paint (LaterParts)
        plots.addWidget(self._plot_places[0], 3)
        plots.addWidget(self._plot_places[1], 2)
        plots.addWidget(filters_box)

        confusion_box = QGroupBox(self.tr("Confusion matrix (rows: true digit, columns: what it said)"))
        box_layout = QVBoxLayout(confusion_box)
        box_layout.addWidget(self.confusion_view)
        self.gallery_box = QGroupBox(self.tr("Test digits it got wrong (true → said)"))
        gallery_layout = QVBoxLayout(self.gallery_box)
        gallery_layout.setSpacing(2)
        filter_row = QHBoxLayout()
        self.gallery_filter = QLabel(objectName="galleryFilter")
        self.gallery_filter.setAccessibleName(self.tr("Digits shown"))
        self.all_button = QPushButton(self.tr("All"), objectName="galleryAll")
        self.all_button.setToolTip(self.tr("Back to every mistake"))
        self.all_button.clicked.connect(lambda: self._show_cell(None))
        filter_row.addWidget(self.gallery_filter, 1)
        filter_row.addWidget(self.all_button)
        self.gallery_filter.hide()
        self.all_button.hide()
        gallery_layout.addLayout(filter_row)
        gallery_layout.addWidget(self.gallery)
        self.confusion_view.cell_chosen.connect(lambda true, said: self._show_cell((true, said)))
        self.gallery.digit_opened.connect(self.digit_opened)
        results = QHBoxLayout()
        results.addWidget(confusion_box, 5)
        results.addWidget(self.gallery_box, 4)

        right = QVBoxLayout()
        right.addLayout(plots, 1)
        right.addLayout(results, 1)

        layout = QHBoxLayout(self)
        layout.addWidget(left_widget)
        layout.addLayout(right, 1)

    def _build_actions(self) -> None:
        self.save_action = QAction(self.tr("Save trained model…"), self)
        self.save_action.setShortcut(QKeySequence("Ctrl+Shift+S"))
        self.save_action.triggered.connect(self._save_with_dialog)
        self.open_action = QAction(self.tr("Open checkpoint to continue/evaluate…"), self)
        self.open_action.triggered.connect(self._open_with_dialog)

    def file_actions(self) -> list[QAction]:
        """Actions for the window's File menu."""
        return [self.save_action, self.open_action]

    # -- settings -------------------------------------------------------------------------
    def apply_recipe(self, name: str) -> None:
        """Fill the settings with a recipe from :data:`digitdraw.core.training.RECIPES`."""
        values = recipe_values(name)
        if self.continue_check.isChecked():
            del values["arch"]  # the network is the current model's
        self.settings_form.set_values({"recipe": name, **values})

    def config(self) -> TrainConfig:
        """The training settings as shown."""
        return train_config(**self.settings_form.values())

    def code_script(self, language: str) -> tuple[str, str]:
        """The script for a run with these settings, as ``digitdraw code train ...`` writes it."""
        from ...core.codegen import train_script  # Jinja2: loaded at the first press
        from ...core.data import resolve_data_dir

        script = train_script(self.config(), str(resolve_data_dir(self.data_dir)), DEFAULT_MODEL_FILE, language)
        return script, "train.py"

    def _show_run_ahead(self) -> None:
        """Lay the plots' x axes out for the run the settings describe, while the window is idle:
        laying out pyqtgraph's axes is tens of milliseconds of Python, which at the press of Train
        would have to share the GIL with the starting worker (the window stalled 40-60 ms)."""
        if self.is_running:
            return
        images = self.settings_form.value("train_images") or FULL_TRAIN_SET
        epochs = self.epochs_spin.value()
        if self.is_built("loss_plot"):
            self.loss_plot.set_total_steps(-(-images // self.batch_spin.value()) * epochs)
        if self.is_built("accuracy_plot"):
            self.accuracy_plot.set_epochs(epochs)

    def _on_continue_toggled(self, checked: bool) -> None:
        if checked and self.checkpoint is not None:
            self.arch_combo.setCurrentIndex(self.arch_combo.findData(self.checkpoint.arch))
        self.arch_combo.setEnabled(not checked and not self.is_running)

    def _save_choices(self) -> None:
        self.settings_form.save(QSettings())

    def _restore_choices(self) -> None:
        self.settings_form.restore(QSettings())

    # -- running --------------------------------------------------------------------------
    @property
    def is_running(self) -> bool:
        return self.worker is not None and self.worker.is_running  # until every signal of the run is in

    def start_training(self) -> bool:
        """Start training with the settings shown; False (and a status message) if it cannot start."""
        if self.is_running:
            return False
        config = self.config()
        try:
            config.validate()
        except ValueError as exc:
            self._show_error(self.tr("Cannot train with these settings: {0}").format(exc))
            return False
        initial = self.checkpoint if self.continue_check.isChecked() and self.checkpoint is not None else None
        if initial is not None:
            config = replace(config, arch=initial.arch)
            self.loss_plot.continue_numbering()
            self.accuracy_plot.continue_numbering()
        else:
            self.loss_plot.clear_data()
            self.accuracy_plot.clear_data()
        self.accuracy_plot.set_target(config.target_accuracy)
        self.accuracy_plot.set_epochs(config.epochs)
        self._save_choices()
        self._start_job(TrainingJob(config, self.data_dir, test_subset=self.test_subset, initial=initial))
        return True

    def evaluate_model(self) -> bool:
        """Test the current model on the test set (filling the confusion matrix and the gallery)."""
        if self.is_running or self.checkpoint is None:
            return False
        config = replace(self.config(), arch=self.checkpoint.arch)
        self._start_job(TrainingJob(config, self.data_dir, test_subset=self.test_subset,
                                    initial=self.checkpoint, evaluate_only=True))
        return True

    def _start_job(self, job: TrainingJob) -> None:
        self.progress_bar.setRange(0, 1)
        self.progress_bar.setValue(0)
        self.speed_label.setText("")
        self._set_status(self.tr("Starting…"))
        self.job = job
        self._set_running(True)  # first: the widgets' work does not share the GIL with the worker's start
        self.worker = job.start_worker(
            "digitdraw-training",
            status=self._set_status,
            started_training=self._on_started_training,
            progress=self._on_progress,
            evaluated=self._on_evaluated,
            returned=self._on_finished,
            errored=self._show_error,
            finished=self._on_worker_finished,
        )

    def stop_training(self) -> None:
        """Ask the worker to stop before its next batch; the weights so far are kept."""
        if self.job is not None and self.is_running:
            self.job.request_stop()
            self.pause_button.setChecked(False)
            self.stop_button.setEnabled(False)
            self._set_status(self.tr("Stopping…"))

    def set_paused(self, paused: bool) -> None:
        if self.job is None or not self.is_running:
            self.pause_button.setChecked(False)
            return
        self.job.set_paused(paused)
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        if not paused:
            self._set_status(self.tr("Training…"))

    def shutdown(self) -> None:
        """Stop any run at once and wait for its thread to end (the window is closing)."""
        if self.is_running:
            self.worker.quit()
            self.worker = None
            self._set_running(False)
            self._set_status(self.tr("Training stopped."))

    # -- worker signals -------------------------------------------------------------------
    def _on_started_training(self, total_steps: int) -> None:
        self.progress_bar.setRange(0, total_steps)
        self.loss_plot.set_total_steps(total_steps, self.job.config.epochs if self.job else None)

    def _show_filters(self, filters) -> None:
        """The first layer's filters side by side, each in its own tile (its input channels stacked)."""
        image, _, _ = mosaic_image(filters.flatten(0, 1), signed=True, columns=4)
        factor = max(1, (FILTERS_WIDTH - 10) // image.shape[1])  # whole pixels, so each weight is a sharp square
        pixmap = QPixmap.fromImage(qimage(image))
        self.filters_view.setPixmap(pixmap.scaled(image.shape[1] * factor, image.shape[0] * factor))

    def _on_progress(self, progress: Progress) -> None:
        self.loss_plot.add_points(progress.steps, progress.losses)
        if progress.filters is not None:
            self._show_filters(progress.filters)
        self.progress_bar.setValue(progress.step)
        epochs = self.job.config.epochs if self.job else "?"
        speed = self.tr("epoch {0}/{1} · {2} images/s · ETA {3}")
        images_per_s, eta = f"{progress.samples_per_s:,.0f}", _format_seconds(progress.eta_s)
        self.speed_label.setText(speed.format(progress.epoch, epochs, images_per_s, eta))

    def _on_evaluated(self, report) -> None:
        self.accuracy_plot.add_point(report.epoch, report.test_accuracy)
        status = self.tr("Test accuracy after {0} epochs: {1}")
        self._set_status(status.format(f"{report.epoch:.2f}", f"{report.test_accuracy:.2%}"))

    def _on_finished(self, outcome: Outcome | None) -> None:
        if outcome is None:  # stopped before training began
            return
        self.outcome = outcome
        if outcome.checkpoint is not None:
            self.checkpoint = outcome.checkpoint
            self.checkpoint_source = None
        if outcome.confusion is not None:
            self.confusion_view.set_matrix(outcome.confusion)
            if outcome.test_images is not None:
                self.gallery.set_mistakes(outcome.test_images, outcome.test_true, outcome.test_said)
            else:
                self.gallery.set_mistakes(outcome.wrong_images, outcome.wrong_true, outcome.wrong_said)
            self._show_cell(None)
        if outcome.status != "evaluated":
            self.progress_bar.setValue(self.progress_bar.maximum() if outcome.status != "stopped" else self.progress_bar.value())
        text = self._outcome_text(outcome)
        if outcome.status != "evaluated":
            timing = self.tr("{0} ({1} in all, {2} images/s)")
            text = timing.format(text, _format_seconds(outcome.seconds), f"{outcome.samples_per_s:,.0f}")
        if outcome.status == "diverged":
            self._show_error(text)
        else:
            self._set_status(text)
        self.training_finished.emit(outcome)

    def _show_cell(self, cell: tuple[int, int] | None) -> None:
        """The gallery shows one confusion-matrix cell's digits ("true 7, said 1: 25"), or every mistake."""
        shown = self.gallery.show_cell(cell)
        self.gallery_filter.setVisible(cell is not None)
        self.all_button.setVisible(cell is not None)
        if cell is None:
            self.confusion_view.clearSelection()
            total = self.outcome.wrong_total if self.outcome is not None else shown
            self.gallery_box.setTitle(self.tr("%n test digits it got wrong (true → said)", "", total))
            self.gallery.setToolTip(self.tr("The first %n of them", "", shown) if shown < total else "")
            return
        true, said = cell
        self.gallery_box.setTitle(self.tr("Test digits (true → said)"))
        self.gallery.setToolTip("")
        self.gallery_filter.setText(self.tr("true {0}, said {1}: {2}").format(true, said, shown))

    def _outcome_text(self, outcome: Outcome) -> str:
        """What became of the run, as a sentence (the steps so far are on the progress bar)."""
        accuracy = f"{outcome.test_accuracy:.2%}" if outcome.test_accuracy is not None else ""
        steps = self.progress_bar.value()
        if outcome.status == "finished":
            return self.tr("Finished %n epochs: {0} test accuracy", "", round(outcome.epochs)).format(accuracy)
        if outcome.status == "target_reached":
            return self.tr("Reached {0} test accuracy after {1} epochs").format(accuracy, f"{outcome.epochs:.2f}")
        if outcome.status == "stopped" and accuracy:
            return self.tr("Stopped by request after %n steps; {0} test accuracy", "", steps).format(accuracy)
        if outcome.status == "stopped":
            return self.tr("Stopped by request after %n steps", "", steps)
        if outcome.status == "diverged":
            learning_rate = f"{self.job.config.lr:g}" if self.job else "?"
            return self.tr(
                "Training diverged: the loss stopped being a finite number at step {0}. The learning rate {1} is "
                "too high for this setup; training stopped and the last weights with a finite loss are kept."
            ).format(steps + 1, learning_rate)
        return outcome.message

    def _on_worker_finished(self) -> None:
        self.worker = None
        self._set_running(False)

    def _set_running(self, running: bool) -> None:
        self.settings_box.setEnabled(not running)
        self.train_button.setEnabled(not running)
        self.pause_button.setEnabled(running)
        self.stop_button.setEnabled(running)
        if not running:
            self.pause_button.setChecked(False)
            self.pause_button.setText(self.tr("Pause"))
        have_model = self.checkpoint is not None
        self.use_button.setEnabled(have_model and not running)
        self.save_button.setEnabled(have_model)
        self.save_action.setEnabled(have_model)
        self.open_action.setEnabled(not running)
        self.continue_check.setEnabled(have_model and not running)
        if not have_model:
            self.continue_check.setChecked(False)
        self.arch_combo.setEnabled(not self.continue_check.isChecked())
        self.running_changed.emit(running)

    def _set_status(self, text: str) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet("color: #b00020;")
        self.status_label.setText(text)

    # -- the model ------------------------------------------------------------------------
    def use_model(self) -> Classifier | None:
        """Emit :attr:`model_ready` with the current model on the CPU (the Draw tab swaps it in)."""
        if self.checkpoint is None:
            return None
        classifier = Classifier(self.checkpoint, "cpu", source=self.checkpoint_source or self.tr("trained in the Train tab"))
        self.model_ready.emit(classifier)
        self._set_status(self.tr("The Draw tab now uses this {0} model.").format(self.checkpoint.arch))
        return classifier

    def save_model(self, path) -> Path:
        """Write the current model as a checkpoint file (atomically)."""
        if self.checkpoint is None:
            raise ValueError("there is no trained model to save yet")
        saved = save_checkpoint(self.checkpoint, path)
        self.checkpoint_source = str(saved)
        self._set_status(self.tr("Saved to {0}").format(saved))
        return saved

    def open_checkpoint(self, path, evaluate: bool = True) -> Checkpoint:
        """Load a checkpoint to keep training (the next Train starts from it) or to test it."""
        if self.is_running:
            raise RuntimeError("wait for the current run to end before opening a checkpoint")
        checkpoint = load_checkpoint(path)
        self.checkpoint, self.checkpoint_source = checkpoint, str(path)
        self._set_running(False)
        self.continue_check.setChecked(True)
        self._on_continue_toggled(True)
        self.loss_plot.clear_data()
        self.accuracy_plot.clear_data()
        if checkpoint.test_accuracy is None:
            status = self.tr("Opened {0} ({1}). Train continues from it.").format(Path(path).name, checkpoint.arch)
        else:
            status = self.tr("Opened {0} ({1}, {2} test accuracy when saved). Train continues from it.").format(
                Path(path).name, checkpoint.arch, f"{checkpoint.test_accuracy:.2%}"
            )
        self._set_status(status)
        if evaluate:
            self.evaluate_model()
        return checkpoint

    def _save_with_dialog(self) -> None:
        if self.checkpoint is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save trained model"), "digitdraw-model.pt", self.tr("Checkpoints (*.pt)")
        )
        if not path:
            return
        try:
            self.save_model(path)
        except OSError as exc:
            QMessageBox.warning(self, self.tr("Could not save"), self.tr("Could not save the model: {0}").format(exc))

    def _open_with_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open checkpoint"), "", self.tr("Checkpoints (*.pt);;All files (*)")
        )
        if not path:
            return
        try:
            self.open_checkpoint(path)
        except (CheckpointError, RuntimeError) as exc:
            QMessageBox.warning(self, self.tr("Could not open"), error_text(exc))
