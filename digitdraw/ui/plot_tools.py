"""What lets a plot answer back: a hover readout with a marker, and a menu to save the picture or the data.

A readout follows the mouse through a rate-limited :class:`pyqtgraph.SignalProxy`; each move only
moves a marker and a line and sets a label's text (no curve is redrawn). Numbers are written in the
user's number format (:func:`number`). pyqtgraph is imported only where a pyqtgraph plot is met, so
the painted charts of the first window can use the rest without its import time.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QObject, QPoint, QPointF, Qt
from PySide6.QtWidgets import QFileDialog, QLabel, QMenu, QWidget

HOVER_RATE = 30  # readout updates per second at most
MARKER_COLOUR = (20, 20, 20)


def number(value: float, decimals: int = 3) -> str:
    """``value`` in the user's number format (decimal point or comma, digit grouping)."""
    return QLocale().toString(float(value), "f", decimals)


def significant(value: float, digits: int = 5) -> str:
    """``value`` to ``digits`` significant digits in the user's number format."""
    return QLocale().toString(float(value), "g", digits)


def whole(value: float) -> str:
    """A count in the user's number format."""
    return QLocale().toString(int(round(float(value))))


def nearest_index(values: np.ndarray, target: float) -> int | None:
    """Index of the value nearest ``target`` in a sorted array, None if it is empty."""
    if len(values) == 0:
        return None
    right = int(np.searchsorted(values, target))
    if right <= 0:
        return 0
    if right >= len(values):
        return len(values) - 1
    return right if values[right] - target < target - values[right - 1] else right - 1


def readout_label(parent: QWidget, accessible_name: str) -> QLabel:
    """A small opaque label for a readout, laid over the top left of ``parent``."""
    label = QLabel(parent, objectName="readout")
    label.setAccessibleName(accessible_name)
    label.setAutoFillBackground(True)
    label.setStyleSheet("QLabel { background: rgba(255, 255, 255, 235); color: #111; border: 1px solid #bbb;"
                        " padding: 1px 4px; }")
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    label.hide()
    return label


def label_position(widget: QWidget, mouse: QPoint, size) -> QPoint:
    """Where a readout label goes: above and right of the mouse, flipped to stay inside ``widget``."""
    x, y = mouse.x() + 14, mouse.y() - size.height() - 10
    if x + size.width() > widget.width():
        x = mouse.x() - size.width() - 14
    if y < 0:
        y = mouse.y() + 18
    return QPoint(max(0, min(x, widget.width() - size.width())), max(0, min(y, widget.height() - size.height())))


class HoverReadout(QObject):
    """Reads a plot under the mouse: ``find(x, y)`` in data coordinates returns the point to mark
    (or None) and the text to show; the marker and a vertical line go to that point."""

    def __init__(self, plot, find: Callable[[float, float], tuple[tuple[float, float] | None, str]],
                 accessible_name: str, vertical_line: bool = True):
        import pyqtgraph as pg

        super().__init__(plot)
        self.plot = plot
        self._find = find
        self._last: QPointF | None = None  # the mouse in scene coordinates, while over the plot
        self.label = readout_label(plot, accessible_name)
        self.marker = pg.TargetItem(size=9, symbol="o", pen=pg.mkPen(MARKER_COLOUR, width=2), brush=(255, 255, 255, 0),
                                    movable=False)
        self.marker.setZValue(20)
        self.line = pg.InfiniteLine(angle=90, pen=pg.mkPen((90, 90, 90), width=1, style=Qt.PenStyle.DotLine))
        self.line.setZValue(19)
        self._show_line = vertical_line
        for item in (self.marker, self.line):
            item.setVisible(False)
            plot.getPlotItem().getViewBox().addItem(item, ignoreBounds=True)
        self._proxy = pg.SignalProxy(plot.scene().sigMouseMoved, rateLimit=HOVER_RATE, slot=self._moved)
        plot.installEventFilter(self)

    @property
    def text(self) -> str:
        return self.label.text() if self.label.isVisible() else ""

    def eventFilter(self, watched, event) -> bool:
        if event.type() in (QEvent.Type.Leave, QEvent.Type.Hide):
            self.hide()
        return False

    def hide(self) -> None:
        self._last = None
        self.label.hide()
        if self.plot.getPlotItem() is not None:  # None once the plot is closed
            self.marker.setVisible(False)
            self.line.setVisible(False)

    def _moved(self, args) -> None:
        self._last = args[0]
        self.refresh()

    def refresh(self) -> None:
        """Read the point under the mouse again (the data changed); nothing if the mouse is elsewhere."""
        if self._last is None or self.plot.getPlotItem() is None:
            return
        view = self.plot.getPlotItem().getViewBox()
        if not view.sceneBoundingRect().contains(self._last):
            self.hide()
            return
        at = view.mapSceneToView(self._last)
        point, text = self._find(at.x(), at.y())
        if not text:
            self.hide()
            return
        if point is not None:
            self.marker.setPos(*point)
            self.line.setValue(point[0])
        self.marker.setVisible(point is not None)
        self.line.setVisible(point is not None and self._show_line)
        if text != self.label.text():
            self.label.setText(text)
            self.label.adjustSize()
        self.label.move(label_position(self.plot, self.plot.mapFromScene(self._last), self.label.size()))
        self.label.show()
        self.label.raise_()


