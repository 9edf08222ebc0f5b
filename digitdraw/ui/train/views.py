"""The Train tab's live views: loss curve, accuracy curve, confusion matrix, mistakes gallery."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QAbstractListModel, QCoreApplication, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QTableWidget,
    QTableWidgetItem,
)

from ..pictures import digit_pixmap
from ..plot_tools import (
    HoverReadout,
    add_plot_save_menu,
    add_save_menu,
    nearest_index,
    number,
    save_widget_picture,
    whole,
    write_csv,
)
from ..plots import AXIS_FONT, light_plot

EMA_WEIGHT = 0.05  # weight of each new loss in the smoothed line


def _style_plot(plot: pg.PlotWidget, title: str, left: str, bottom: str) -> None:
    light_plot(plot)
    item = plot.getPlotItem()
    item.setTitle(title, color="#222", size="12pt")
    for name, text in (("left", left), ("bottom", bottom)):
        item.setLabel(name, text, color="#222", size="11pt")
    item.setMenuEnabled(False)


class _GrowingArray:
    """A float array that grows by doubling, so appending many small chunks stays cheap."""

    def __init__(self):
        self._data = np.empty(1024)
        self._size = 0

    def extend(self, values) -> None:
        values = np.asarray(values, dtype=float)
        needed = self._size + len(values)
        if needed > len(self._data):
            grown = np.empty(max(needed, 2 * len(self._data)))
            grown[: self._size] = self._data[: self._size]
            self._data = grown
        self._data[self._size : needed] = values
        self._size = needed

    def clear(self) -> None:
        self._size = 0

    @property
    def values(self) -> np.ndarray:
        return self._data[: self._size]

    def __len__(self) -> int:
        return self._size


INITIAL_LOSS_TOP = 2.5  # a fresh network's loss on ten digits is ln 10 = 2.3
# Every range is set with an explicit padding: pyqtgraph's default depends on the widget's size at
# the time, so the same range set again would lay the axis out anew (tens of ms of Python).


class LossPlot(pg.PlotWidget):
    """Training loss of every batch (faint) and its exponential moving average (bold)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("lossPlot")
        _style_plot(self, self.tr("Training loss"), self.tr("loss (cross-entropy)"), self.tr("batch"))
        self.getPlotItem().addLegend(offset=(-10, 10), labelTextColor="#222")
        self.raw_curve = self.plot([], [], pen=pg.mkPen((70, 130, 220, 110), width=1), name=self.tr("each batch"))
        self.smooth_curve = self.plot([], [], pen=pg.mkPen((200, 60, 20), width=3), name=self.tr("smoothed (EMA)"))
        for curve in (self.raw_curve, self.smooth_curve):
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            curve.setSkipFiniteCheck(True)
        self.getPlotItem().enableAutoRange(axis="y", enable=False)
        self.steps, self.losses, self.smoothed = _GrowingArray(), _GrowingArray(), _GrowingArray()
        self.epochs = _GrowingArray()  # the epoch each batch ended, counted from the first run shown
        self._steps_per_epoch = 0.0
        self.readout = HoverReadout(self, self._read, self.tr("Training loss under the mouse"))
        add_plot_save_menu(self, lambda: ("batch", "loss", "smoothed_loss", "epoch"),
                           lambda: zip(self.steps.values.astype(int), self.losses.values, self.smoothed.values,
                                       self.epochs.values), "training-loss")
        self.clear_data()

    def clear_data(self) -> None:
        for array in (self.steps, self.losses, self.smoothed, self.epochs):
            array.clear()
        self._ema = self._ema_weight_sum = 0.0
        self._step_offset = 0
        self._epoch_offset = 0.0
        self._y_top = INITIAL_LOSS_TOP
        self.raw_curve.setData([], [])
        self.smooth_curve.setData([], [])
        self.getPlotItem().setYRange(0, INITIAL_LOSS_TOP, padding=0)

    def set_total_steps(self, total_steps: int, epochs: float | None = None) -> None:
        """Show the whole run on the x axis from the start: no axis re-layout as the curve grows."""
        if epochs:
            self._steps_per_epoch = total_steps / epochs
        self.getPlotItem().enableAutoRange(axis="x", enable=False)
        self.getPlotItem().setXRange(self._step_offset, self._step_offset + total_steps, padding=0.01)

    def continue_numbering(self) -> None:
        """The next run's steps start where this one's ended (training continued from these weights)."""
        self._step_offset = int(self.steps.values[-1]) if len(self.steps) else 0
        self._epoch_offset = float(self.epochs.values[-1]) if len(self.epochs) else 0.0

    def add_points(self, steps: np.ndarray, losses: np.ndarray) -> None:
        finite = np.isfinite(losses)
        steps, losses = np.asarray(steps)[finite] + self._step_offset, np.asarray(losses)[finite]
        smoothed = np.empty(len(losses))
        for i, loss in enumerate(losses):  # debiased EMA, as in Adam
            self._ema = (1 - EMA_WEIGHT) * self._ema + EMA_WEIGHT * loss
            self._ema_weight_sum = (1 - EMA_WEIGHT) * self._ema_weight_sum + EMA_WEIGHT
            smoothed[i] = self._ema / self._ema_weight_sum
        per_epoch = self._steps_per_epoch or 1.0
        self.steps.extend(steps)
        self.losses.extend(losses)
        self.smoothed.extend(smoothed)
        self.epochs.extend(self._epoch_offset + (steps - self._step_offset) / per_epoch)
        self.raw_curve.setData(self.steps.values, self.losses.values)
        self.smooth_curve.setData(self.steps.values, self.smoothed.values)
        if len(self.losses):
            raw = self.losses.values
            top = max(float(np.percentile(raw, 99)) if len(raw) > 20 else float(raw.max()), float(self.smoothed.values.max()))
            top = max(top, 0.1) * 1.05
            if abs(top - self._y_top) > 0.05 * self._y_top:  # re-laying out the axis is costly: only on real change
                self._y_top = top
                self.getPlotItem().setYRange(0, top, padding=0)
        self.readout.refresh()

    def point_count(self) -> int:
        return len(self.steps)

    def _read(self, x: float, y: float):
        """The batch nearest the mouse: its number, raw and smoothed loss, and epoch."""
        index = nearest_index(self.steps.values, x)
        if index is None:
            return None, ""
        text = self.tr("batch {0} · epoch {3}\nloss {1} · smoothed {2}").format(
            whole(self.steps.values[index]), number(self.losses.values[index]), number(self.smoothed.values[index]),
            number(self.epochs.values[index], 2))
        return (float(self.steps.values[index]), float(self.losses.values[index])), text


