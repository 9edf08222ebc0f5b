"""The graph autograd records while an expression is evaluated, read back from ``grad_fn``.

After each evaluation the graph is walked from the result's ``grad_fn`` through ``next_functions``,
exactly as ``backward()`` will walk it: operations are the nodes PyTorch made (``MulBackward0``,
``AccumulateGrad``, ...), labelled with the text of the user's expression that made them, and
leaves are the user's variables. Tensors that need no gradient (data) are not in autograd's graph;
they are added as grey inputs of the operation that used them, so a learner sees where ``x`` went.

:class:`AutogradSession` holds variables across evaluations so that, as in PyTorch, ``.grad``
accumulates over backward passes until :meth:`AutogradSession.zero_grad`. Layout is networkx's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import torch

from .expressions import (Evaluation, ExpressionError, Program, as_plain, evaluate, format_value, parse,
                          value_tensor)
from .messages import translatable

DEFAULT_VALUE = 1.0  # a new name in an expression starts at this value
COLLAPSE_ABOVE = 30  # graphs with more nodes start with their groups closed


@dataclass
class GraphNode:
    """A box in the graph: a leaf tensor (a variable, or data) or an operation autograd recorded."""

    id: int
    kind: str  # "leaf" or "op"
    name: str  # the user's name or the text of the expression that made it ("" when none did)
    op: str | None  # grad_fn class name for an operation
    shape: tuple[int, ...] | None
    dtype: str | None
    value: torch.Tensor | None
    requires_grad: bool
    group: str | None = None  # the `name = ...` line that computed it
    grad: torch.Tensor | None = None  # ∂L/∂(this tensor): .grad for a leaf, this pass's for the others
    pass_grad: torch.Tensor | None = None  # this backward pass's share of a leaf's .grad
    function: object = field(default=None, repr=False)  # the grad_fn (None for a leaf)
    tensor: torch.Tensor | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """What the box is called: the user's name, else the operation's."""
        return self.name or self.op or ""


@dataclass
class Graph:
    """Nodes in evaluation order (ids 0, 1, ...) and edges from inputs towards the result."""

    nodes: list[GraphNode]
    edges: list[tuple[int, int]]
    result_id: int
    evaluation: Evaluation
    contributions: dict[tuple[int, int], torch.Tensor] = field(default_factory=dict)  # (from, to): ∂L/∂from via to
    local_factors: dict[tuple[int, int], torch.Tensor] = field(default_factory=dict)  # ∂to/∂from for scalars
    has_gradients: bool = False
    edge_slots: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # positions in next_functions

    def node(self, node_id: int) -> GraphNode:
        return self.nodes[node_id]

    def consumers(self, node_id: int) -> list[int]:
        return [target for source, target in self.edges if source == node_id]

    def inputs(self, node_id: int) -> list[int]:
        return [source for source, target in self.edges if target == node_id]

    def forward_order(self) -> list[int]:
        """Nodes as the evaluation produced them (inputs first)."""
        return [node.id for node in self.nodes]

    def backward_order(self) -> list[int]:
        """Nodes as gradients reach them: the result first, each node after every consumer."""
        return list(reversed(self.forward_order()))

    def signature(self) -> tuple:
        """The graph's shape (operations and connections, not values): equal for equal graphs."""
        return tuple((node.kind, node.op, node.name if node.kind == "leaf" else "", tuple(self.inputs(node.id)))
                     for node in self.nodes)

    def groups(self) -> list[str]:
        """Names of `name = ...` lines that made three or more nodes: these can be closed into one box."""
        counts: dict[str, int] = {}
        for node in self.nodes:
            if node.group is not None:
                counts[node.group] = counts.get(node.group, 0) + 1
        return [group for group, count in counts.items() if count >= 3]

    def to_json(self) -> dict:
        """The graph as the command line's ``--json`` gives it."""
        evaluation = self.evaluation
        grads = {name: as_plain(tensor.grad) for name, tensor in evaluation.variables.items() if tensor.requires_grad}
        return {
            "expr": evaluation.program.original or evaluation.program.text,
            "value": as_plain(evaluation.result),
            "grads": grads,
            "nodes": [{"id": node.id, "kind": node.kind, "name": node.name, "op": node.op,
                       "shape": None if node.shape is None else list(node.shape), "value": as_plain(node.value),
                       "grad": as_plain(node.grad)} for node in self.nodes],
            "edges": [[source, target] for source, target in self.edges],
        }

    def to_text(self) -> str:
        """The graph as indented text: the result first, each node's inputs indented below it."""
        lines: list[str] = []
        shown: set[int] = set()

        def describe(node: GraphNode) -> str:
            parts = [node.op or "leaf"]
            if node.name:
                parts.append(node.name)
            if node.value is not None:
                parts.append("= " + format_value(node.value))
            if node.grad is not None:
                parts.append("grad " + format_value(node.grad))
            elif node.kind == "leaf" and not node.requires_grad:
                parts.append("(no grad)")
            return "  ".join(parts)

        def walk(node_id: int, depth: int) -> None:
            node = self.nodes[node_id]
            again = node_id in shown and self.inputs(node_id)
            lines.append("  " * depth + describe(node) + ("  (see above)" if again else ""))
            if again:
                return
            shown.add(node_id)
            for source in self.inputs(node_id):
                walk(source, depth + 1)

        walk(self.result_id, 0)
        return "\n".join(lines)

    def layout(self, closed_groups=(), column_width: float = 1.0, row_height: float = 1.0):
        """Positions of the boxes to draw, in layers from the inputs (left) to the result (right).

        Returns ``(items, edges, positions)``: ``items`` maps a box key to the node ids it stands for
        (a node's own id, or ``"group:NAME"`` for a closed group), ``edges`` joins keys, ``positions``
        maps keys to (x, y). Each ``AccumulateGrad`` shares its leaf's box. Layers come from
        networkx's ``topological_generations`` counted back from the result, so an input sits just
        before the operation that uses it; ``multipartite_layout`` places the layers.
        """
        closed = set(closed_groups)
        key_of: dict[int, object] = {}
        for node in self.nodes:
            if node.group in closed:
                key_of[node.id] = "group:" + node.group
            elif node.op == "AccumulateGrad":
                leaves = self.inputs(node.id)
                key_of[node.id] = leaves[0] if leaves else node.id
            else:
                key_of[node.id] = node.id
        items: dict[object, list[int]] = {}
        for node in self.nodes:
            items.setdefault(key_of[node.id], []).append(node.id)
        graph = nx.DiGraph()
        graph.add_nodes_from(items)
        for source, target in self.edges:
            if key_of[source] != key_of[target]:
                graph.add_edge(key_of[source], key_of[target])
        generations = list(nx.topological_generations(graph.reverse(copy=True)))
        depth = len(generations) - 1
        layers = [[] for _ in generations]
        for generation, keys in enumerate(generations):
            layers[depth - generation] = keys
        # Order each layer by where its consumers sit (from the result backwards), then by evaluation order.
        rank: dict[object, float] = {}
        first_id = {key: min(ids) for key, ids in items.items()}
        for layer in reversed(layers):
            def place(key):
                followers = [rank[target] for target in graph.successors(key) if target in rank]
                return (sum(followers) / len(followers) if followers else 0.0, first_id[key])
            layer.sort(key=place)
            for index, key in enumerate(layer):
                rank[key] = index - (len(layer) - 1) / 2
        ordered = nx.DiGraph()
        for index, layer in enumerate(layers):
            for key in layer:
                ordered.add_node(key, layer=index)
        ordered.add_edges_from(graph.edges)
        raw = nx.multipartite_layout(ordered, subset_key="layer", align="vertical", scale=1.0)
        unit = _layout_unit(raw, layers)
        positions = {key: (float(x / unit * column_width), float(-y / unit * row_height)) for key, (x, y) in raw.items()}
        return items, list(graph.edges), positions


