"""What every plot in the app shares: one light look."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QGraphicsItem

AXIS_FONT = QFont()
AXIS_FONT.setPointSize(10)


def light_plot(plot: pg.PlotWidget) -> None:
    """Dark ink on white, the one look of every plot in the app."""
    plot.setBackground("w")
    item = plot.getPlotItem()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pg.mkPen("#444"))
        axis.setTextPen(pg.mkPen("#222"))
        axis.setTickFont(AXIS_FONT)
        # An axis draws its grid across the whole plot, text and faint lines, every time a curve
        # changes: 8-12 ms a repaint of the loss plot. Kept as a picture, that is a copy (~1 ms),
        # redrawn only when the axis itself changes (its range, the plot's size).
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        axis.tickStrings = _readable_tick_strings(axis)
    item.showGrid(x=True, y=True, alpha=0.25)
    item.hideButtons()  # pyqtgraph's auto-range "A" in a corner means nothing to a learner


LABEL_PRIORITY = (1, 2, 5, 3, 4, 6, 7, 8, 9)  # on a log axis, which multiples of 10ⁿ keep their label first
LABEL_GAP_PX = 4  # between two tick labels at least


def _readable_tick_strings(axis: pg.AxisItem):
    """The axis's own tick labels, thinned on a log scale so that none overlaps another (0.7, 0.8 and 0.9 would).

    Labels are kept in the order 1, 2, 5, then the other multiples of a power of ten, each only if it
    keeps its distance from those already kept.
    """
    own = axis.tickStrings

    def tick_strings(values, scale, spacing):
        strings = own(values, scale, spacing)
        low, high = axis.range
        if not axis.logMode or high <= low or not len(values):
            return strings
        vertical = axis.orientation in ("left", "right")
        length = axis.geometry().height() if vertical else axis.geometry().width()
        metrics = QFontMetrics(axis.style.get("tickFont") or AXIS_FONT)
        positions = [(value - low) / (high - low) * length for value in values]
        sizes = [metrics.height() if vertical else metrics.horizontalAdvance(text) for text in strings]

        def priority(index: int) -> int:
            mantissa = round(10 ** (values[index] - np.floor(values[index] + 1e-9)))
            return LABEL_PRIORITY.index(mantissa) if mantissa in LABEL_PRIORITY else len(LABEL_PRIORITY)

        kept: list[int] = []
        for index in sorted(range(len(values)), key=priority):
            if all(abs(positions[index] - positions[other]) >= (sizes[index] + sizes[other]) / 2 + LABEL_GAP_PX for other in kept):
                kept.append(index)
        return [text if index in kept else "" for index, text in enumerate(strings)]

    return tick_strings


def show_empty_note(plot: pg.PlotWidget, note: pg.TextItem, text: str | None) -> None:
    """In place of empty axes, ``text`` saying why the plot is empty; None shows the axes again."""
    item = plot.getPlotItem()
    empty = text is not None
    for name in ("left", "bottom"):
        item.showAxis(name, not empty)
    item.showGrid(x=not empty, y=not empty, alpha=0.25)
    note.setVisible(empty)
    if empty:
        note.setTextWidth(max(120, item.getViewBox().boundingRect().width() - 24))
        note.setText(text)
        item.getViewBox().setRange(xRange=(0, 1), yRange=(0, 1), padding=0)
        note.setPos(0.5, 0.5)
    elif not item.getViewBox().autoRangeEnabled()[0]:
        item.enableAutoRange()
