"""The Train tab's live views: loss curve, accuracy curve, confusion matrix, mistakes gallery."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
)

from ..pictures import digit_pixmap
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
        self.clear_data()

    def clear_data(self) -> None:
        for array in (self.steps, self.losses, self.smoothed):
            array.clear()
        self._ema = self._ema_weight_sum = 0.0
        self._step_offset = 0
        self._y_top = INITIAL_LOSS_TOP
        self.raw_curve.setData([], [])
        self.smooth_curve.setData([], [])
        self.getPlotItem().setYRange(0, INITIAL_LOSS_TOP, padding=0)

    def set_total_steps(self, total_steps: int) -> None:
        """Show the whole run on the x axis from the start: no axis re-layout as the curve grows."""
        self.getPlotItem().enableAutoRange(axis="x", enable=False)
        self.getPlotItem().setXRange(self._step_offset, self._step_offset + total_steps, padding=0.01)

    def continue_numbering(self) -> None:
        """The next run's steps start where this one's ended (training continued from these weights)."""
        self._step_offset = int(self.steps.values[-1]) if len(self.steps) else 0

    def add_points(self, steps: np.ndarray, losses: np.ndarray) -> None:
        finite = np.isfinite(losses)
        steps, losses = np.asarray(steps)[finite] + self._step_offset, np.asarray(losses)[finite]
        smoothed = np.empty(len(losses))
        for i, loss in enumerate(losses):  # debiased EMA, as in Adam
            self._ema = (1 - EMA_WEIGHT) * self._ema + EMA_WEIGHT * loss
            self._ema_weight_sum = (1 - EMA_WEIGHT) * self._ema_weight_sum + EMA_WEIGHT
            smoothed[i] = self._ema / self._ema_weight_sum
        self.steps.extend(steps)
        self.losses.extend(losses)
        self.smoothed.extend(smoothed)
        self.raw_curve.setData(self.steps.values, self.losses.values)
        self.smooth_curve.setData(self.steps.values, self.smoothed.values)
        if len(self.losses):
            raw = self.losses.values
            top = max(float(np.percentile(raw, 99)) if len(raw) > 20 else float(raw.max()), float(self.smoothed.values.max()))
            top = max(top, 0.1) * 1.05
            if abs(top - self._y_top) > 0.05 * self._y_top:  # re-laying out the axis is costly: only on real change
                self._y_top = top
                self.getPlotItem().setYRange(0, top, padding=0)

    def point_count(self) -> int:
        return len(self.steps)


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
        self.clear_data()
        self.set_epochs(1)

    def clear_data(self, target: float | None = None) -> None:
        self.epochs: list[float] = []
        self.accuracies: list[float] = []
        self._epoch_offset = 0.0
        self.curve.setData([], [])
        self.label.setText("")
        self.set_target(target)
        self.getPlotItem().setYRange(80, 100, padding=0.02)  # the x axis stays as laid out for the next run (set_epochs)

    def continue_numbering(self) -> None:
        self._epoch_offset = self.epochs[-1] if self.epochs else 0.0

    def set_target(self, target: float | None) -> None:
        self.target_line.setVisible(target is not None)
        if target is not None:
            self.target_line.setValue(100 * target)

    def set_epochs(self, epochs: float) -> None:
        """Show the whole run on the x axis from the start."""
        self.getPlotItem().setXRange(0, self._epoch_offset + epochs, padding=0.02)

    def add_point(self, epoch: float, accuracy: float) -> None:
        self.epochs.append(self._epoch_offset + epoch)
        self.accuracies.append(100 * accuracy)
        self.curve.setData(self.epochs, self.accuracies)
        low = min(self.accuracies + ([100 * self.target_line.value()] if self.target_line.isVisible() else []))
        self.getPlotItem().setYRange(min(80.0, np.floor(low / 5) * 5), 100, padding=0.02)
        self.label.setText(f"{100 * accuracy:.2f} %")
        self.label.setPos(self.epochs[-1], 100 * accuracy)

    def point_count(self) -> int:
        return len(self.epochs)


class ConfusionMatrixView(QTableWidget):
    """10 × 10 counts: rows are the true digit, columns what the network said; mistakes in red."""

    def __init__(self, parent=None):
        super().__init__(10, 10, parent)
        labels = [str(d) for d in range(10)]
        self.setHorizontalHeaderLabels(labels)
        self.setVerticalHeaderLabels(labels)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            header.setMinimumSectionSize(18)
        self.setToolTip(self.tr("Rows: the true digit. Columns: what the network said. The diagonal is right."))
        font = self.font()
        font.setPointSize(9)
        self.setFont(font)
        self.setStyleSheet("QTableWidget::item { padding: 0px; }")
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matrix: np.ndarray | None = None
        self.clear_matrix()

    def clear_matrix(self) -> None:
        self.matrix = None
        for row in range(10):
            for col in range(10):
                self.setItem(row, col, QTableWidgetItem(""))

    def set_matrix(self, matrix: np.ndarray) -> None:
        self.matrix = np.asarray(matrix)
        totals = np.maximum(self.matrix.sum(1, keepdims=True), 1)
        off_diagonal_max = max(1, max(self.matrix[r, c] for r in range(10) for c in range(10) if r != c))
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
                item.setToolTip(self.tr("true {0}, said {1}: {2} of {3}").format(row, col, count, int(totals[row, 0])))
                self.setItem(row, col, item)


class MistakesGallery(QListWidget):
    """Misclassified test digits, each captioned "true → said"."""

    ICON = 56

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setIconSize(QSize(self.ICON, self.ICON))
        self.setGridSize(QSize(self.ICON + 16, self.ICON + 26))
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        font = self.font()
        font.setPointSize(11)
        self.setFont(font)

    def set_mistakes(self, images: np.ndarray, true: np.ndarray, said: np.ndarray) -> None:
        self.clear()
        for image, t, s in zip(images, true, said):
            item = QListWidgetItem(QIcon(digit_pixmap(image, self.ICON)), f"{int(t)} → {int(s)}")
            item.setToolTip(self.tr("This is a {0}; the network said {1}.").format(int(t), int(s)))
            self.addItem(item)