def _layout_unit(raw: dict, layers: list[list]) -> float:
    """The distance multipartite_layout put between neighbouring layers (or rows): one grid step."""
    if len(layers) > 1:
        return abs(raw[layers[1][0]][0] - raw[layers[0][0]][0]) or 1.0
    if len(layers[0]) > 1:
        return abs(raw[layers[0][1]][1] - raw[layers[0][0]][1]) or 1.0
    return 1.0


def build_graph(evaluation: Evaluation) -> Graph:
    """Read the graph autograd recorded for ``evaluation.result`` from ``grad_fn`` / ``next_functions``."""
    result = evaluation.result
    made_by: dict[object, int] = {}  # grad_fn -> index of the operation that made its tensor
    for index, operation in enumerate(evaluation.operations):
        if operation.tensor.grad_fn is not None:
            made_by[operation.tensor.grad_fn] = index
    named: dict[object, str] = {}  # grad_fn -> the name a line gave its tensor
    for name, tensor in evaluation.names.items():
        if isinstance(tensor, torch.Tensor) and tensor.grad_fn is not None:
            named[tensor.grad_fn] = name
    variable_names = {id(tensor): name for name, tensor in evaluation.variables.items()}

    graph = nx.DiGraph()  # keys: grad_fn objects, or ("leaf", id(tensor)) for leaves
    leaves: dict[object, torch.Tensor] = {}
    edge_slots: dict[tuple[object, object], list[int]] = {}  # (input key, fn) -> positions in next_functions
    if result.grad_fn is not None:
        graph.add_node(result.grad_fn)
        stack, seen = [result.grad_fn], {result.grad_fn}
        while stack:
            function = stack.pop()
            if type(function).__name__ == "AccumulateGrad":
                leaf_key = ("leaf", id(function.variable))
                leaves[leaf_key] = function.variable
                graph.add_edge(leaf_key, function)
                continue
            for slot, (child, _) in enumerate(function.next_functions):
                if child is None:
                    continue
                graph.add_edge(child, function)
                edge_slots.setdefault((child, function), []).append(slot)
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        # Data: tensors that need no gradient, shown as inputs of the operation that used them.
        for function in list(graph.nodes):
            index = made_by.get(function)
            if index is None:
                continue
            for tensor, text in evaluation.operations[index].operands:
                if not tensor.requires_grad:
                    key = ("leaf", id(tensor))
                    leaves[key] = tensor
                    graph.add_edge(key, function)
    else:
        key = ("leaf", id(result))
        leaves[key] = result
        graph.add_node(key)

    # Evaluation order: variables in order of use, then operations in the order they ran.
    uses = {name: position for position, name in enumerate(evaluation.program.free_names())}
    operation_of_tensor = {id(operation.tensor): index for index, operation in enumerate(evaluation.operations)}

    def order(key) -> tuple:
        if key in leaves:
            name = variable_names.get(key[1])
            if name is not None:
                return (0, uses.get(name, len(uses)), 0)
            return (1, operation_of_tensor.get(key[1], -1), 0)
        index = made_by.get(key)
        return (1, index if index is not None else -1, 1)

    # lexicographical_topological_sort breaks ties by the key; an operation without a record of its
    # own (the transpose inside linear) comes right before the one that consumed it.
    keys = list(nx.lexicographical_topological_sort(graph, key=lambda key: _order_key(graph, key, order)))
    ids = {key: position for position, key in enumerate(keys)}
    nodes: list[GraphNode] = []
    for key in keys:
        if key in leaves:
            tensor = leaves[key]
            name = variable_names.get(key[1])
            if name is None:
                index = operation_of_tensor.get(key[1])
                name = evaluation.operations[index].text if index is not None else evaluation.result_text
                for assigned, value in evaluation.names.items():
                    if value is tensor:
                        name = assigned
            nodes.append(GraphNode(ids[key], "leaf", name, None, tuple(tensor.shape), _dtype(tensor),
                                   tensor.detach().clone(), tensor.requires_grad, tensor=tensor))
            continue
        function = key
        index = made_by.get(function)
        operation = evaluation.operations[index] if index is not None else None
        tensor = operation.tensor if operation is not None else None
        if type(function).__name__ == "AccumulateGrad":
            tensor = function.variable
            name = variable_names.get(id(tensor), "")
        else:
            name = named.get(function) or (operation.text if operation is not None else "")
        nodes.append(GraphNode(ids[key], "op", name, type(function).__name__,
                               None if tensor is None else tuple(tensor.shape), None if tensor is None else _dtype(tensor),
                               None if tensor is None else tensor.detach().clone(), True,
                               group=operation.group if operation is not None else None,
                               function=function, tensor=tensor))
    edges = [(ids[source], ids[target]) for source, target in graph.edges]
    edges.sort()
    result_key = result.grad_fn if result.grad_fn is not None else ("leaf", id(result))
    slots = {(ids[source], ids[target]): positions for (source, target), positions in edge_slots.items()}
    built = Graph(nodes, edges, ids[result_key], evaluation, edge_slots=slots)
    _assign_groups(built)
    return built


