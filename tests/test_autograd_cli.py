"""``digitdraw autograd``: values and gradients as torch gives them, the graph, and hostile input refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import networkx as nx
import pytest
import torch

from digitdraw.cli import main
from digitdraw.core import expressions


def _run_json(capsys, *argv) -> dict:
    assert main(["autograd", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_matches_torch_and_the_graph_connects_every_leaf(capsys):
    out = _run_json(capsys, "--expr", "((w*x + b - y)**2).mean()", "--set", "w=0.5", "--set", "b=-0.25",
                    "--set", "x=[1,2,3]", "--set", "y=[2.1,3.9,6.2]")
    assert set(out) == {"expr", "value", "grads", "nodes", "edges"}
    leaves = {name: torch.tensor(value, requires_grad=True) for name, value in
              dict(w=0.5, b=-0.25, x=[1.0, 2.0, 3.0], y=[2.1, 3.9, 6.2]).items()}
    loss = ((leaves["w"] * leaves["x"] + leaves["b"] - leaves["y"]) ** 2).mean()
    grads = dict(zip(leaves, torch.autograd.grad(loss, list(leaves.values()))))
    assert out["value"] == pytest.approx(loss.item(), rel=1e-5)
    for name, grad in grads.items():
        assert out["grads"][name] == pytest.approx(grad.tolist(), rel=1e-5)
    nodes = {node["id"]: node for node in out["nodes"]}
    for node in out["nodes"]:
        assert set(node) == {"id", "kind", "name", "op", "shape", "value", "grad"}
        assert node["kind"] in ("leaf", "op") and (node["op"] is None) == (node["kind"] == "leaf")
    ops = {node["op"] for node in out["nodes"]}
    assert {"MulBackward0", "AddBackward0", "SubBackward0", "PowBackward0", "MeanBackward0", "AccumulateGrad"} <= ops
    result = next(node["id"] for node in out["nodes"] if node["op"] == "MeanBackward0")
    graph = nx.DiGraph([tuple(edge) for edge in out["edges"]])
    for node in out["nodes"]:
        if node["kind"] == "leaf":
            assert node["name"] in leaves and nx.has_path(graph, node["id"], result)
            assert node["grad"] == pytest.approx(grads[node["name"]].tolist(), rel=1e-5)
    assert nodes[result]["value"] == pytest.approx(loss.item(), rel=1e-5)


def test_the_two_branches_of_an_if_give_two_graphs(capsys):
    positive = _run_json(capsys, "--expr", "x*x if x > 0 else -x", "--set", "x=2")
    negative = _run_json(capsys, "--expr", "x*x if x > 0 else -x", "--set", "x=-2")
    assert positive["grads"] == {"x": 4.0} and negative["grads"] == {"x": -1.0}
    assert "MulBackward0" in {n["op"] for n in positive["nodes"]}
    assert "NegBackward0" in {n["op"] for n in negative["nodes"]}
    assert "MulBackward0" not in {n["op"] for n in negative["nodes"]}


def test_regression_gives_three_graphs_for_three_models(tmp_path, capsys):
    points = tmp_path / "points.csv"
    points.write_text("x,y\n1,2\n2,3.9\n3,6.1\n4,8.2\n5,9.7\n")
    graphs = {}
    for kind in ("line", "polynomial", "network"):
        out = _run_json(capsys, "--regression", kind, "--points", str(points))
        assert out["nodes"][-1]["op"] == "MseLossBackward0" or any(n["op"] == "MseLossBackward0" for n in out["nodes"])
        graphs[kind] = sorted((n["kind"], n["op"], tuple(n["shape"] or ())) for n in out["nodes"])
        assert all(isinstance(value, (float, list)) for value in out["grads"].values())
    assert len({tuple(graph) for graph in graphs.values()}) == 3


def test_plain_text_shows_value_gradients_and_graph(capsys):
    assert main(["autograd", "--expr", "(w*x + b - t)**2", "--set", "w=2", "--set", "x=3", "--set", "b=1",
                 "--set", "t=10"]) == 0
    text = capsys.readouterr().out
    assert "value: 9" in text and "grad w: -18" in text and "grad t: 6" in text
    assert "\n  SubBackward0  w*x + b - t" in text


HOSTILE = [
    "().__class__.__bases__",
    "().__class__.__bases__[0].__subclasses__()",
    "__import__('os').system('touch pwned')",
    "open('pwned', 'w')",
    "9**9**9",
    "2**1000",
    "x ** 100",
    "lambda: 1",
    "[i for i in range(10**9)]",
    "x.__class__",
    "torch.zeros(100000, 100000)",
    "torch.ones(10**9)",
    "'a' * 10**9",
    "x[0]",
    "import os",
    "exec('1')",
    "eval('1')",
    "getattr(x, 'grad')",
    "x.grad_fn",
    "x.mean(dim=0)",
    "x.backward()",
    "f'{x}'",
    "(x := 1)",
    "x if x else",
    "((((((((((" * 300,
    "\x00",
    "[" * 2000 + "]" * 2000,
    "v @ v.T",
    "torch.cat([v, v])",
    "sum(v for v in [1])",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_or_malformed_expressions_are_refused_quickly_and_create_nothing(text, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    spawned = []
    for module, name in ((os, "system"), (os, "popen"), (os, "fork"), (subprocess, "Popen"), (os, "posix_spawn")):
        if hasattr(module, name):
            monkeypatch.setattr(module, name, lambda *a, _name=name, **k: spawned.append(_name))
    before = set(os.listdir(tmp_path))
    start = time.perf_counter()
    status = main(["autograd", "--expr", text, "--set", "x=2", "--set", "v=[1,2,3]"])
    elapsed = time.perf_counter() - start
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("digitdraw autograd: ") and "Traceback" not in error and error.count("\n") == 1
    assert elapsed < 2.0, elapsed
    assert set(os.listdir(tmp_path)) == before and not spawned


def test_huge_values_and_results_are_refused(capsys):
    assert main(["autograd", "--expr", "x.sum()", "--set", "x=" + json.dumps([0.5] * 20_000)]) == 2
    assert "10,000" in capsys.readouterr().err
    row, column = json.dumps([1.0] * 10_000), json.dumps([[1.0]] * 10_000)
    start = time.perf_counter()
    # a column times a row of allowed sizes would hold 10^8 numbers: refused before it is made
    assert main(["autograd", "--expr", "(a * b).sum()", "--set", f"a={column}", "--set", f"b={row}"]) == 2
    assert time.perf_counter() - start < 2.0
    assert "limit" in capsys.readouterr().err


def test_missing_values_and_bad_arguments_exit_2(tmp_path, capsys):
    assert main(["autograd", "--expr", "w*x", "--set", "w=1"]) == 2
    assert "x" in capsys.readouterr().err
    assert main(["autograd", "--expr", "w", "--set", "w"]) == 2
    assert main(["autograd", "--regression", "line"]) == 2
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2\nfoo,3\n")
    assert main(["autograd", "--regression", "line", "--points", str(bad)]) == 2
    assert "line 2" in capsys.readouterr().err


def test_the_evaluator_never_calls_eval_exec_or_compile():
    import ast

    tree = ast.parse(open(expressions.__file__, encoding="utf-8").read())
    called = {node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"}


def test_installed_command_exits_2_on_refused_input():
    done = subprocess.run([sys.executable, "-m", "digitdraw", "autograd", "--expr", "().__class__"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and "Not allowed" in done.stderr