EDGE_ROOM = 0.06  # of a range, left beyond each end: a point at 1 epoch or 100 % shows whole, not cut by the border


class AccuracyPlot(pg.PlotWidget):
    """Test accuracy (%) after each evaluation, by epoch, with the target as a dashed line."""

    def __init__(self, parent=None):
        super().__init__(parent)
        _style_plot(self, self.tr("Test accuracy"), self.tr("accuracy (%)"), self.tr("epoch"))
        self.curve = self.plot(
            [], [], pen=pg.mkPen((30, 140, 60), width=3), symbol="o", symbolSize=8, symbolBrush=(30, 140, 60)
        )
        self.target_line = pg.InfiniteLine(angle=0, pen=pg.mkPen((120, 120, 120), width=1, style=Qt.PenStyle.DashLine))
        self.target_line.setVisible(False)
        self.addItem(self.target_line)
        self.label = pg.TextItem("", color="#222", anchor=(1, 1))
        self.label.setFont(QFont(AXIS_FONT.family(), 12, QFont.Weight.Bold))
        self.addItem(self.label)
        self.setObjectName("accuracyPlot")
        self.readout = HoverReadout(self, self._read, self.tr("Test accuracy under the mouse"))
        add_plot_save_menu(self, lambda: ("epoch", "accuracy_percent"), lambda: zip(self.epochs, self.accuracies),
                           "test-accuracy")
        self.clear_data()
        self.set_epochs(1)

    def clear_data(self, target: float | None = None) -> None:
        self.epochs: list[float] = []
        self.accuracies: list[float] = []
        self._epoch_offset = 0.0
        self.curve.setData([], [])
        self.label.setText("")
        self.set_target(target)
        self.getPlotItem().setYRange(80, 100, padding=EDGE_ROOM)  # the x axis stays as laid out for the next run (set_epochs)

    def continue_numbering(self) -> None:
        self._epoch_offset = self.epochs[-1] if self.epochs else 0.0

    def set_target(self, target: float | None) -> None:
        self.target_line.setVisible(target is not None)
        if target is not None:
            self.target_line.setValue(100 * target)

    def set_epochs(self, epochs: float) -> None:
        """Show the whole run on the x axis from the start, with room for the last point's marker past its end."""
        self.getPlotItem().setXRange(0, self._epoch_offset + epochs, padding=EDGE_ROOM)

    def add_point(self, epoch: float, accuracy: float) -> None:
        self.epochs.append(self._epoch_offset + epoch)
        self.accuracies.append(100 * accuracy)
        self.curve.setData(self.epochs, self.accuracies)
        low = min(self.accuracies + ([100 * self.target_line.value()] if self.target_line.isVisible() else []))
        self.getPlotItem().setYRange(min(80.0, np.floor(low / 5) * 5), 100, padding=EDGE_ROOM)
        self.label.setText(f"{100 * accuracy:.2f} %")
        self.label.setPos(self.epochs[-1], 100 * accuracy)
        self.readout.refresh()

    def point_count(self) -> int:
        return len(self.epochs)

    def _read(self, x: float, y: float):
        """The test nearest the mouse: its epoch and accuracy."""
        index = nearest_index(np.asarray(self.epochs), x)
        if index is None:
            return None, ""
        text = self.tr("epoch {0} · accuracy {1} %").format(number(self.epochs[index], 2), number(self.accuracies[index], 2))
        return (self.epochs[index], self.accuracies[index]), text