def _order_key(graph: nx.DiGraph, key, order) -> str:
    """A sortable text for lexicographical_topological_sort: an unrecorded operation takes its consumer's place."""
    own = order(key)
    if own[1] == -1 and own[0] == 1:
        consumers = [order(target) for target in graph.successors(key)]
        recorded = [consumer for consumer in consumers if consumer[1] != -1]
        if recorded:
            own = (1, min(recorded)[1], 0)
    return "%d.%08d.%d" % (own[0], max(own[1], 0), own[2])


def _assign_groups(graph: Graph) -> None:
    """A node no line recorded (a leaf, AccumulateGrad, linear's transpose) joins its consumers' group
    when they all share one."""
    for node_id in graph.backward_order():
        node = graph.nodes[node_id]
        if node.group is not None or node_id == graph.result_id:
            continue
        groups = {graph.nodes[target].group for target in graph.consumers(node_id)}
        if len(groups) == 1:
            node.group = groups.pop()


def _dtype(tensor: torch.Tensor) -> str:
    return str(tensor.dtype).removeprefix("torch.")


def backpropagate(graph: Graph) -> dict[int, torch.Tensor]:
    """Each node's gradient ∂L/∂(its tensor) for this pass, computed the way autograd's engine does:
    each ``grad_fn`` is called on its output's gradient and hands one share to each input. The shares
    are kept per edge (``graph.contributions``) for the chain-rule products. AccumulateGrad is never
    called: only ``backward()`` writes ``.grad``."""
    result = graph.evaluation.result
    grads: dict[int, torch.Tensor] = {graph.result_id: torch.ones_like(result)}
    graph.contributions.clear()
    graph.local_factors.clear()
    slots = graph.edge_slots
    with torch.no_grad():
        for node_id in graph.backward_order():
            node = graph.nodes[node_id]
            gradient = grads.get(node_id)
            if gradient is None or node.kind != "op":
                continue
            if node.op == "AccumulateGrad":
                for leaf in graph.inputs(node_id):
                    graph.contributions[(leaf, node_id)] = gradient
                    grads[leaf] = grads[leaf] + gradient if leaf in grads else gradient
                continue
            try:
                shares = node.function(gradient)
                ones = node.function(torch.ones_like(gradient)) if gradient.numel() == 1 else None
            except RuntimeError:  # the graph was freed or changed: no shares to show
                continue
            shares = shares if isinstance(shares, tuple) else (shares,)
            ones = ones if isinstance(ones, tuple) or ones is None else (ones,)
            for source in graph.inputs(node_id):
                for slot in slots.get((source, node_id), []):
                    share = shares[slot] if slot < len(shares) else None
                    if share is None:
                        continue
                    # the engine sums a broadcast gradient back to its input's shape; so must we
                    shape = graph.nodes[source].shape
                    if shape is None and graph.nodes[source].op == "AccumulateGrad":
                        shape = tuple(graph.nodes[source].function.variable.shape)
                    share = _sum_to(share, shape)
                    key = (source, node_id)
                    graph.contributions[key] = graph.contributions[key] + share if key in graph.contributions else share
                    if ones is not None and slot < len(ones) and ones[slot] is not None and ones[slot].numel() == 1:
                        graph.local_factors[key] = ones[slot]
                    grads[source] = grads[source] + share if source in grads else share
    return grads


