"""The Autograd tab: type an expression, see the graph PyTorch records, run forward, backward and a step."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDoubleSpinBox, QFormLayout, QGridLayout, QHBoxLayout,
                               QHeaderView, QLabel, QPlainTextEdit, QPushButton, QSplitter, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from ...core.autograd_graph import PRESETS, AutogradSession, Preset, chain_rule, regression_preset, session_for
from ...core.expressions import ExpressionError, format_value
from ..code_panel import code_button
from ..language import error_text
from .graph_view import GraphView

ANIMATION_MS = 110  # per node lit
TYPING_PAUSE_MS = 500  # an expression is evaluated once typing pauses this long
NAME, VALUE, REQUIRES_GRAD = range(3)


def _warm_up() -> None:
    """One small evaluation, backward pass and layout when this module is imported (the app imports it in
    the background): networkx compiles its decorators and torch readies its kernels on first use, tens of
    milliseconds the first switch to the tab would otherwise hold the window for."""
    session_for(PRESETS["chain"]).backward().layout()
    for enum in (Qt.TextElideMode, Qt.AlignmentFlag, Qt.PenStyle, Qt.CursorShape, Qt.ItemFlag, Qt.CheckState):
        list(enum)  # PySide makes its enum classes on first use


_warm_up()


class AutogradTab(QWidget):
    """An expression, its variables, the graph autograd recorded, and the training step's four buttons."""

    animation_finished = Signal()

    def __init__(self, regression_fit: Callable[[], object] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self._regression_fit = regression_fit
        self.session = AutogradSession()
        self.closed_groups: set[str] = set()
        self.revealed: set[int] | None = None
        self.grads_revealed: set[int] | None = None
        self.selected = None
        self.backward_passes = 0  # since the last Zero grad
        self.animation_ms = ANIMATION_MS
        self._queue: list[int] = []
        self._phase: str | None = None
        self._filling_table = False

        self.expression_edit = QPlainTextEdit(objectName="expressionEdit")
        self.expression_edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.expression_edit.setFixedHeight(86)
        self.expression_edit.setPlaceholderText(self.tr("e.g. (w*x + b - y)**2"))
        self._typing = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._typing.timeout.connect(self.apply_expression)
        self.expression_edit.textChanged.connect(self._typing.start)

        self.preset_box = QComboBox(objectName="presetBox")
        for text, key in ((self.tr("Linear regression loss"), "regression"), (self.tr("A neuron"), "neuron"),
                          (self.tr("The chain rule"), "chain"), (self.tr("An if that changes the graph"), "branch"),
                          (self.tr("A tiny two-layer network"), "network"),
                          (self.tr("The Regression tab's current loss"), "regression-tab")):
            self.preset_box.addItem(text, key)
        self.preset_box.activated.connect(lambda index: self.load_preset(self.preset_box.itemData(index)))

        self.table = QTableWidget(0, 3, objectName="variablesTable")
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Value"), "requires_grad"])
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(NAME, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(VALUE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(REQUIRES_GRAD, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.itemChanged.connect(self._table_edited)

        self.lr_box = QDoubleSpinBox(objectName="learningRate")
        self.lr_box.setDecimals(4)
        self.lr_box.setRange(0.0001, 10.0)
        self.lr_box.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr_box.setValue(0.01)
        self.forward_button = QPushButton(self.tr("Forward"), objectName="forwardButton")
        self.backward_button = QPushButton(self.tr("Backward"), objectName="backwardButton")
        self.step_button = QPushButton(self.tr("Step"), objectName="stepButton")
        self.zero_button = QPushButton(self.tr("Zero grad"), objectName="zeroGradButton")
        self.groups_button = QPushButton(self.tr("Close groups"), objectName="groupsButton")
        self.forward_button.setToolTip(self.tr("Evaluate the expression; PyTorch records the graph as it goes"))
        self.backward_button.setToolTip(self.tr("loss.backward(): gradients flow from the result back to the leaves"))
        self.step_button.setToolTip(self.tr("w ← w − lr · w.grad for every leaf with a gradient"))
        self.zero_button.setToolTip(self.tr("optimizer.zero_grad(): every .grad back to None"))
        self.forward_button.clicked.connect(self.forward)
        self.backward_button.clicked.connect(self.backward)
        self.step_button.clicked.connect(self.step)
        self.zero_button.clicked.connect(self.zero_grad)
        self.groups_button.clicked.connect(self._toggle_groups)

        self.graph_view = GraphView()
        self.graph_view.hovered.connect(self._show_chain_rule)
        self.graph_view.clicked.connect(self._clicked)
        self.message_label = QLabel(objectName="autogradMessage")
        self.message_label.setWordWrap(True)
        self.chain_label = QLabel(objectName="chainRule")
        self.chain_label.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.chain_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.chain_label.setWordWrap(True)
        self.legend = QLabel(self.tr("Blue: your variables · grey: data (no gradient) · white: operations autograd "
                                     "recorded · purple: grad_fn names · red: gradients. Hover or click a box for "
                                     "its chain-rule product."))
        self.legend.setWordWrap(True)
        self.legend.setStyleSheet("color: #555;")

        self._animation = QTimer(self)
        self._animation.timeout.connect(self._animate)

        panel = QWidget()
        panel.setMinimumWidth(240)
        panel.setMaximumWidth(320)
        column = QVBoxLayout(panel)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(self.tr("Preset")))
        column.addWidget(self.preset_box)
        expression_label = QLabel(self.tr("Expression (lines: name = …; the last is the result)"))
        expression_label.setWordWrap(True)
        column.addWidget(expression_label)
        column.addWidget(self.expression_edit)
        column.addWidget(QLabel(self.tr("Variables (edit a value)")))
        column.addWidget(self.table, stretch=1)
        form = QFormLayout()
        form.addRow(self.tr("Learning rate"), self.lr_box)
        column.addLayout(form)
        buttons = QGridLayout()
        buttons.addWidget(self.forward_button, 0, 0)
        buttons.addWidget(self.backward_button, 0, 1)
        buttons.addWidget(self.step_button, 1, 0)
        buttons.addWidget(self.zero_button, 1, 1)
        buttons.addWidget(self.groups_button, 2, 0)
        self.code_button = code_button(self, self.code_script, self.tr("The PyTorch code that runs this expression "
                                                                        "forward and backward, with these values."))
        buttons.addWidget(self.code_button, 2, 1)
        column.addLayout(buttons)

        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.graph_view, stretch=1)
        right_column.addWidget(self.message_label)
        right_column.addWidget(self.chain_label)
        right_column.addWidget(self.legend)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(panel)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 900])
        layout = QHBoxLayout(self)
        layout.addWidget(splitter)
        # The first graph is drawn right after the tab first shows, so that showing it holds the window
        # half as long; whatever is asked for before then (Show the graph, typing) wins.
        self._loaded = False
        self.expression_edit.textChanged.connect(self._mark_loaded)
        QTimer.singleShot(0, self._first_load)

    def _mark_loaded(self) -> None:
        self._loaded = True

    def _first_load(self) -> None:
        if not self._loaded:
            self.load_preset("regression")

    # --- what the tab shows -------------------------------------------------------------------------

    def file_actions(self) -> list:
        return []

    def shutdown(self) -> None:
        self._animation.stop()
        self._typing.stop()

    def code_script(self, language: str) -> tuple[str, str]:
        """The script for this expression and these values, as ``digitdraw code autograd --expr ... --set ...`` writes it."""
        from ...core.codegen import autograd_session_script  # Jinja2: loaded at the first press

        return autograd_session_script(self.session, language), "autograd.py"

    def load_preset(self, key: str) -> None:
        """Show one of the presets (``"regression-tab"``: the Regression tab's loss as it computes it)."""
        if key == "regression-tab":
            fit = self._regression_fit() if self._regression_fit else None
            if fit is None:
                return
            self.show_regression(fit)
            return
        self._load(PRESETS[key])
        self.preset_box.setCurrentIndex(self.preset_box.findData(key))

    def show_regression(self, fit) -> None:
        """The loss the Regression tab minimises for ``fit``, with its points and current parameters."""
        try:
            preset = regression_preset(fit)
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            return
        except ValueError as error:  # the points cannot be fitted (RegressionInputError)
            self._message(error_text(error), error=True)
            return
        self.preset_box.setCurrentIndex(self.preset_box.findData("regression-tab"))
        self._load(preset)

    def _load(self, preset: Preset) -> None:
        self._loaded = True
        self._stop_animation()
        self.session = session_for(preset)
        self.closed_groups = set()
        self.backward_passes = 0
        self.expression_edit.blockSignals(True)
        self.expression_edit.setPlainText(preset.text)
        self.expression_edit.blockSignals(False)
        self._typing.stop()
        self._fill_table()
        self._evaluate(first=True, close_groups=preset.closed)
        self._message(self.tr("Press Forward, then Backward: watch the values flow in and the gradients flow back."))

    def apply_expression(self) -> None:
        """Read the expression box; new names join the table with the value 1."""
        self._typing.stop()
        try:
            self.session.set_expression(self.expression_edit.toPlainText())
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            return
        self.backward_passes = 0
        self._fill_table()
        self._evaluate(first=True)

    def _evaluate(self, first: bool = False, close_groups: bool = False) -> bool:
        """A forward pass without animation; False (and a message) if the expression cannot run."""
        self._stop_animation()
        try:
            graph = self.session.forward()
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            self.graph_view.scene().clear()
            return False
        groups = graph.groups()
        if first:
            self.closed_groups = set(groups) if close_groups or len(graph.nodes) > 30 else set()
        self.closed_groups &= set(groups)
        self.groups_button.setEnabled(bool(groups))
        self.revealed = self.grads_revealed = None
        self._draw()
        self._graph_change_message()
        return True

    def _draw(self) -> None:
        graph = self.session.graph
        if graph is None:
            return
        self.groups_button.setText(self.tr("Open groups") if self.closed_groups else self.tr("Close groups"))
        self.graph_view.show_graph(graph, self.closed_groups, self.revealed, self.grads_revealed)
        if self._phase is None:
            self.graph_view.select(self.selected)

    def _graph_change_message(self) -> bool:
        if not self.session.graph_changed():
            return False
        branches = self.session.graph.evaluation.branches
        if branches:
            condition, taken = branches[-1]
            self._message(self.tr("The graph changed: this time {0} was {1}, so autograd recorded the other branch. "
                                  "PyTorch builds the graph anew at every run: that is the dynamic graph.")
                          .format(condition, "True" if taken else "False"), highlight=True)
        else:
            self._message(self.tr("The graph changed shape: PyTorch builds it anew at every run."), highlight=True)
        return True

    def _fill_table(self) -> None:
        self._filling_table = True
        names = self.session.used_names()
        self.table.setRowCount(len(names))
        for row, name in enumerate(names):
            tensor = self.session.variables[name]
            name_item = QTableWidgetItem(name)
            name_item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            value_item = QTableWidgetItem(_value_text(tensor))
            value_item.setToolTip(self.tr("A number, or a list such as [1, 2, 3] or [[1, 2], [3, 4]]"))
            grad_item = QTableWidgetItem()
            grad_item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            grad_item.setCheckState(Qt.CheckState.Checked if tensor.requires_grad else Qt.CheckState.Unchecked)
            for column, item in ((NAME, name_item), (VALUE, value_item), (REQUIRES_GRAD, grad_item)):
                self.table.setItem(row, column, item)
        self._filling_table = False

    def _refresh_values(self) -> None:
        """The table's values after a step, without rebuilding it."""
        self._filling_table = True
        for row in range(self.table.rowCount()):
            name = self.table.item(row, NAME).text()
            self.table.item(row, VALUE).setText(_value_text(self.session.variables[name]))
        self._filling_table = False

    def set_value(self, name: str, text: str) -> None:
        """Type ``text`` into ``name``'s value cell (what a user does)."""
        for row in range(self.table.rowCount()):
            if self.table.item(row, NAME).text() == name:
                self.table.item(row, VALUE).setText(text)
                return
        raise KeyError(name)

    def _table_edited(self, item: QTableWidgetItem) -> None:
        if self._filling_table:
            return
        name = self.table.item(item.row(), NAME).text()
        try:
            if item.column() == VALUE:
                self.session.set_value(name, item.text())
            elif item.column() == REQUIRES_GRAD:
                self.session.set_requires_grad(name, item.checkState() == Qt.CheckState.Checked)
            else:
                return
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            self._filling_table = True
            item.setText(_value_text(self.session.variables[name]))
            self._filling_table = False
            return
        if self._evaluate() and not self._graph_change_message():
            self._message(self.tr("{0} changed: the graph was recorded again on the new values.").format(name))

    # --- the training step ----------------------------------------------------------------------

    def forward(self) -> None:
        """Evaluate and light the nodes up in the order they were computed."""
        self._first_load()  # a press before the first graph was drawn
        if not self._evaluate():
            return
        if not self._graph_change_message():
            self._message(self.tr("Forward: each operation runs in turn and PyTorch records its grad_fn."))
        self._start_animation("forward", self.session.graph.forward_order())

    def backward(self) -> None:
        """``loss.backward()``: gradients appear from the result back to the leaves."""
        self._first_load()  # a press before the first graph was drawn
        self._stop_animation()
        try:
            graph = self.session.backward()
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            return
        self.backward_passes += 1
        self.revealed = None
        self.closed_groups &= set(graph.groups())
        if self.backward_passes > 1:
            self._message(self.tr("No Zero grad since the last Backward: each .grad now holds the sum of %n "
                                  "backward passes. This is the classic bug: call optimizer.zero_grad() before "
                                  "loss.backward().", "", self.backward_passes), highlight=True)
        else:
            self._message(self.tr("Backward: each grad_fn passes ∂L/∂(its output) to its inputs, "
                                  "multiplied by its local derivative (the chain rule)."))
        self._start_animation("backward", graph.backward_order())

    def step(self) -> None:
        """``w ← w − lr · w.grad`` on the leaves, then a fresh forward pass shows the new loss."""
        self._first_load()  # a press before the first graph was drawn
        self._stop_animation()
        before = self._result_text()
        try:
            self.session.step(self.lr_box.value())
        except ExpressionError as error:
            self._message(error_text(error), error=True)
            return
        self._refresh_values()
        if self._evaluate():
            self._message(self.tr("Step: every leaf moved against its gradient, w ← w − {0} · w.grad. "
                                  "The result went from {1} to {2}; the .grad values stay until Zero grad.")
                          .format(f"{self.lr_box.value():g}", before, self._result_text()))

    def zero_grad(self) -> None:
        self._first_load()  # a press before the first graph was drawn
        self._stop_animation()
        self.session.zero_grad()
        self.backward_passes = 0
        self._draw()
        self._message(self.tr("Zero grad: every .grad is None again; the next Backward starts from scratch."))

    def _result_text(self) -> str:
        graph = self.session.graph
        return format_value(graph.evaluation.result) if graph is not None else "—"

    # --- animation and interaction ---------------------------------------------------------------

    def _start_animation(self, phase: str, order: list[int]) -> None:
        self._phase = phase
        self._queue = list(order)
        if phase == "forward":
            self.revealed, self.grads_revealed = set(), set()
        else:
            self.revealed, self.grads_revealed = None, set()
        self._draw()
        self._animation.start(max(1, self.animation_ms))

    def _animate(self) -> None:
        if not self._queue:
            self._finish_animation()
            return
        node_id = self._queue.pop(0)
        target = self.revealed if self._phase == "forward" else self.grads_revealed
        target.add(node_id)
        accumulate = [n for n in self.session.graph.consumers(node_id)
                      if self.session.graph.nodes[n].op == "AccumulateGrad"]
        target.update(accumulate)
        self._draw()
        for lit in target:
            self.graph_view.light(lit, self._phase)
        if self._phase == "backward":
            self._show_chain_rule(self.graph_view.keys_by_node.get(node_id))

    def _finish_animation(self) -> None:
        self._animation.stop()
        self._phase = None
        self.revealed = self.grads_revealed = None
        self._draw()
        self.animation_finished.emit()

    def _stop_animation(self) -> None:
        if self._animation.isActive():
            self._animation.stop()
            self._phase = None
            self.revealed = self.grads_revealed = None
            self.animation_finished.emit()

    def is_animating(self) -> bool:
        return self._animation.isActive()

    def _toggle_groups(self) -> None:
        graph = self.session.graph
        if graph is None:
            return
        self.closed_groups = set() if self.closed_groups else set(graph.groups())
        self._draw()

    def _clicked(self, key) -> None:
        if isinstance(key, str) and key.startswith("group:"):
            self.closed_groups.discard(key.removeprefix("group:"))
            self._draw()
            return
        self.selected = key
        self.graph_view.select(key)
        self._show_chain_rule(key)

    def _show_chain_rule(self, key) -> None:
        graph = self.session.graph
        if graph is None or key is None:
            return
        if isinstance(key, str):
            name = key.removeprefix("group:")
            self.chain_label.setText(self.tr("{0}: everything the line {0} = … computed. Click to open it.").format(name))
            return
        lines = chain_rule(graph, key)
        node = graph.nodes[key]
        if not lines:
            if node.kind == "leaf" and not node.requires_grad:
                lines = [self.tr("{0} is data (requires_grad=False): autograd computes no gradient for it.")
                         .format(node.label)]
            else:
                lines = [self.tr("{0} = {1}. Press Backward to see how its gradient is made.")
                         .format(node.label, format_value(node.value))]
        self.chain_label.setText("\n".join(lines))

    def _message(self, text: str, error: bool = False, highlight: bool = False) -> None:
        style = "color: #e04040; font-weight: bold;" if error else ("color: #1e6ed2; font-weight: bold;" if highlight else "")
        self.message_label.setStyleSheet(style)
        self.message_label.setText(text)


def _value_text(tensor) -> str:
    """A variable's value as the table shows it (and takes it back): a number or a JSON list."""
    data = tensor.detach().tolist()
    if isinstance(data, float):
        return f"{data:.6g}"

    def short(item):
        return [short(x) for x in item] if isinstance(item, list) else float(f"{item:.6g}")

    import json

    return json.dumps(short(data))