class ConfusionMatrixView(QTableWidget):
    """10 × 10 counts: rows are the true digit, columns what the network said; mistakes in red.

    A click on a cell (or the arrow keys) chooses it: :attr:`cell_chosen` says which (true, said)."""

    cell_chosen = Signal(int, int)

    def __init__(self, parent=None):
        super().__init__(10, 10, parent)
        self.setObjectName("confusionMatrix")
        self.setAccessibleName(self.tr("Confusion matrix"))
        labels = [str(d) for d in range(10)]
        self.setHorizontalHeaderLabels(labels)
        self.setVerticalHeaderLabels(labels)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(18)
        self.setToolTip(self.tr("Rows: the true digit. Columns: what the network said. The diagonal is right. "
                                "Click a cell to see its digits."))
        font = self.font()
        font.setPointSize(9)
        self.setFont(font)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # "1,135" correct 1s fit a narrow cell whole, not as "1..."
        self.setStyleSheet("QTableWidget::item { padding: 0px; }"
                           " QTableWidget::item:selected { border: 2px solid #222; color: #111; }")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrix: np.ndarray | None = None
        self.currentCellChanged.connect(self._current_changed)
        self.cellClicked.connect(self._clicked)
        add_save_menu(self, lambda path: save_widget_picture(self, path), self._save_csv, "confusion-matrix")
        self.clear_matrix()

    def clear_matrix(self) -> None:
        self.matrix = None
        self.blockSignals(True)
        for row in range(10):
            for col in range(10):
                self.setItem(row, col, QTableWidgetItem(""))
        self.setCurrentCell(-1, -1)
        self.blockSignals(False)

    def set_matrix(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix)
        totals = np.maximum(self.matrix.sum(1, keepdims=True), 1)
        off_diagonal_max = max(1, max(self.matrix[r, c] for r in range(10) for c in range(10) if r != c))
        self.blockSignals(True)  # a new matrix is no choice of cell
        for row in range(10):
            for col in range(10):
                count = int(self.matrix[row, col])
                item = QTableWidgetItem(str(count) if count else "·")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if row == col:
                    share = count / totals[row, 0]
                    colour = QColor.fromRgbF(1 - 0.6 * share, 1 - 0.25 * share, 1 - 0.6 * share)
                else:
                    strength = count / off_diagonal_max
                    colour = QColor.fromRgbF(1, 1 - 0.7 * strength, 1 - 0.7 * strength)
                item.setBackground(QBrush(colour))
                item.setForeground(QBrush(QColor("#111" if count else "#aaa")))
                described = self.tr("true {0}, said {1}: {2} of {3}").format(row, col, count, int(totals[row, 0]))
                item.setToolTip(described)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, described)
                self.setItem(row, col, item)
        self.setCurrentCell(-1, -1)
        self.clearSelection()
        self.blockSignals(False)

    def count(self, true: int, said: int) -> int:
        """The number the cell shows (0 for a "·")."""
        return 0 if self.matrix is None else int(self.matrix[true, said])

    def _current_changed(self, row: int, column: int, *_previous) -> None:
        if self.matrix is not None and row >= 0 and column >= 0:
            self.cell_chosen.emit(row, column)

    def _clicked(self, row: int, column: int) -> None:
        """A click on the cell already chosen chooses it again (after *All*)."""
        if self.matrix is not None:
            self.cell_chosen.emit(row, column)

    def _save_csv(self, path: str):
        rows = [] if self.matrix is None else [(t, s, int(self.matrix[t, s])) for t in range(10) for s in range(10)]
        return write_csv(path, ("true", "said", "count"), rows)


