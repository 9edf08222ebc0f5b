"""The Autograd tab driven like a user: type, edit a value, press Forward / Backward / Step / Zero grad."""

from __future__ import annotations

import pytest
import torch
from PySide6.QtCore import Qt

from digitdraw.core.regression import random_points
from digitdraw.ui.autograd.tab import AutogradTab
from digitdraw.ui.main_window import MainWindow


@pytest.fixture
def tab(shown_tab):
    widget = shown_tab(AutogradTab(), 1180, 760)
    widget.animation_ms = 5
    return widget


def type_expression(tab, qtbot, text: str) -> None:
    tab.expression_edit.clear()
    qtbot.keyClicks(tab.expression_edit, text)
    qtbot.waitUntil(lambda: tab.session.program is not None and tab.session.program.original == text, timeout=10_000)


def press(tab, qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.is_animating(), timeout=30_000)


def node_named(tab, name, kind=None):
    return next(node for node in tab.session.graph.nodes if node.name == name and (kind is None or node.kind == kind))


def torch_gradients(text_function, **values):
    leaves = {name: torch.tensor(value, requires_grad=True) for name, value in values.items()}
    result = text_function(**leaves)
    return result.detach(), dict(zip(leaves, torch.autograd.grad(result, list(leaves.values()))))


def test_type_edit_forward_backward_step_zero_grad_match_torch(tab, qtbot):
    type_expression(tab, qtbot, "(w*x + b - t)**2")
    names = [tab.table.item(row, 0).text() for row in range(tab.table.rowCount())]
    assert names == ["w", "x", "b", "t"]
    for name, value in (("w", "2"), ("x", "3"), ("b", "1"), ("t", "10")):
        tab.set_value(name, value)
    assert tab.session.variables["t"].item() == 10.0
    for row in range(tab.table.rowCount()):  # x and t were data in the preset before: tick requires_grad
        tab.table.item(row, 2).setCheckState(Qt.CheckState.Checked)
    assert all(tab.session.variables[n].requires_grad for n in "wxbt")

    press(tab, qtbot, tab.forward_button)
    expected, grads = torch_gradients(lambda w, x, b, t: (w * x + b - t) ** 2, w=2.0, x=3.0, b=1.0, t=10.0)
    assert node_named(tab, "(w*x + b - t)**2").value.item() == pytest.approx(expected.item())
    assert node_named(tab, "w*x").value.item() == 6.0 and node_named(tab, "w*x").op == "MulBackward0"
    assert node_named(tab, "w", "leaf").grad is None  # nothing flowed back yet

    press(tab, qtbot, tab.backward_button)
    for name, grad in grads.items():
        assert node_named(tab, name, "leaf").grad.item() == pytest.approx(grad.item(), rel=1e-5)
    assert node_named(tab, "w*x").grad.item() == pytest.approx(2 * (6 + 1 - 10))  # ∂L/∂(w*x)
    w_box = tab.graph_view.items_by_key[node_named(tab, "w", "leaf").id]
    w_box.clicked.emit(w_box.key)
    assert "∂L/∂w = ∂L/∂(w*x) · ∂(w*x)/∂w" in tab.chain_label.text()
    assert "-6 · 3 = -18" in tab.chain_label.text()

    tab.lr_box.setValue(0.01)
    press(tab, qtbot, tab.step_button)
    assert tab.session.variables["w"].item() == pytest.approx(2.0 - 0.01 * grads["w"].item())
    assert tab.table.item(0, 1).text() == f"{2.0 - 0.01 * grads['w'].item():.6g}"
    new_loss, _ = torch_gradients(lambda w, x, b, t: (w * x + b - t) ** 2,
                                  **{n: tab.session.variables[n].item() for n in "wxbt"})
    assert tab.session.graph.evaluation.result.item() == pytest.approx(new_loss.item(), rel=1e-5)

    press(tab, qtbot, tab.zero_button)
    assert all(tab.session.variables[n].grad is None for n in "wxbt")
    assert "grad None" in " ".join(text for _, text in tab.graph_view.items_by_key[node_named(tab, "w", "leaf").id].lines)