# --- saving what a plot shows -----------------------------------------------------------------


def write_csv(path: str | Path, header: Sequence[str], rows: Iterable[Sequence]) -> Path:
    """The points as CSV (numbers with a dot, as spreadsheets and pandas read them)."""
    path = Path(path)
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        for row in rows:
            writer.writerow([f"{value:.10g}" if isinstance(value, (float, np.floating)) else value for value in row])
    return path


def save_plot_picture(plot, path: str | Path) -> Path:
    """The plot as a PNG file, through pyqtgraph's image exporter."""
    from pyqtgraph.exporters import ImageExporter

    path = Path(path)
    ImageExporter(plot.getPlotItem()).export(str(path))
    return path


def save_widget_picture(widget: QWidget, path: str | Path) -> Path:
    """A painted chart as a PNG file: what it shows on screen."""
    path = Path(path)
    if not widget.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def add_save_menu(widget: QWidget, save_picture: Callable[[str], object], save_data: Callable[[str], object],
                  name: str) -> None:
    """Right-click on ``widget``: *Save picture…* (PNG) and *Save data…* (CSV); ``name`` is the file name offered."""

    translate = QCoreApplication.translate

    def ask(kind: str) -> None:
        if kind == "png":
            path, _ = QFileDialog.getSaveFileName(
                widget, translate("PlotTools", "Save picture"), f"{name}.png", translate("PlotTools", "PNG pictures (*.png)"))
        else:
            path, _ = QFileDialog.getSaveFileName(
                widget, translate("PlotTools", "Save data"), f"{name}.csv", translate("PlotTools", "CSV files (*.csv)"))
        if not path:
            return
        if not path.lower().endswith("." + kind):
            path += "." + kind
        try:
            (save_picture if kind == "png" else save_data)(path)
        except OSError as exc:
            from PySide6.QtWidgets import QMessageBox

            message = translate("PlotTools", "Could not write {0}: {1}").format(path, exc.strerror or exc)
            QMessageBox.warning(widget, translate("PlotTools", "Not saved"), message)

    def menu_at(position) -> None:
        menu = QMenu(widget)
        menu.addAction(translate("PlotTools", "Save picture…")).triggered.connect(lambda: ask("png"))
        menu.addAction(translate("PlotTools", "Save data…")).triggered.connect(lambda: ask("csv"))
        menu.exec(widget.mapToGlobal(position))

    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    widget.customContextMenuRequested.connect(menu_at)
    widget.save_picture = save_picture
    widget.save_data = save_data


def add_plot_save_menu(plot, header: Callable[[], Sequence[str]], rows: Callable[[], Iterable[Sequence]],
                       name: str) -> None:
    """The save menu for a pyqtgraph plot: its picture through ImageExporter, its points as CSV."""
    add_save_menu(plot, lambda path: save_plot_picture(plot, path), lambda path: write_csv(path, header(), rows()), name)
