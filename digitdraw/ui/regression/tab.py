"""The Regression tab: click points onto a plot and watch gradient descent fit them."""

from __future__ import annotations

import math
import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QValidator
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QGroupBox,
                               QHBoxLayout, QLabel, QPushButton, QSpinBox, QSplitter, QVBoxLayout, QWidget)

from ...core.regression import RegressionFit, RegressionInputError, closed_form_line, line_loss_surface, random_points
from ..code_panel import code_button
from ..language import error_text
from ..later_parts import LaterParts
from ..plot_tools import HoverReadout, add_plot_save_menu, nearest_index, significant, whole
from ..plots import light_plot, show_empty_note

STEPS_PER_TICK = 5
FRAMES_PER_TICK = 2  # redraw every other screen frame: smooth enough, half the painting
PICK_RADIUS_PX = 9
CURVE_SAMPLES = 300
TITLE_COLOUR = "#222"
SURFACE_COLOURS = "viridis"


class PointEditingViewBox(pg.ViewBox):
    """A view box where left click adds a point, right click removes one and left drag moves one.

    Dragging empty space still pans and the wheel still zooms.
    """

    pointAdded = Signal(float, float)
    pointRemoved = Signal(int)
    pointMoved = Signal(int, float, float)

    def __init__(self):
        super().__init__(enableMenu=False)
        self.scatter = pg.ScatterPlotItem(size=11, pen=pg.mkPen("#333", width=1.5), brush=pg.mkBrush(255, 170, 40))
        self.scatter.setZValue(10)
        self.addItem(self.scatter)
        self._dragged: int | None = None

    def point_at(self, scene_pos: QPointF) -> int | None:
        """Index of the point drawn within a few pixels of ``scene_pos``, if any."""
        xs, ys = self.scatter.getData()
        best, best_distance = None, PICK_RADIUS_PX
        for index, (x, y) in enumerate(zip(xs, ys)):
            offset = self.mapViewToScene(QPointF(x, y)) - scene_pos
            distance = (offset.x() ** 2 + offset.y() ** 2) ** 0.5
            if distance < best_distance:
                best, best_distance = index, distance
        return best

    def mouseClickEvent(self, ev):
        index = self.point_at(ev.scenePos())
        if ev.button() == Qt.MouseButton.LeftButton and index is None:
            position = self.mapSceneToView(ev.scenePos())
            self.pointAdded.emit(position.x(), position.y())
        elif ev.button() == Qt.MouseButton.RightButton and index is not None:
            self.pointRemoved.emit(index)
        else:
            return
        ev.accept()

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton or axis is not None:
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            self._dragged = self.point_at(ev.buttonDownScenePos())
        if self._dragged is None:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        position = self.mapSceneToView(ev.scenePos())
        self.pointMoved.emit(self._dragged, position.x(), position.y())
        if ev.isFinish():
            self._dragged = None


class LearningRateBox(QDoubleSpinBox):
    """A learning rate field that keeps what is typed: a value past its range is said, not cut to fit.

    Qt's spin box refuses the key that would take it out of range, so typing "50" with a maximum of
    10 leaves "5" without a word. Here the text stays as typed while editing, and on Enter or leaving
    the field a value out of range becomes the nearest allowed one with ``out_of_range(typed, used)``.
    """

    out_of_range = Signal(float, float)

    def validate(self, text: str, position: int):
        state, text, position = super().validate(text, position)[:3]
        if state == QValidator.State.Invalid and self._number(text) is not None:
            return QValidator.State.Intermediate, text, position  # a number, out of range: kept until Enter
        return state, text, position

    def fixup(self, text: str) -> str:
        typed = self._number(text)
        if typed is None:
            return super().fixup(text)
        used = min(max(typed, self.minimum()), self.maximum())
        if used != typed:
            self.out_of_range.emit(typed, used)
        return self.textFromValue(used)

    def _number(self, text: str) -> float | None:
        """``text`` read as a number in the field's locale (or as Python writes one), else None."""
        value, ok = self.locale().toDouble(text.strip())
        if not ok:
            try:
                value = float(text.strip())
            except ValueError:
                return None
        return value if math.isfinite(value) else None