def _sum_to(gradient: torch.Tensor, shape) -> torch.Tensor:
    """``gradient`` summed over the dimensions broadcasting added to a tensor of ``shape``."""
    if shape is None or tuple(gradient.shape) == tuple(shape):
        return gradient
    extra = gradient.dim() - len(shape)
    if extra > 0:
        gradient = gradient.sum(dim=tuple(range(extra)))
    stretched = tuple(i for i, size in enumerate(shape) if size == 1 and gradient.shape[i] != 1)
    return gradient.sum(dim=stretched, keepdim=True) if stretched else gradient


def chain_rule(graph: Graph, node_id: int) -> list[str]:
    """The chain-rule product that gave node ``node_id`` its gradient, one line per step, e.g.
    ``∂L/∂w = ∂L/∂(w*x) · ∂(w*x)/∂w = -3.8 · 2 = -7.6``; empty before a backward pass."""
    node = graph.nodes[node_id]
    if not graph.has_gradients or node.grad is None and node.pass_grad is None:
        return []
    if node_id == graph.result_id:
        return [f"∂L/∂L = 1   (L = {_short(node.label)})"]
    target_ids = graph.consumers(node_id)
    if node.kind == "leaf" and len(target_ids) == 1 and graph.nodes[target_ids[0]].op == "AccumulateGrad":
        accumulate = target_ids[0]
        target_ids = graph.consumers(accumulate)
        share_of = {target: graph.contributions.get((accumulate, target)) for target in target_ids}
        local_of = {target: graph.local_factors.get((accumulate, target)) for target in target_ids}
    else:
        share_of = {target: graph.contributions.get((node_id, target)) for target in target_ids}
        local_of = {target: graph.local_factors.get((node_id, target)) for target in target_ids}
    this = f"∂L/∂{_wrap(node.label)}"
    symbolic, numeric = [], []
    for target in target_ids:
        share = share_of[target]
        if share is None:
            continue
        upstream = graph.nodes[target].grad
        symbolic.append(f"∂L/∂{_wrap(graph.nodes[target].label)} · ∂{_wrap(graph.nodes[target].label)}/∂{_wrap(node.label)}")
        local = local_of[target]
        if local is not None and upstream is not None and upstream.numel() == 1:
            numeric.append(f"{format_value(upstream)} · {format_value(local)}")
        else:
            numeric.append(format_value(share))
    if not symbolic:
        return []
    pass_grad = node.pass_grad if node.pass_grad is not None else node.grad
    total = format_value(pass_grad)
    products = " + ".join(numeric)
    lines = [f"{this} = " + " + ".join(symbolic), "   = " + (total if products == total else f"{products} = {total}")]
    if node.kind == "leaf" and node.grad is not None and node.pass_grad is not None \
            and not torch.allclose(node.grad, node.pass_grad):
        lines.append(f"{_short(node.label)}.grad = {format_value(node.grad - node.pass_grad)} + "
                     f"{format_value(node.pass_grad)} = {format_value(node.grad)}")
    return lines


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _wrap(label: str) -> str:
    label = _short(label)
    return label if label.replace("_", "").isalnum() else f"({label})"


