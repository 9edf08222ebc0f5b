"""What every plot in the app shares: one light look."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QFont
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
    item.showGrid(x=True, y=True, alpha=0.25)