class DigitListModel(QAbstractListModel):
    """Test digits as rows: the picture (made when first shown), "true → said", and a tooltip."""

    def __init__(self, icon_size: int, parent=None):
        super().__init__(parent)
        self._icon_size = icon_size
        self.images = np.zeros((0, 28, 28), np.uint8)
        self.true = self.said = np.zeros(0, np.int64)
        self.shown = np.zeros(0, np.int64)  # indices into images, in the order shown
        self._icons: dict[int, QIcon] = {}

    def set_digits(self, images: np.ndarray, true: np.ndarray, said: np.ndarray) -> None:
        self.beginResetModel()
        self.images, self.true, self.said = np.asarray(images), np.asarray(true), np.asarray(said)
        self.shown = np.arange(len(self.true))
        self._icons = {}
        self.endResetModel()

    def show_only(self, indices: np.ndarray) -> None:
        self.beginResetModel()
        self.shown = np.asarray(indices, np.int64)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.shown)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self.shown):
            return None
        position = int(self.shown[index.row()])
        true, said = int(self.true[position]), int(self.said[position])
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{true} → {said}"
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(position)
            if icon is None:
                icon = self._icons[position] = QIcon(digit_pixmap(self.images[position], self._icon_size))
            return icon
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if true == said:
                return QCoreApplication.translate("MistakesGallery", "A {0}, read right. Double-click to open it in the Draw tab.").format(true)
            return QCoreApplication.translate("MistakesGallery", "This is a {0}; the network said {1}. Double-click to open it in the Draw tab.").format(true, said)
        if role == Qt.ItemDataRole.UserRole:
            return position
        return None


class MistakesGallery(QListView):
    """Test digits, each captioned "true → said": the mistakes, or only those of one confusion-matrix cell.

    Double-click (or Enter) on a digit emits :attr:`digit_opened` with its picture, true digit and answer."""

    ICON = 56
    digit_opened = Signal(object, int, int)  # (28, 28) uint8 picture, true digit, what the network said

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("mistakeGallery")
        self.setAccessibleName(self.tr("Test digits"))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(self.ICON, self.ICON))
        self.setGridSize(QSize(self.ICON + 16, self.ICON + 26))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        font = self.font()
        font.setPointSize(11)
        self.setFont(font)
        self.digits = DigitListModel(self.ICON, self)
        self.setModel(self.digits)
        self.cell: tuple[int, int] | None = None  # the confusion-matrix cell shown, None for every mistake
        self.doubleClicked.connect(self._open)
        add_save_menu(self, lambda path: save_widget_picture(self, path), self._save_csv, "test-digits")

    def set_mistakes(self, images: np.ndarray, true: np.ndarray, said: np.ndarray) -> None:
        """Show these digits (the mistakes of a run, or every test digit: then only the wrong ones)."""
        self.digits.set_digits(images, true, said)
        self.show_cell(None)

    def show_cell(self, cell: tuple[int, int] | None) -> int:
        """Only the digits of one cell (true, said); None for every mistake. Returns how many are shown."""
        self.cell = cell
        true, said = self.digits.true, self.digits.said
        chosen = (true != said) if cell is None else (true == cell[0]) & (said == cell[1])
        self.digits.show_only(np.flatnonzero(chosen))
        self.scrollToTop()
        return self.count()

    def count(self) -> int:
        return self.digits.rowCount()

    def caption(self, row: int) -> str:
        return self.digits.data(self.digits.index(row), Qt.ItemDataRole.DisplayRole)

    def digit(self, row: int) -> tuple[np.ndarray, int, int]:
        """Row ``row``'s picture, true digit and the network's answer."""
        position = int(self.digits.shown[row])
        return self.digits.images[position], int(self.digits.true[position]), int(self.digits.said[position])

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _open(self, index: QModelIndex) -> None:
        if index.isValid():
            self.digit_opened.emit(*self.digit(index.row()))

    def _save_csv(self, path: str):
        rows = [(int(p), int(self.digits.true[p]), int(self.digits.said[p])) for p in self.digits.shown]
        return write_csv(path, ("test_index", "true", "said"), rows)