@dataclass
class Variable:
    """A leaf of the computation: its tensor keeps ``.grad`` between backward passes."""

    tensor: torch.Tensor

    @property
    def requires_grad(self) -> bool:
        return self.tensor.requires_grad


class AutogradError(ExpressionError):
    """A training-step action that cannot run now (the message says why)."""


class AutogradSession:
    """An expression, its variables and the last graph: forward, backward, step and zero grad.

    The variables are the same leaf tensors from one evaluation to the next, so ``.grad`` adds up
    over backward passes until :meth:`zero_grad`, as in PyTorch.
    """

    def __init__(self, text: str = "", values: dict[str, object] | None = None,
                 requires_grad: dict[str, bool] | None = None):
        self.variables: dict[str, torch.Tensor] = {}
        self.program: Program | None = None
        self.graph: Graph | None = None
        self.previous_graph: Graph | None = None
        self.stale = True  # values changed since the graph was built
        for name, value in (values or {}).items():
            self.set_value(name, value, (requires_grad or {}).get(name, True))
        if text:
            self.set_expression(text)

    def set_expression(self, text: str) -> list[str]:
        """Parse ``text``; new names become variables worth :data:`DEFAULT_VALUE`. Returns the names added."""
        program = parse(text)
        added = []
        for name in program.free_names():
            if name not in self.variables:
                self.set_value(name, DEFAULT_VALUE)
                added.append(name)
        self.program = program
        self.stale = True
        return added

    def used_names(self) -> list[str]:
        return self.program.free_names() if self.program else []

    def set_value(self, name: str, value, requires_grad: bool | None = None) -> None:
        """Give ``name`` a value (a number, nested lists, a tensor or the text of one): a fresh leaf."""
        if isinstance(value, str):
            from .expressions import parse_value

            tensor = parse_value(value)
        elif isinstance(value, torch.Tensor):
            tensor = value.detach().to(torch.float32).clone()
            value_tensor(tensor.tolist())  # the same checks as typed values
        else:
            tensor = value_tensor(value)
        old = self.variables.get(name)
        if requires_grad is None:
            requires_grad = True if old is None else old.requires_grad
        self.variables[name] = tensor.requires_grad_(requires_grad)
        self.stale = True

    def set_requires_grad(self, name: str, requires_grad: bool) -> None:
        tensor = self.variables[name].detach().clone()
        self.variables[name] = tensor.requires_grad_(requires_grad)
        self.stale = True

    def forward(self) -> Graph:
        """Evaluate the expression on the variables and read the graph autograd built."""
        if self.program is None:
            raise AutogradError(translatable("Type an expression, for example (w*x + b - y)**2."))
        evaluation = evaluate(self.program, {name: self.variables[name] for name in self.used_names()})
        graph = build_graph(evaluation)
        if self.graph is not None:
            self.previous_graph = self.graph
        self.graph = graph
        self.stale = False
        self._show_grads(graph)
        return graph

    def graph_changed(self) -> bool:
        """Whether the last forward pass recorded a graph of another shape than the one before."""
        return (self.previous_graph is not None and self.graph is not None
                and self.previous_graph.evaluation.program.text == self.graph.evaluation.program.text
                and self.previous_graph.signature() != self.graph.signature())

    def backward(self) -> Graph:
        """``result.backward()`` (on a fresh forward pass if values changed): leaves' ``.grad`` add up."""
        if self.graph is None or self.stale:
            self.forward()
        graph = self.graph
        result = graph.evaluation.result
        if result.grad_fn is None:
            raise AutogradError(translatable("Nothing to differentiate: no variable the result depends on has requires_grad."))
        if result.numel() != 1:
            raise AutogradError(translatable("backward() needs a single number; end the expression with .sum() or .mean()."))
        grads = backpropagate(graph)
        result.backward(retain_graph=True)
        for node in graph.nodes:
            node.pass_grad = grads.get(node.id)
        graph.has_gradients = True
        self._show_grads(graph)
        return graph

    def _show_grads(self, graph: Graph) -> None:
        """Leaves (and their AccumulateGrad) show ``.grad`` as PyTorch holds it; others this pass's gradient."""
        for node in graph.nodes:
            if node.kind == "leaf" or node.op == "AccumulateGrad":
                tensor = node.tensor if node.kind == "leaf" else node.function.variable
                node.grad = None if tensor.grad is None else tensor.grad.detach().clone()
            else:
                node.grad = node.pass_grad if graph.has_gradients else None

    def step(self, lr: float) -> None:
        """``w ← w − lr · w.grad`` for every variable with a gradient (in place, as an optimizer does)."""
        if not math.isfinite(lr) or lr <= 0 or lr > 1e3:
            raise AutogradError(translatable("The learning rate must be a positive number."))
        stepped = False
        with torch.no_grad():
            for tensor in self.variables.values():
                if tensor.requires_grad and tensor.grad is not None:
                    tensor -= lr * tensor.grad
                    stepped = True
        if not stepped:
            raise AutogradError(translatable("No gradients yet: press Backward before Step."))
        self.stale = True

    def zero_grad(self) -> None:
        """Clear every ``.grad`` (to None, as ``optimizer.zero_grad()`` does)."""
        for tensor in self.variables.values():
            tensor.grad = None
        if self.graph is not None:
            self._show_grads(self.graph)


