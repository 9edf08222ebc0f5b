"""The Draw tab's bar chart: the probability of each digit, painted with QPainter.

Ten bars on white with light axes (digits 0–9 below, 0/50/100 % beside), the answer's bar in a
darker blue and a chosen target's bar outlined; clicking a bar reports its digit. Painting it
by hand keeps pyqtgraph (a third of a second to import) off the way to the first window.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..plot_tools import add_save_menu, label_position, number, readout_label, save_widget_picture, write_csv

DIGITS = 10
BAR_COLOUR, TOP_BAR_COLOUR = QColor("#9db4d6"), QColor("#1f5fbf")
TARGET_OUTLINE = QColor("#d66000")  # the bar of the digit the inside view explains, when not the answer
AXIS_COLOUR, LABEL_COLOUR = QColor("#666"), QColor("#222")
BAR_WIDTH = 0.7  # of each digit's slot
TICK = 5  # pixels
PERCENT_TICKS = (0.0, 0.5, 1.0)
MINIMUM_HEIGHT = 90  # the tab fits a 640-pixel-high window, in Chinese too, with room for the inside view


class ProbabilityChart(QWidget):
    """Bars of ten probabilities; ``bar_clicked(digit)`` when a bar's column is clicked."""

    bar_clicked = Signal(int)

    def __init__(self, parent=None, **properties):
        super().__init__(parent, **properties)
        self._probabilities = [0.0] * DIGITS
        self._answer: int | None = None
        self._target: int | None = None
        font = QFont()
        font.setPointSizeF(12)
        self.setFont(font)
        self.setMinimumHeight(MINIMUM_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self._hovered: int | None = None  # the digit under the mouse, outlined and read out
        self._mouse = QPointF()
        self.readout = readout_label(self, self.tr("Probability under the mouse"))
        add_save_menu(self, lambda path: save_widget_picture(self, path), self._save_csv, "probabilities")

    def set_probabilities(self, probabilities: Sequence[float] | None, answer: int | None = None) -> None:
        """Show ``probabilities`` (all bars empty for None), ``answer``'s bar in the darker blue."""
        self._probabilities = [0.0] * DIGITS if probabilities is None else [float(p) for p in probabilities]
        self._answer = answer
        self.update()
        self._show_readout()

    def set_target(self, digit: int | None) -> None:
        """Outline ``digit``'s bar (None: no outline)."""
        if digit != self._target:
            self._target = digit
            self.update()

    def probabilities(self) -> list[float]:
        return list(self._probabilities)

    def answer(self) -> int | None:
        return self._answer

    def target(self) -> int | None:
        return self._target

    def bar_rect(self, digit: int) -> QRectF:
        """Where ``digit``'s bar is drawn, in the widget's coordinates."""
        plot = self._plot_area()
        slot = plot.width() / DIGITS
        height = max(0.0, min(1.0, self._probabilities[digit])) * plot.height()
        left = plot.left() + (digit + (1 - BAR_WIDTH) / 2) * slot
        return QRectF(left, plot.bottom() - height, BAR_WIDTH * slot, height)

    def digit_at(self, point: QPointF) -> int | None:
        """The digit whose column holds ``point`` (None outside the bars' columns)."""
        plot = self._plot_area()
        if not plot.left() <= point.x() < plot.right():
            return None
        return min(DIGITS - 1, int((point.x() - plot.left()) / (plot.width() / DIGITS)))

    def _plot_area(self) -> QRectF:
        metrics = self.fontMetrics()
        left = metrics.horizontalAdvance("100%") + TICK + 6
        top = metrics.height() / 2 + 2  # room for the "100%" label's upper half
        bottom = metrics.height() + TICK + 4
        return QRectF(left, top, max(1.0, self.width() - left - 8), max(1.0, self.height() - top - bottom))

    def readout_text(self) -> str:
        return self.readout.text() if self.readout.isVisible() else ""

    def mouseMoveEvent(self, event) -> None:
        self._mouse = event.position()
        digit = self.digit_at(self._mouse)
        if digit != self._hovered:
            self._hovered = digit
            self.update()
        self._show_readout()

    def leaveEvent(self, event) -> None:
        self._hovered = None
        self.readout.hide()
        self.update()
        super().leaveEvent(event)

    def _show_readout(self) -> None:
        """The hovered digit and its probability, in the user's number format."""
        if self._hovered is None:
            self.readout.hide()
            return
        text = self.tr("digit {0}: {1} %").format(self._hovered, number(100 * self._probabilities[self._hovered], 1))
        if text != self.readout.text():
            self.readout.setText(text)
            self.readout.adjustSize()
        self.readout.move(label_position(self, self._mouse.toPoint(), self.readout.size()))
        self.readout.show()

    def _save_csv(self, path: str):
        return write_csv(path, ("digit", "probability_percent"),
                         [(digit, 100 * p) for digit, p in enumerate(self._probabilities)])

    def mousePressEvent(self, event) -> None:
        digit = self.digit_at(event.position())
        if digit is not None and event.button() == Qt.MouseButton.LeftButton:
            self.bar_clicked.emit(digit)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), Qt.GlobalColor.white)
        plot = self._plot_area()
        metrics = self.fontMetrics()
        for digit in range(DIGITS):
            bar = self.bar_rect(digit)
            painter.fillRect(bar, TOP_BAR_COLOUR if digit == self._answer else BAR_COLOUR)
            if digit == self._target:
                painter.setPen(QPen(TARGET_OUTLINE, 3))
                painter.drawRect(bar)
            if digit == self._hovered:  # the hovered column, faintly
                column = QRectF(bar.left(), plot.top(), bar.width(), plot.height())
                painter.setPen(QPen(AXIS_COLOUR, 1, Qt.PenStyle.DotLine))
                painter.drawRect(column)
        painter.setPen(QPen(AXIS_COLOUR, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        slot = plot.width() / DIGITS
        for digit in range(DIGITS):
            x = plot.left() + (digit + 0.5) * slot
            painter.setPen(QPen(AXIS_COLOUR, 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + TICK))
            painter.setPen(LABEL_COLOUR)
            label = QRectF(x - slot / 2, plot.bottom() + TICK + 2, slot, metrics.height())
            painter.drawText(label, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, str(digit))
        for value in PERCENT_TICKS:
            y = plot.bottom() - value * plot.height()
            painter.setPen(QPen(AXIS_COLOUR, 1))
            painter.drawLine(QPointF(plot.left() - TICK, y), QPointF(plot.left(), y))
            painter.setPen(LABEL_COLOUR)
            label = QRectF(0, y - metrics.height() / 2, plot.left() - TICK - 3, metrics.height())
            painter.drawText(label, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{value:.0%}")
        painter.end()