class RegressionTab(LaterParts, QWidget):
    """Points on a plot, a model fitted to them step by step, its loss curve and loss surface."""

    graph_requested = Signal()  # "Show the graph": the window opens the Autograd tab on this loss

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.fit = RegressionFit(seed=None)
        self._fitting = False  # the user asked for a fit and has not paused it

        self.view_box = PointEditingViewBox()
        self.plot = pg.PlotWidget(viewBox=self.view_box)
        self.plot.setObjectName("regressionPlot")
        light_plot(self.plot)
        self.plot.setLabel("bottom", "x")
        self.plot.setLabel("left", "y")
        self.view_box.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
        self.plot.addLegend(offset=(10, 10), labelTextColor="#222", brush=(255, 255, 255, 200))
        self.curve = self.plot.plot(pen=pg.mkPen(30, 110, 210, width=3), name=self.tr("model (gradient descent)"))
        self.closed_form_curve = self.plot.plot(pen=pg.mkPen(210, 50, 50, width=2, style=Qt.PenStyle.DashLine),
                                                name=self.tr("least-squares line"))

        self._surface = None  # the loss surface shown, for the readout and the saved data
        self.plot.readout = HoverReadout(self.plot, self._read_points, self.tr("Point or line under the mouse"))
        add_plot_save_menu(self.plot, lambda: ("x", "y", "y_hat"), self._point_rows, "regression-points")

        self.view_box.pointAdded.connect(self.add_point)
        self.view_box.pointRemoved.connect(self.remove_point)
        self.view_box.pointMoved.connect(self.move_point)
        self.view_box.sigXRangeChanged.connect(self._draw_curves)

        self.timer = QTimer(self)
        screen = QGuiApplication.primaryScreen()
        frame_ms = 1000 / (screen.refreshRate() if screen else 60)
        self.timer.setInterval(max(16, round(FRAMES_PER_TICK * frame_ms)))
        self.timer.timeout.connect(self._tick)

        self._lower = QSplitter(Qt.Orientation.Horizontal)  # the two places keep their room until the plots come
        for _ in range(2):
            self._lower.addWidget(QWidget())
        plots = QSplitter(Qt.Orientation.Vertical)
        plots.addWidget(self.plot)
        plots.addWidget(self._lower)
        plots.setSizes([560, 340])
        layout = QHBoxLayout(self)
        layout.addWidget(plots, stretch=1)
        layout.addWidget(self._build_controls())
        self.build_later(self._build_loss_plot, self._build_surface_plot, self._build_colour_bar)
        self._rebuild_fit()

    # The loss plot, the loss surface and its colour bar are more than half of the tab's first switch:
    # they come after the first paint, one per turn (LaterParts).
    LATER_ATTRIBUTES = frozenset({"loss_plot", "loss_curve", "surface_plot", "surface_image", "surface_colors",
                                  "descent_path", "descent_head", "surface_minimum", "surface_note"})

    def _build_loss_plot(self) -> None:
        self.loss_plot = pg.PlotWidget()
        self.loss_plot.setObjectName("regressionLossPlot")
        light_plot(self.loss_plot)
        self.loss_plot.setTitle(self.tr("Loss (mean squared error) per step"), color=TITLE_COLOUR, size="9pt")
        self.loss_plot.setLogMode(y=True)
        self.loss_plot.setLabel("bottom", self.tr("step"))
        self.loss_plot.setLabel("left", self.tr("MSE (log scale)"))
        self.loss_plot.getAxis("left").enableAutoSIPrefix(False)
        self.loss_plot.setClipToView(True)
        self.loss_plot.setDownsampling(auto=True, mode="peak")
        self.loss_curve = self.loss_plot.plot(pen=pg.mkPen(30, 110, 210, width=2))
        self.loss_plot.readout = HoverReadout(self.loss_plot, self._read_loss, self.tr("Loss at the step under the mouse"))
        add_plot_save_menu(self.loss_plot, lambda: ("step", "mse"),
                           lambda: enumerate(self.fit.losses, start=1), "regression-loss")
        self._lower.replaceWidget(0, self.loss_plot).deleteLater()
        self._draw_loss()

    def _build_surface_plot(self) -> None:
        self.surface_plot = pg.PlotWidget()
        self.surface_plot.setObjectName("lossSurfacePlot")
        light_plot(self.surface_plot)
        self.surface_plot.setLabel("bottom", self.tr("slope w"))
        self.surface_plot.setLabel("left", self.tr("intercept b"))
        for axis in ("bottom", "left"):
            self.surface_plot.getAxis(axis).enableAutoSIPrefix(False)
        self.surface_image = pg.ImageItem()
        self.surface_image.setColorMap(SURFACE_COLOURS)  # the colour bar, which comes next, keeps it
        self.surface_plot.addItem(self.surface_image)
        self.descent_path = self.surface_plot.plot(pen=pg.mkPen("w", width=2))
        self.descent_head = self.surface_plot.plot(pen=None, symbol="o", symbolSize=9, symbolBrush="w")
        self.surface_minimum = self.surface_plot.plot(pen=None, symbol="star", symbolSize=16,
                                                      symbolBrush=(255, 90, 90))
        self.surface_note = pg.TextItem(color=TITLE_COLOUR, anchor=(0.5, 0.5))  # why the panel is empty, when it is
        self.surface_plot.addItem(self.surface_note, ignoreBounds=True)
        self.surface_note.setVisible(False)
        self.surface_plot.readout = HoverReadout(self.surface_plot, self._read_surface,
                                                 self.tr("Loss surface under the mouse"), vertical_line=False)
        add_plot_save_menu(self.surface_plot, lambda: ("w", "b", "mse"), self._surface_rows, "loss-surface")
        self._lower.replaceWidget(1, self.surface_plot).deleteLater()
        self._draw_surface()

    def _build_colour_bar(self) -> None:
        self.surface_colors = self.surface_plot.getPlotItem().addColorBar(
            self.surface_image, colorMap=SURFACE_COLOURS, interactive=False)
        self.surface_colors.axis.setTextPen(pg.mkPen("#222"))
        self._draw_surface()

    def _build_controls(self) -> QWidget:
        hint = QLabel(self.tr("Left click: add a point\nDrag a point: move it\nRight click a point: remove it"))
        random_line = QPushButton(self.tr("Random line"))
        random_line.clicked.connect(lambda: self._fill_random("line"))
        random_curve = QPushButton(self.tr("Random curve"))
        random_curve.clicked.connect(lambda: self._fill_random("curve"))
        clear = QPushButton(self.tr("Clear"))
        clear.clicked.connect(lambda: self.set_points([], []))
        points = QGroupBox(self.tr("Points"))
        grid = QGridLayout(points)
        grid.addWidget(hint, 0, 0, 1, 3)
        for column, button in enumerate((random_line, random_curve, clear)):
            grid.addWidget(button, 1, column)

        self.model_box = QComboBox()
        for text, kind in ((self.tr("Straight line"), "line"), (self.tr("Polynomial"), "polynomial"),
                           (self.tr("Small network"), "network")):
            self.model_box.addItem(text, kind)
        self.degree_box = QSpinBox()
        self.degree_box.setRange(1, 12)
        self.degree_box.setValue(3)
        self.activation_box = QComboBox()
        self.activation_box.addItems(["tanh", "ReLU"])
        self.optimizer_box = QComboBox()
        self.optimizer_box.addItems(["SGD", "Adam"])
        self.lr_box = LearningRateBox(objectName="learningRateBox")
        self.lr_box.setDecimals(4)
        self.lr_box.setRange(0.0001, 10.0)
        self.lr_box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_box.setValue(0.1)
        for box in (self.model_box, self.degree_box, self.activation_box):
            signal = box.currentIndexChanged if isinstance(box, QComboBox) else box.valueChanged
            signal.connect(self._rebuild_fit)
        self.optimizer_box.currentTextChanged.connect(lambda name: self.fit.set_optimizer(name.lower()))
        self.lr_box.valueChanged.connect(lambda lr: self.fit.set_learning_rate(lr))
        self.lr_box.out_of_range.connect(lambda typed, used: self._show_message(self.tr(
            "A learning rate of {0:g} is outside {1:g} to {2:g}, so {3:g} is used.").format(
            typed, self.lr_box.minimum(), self.lr_box.maximum(), used), error=True))
        model = QGroupBox(self.tr("Model and training"))
        form = QFormLayout(model)
        form.addRow(self.tr("Model"), self.model_box)
        form.addRow(self.tr("Polynomial degree"), self.degree_box)
        form.addRow(self.tr("Hidden activation"), self.activation_box)
        form.addRow(self.tr("Optimizer"), self.optimizer_box)
        form.addRow(self.tr("Learning rate"), self.lr_box)

        self.fit_button = QPushButton(self.tr("Fit"))
        self.fit_button.setObjectName("fitButton")
        self.fit_button.clicked.connect(self.start_fit)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.pause_button.clicked.connect(self._pause_clicked)
        step = QPushButton(self.tr("Step"))
        step.clicked.connect(self.step_once)
        reset = QPushButton(self.tr("Reset"))
        reset.clicked.connect(self.reset_fit)
        buttons = QHBoxLayout()
        for button in (self.fit_button, self.pause_button, step, reset):
            buttons.addWidget(button)
        form.addRow(buttons)
        graph_button = QPushButton(self.tr("Show the graph"), objectName="showGraphButton")
        graph_button.setToolTip(self.tr("Open the Autograd tab on this loss: the graph PyTorch records for one step"))
        graph_button.clicked.connect(self.graph_requested)
        self.code_button = code_button(self, self.code_script, self.tr("The PyTorch code that fits these points "
                                                                        "the way this tab does, with these settings."))
        more = QHBoxLayout()
        more.addWidget(graph_button)
        more.addWidget(self.code_button)
        form.addRow(more)

        self.slope_label = QLabel(objectName="slopeLabel")
        self.intercept_label = QLabel(objectName="interceptLabel")
        self.parameters_label = QLabel()
        self.step_label = QLabel()
        self.loss_label = QLabel()
        self.closed_form_box = QCheckBox(self.tr("Show least-squares line (dashed)"))
        self.closed_form_box.setChecked(True)
        self.closed_form_box.toggled.connect(self._draw_curves)
        self.closed_form_label = QLabel()
        self.closed_form_label.setWordWrap(True)
        numbers = QGroupBox(self.tr("Numbers"))
        column = QVBoxLayout(numbers)
        column.setSpacing(2)  # the panel fits a 640-pixel-high window, in Chinese too
        for widget in (self.slope_label, self.intercept_label, self.parameters_label, self.step_label,
                       self.loss_label, self.closed_form_box, self.closed_form_label):
            column.addWidget(widget)

        self.status_label = QLabel(objectName="regressionStatus")
        self.status_label.setWordWrap(True)
        panel = QWidget()
        panel.setFixedWidth(320)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (points, model, numbers, self.status_label):
            column.addWidget(widget)
        column.addStretch(1)
        return panel

    # --- points -------------------------------------------------------------------------------

    def points(self) -> tuple[np.ndarray, np.ndarray]:
        return self.fit.x.copy(), self.fit.y.copy()

    def set_points(self, x, y) -> None:
        """Replace every point and start the fit afresh."""
        self.pause_fit()
        self.fit.set_points(x, y)
        self.fit.reset()
        self._show_message("")
        self._refresh()

    def add_point(self, x: float, y: float) -> None:
        self._points_changed(np.append(self.fit.x, x), np.append(self.fit.y, y))

    def remove_point(self, index: int) -> None:
        self._points_changed(np.delete(self.fit.x, index), np.delete(self.fit.y, index))

    def move_point(self, index: int, x: float, y: float) -> None:
        xs, ys = self.points()
        xs[index], ys[index] = x, y
        self._points_changed(xs, ys)

    def _points_changed(self, x, y) -> None:
        """Edited points: a running fit carries on with the new data."""
        self.fit.set_points(x, y)
        if self._fitting and not self.timer.isActive():
            self.timer.start()
        self._refresh()

    def _fill_random(self, shape: str) -> None:
        x_range, y_range = self.view_box.viewRange()
        self.set_points(*random_points(shape, x_range=x_range, y_range=y_range))

    def code_script(self, language: str) -> tuple[str, str]:
        """The script for this fit, as ``digitdraw code fit --points ... --model ...`` writes it (seed 0, 1000 steps)."""
        from ...core.codegen import FitSettings, fit_script  # Jinja2: loaded at the first press

        settings = FitSettings(
            tuple(self.fit.x), tuple(self.fit.y), self.model_box.currentData(), self.degree_box.value(),
            activation=self.activation_box.currentText().lower(), optimizer=self.optimizer_box.currentText().lower(),
            lr=self.lr_box.value(),
        )
        return fit_script(settings, language), "fit.py"

    # --- fitting ------------------------------------------------------------------------------

    def _rebuild_fit(self) -> None:
        """A fresh model of the chosen kind on the same points."""
        self.pause_fit()
        kind = self.model_box.currentData()
        self.degree_box.setEnabled(kind == "polynomial")
        self.activation_box.setEnabled(kind == "network")
        try:
            fit = RegressionFit(kind, degree=self.degree_box.value(),
                                activation=self.activation_box.currentText().lower(),
                                optimizer=self.optimizer_box.currentText().lower(), lr=self.lr_box.value(), seed=None)
        except RegressionInputError as error:
            self._show_message(error_text(error), error=True)
            return
        fit.set_points(self.fit.x, self.fit.y)
        self.fit = fit
        self._show_message("")
        self._refresh()

    def start_fit(self) -> None:
        self._fitting = True
        self._show_message(self.tr("Fitting…"))
        self.timer.start()

    def pause_fit(self) -> None:
        self._fitting = False
        self.timer.stop()

    def _pause_clicked(self) -> None:
        if self._fitting:
            self._show_message(self.tr("Paused at step {0}: press Fit to go on, or Step for one step.").format(self.fit.steps))
        self.pause_fit()

    def shutdown(self) -> None:
        """Stop fitting; called when the window closes."""
        self.pause_fit()

    def step_once(self) -> None:
        self.pause_fit()
        self._advance(1)

    def reset_fit(self) -> None:
        self.pause_fit()
        self.fit.reset()
        self._show_message("")
        self._refresh()

    def _tick(self) -> None:
        self._advance(STEPS_PER_TICK)
        if self.fit.converged:
            self.timer.stop()
            self._show_message(self.tr("Converged after %n steps.", "", self.fit.steps))

    def _advance(self, steps: int) -> None:
        """Run optimizer steps; bad input or divergence stops the fit with a message."""
        try:
            self.fit.step(steps)
        except RegressionInputError as error:
            self.pause_fit()
            self._show_message(error_text(error), error=True)
        self._draw_fit()

    def _show_message(self, text: str, error: bool = False) -> None:
        self.status_label.setStyleSheet("color: #e04040; font-weight: bold;" if error else "")
        self.status_label.setText(text)

    # --- drawing ------------------------------------------------------------------------------

    def _least_squares(self) -> tuple[float, float] | None:
        """The closed-form line of the current points, or None when there is none."""
        try:
            return closed_form_line(self.fit.x, self.fit.y)
        except RegressionInputError:
            return None

    def _refresh(self) -> None:
        self.view_box.scatter.setData(self.fit.x, self.fit.y)
        self._draw_fit()

    def _draw_fit(self) -> None:
        """Everything that moves while fitting: curves, numbers, loss curve and loss surface."""
        self._draw_curves()
        self._show_numbers()
        self._draw_loss()
        self._draw_surface()
        self.plot.readout.refresh()

    def _draw_loss(self) -> None:
        if not self.is_built("loss_plot"):
            return
        losses = np.maximum(self.fit.losses, 1e-12)
        self.loss_curve.setData(np.arange(1, len(losses) + 1), losses)
        self.loss_plot.readout.refresh()

    # --- what the plots read under the mouse, and save ---------------------------------------

    def _predict(self, x: float) -> float | None:
        try:
            return float(self.fit.predict(np.array([x]))[0])
        except RegressionInputError:
            return None

    def _read_points(self, x: float, y: float):
        """The point under the mouse (x, y), else the model's line at the mouse's x (x, ŷ)."""
        xs, ys = self.view_box.scatter.getData()
        if xs is not None and len(xs):
            width, height = self.view_box.viewPixelSize()
            pixels = np.hypot((xs - x) / width, (ys - y) / height)
            nearest = int(np.argmin(pixels))
            if pixels[nearest] <= 2 * PICK_RADIUS_PX:
                text = self.tr("point x = {0}, y = {1}").format(significant(xs[nearest]), significant(ys[nearest]))
                return (float(xs[nearest]), float(ys[nearest])), text
        predicted = self._predict(x)
        if predicted is None:
            return None, ""
        return (x, predicted), self.tr("line x = {0}, ŷ = {1}").format(significant(x), significant(predicted))

    def _read_loss(self, x: float, y: float):
        """The step nearest the mouse and its loss (the plot's y axis is log₁₀ MSE)."""
        losses = self.fit.losses
        index = nearest_index(np.arange(1, len(losses) + 1, dtype=float), x)
        if index is None:
            return None, ""
        loss = losses[index]
        text = self.tr("step {0} · MSE {1}").format(whole(index + 1), significant(loss))
        return (index + 1.0, float(np.log10(max(loss, 1e-12)))), text

    def _read_surface(self, w: float, b: float):
        """The loss of the line y = wx + b under the mouse, inside the surface shown."""
        surface = self._surface
        if surface is None or not self.surface_image.isVisible():
            return None, ""
        if not (surface.w[0] <= w <= surface.w[-1] and surface.b[0] <= b <= surface.b[-1]):
            return None, ""
        mse = float(np.mean((w * self.fit.x + b - self.fit.y) ** 2))
        return (w, b), self.tr("w = {0}, b = {1} · MSE {2}").format(significant(w), significant(b), significant(mse))

    def _point_rows(self):
        xs, ys = (np.asarray(v, float) for v in (self.fit.x, self.fit.y))
        for x, y in zip(xs, ys):
            predicted = self._predict(x)
            yield x, y, "" if predicted is None else predicted

    def _surface_rows(self):
        surface = self._surface
        if surface is None or not self.surface_image.isVisible():
            return
        for i, w in enumerate(surface.w):
            for j, b in enumerate(surface.b):
                yield float(w), float(b), float(surface.loss[i, j])

    def _draw_curves(self) -> None:
        x0, x1 = self.view_box.viewRange()[0]
        xs = np.linspace(x0, x1, CURVE_SAMPLES)
        try:
            self.curve.setData(xs, self.fit.predict(xs))
        except RegressionInputError:
            self.curve.setData([], [])
        best = self._least_squares()
        if best is None or not self.closed_form_box.isChecked():
            self.closed_form_curve.setData([], [])
        else:
            self.closed_form_curve.setData(xs, best[0] * xs + best[1])

    def _show_numbers(self) -> None:
        fit = self.fit
        if fit.kind != "line":
            self.slope_label.setText(self.tr("slope w: straight line only"))
            self.intercept_label.setText(self.tr("intercept b: straight line only"))
        else:
            w, b = fit.line_parameters() if fit.scaling is not None else ("—", "—")
            self.slope_label.setText(self.tr("slope w = {0}").format(_number(w)))
            self.intercept_label.setText(self.tr("intercept b = {0}").format(_number(b)))
        self.parameters_label.setText(self.tr("parameters: {0}").format(fit.parameter_count()))
        self.step_label.setText(self.tr("step: {0}").format(fit.steps))
        self.loss_label.setText(self.tr("loss (MSE): {0}").format(_number(fit.losses[-1]) if fit.losses else "—"))
        best = self._least_squares()
        if best is None:
            self.closed_form_label.setText(self.tr("least squares: —"))
        else:
            self.closed_form_label.setText(self.tr("least squares: w = {0}, b = {1}").format(*map(_number, best)))

    def _draw_surface(self) -> None:
        """Heat map of the loss over (w, b) with the path gradient descent has taken."""
        if not self.is_built("surface_plot"):
            return
        self._draw_surface_parts()
        self.surface_plot.readout.refresh()

    def _draw_surface_parts(self) -> None:
        colour_bar = self.surface_colors if self.is_built("surface_colors") else None
        best = self._least_squares()
        is_line, has_points = self.fit.kind == "line", best is not None
        for item in (self.surface_image, colour_bar, self.descent_path, self.descent_head, self.surface_minimum):
            if item is not None:
                item.setVisible(is_line and has_points)
        if not is_line:
            self.surface_plot.setTitle(self.tr("Loss surface"), color=TITLE_COLOUR, size="9pt")
            show_empty_note(self.surface_plot, self.surface_note, self.tr(
                "A map of the loss needs a model with two parameters: the straight line's slope w and intercept b. "
                "This model has {0}, too many to draw; choose Straight line to see it.").format(self.fit.parameter_count()))
            return
        if not has_points:
            self.surface_plot.setTitle(self.tr("Loss surface"), color=TITLE_COLOUR, size="9pt")
            show_empty_note(self.surface_plot, self.surface_note,
                            self.tr("Add at least two points with different x: the loss over (w, b) is drawn here."))
            return
        show_empty_note(self.surface_plot, self.surface_note, None)
        self.surface_plot.setTitle(self.tr("log₁₀ MSE, ★ optimum"), color=TITLE_COLOUR,
                                   size="9pt")
        path = np.array(self.fit.path or [self.fit.line_parameters()])
        surface = self._surface = line_loss_surface(self.fit.x, self.fit.y, path)
        log_loss = np.log10(surface.loss + 1e-12)
        self.surface_image.setImage(log_loss, autoLevels=False)
        self.surface_image.setRect(surface.w[0], surface.b[0], np.ptp(surface.w), np.ptp(surface.b))
        levels = (float(log_loss.min()), float(log_loss.max()))
        (colour_bar or self.surface_image).setLevels(levels)
        self.descent_path.setData(path[:, 0], path[:, 1])
        self.descent_head.setData(path[-1:, 0], path[-1:, 1])
        self.surface_minimum.setData([best[0]], [best[1]])


def _number(value) -> str:
    """A parameter or loss as shown: five significant digits; text (a dash) as it is."""
    return value if isinstance(value, str) else f"{value:.5g}"