# --- presets --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preset:
    """An expression and its variables' starting values; ``data`` names take no gradient."""

    key: str
    text: str
    values: dict
    data: tuple[str, ...] = ()
    closed: bool = False  # start with its groups closed into one box each


PRESETS = {
    "regression": Preset("regression", "((w*x + b - y)**2).mean()",
                         {"w": 0.5, "b": 0.0, "x": [1.0, 2.0, 3.0, 4.0], "y": [2.1, 3.9, 6.2, 7.8]}, ("x", "y")),
    "neuron": Preset("neuron", "torch.sigmoid(w1*x1 + w2*x2 + b)",
                     {"w1": 0.5, "w2": -0.3, "b": 0.1, "x1": 1.0, "x2": 2.0}, ("x1", "x2")),
    "chain": Preset("chain", "u = w*x\nv = u + b\nloss = (v - t)**2",
                    {"w": 2.0, "x": 3.0, "b": 1.0, "t": 10.0}, ("x", "t")),
    "branch": Preset("branch", "x*x if x > 0 else -x", {"x": 2.0}),
    "network": Preset("network",
                      "h1 = tanh(w11*x1 + w12*x2 + b1)\nh2 = tanh(w21*x1 + w22*x2 + b2)\n"
                      "out = sigmoid(v1*h1 + v2*h2 + c)\nloss = (out - t)**2",
                      {"x1": 1.0, "x2": -2.0, "w11": 0.5, "w12": -0.4, "b1": 0.1, "w21": 0.3, "w22": 0.8, "b2": -0.2,
                       "v1": 1.2, "v2": -0.7, "c": 0.05, "t": 1.0}, ("x1", "x2", "t"), closed=True),
}


