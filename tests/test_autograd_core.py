"""The expression language, the graph read from grad_fn, and the training-step session."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch
import torch.nn.functional as F

from digitdraw.core.autograd_graph import (PRESETS, AutogradError, AutogradSession, build_graph, chain_rule,
                                           regression_preset, session_for)
from digitdraw.core.expressions import ExpressionError, evaluate, format_value, parse, parse_value
from digitdraw.core.regression import MODEL_KINDS, RegressionFit, random_points


def _leaves(**values):
    return {name: torch.tensor(value, dtype=torch.float32, requires_grad=True) for name, value in values.items()}


@pytest.mark.parametrize("text, values, reference", [
    ("(w*x + b - t)**2", dict(w=2.0, x=3.0, b=1.0, t=10.0), lambda v: (v["w"] * v["x"] + v["b"] - v["t"]) ** 2),
    ("torch.sigmoid(w1*x1 + w2*x2 + b)", dict(w1=0.5, w2=-0.3, b=0.1, x1=1.0, x2=2.0),
     lambda v: torch.sigmoid(v["w1"] * v["x1"] + v["w2"] * v["x2"] + v["b"])),
    ("((w*x + b - y)**2).mean()", dict(w=0.5, b=0.2, x=[1.0, 2.0, 3.0], y=[2.0, 4.5, 6.0]),
     lambda v: ((v["w"] * v["x"] + v["b"] - v["y"]) ** 2).mean()),
    ("u = exp(a) / sqrt(abs(c)) + log(d); (u * sin(a) - cos(c) + relu(-d) + tanh(a)).sum()",
     dict(a=0.3, c=-2.0, d=1.5),
     lambda v: ((torch.exp(v["a"]) / torch.sqrt(torch.abs(v["c"])) + torch.log(v["d"])) * torch.sin(v["a"])
                - torch.cos(v["c"]) + torch.relu(-v["d"]) + torch.tanh(v["a"])).sum()),
    ("(A @ v).sum() + matmul(v, v)", dict(A=[[1.0, 2.0], [3.0, 4.0]], v=[0.5, -1.0]),
     lambda v: (v["A"] @ v["v"]).sum() + torch.matmul(v["v"], v["v"])),
    ("mse_loss(linear(X, W, c), Y)", dict(X=[[1.0], [2.0], [3.0]], W=[[0.7]], c=[0.1], Y=[[1.0], [2.5], [2.9]]),
     lambda v: F.mse_loss(F.linear(v["X"], v["W"], v["c"]), v["Y"])),
])
def test_values_and_gradients_equal_torch_on_the_same_expression(text, values, reference):
    mine, theirs = _leaves(**values), _leaves(**values)
    session = AutogradSession()
    for name, tensor in mine.items():
        session.set_value(name, tensor)
    session.set_expression(text)
    graph = session.backward()
    expected = reference(theirs)
    grads = torch.autograd.grad(expected, list(theirs.values()))
    torch.testing.assert_close(graph.evaluation.result, expected.detach(), rtol=1e-5, atol=1e-7)
    for (name, _), grad in zip(theirs.items(), grads):
        torch.testing.assert_close(session.variables[name].grad, grad, rtol=1e-5, atol=1e-7)
    # The engine-like pass that feeds the chain-rule products agrees with autograd for every leaf.
    for node in graph.nodes:
        if node.kind == "leaf" and node.requires_grad:
            torch.testing.assert_close(node.pass_grad, session.variables[node.name].grad, rtol=1e-5, atol=1e-7)


def test_graph_is_read_from_grad_fn_with_the_users_names():
    session = session_for(PRESETS["chain"])
    graph = session.backward()
    ops = {node.name: node.op for node in graph.nodes if node.kind == "op" and node.op != "AccumulateGrad"}
    assert ops == {"u": "MulBackward0", "v": "AddBackward0", "v - t": "SubBackward0", "loss": "PowBackward0"}
    assert graph.nodes[graph.result_id].function is graph.evaluation.result.grad_fn
    # every edge is one autograd recorded: op -> op edges are next_functions links
    for source, target in graph.edges:
        s, t = graph.nodes[source], graph.nodes[target]
        if s.kind == "op":
            assert any(child is s.function for child, _ in t.function.next_functions)
    leaves = {node.name for node in graph.nodes if node.kind == "leaf"}
    assert leaves == {"w", "x", "b", "t"}  # x and t are data, shown as grey inputs
    dag = nx.DiGraph(graph.edges)
    for node in graph.nodes:
        if node.kind == "leaf":
            assert nx.has_path(dag, node.id, graph.result_id)
    # the product that made w's gradient: ∂L/∂w = ∂L/∂u · x
    lines = chain_rule(graph, next(node.id for node in graph.nodes if node.name == "w" and node.kind == "leaf"))
    u_grad = graph.nodes[next(n.id for n in graph.nodes if n.name == "u")].grad.item()
    assert lines[0] == "∂L/∂w = ∂L/∂u · ∂u/∂w"
    assert lines[1] == f"   = {format_value(u_grad)} · 3 = {format_value(u_grad * 3)}"


def test_backward_accumulates_until_zero_grad_and_step_moves_against_the_gradient():
    session = session_for(PRESETS["regression"])
    session.backward()
    first = session.variables["w"].grad.clone()
    session.backward()  # no zero_grad: the classic bug, .grad doubles
    torch.testing.assert_close(session.variables["w"].grad, 2 * first)
    lines = chain_rule(session.graph, next(n.id for n in session.graph.nodes if n.name == "w" and n.kind == "leaf"))
    assert lines[-1].startswith("w.grad = ")
    session.zero_grad()
    assert session.variables["w"].grad is None
    w = session.variables["w"].item()
    session.backward()
    session.step(0.01)
    assert session.variables["w"].item() == pytest.approx(w - 0.01 * first.item())
    session.zero_grad()
    with pytest.raises(AutogradError):
        session.step(0.01)


def test_an_if_records_a_different_graph_for_each_branch():
    session = session_for(PRESETS["branch"])
    positive = session.forward()
    assert not session.graph_changed()
    session.set_value("x", -2.0)
    negative = session.forward()
    assert session.graph_changed()
    assert positive.signature() != negative.signature()
    assert {n.op for n in positive.nodes} >= {"MulBackward0"} and "NegBackward0" in {n.op for n in negative.nodes}
    assert negative.evaluation.branches == [("x > 0", False)]


def test_the_regression_tabs_three_models_give_their_real_loss_and_three_graphs():
    x, y = random_points("curve", seed=3)
    signatures = set()
    for kind in MODEL_KINDS:
        fit = RegressionFit(kind, seed=0)
        fit.set_points(x, y)
        graph = session_for(regression_preset(fit)).backward()
        inputs, targets, _ = fit._data
        loss = F.mse_loss(fit.model(inputs), targets)
        grads = torch.autograd.grad(loss, list(fit.model.parameters()))
        torch.testing.assert_close(graph.evaluation.result, loss.detach(), rtol=1e-5, atol=1e-6)
        mine = [t.grad for name, t in graph.evaluation.variables.items() if t.requires_grad]
        for a, b in zip(mine, grads):
            torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
        ops = sorted(n.op for n in graph.nodes if n.kind == "op")
        real = []
        stack = [loss.grad_fn]
        while stack:
            fn = stack.pop()
            real.append(type(fn).__name__)
            stack.extend(child for child, _ in fn.next_functions if child is not None)
        assert ops == sorted(real)  # the same operations the tab's own model records
        signatures.add(graph.signature())
    assert len(signatures) == 3


def test_layout_puts_inputs_left_of_the_result_and_closes_groups():
    session = session_for(PRESETS["network"])
    graph = session.forward()
    assert len(graph.nodes) > 30 and set(graph.groups()) == {"h1", "h2", "out", "loss"}
    items, edges, positions = graph.layout(column_width=200, row_height=90)
    result_key = next(key for key, ids in items.items() if graph.result_id in ids)
    for source, target in edges:
        assert positions[source][0] < positions[target][0]
    assert positions[result_key][0] == max(x for x, _ in positions.values())
    closed_items, closed_edges, _ = graph.layout(closed_groups=graph.groups())
    assert len(closed_items) < 10 and ("group:h1", "group:out") in closed_edges


@pytest.mark.parametrize("text", ["[1, 2", "[[1, 2], [3]]", "nan", "[1, true]", "\"x\"", "[" * 5000 + "]" * 5000,
                                  "[[[1]]]", "1e999"])
def test_bad_values_are_refused(text):
    with pytest.raises(ExpressionError):
        parse_value(text)


def test_values_parse_numbers_and_lists():
    assert parse_value("2.5").item() == 2.5
    assert parse_value("[[1, 2], [3, 4]]").shape == (2, 2)


def test_free_names_are_the_variables_to_fill():
    program = parse("h = w*x + b\nloss = (h - t)**2")
    assert program.free_names() == ["w", "x", "b", "t"]
    assert evaluate(program, _leaves(w=1.0, x=2.0, b=0.0, t=1.0)).result.item() == 1.0