def test_backward_without_zero_grad_accumulates_visibly(tab, qtbot):
    tab.load_preset("regression")
    press(tab, qtbot, tab.backward_button)
    first = tab.session.variables["w"].grad.clone()
    press(tab, qtbot, tab.backward_button)
    assert torch.allclose(tab.session.variables["w"].grad, 2 * first)
    assert "sum of 2 backward passes" in tab.message_label.text()
    w = node_named(tab, "w", "leaf")
    assert w.grad.item() == pytest.approx(2 * first.item())
    tab._clicked(w.id)
    assert "w.grad = " in tab.chain_label.text()  # previous + this pass = the sum
    press(tab, qtbot, tab.zero_button)
    press(tab, qtbot, tab.backward_button)
    assert torch.allclose(tab.session.variables["w"].grad, first)


def test_changing_x_across_the_if_says_the_graph_changed(tab, qtbot):
    tab.load_preset("branch")
    ops = {node.op for node in tab.session.graph.nodes}
    assert "MulBackward0" in ops
    tab.set_value("x", "-2")
    assert "NegBackward0" in {node.op for node in tab.session.graph.nodes}
    assert "The graph changed" in tab.message_label.text() and "x > 0" in tab.message_label.text()
    press(tab, qtbot, tab.backward_button)
    assert tab.session.variables["x"].grad.item() == -1.0


@pytest.mark.parametrize("text", ["().__class__.__bases__", "9**9**9", "__import__('os')", "x[0]", "(x + "])
def test_refused_expressions_keep_the_graph_and_say_why(tab, qtbot, text):
    tab.load_preset("branch")
    graph = tab.session.graph
    tab.expression_edit.setPlainText(text)
    qtbot.waitUntil(lambda: "#e04040" in tab.message_label.styleSheet(), timeout=10_000)
    assert tab.message_label.text() and "Traceback" not in tab.message_label.text()
    assert tab.session.graph is graph


def test_bad_value_is_refused_and_the_old_one_kept(tab):
    tab.load_preset("branch")
    tab.set_value("x", "[1, 2")
    assert "#e04040" in tab.message_label.styleSheet()
    assert tab.session.variables["x"].item() == 2.0 and tab.table.item(0, 1).text() == "2"


def test_big_graph_starts_closed_and_a_click_opens_a_group(tab, qtbot):
    tab.load_preset("network")
    assert tab.closed_groups == {"h1", "h2", "out", "loss"}
    keys = set(tab.graph_view.items_by_key)
    assert "group:h1" in keys and len(keys) < 10
    tab.graph_view.items_by_key["group:h1"].clicked.emit("group:h1")
    assert "h1" not in tab.closed_groups
    assert "group:h1" not in tab.graph_view.items_by_key
    assert any(node.name == "h1" for node in tab.session.graph.nodes
               if tab.graph_view.keys_by_node[node.id] == node.id)
    press(tab, qtbot, tab.backward_button)  # gradients through closed groups too
    assert tab.session.variables["w11"].grad is not None


def test_show_the_graph_opens_the_regression_loss(shown_tab, qtbot):
    window = shown_tab(MainWindow(), 1180, 780)
    regression = window.regression_tab
    regression.set_points(*random_points("line", seed=2))
    regression.step_once()
    button = regression.findChild(type(window.autograd_tab.forward_button), "showGraphButton")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    tab = window.autograd_tab
    assert window.tabs.currentWidget() is tab
    inputs, targets, _ = regression.fit._data
    loss = torch.nn.functional.mse_loss(regression.fit.model(inputs), targets)
    assert tab.session.graph.evaluation.result.item() == pytest.approx(loss.item(), rel=1e-5)
    assert {node.op for node in tab.session.graph.nodes} >= {"MseLossBackward0", "AddmmBackward0", "AccumulateGrad"}
    assert tab.preset_box.currentData() == "regression-tab"


def test_a_press_before_the_first_graph_is_drawn_runs_on_the_preset(shown_tab, qtbot):
    tab = AutogradTab()  # its first graph comes the event-loop turn after it shows
    tab.animation_ms = 5
    tab.backward()
    assert tab.session.variables["w"].grad is not None
    shown_tab(tab, 1024, 700)
    qtbot.waitUntil(lambda: not tab.is_animating(), timeout=30_000)
    assert tab.session.variables["w"].grad is not None, "the deferred first load did not start over"
