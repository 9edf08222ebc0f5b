"""The Compress tab: prune and quantize the Draw tab's model and see what it costs.

All measuring runs in a worker thread (:mod:`digitdraw.ui.workers`), one request at a time: the
tab keeps only the newest slider position waiting, so dragging the slider never queues up work.
The optional fine-tune runs the Train tab's :class:`TrainingJob` (the one training loop).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core import compression
from ...core.checkpoints import Checkpoint, save_checkpoint
from ...core.data import cached_mnist
from ...core.export import ExportReport, export
from ...core.inference import Classifier
from ...core.training import TrainConfig
from ..code_panel import code_button
from ..labels import MessageLine, show_message
from ..plot_tools import HoverReadout, add_plot_save_menu, nearest_index, number
from ..plots import light_plot
from ..training_job import TrainingJob
from ..workers import Worker, create_worker

EXPORT_CHECK_DIGITS = 1000
EXPORT_SUFFIXES = {"onnx": ".onnx", "torchscript": ".torchscript"}  # TorchScript's own: .pt is a checkpoint's
DRAG_SUBSET = 1000  # test digits measured while the slider is being dragged; all 10,000 when it rests
FINE_TUNE_DIGITS = 20000  # a short fine-tune: one epoch over this many training digits
FINE_TUNE_LR = 0.002


def with_export_suffix(path: str | Path, fmt: str) -> Path:
    """``path`` ending in the export format's suffix (added when the name has none of it)."""
    path = Path(path)
    suffix = EXPORT_SUFFIXES[fmt]
    return path if path.suffix.lower() == suffix else path.with_name(path.name + suffix)


@dataclass(frozen=True)
class PrunedAccuracy:
    """How a pruned model did: on ``digits`` test digits (``whole``: all of them)."""

    structure: str
    amount: float
    digits: int
    whole: bool
    accuracy: float


def measure_pruned(data_dir, checkpoint: Checkpoint, structure: str, amount: float, digits: int) -> PrunedAccuracy:
    """Accuracy of ``checkpoint`` pruned by ``amount``, on the first ``digits`` test digits (0: all)."""
    test = cached_mnist(data_dir)[1]
    subset = test.subset(digits) if 0 < digits < len(test) else test
    model = compression.prune(checkpoint, amount, structure).build()
    accuracy = compression.accuracy(model, subset, checkpoint.mean, checkpoint.std)
    return PrunedAccuracy(structure, amount, len(subset), subset is test, accuracy)


@dataclass(frozen=True)
class VariantId:
    """Which variant a row of the table holds, whatever the language it is shown in.

    Its :attr:`key` ("original", "int8", "dynamic-int8", "pruned-50-unstructured",
    "pruned-50-unstructured+int8", "pruned-50-channels+fine-tuned") keys :attr:`CompressTab.variants`;
    only the table's text is translated (:meth:`CompressTab.variant_name`).
    """

    method: str | None = None  # what compression.compress made of the checkpoint last: "int8", "dynamic-int8"
    pruned: tuple[float, str] | None = None  # (amount, structure) it was pruned with
    fine_tuned: bool = False

    @property
    def key(self) -> str:
        parts = [f"pruned-{round(self.pruned[0] * 100)}-{self.pruned[1]}"] if self.pruned else []
        parts += ["fine-tuned"] if self.fine_tuned else []
        parts += [self.method] if self.method else []
        return "+".join(parts) or "original"


ORIGINAL = VariantId()


def measure_variants(data_dir, variants: list[tuple[VariantId, Checkpoint]]):
    """For each (id, checkpoint), yields (id, the variant, its compression.Measures): with a
    ``method`` in the id, the variant is what that method makes of the checkpoint."""
    train, test = cached_mnist(data_dir)
    for variant, checkpoint in variants:
        if variant.method is not None:
            calibration = compression.calibration_digits(train) if variant.method == "int8" else None
            checkpoint = compression.compress(checkpoint, variant.method, calibration=calibration)
        yield variant, checkpoint, compression.measure(checkpoint, test)