def regression_preset(fit) -> Preset:
    """The loss the Regression tab minimises for ``fit`` (a :class:`~digitdraw.core.regression.RegressionFit`),
    written as it computes it: its points rescaled the same way, its model's layers as ``linear``
    calls (what ``nn.Linear`` runs) with its current parameters, and ``mse_loss``."""
    from .regression import RegressionInputError

    scaling = fit.scaling
    if scaling is None:
        raise fit._input_error or RegressionInputError(translatable("Add at least two points before fitting."))
    x_in = f"(x - {scaling.x_center:.6g}) / {scaling.x_scale:.6g}"
    y_in = f"(y - {scaling.y_mean:.6g}) / {scaling.y_std:.6g}"
    values: dict[str, object] = {"x": [[float(v)] for v in fit.x], "y": [[float(v)] for v in fit.y]}
    state = {name: tensor.detach().tolist() for name, tensor in fit.model.named_parameters()}
    if fit.kind == "line":
        lines = [f"prediction = linear({x_in}, weight, bias)"]
        values.update(weight=state["weight"], bias=state["bias"])
    elif fit.kind == "polynomial":
        powers = ", ".join(f"{p:g}.0" for p in fit.model.powers.tolist())
        lines = [f"prediction = linear(({x_in}) ** [{powers}], weight, bias)"]
        values.update(weight=state["linear.weight"], bias=state["linear.bias"])
    else:
        activation = {"tanh": "tanh", "relu": "relu"}[fit.activation]
        lines = [f"hidden = {activation}(linear({x_in}, weight0, bias0))", "prediction = linear(hidden, weight2, bias2)"]
        values.update(weight0=state["0.weight"], bias0=state["0.bias"], weight2=state["2.weight"], bias2=state["2.bias"])
    lines.append(f"loss = mse_loss(prediction, {y_in})")
    return Preset("regression-tab", "\n".join(lines), values, ("x", "y"), closed=fit.kind == "network")


def session_for(preset: Preset) -> AutogradSession:
    """A session on ``preset``: its data without gradients, everything else with."""
    session = AutogradSession()
    for name, value in preset.values.items():
        session.set_value(name, value, name not in preset.data)
    session.set_expression(preset.text)
    return session