def export_checked(data_dir, checkpoint: Checkpoint, fmt: str, path: str) -> ExportReport:
    """Write ``checkpoint`` as ``fmt`` and check it against PyTorch on 1,000 test digits."""
    return export(checkpoint, fmt, path, cached_mnist(data_dir)[1].images[:EXPORT_CHECK_DIGITS])


class CompressTab(QWidget):
    """Slider and curve on the left, the table of variants on the right."""

    use_model = Signal(object)  # a Classifier for the Draw tab
    message = Signal(str)  # what the status line says, for the window's status bar

    def __init__(self, data_dir=None, current_model=lambda: None, parent=None):
        """``current_model()`` gives the Draw tab's Classifier, the model File → Export… writes."""
        super().__init__(parent)
        self.data_dir = data_dir
        self.current_model = current_model
        self.source: Checkpoint | None = None
        self.source_name = ""
        self.source_path: str | None = None
        self.variants: dict[str, tuple[Checkpoint, compression.Measures]] = {}  # by VariantId.key
        self.curve: dict[float, float] = {}  # sparsity -> accuracy on all test digits, for the chosen structure
        self.rough_curve: dict[float, float] = {}  # sparsity -> accuracy on the first test digits, measured while dragging
        self.worker: Worker | None = None  # measuring or exporting, one request at a time
        self._waiting_pruned: tuple | None = None  # only the newest slider position waits
        self._waiting_jobs: list[tuple[str, tuple]] = []  # ("variants", (list,)) or ("export", (checkpoint, fmt, path))
        self._fine_tune: Worker | None = None
        self._build()
        self.export_action = QAction(self.tr("&Export model (ONNX or TorchScript)…"), self)
        self.export_action.triggered.connect(self._ask_export)

    # --- the contract with the main window ---------------------------------------------------

    def set_source(self, classifier: Classifier | None) -> None:
        """Start from ``classifier``'s model (the Draw tab's); nothing changes if it is the same one."""
        if classifier is None or classifier.checkpoint is self.source:
            return
        self.source = classifier.checkpoint
        self.source_path = classifier.source
        self.source_name = Path(classifier.source).name if classifier.source else self.tr("the model trained in this session")
        self.variants.clear()
        self.table.setRowCount(0)
        self.curve.clear()
        self.rough_curve.clear()
        self._show_curve(None, None)
        quantized = self.source.quantized
        for widget in (self.slider, self.structure_combo, self.measure_button, self.fine_tune_button):
            widget.setEnabled(not quantized)
        if quantized:
            self.source_label.setText(self.tr("Starting from {0}: an int8 model, which cannot be compressed further. "
                                              "Load the original in the Draw tab.").format(self.source_name))
            return
        self.source_label.setText(self.tr("Starting from the Draw tab's model: {0} ({1}).").format(self.source_name, self.source.arch))
        self._request_variants([(ORIGINAL, self.source)])
        self._slider_moved()

    def file_actions(self) -> list[QAction]:
        return [self.export_action]

    def export_model(self, checkpoint: Checkpoint, fmt: str, path: str | Path) -> None:
        """Export in the background; the status line says how it went."""
        self._set_status(self.tr("Exporting to {0} and checking it against PyTorch…").format(Path(path).name))
        self._waiting_jobs.append(("export", (checkpoint, fmt, str(path))))
        self._dispatch()

    def shutdown(self) -> None:
        """Stop the measuring and the fine-tune and wait for their threads (the window is closing)."""
        for worker in (self._fine_tune, self.worker):
            if worker is not None:
                worker.quit()

    def code_script(self, language: str) -> tuple[str, str]:
        """The script that prunes the model at the slider's setting and measures it, as
        ``digitdraw code compress --method prune --amount ... --structure ...`` writes it."""
        from ...core.codegen import UNSAVED_MODEL, CodeError, check_model, compress_script  # Jinja2: at the first press
        from ...core.data import resolve_data_dir
        from ...core.messages import translatable

        if self.source is None:
            raise CodeError(translatable("No model is loaded."))
        check_model(self.source)
        script = compress_script(self.source.arch, self.source_path or UNSAVED_MODEL, "prune", self.amount,
                                 self.structure, None, str(resolve_data_dir(self.data_dir)), language)
        return script, "compress.py"

    # --- pruning slider and curve ------------------------------------------------------------

    @property
    def structure(self) -> str:
        return self.structure_combo.currentData()

    @property
    def amount(self) -> float:
        return self.slider.value() / 100

    def _slider_moved(self) -> None:
        self.sparsity_label.setText(self.tr("{0}% of the weights removed").format(self.slider.value()))
        if self.source is None or self.source.quantized:
            return
        self._waiting_pruned = (self.source, self.structure, self.amount, DRAG_SUBSET if self.slider.isSliderDown() else 0)
        self._dispatch()

    def _structure_changed(self) -> None:
        self.curve.clear()
        self.rough_curve.clear()
        self._slider_moved()

    def _pruned_measured(self, measured: PrunedAccuracy) -> None:
        if measured.structure != self.structure:
            return
        (self.curve if measured.whole else self.rough_curve)[measured.amount] = measured.accuracy
        self._show_curve(measured.amount, measured.accuracy)
        self.accuracy_label.setText(
            self.tr("MNIST test accuracy at {0:.0%} sparsity: {1:.2%} (on {2:,} digits)").format(
                measured.amount, measured.accuracy, measured.digits)
        )

    def _known_curve(self) -> dict[float, float]:
        return {**self.rough_curve, **self.curve}  # a measurement on all test digits replaces a rough one

    def _read_curve(self, x: float, y: float):
        """The measured sparsity nearest the mouse and the accuracy there (as the curve shows it)."""
        known = self._known_curve()
        amounts = np.array(sorted(known))
        index = nearest_index(100 * amounts, x)
        if index is None:
            return None, ""
        amount = amounts[index]
        accuracy = 100 * known[amount]
        text = self.tr("{0} % removed · accuracy {1} %").format(number(100 * amount, 0), number(accuracy, 2))
        return (100 * float(amount), accuracy), text

    def _show_curve(self, amount: float | None, accuracy: float | None) -> None:
        known = {**self.rough_curve, **self.curve}  # a measurement on all test digits replaces a rough one
        xs = sorted(known)
        self.curve_line.setData(np.array(xs) * 100, np.array([known[x] for x in xs]) * 100)
        if amount is None:
            self.current_point.setData([], [])
        else:
            self.current_point.setData([amount * 100], [accuracy * 100])
        self.plot.readout.refresh()

    # --- variants ------------------------------------------------------------------------------

    def measure_variants(self) -> None:
        """Prune at the slider's setting, then int8 of the original and of the pruned model, and measure all."""
        if self.source is None or self.source.quantized:
            return
        pruned = compression.prune(self.source, self.amount, self.structure)
        setting = (self.amount, self.structure)
        self._set_status(self.tr("Measuring the variants in the background…"))
        self._request_variants([
            (VariantId("int8"), self.source),
            (VariantId("dynamic-int8"), self.source),
            (VariantId(pruned=setting), pruned),
            (VariantId("int8", pruned=setting), pruned),
        ])

    def variant_name(self, variant: VariantId) -> str:
        """How the table names ``variant``, in the app's language."""
        if variant.pruned is None:
            names = {None: self.tr("original"), "int8": self.tr("int8 (static)"),
                     "dynamic-int8": self.tr("dynamic int8 (linear layers)")}
            return names.get(variant.method, variant.key)
        amount, structure = variant.pruned
        if variant.fine_tuned:
            name = self.tr("pruned {0:.0%}, {1}, fine-tuned").format(amount, self._structure_name(structure))
        else:
            name = self.tr("pruned {0:.0%}, {1}").format(amount, self._structure_name(structure))
        return self.tr("{0} + int8").format(name) if variant.method == "int8" else name

    def _variant_measured(self, measured: tuple[VariantId, Checkpoint, compression.Measures]) -> None:
        variant, checkpoint, measures = measured
        key, name = variant.key, self.variant_name(variant)
        if checkpoint is not self.source:  # the accuracy just measured goes with the variant (the Draw tab shows it)
            checkpoint = replace(checkpoint, test_accuracy=measures.accuracy)
        self.variants[key] = (checkpoint, measures)
        base = self.variants.get(ORIGINAL.key, (None, measures))[1]
        cells = [
            name,
            self.tr("{0:.1f} KB").format(measures.size_bytes / 1000),
            self.tr("{0:,} of {1:,}").format(measures.nonzero, measures.parameters),
            self.tr("{0:.2%}").format(measures.accuracy),
            self.tr("{0:.2f} ms").format(measures.latency_ms),
            self.tr("{0:.0%}").format(measures.size_bytes / base.size_bytes),
            self.tr("{0:+.2f} points").format((measures.accuracy - base.accuracy) * 100),
            self.tr("{0:.2f}×").format(base.latency_ms / measures.latency_ms),
        ]
        rows = [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]
        row = rows.index(key) if key in rows else self.table.rowCount()
        self.table.setRowCount(max(self.table.rowCount(), row + 1))
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            else:
                item.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(row, column, item)
        if self.table.currentRow() < 0:
            self.table.selectRow(row)
        self._set_status(self.tr("Measured {0}.").format(name))

    def _structure_name(self, structure: str) -> str:
        """A pruning structure (core.compression.PRUNE_STRUCTURES) as the variants table names it."""
        return {"unstructured": self.tr("unstructured"), "channels": self.tr("channels")}.get(structure, structure)

    def selected_variant(self) -> tuple[str, Checkpoint] | None:
        row = self.table.currentRow()
        if row < 0 or self.table.item(row, 0) is None:
            return None
        item = self.table.item(row, 0)
        return item.text(), self.variants[item.data(Qt.ItemDataRole.UserRole)][0]

    def use_selected(self) -> None:
        """Send the selected variant to the Draw tab."""
        chosen = self.selected_variant()
        if chosen is None:
            self._set_status(self.tr("Pick a variant in the table first."), error=True)
            return
        name, checkpoint = chosen
        self.use_model.emit(Classifier(checkpoint, "cpu", source=f"{self.source_name} · {name}"))

    def save_selected(self, path: str | Path) -> bool:
        """Write the selected variant as a checkpoint (loadable by the Draw tab and ``classify --model``)."""
        chosen = self.selected_variant()
        if chosen is None:
            self._set_status(self.tr("Pick a variant in the table first."), error=True)
            return False
        try:
            saved = save_checkpoint(chosen[1], path)
        except OSError as exc:
            self._set_status(self.tr("Could not write {0}: {1}").format(path, exc), error=True)
            return False
        self._set_status(self.tr("Saved {0} as {1}.").format(chosen[0], saved.name))
        return True

    # --- fine-tune -----------------------------------------------------------------------------

    def fine_tune(self) -> None:
        """Prune at the slider's setting and train one short epoch with the Train tab's worker; zeros stay zero."""
        if self.source is None or self.source.quantized or self._fine_tune is not None:
            return
        if self.worker is not None or self._waiting_jobs:  # quantizing traces the network with torch.fx, which training must not meet
            self._set_status(self.tr("Wait until the variants are measured, then fine-tune."), error=True)
            return
        pruned = compression.prune(self.source, self.amount, self.structure)
        config = TrainConfig(arch=self.source.arch, epochs=1, lr=FINE_TUNE_LR, train_images=FINE_TUNE_DIGITS)
        job = TrainingJob(config, self.data_dir, initial=pruned)
        self._fine_tune = job.start_worker(
            "digitdraw-fine-tune-pruned",
            status=self._set_status,
            returned=lambda outcome: self._fine_tuned(pruned, outcome),
            errored=lambda message: self._set_status(message, error=True),
            finished=self._fine_tune_ended,
        )
        self.fine_tune_button.setEnabled(False)

    def _fine_tuned(self, pruned: Checkpoint, outcome) -> None:
        if outcome is None or outcome.checkpoint is None:
            return
        tuned = replace(outcome.checkpoint, mean=pruned.mean, std=pruned.std,
                        compression=dict(pruned.compression, fine_tuned_digits=FINE_TUNE_DIGITS))
        setting = (pruned.compression["amount"], pruned.compression["structure"])
        self._request_variants([(VariantId(pruned=setting, fine_tuned=True), tuned)])

    def _fine_tune_ended(self) -> None:
        self._fine_tune = None
        self._dispatch()
        self.fine_tune_button.setEnabled(self.source is not None and not self.source.quantized)

    # --- one request at a time -----------------------------------------------------------------

    def _request_variants(self, variants: list[tuple]) -> None:
        self._waiting_jobs.append(("variants", (variants,)))
        self._dispatch()

    def _dispatch(self) -> None:
        """Start the next request if none runs: variants first, then the newest slider position."""
        if self.worker is not None:
            return
        if self._waiting_jobs and self._fine_tune is None:  # see fine_tune: no quantizing while it trains
            kind, arguments = self._waiting_jobs.pop(0)
            if kind == "variants":
                self._start(measure_variants, *arguments, yielded=self._variant_measured)
            else:
                self._start(export_checked, *arguments, returned=self._exported)
        elif self._waiting_pruned is not None:
            request, self._waiting_pruned = self._waiting_pruned, None
            self._start(measure_pruned, *request, returned=self._pruned_measured)

    def _start(self, work, *arguments, **slots) -> None:
        connect = {"errored": lambda message: self._set_status(message, error=True), "finished": self._worker_idle}
        self.worker = create_worker(work, self.data_dir, *arguments, name="digitdraw-compress", connect={**connect, **slots})

    def _worker_idle(self) -> None:
        self.worker = None
        self._dispatch()

    # --- widgets -------------------------------------------------------------------------------

    def _set_status(self, text: str, error: bool = False, brief: str | None = None) -> None:
        """``text`` on the tab's status line; ``brief`` (or the text) on the window's status bar."""
        show_message(self.status_label, text, error)
        self.message.emit(brief or text)

    def _exported(self, report: ExportReport) -> None:
        brief = self.tr("Exported {0} ({1:.0f} KB): the same digit as PyTorch on all {2:,} test digits checked.").format(
            report.path.name, report.size_bytes / 1000, report.checked_digits)
        difference = self.tr("Its probabilities differ from PyTorch's by at most {0}.").format(
            f"{report.max_difference:.1e}" if report.max_difference else "0")
        self._set_status(f"{brief} {difference}", brief=brief)

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the compressed model"), "digitdraw-compressed.pt",
                                              self.tr("digitdraw checkpoints (*.pt)"))
        if path:
            self.save_selected(path)

    def _ask_export(self) -> None:
        classifier = self.current_model()
        if classifier is None:
            self._set_status(self.tr("There is no model to export."), error=True)
            return
        if classifier.checkpoint.quantized:  # said before a file name is asked for, not after
            self._set_status(self.tr("The Draw tab's model is int8, which cannot be exported: use the original or a "
                                     "pruned model in the Draw tab, then export."), error=True)
            return
        onnx_filter = self.tr("ONNX (*{0})").format(EXPORT_SUFFIXES["onnx"])
        script_filter = self.tr("TorchScript (*{0})").format(EXPORT_SUFFIXES["torchscript"])
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export the Draw tab's model"), "digitdraw.onnx",
                                                   f"{onnx_filter};;{script_filter}")
        if path:
            fmt = "torchscript" if chosen == script_filter else "onnx"
            self.export_model(classifier.checkpoint, fmt, with_export_suffix(path, fmt))

    def _build(self) -> None:
        self.source_label = QLabel(self.tr("Starting from the Draw tab's model."), wordWrap=True)
        self.structure_combo = QComboBox()
        self.structure_combo.addItem(self.tr("single weights, smallest first (unstructured)"), "unstructured")
        self.structure_combo.addItem(self.tr("whole channels (structured)"), "channels")
        self.structure_combo.currentIndexChanged.connect(self._structure_changed)
        self.slider = QSlider(Qt.Orientation.Horizontal, minimum=0, maximum=95, singleStep=5, pageStep=10, value=50,
                              objectName="sparsitySlider")
        self.slider.setTickInterval(5)
        self.slider.setTickPosition(QSlider.TickPosition.TicksBelow)
        self.slider.valueChanged.connect(self._slider_moved)
        self.slider.sliderReleased.connect(self._slider_moved)
        self.sparsity_label = QLabel()
        self.accuracy_label = QLabel("–")
        self.plot = pg.PlotWidget()
        light_plot(self.plot)
        self.plot.setLabel("bottom", self.tr("weights removed (%)"))
        self.plot.setLabel("left", self.tr("MNIST test accuracy (%)"))
        self.plot.setXRange(0, 95)
        self.curve_line = self.plot.plot([], [], pen=pg.mkPen("#1f5fbf", width=2), symbol="o", symbolSize=5,
                                         symbolBrush="#1f5fbf")
        self.current_point = self.plot.plot([], [], pen=None, symbol="o", symbolSize=13, symbolBrush="#c25e00")
        self.plot.setObjectName("pruningPlot")
        self.plot.readout = HoverReadout(self.plot, self._read_curve, self.tr("Pruning curve under the mouse"))
        add_plot_save_menu(self.plot, lambda: ("sparsity_percent", "accuracy_percent"),
                           lambda: ((100 * amount, 100 * share) for amount, share in sorted(self._known_curve().items())),
                           "pruning-curve")
        self.measure_button = QPushButton(self.tr("Measure variants (pruned at this setting, int8)"))
        self.measure_button.clicked.connect(self.measure_variants)
        self.fine_tune_button = QPushButton(self.tr("Fine-tune the pruned model (one short epoch)"))
        self.fine_tune_button.clicked.connect(self.fine_tune)

        controls = QVBoxLayout()
        controls.addWidget(self.source_label)
        pruning = QHBoxLayout()
        pruning.addWidget(QLabel(self.tr("Prune:")))
        pruning.addWidget(self.structure_combo, 1)
        controls.addLayout(pruning)
        controls.addWidget(self.slider)
        controls.addWidget(self.sparsity_label)
        controls.addWidget(self.accuracy_label)
        controls.addStretch(1)
        controls.addWidget(self.measure_button)
        controls.addWidget(self.fine_tune_button)
        self.code_button = code_button(self, self.code_script, self.tr("The PyTorch code that prunes the model "
                                                                        "the way this tab does, at this setting."))
        controls.addWidget(self.code_button, 0, Qt.AlignmentFlag.AlignRight)
        upper = QHBoxLayout()
        upper.addLayout(controls, 2)
        upper.addWidget(self.plot, 3)

        self.table = QTableWidget(0, 8, objectName="variantsTable")
        self.table.setHorizontalHeaderLabels([
            self.tr("Variant"), self.tr("File"), self.tr("Non-zero\nparameters"), self.tr("MNIST\naccuracy"),
            self.tr("Latency\n(median)"), self.tr("Size vs\noriginal"), self.tr("Accuracy vs\noriginal"),
            self.tr("Speed vs\noriginal"),
        ])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the names take the room the numbers leave
        self.table.setWordWrap(True)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setMinimumHeight(8 * (self.table.fontMetrics().height() + 8))  # six variants and the header
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        use_button = QPushButton(self.tr("Use in Draw"))
        use_button.clicked.connect(self.use_selected)
        save_button = QPushButton(self.tr("Save…"))
        save_button.clicked.connect(self._ask_save)
        self.status_label = MessageLine(2)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel(self.tr("Variants: latency is one 28×28 drawing on one CPU thread.")), 1)
        buttons.addWidget(use_button)
        buttons.addWidget(save_button)

        # The table is as wide as the tab: all eight columns show at 1024 pixels, no sideways scrolling.
        layout = QVBoxLayout(self)
        layout.addLayout(upper, 1)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status_label)
        self._slider_moved()
