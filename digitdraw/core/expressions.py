"""A small expression language over tensors, parsed with :mod:`ast` and evaluated by walking the tree.

An expression is user input, never code: the text is parsed (never ``eval``/``exec``/``compile``d),
every node of the tree is checked against a short list before anything runs, and the evaluator
below computes only what that list allows: arithmetic (``+ - * / ** @``), names, numbers, ``[...]``
literals, comparisons, ``a if c else b``, ``.mean()`` / ``.sum()`` and a few ``torch`` functions.
Lines of the form ``name = expression`` name a part of the computation (the graph shows the name,
and groups what it computed); the last line is the result.

Each operation the evaluator runs is recorded with the source text that asked for it, so the graph
autograd builds can be labelled with the user's own names (:mod:`digitdraw.core.autograd_graph`).
"""

from __future__ import annotations

import ast
import json
import math
import re
from dataclasses import dataclass, field
from typing import Callable, Mapping

import numpy as np
import torch
import torch.nn.functional as F

from .messages import UserMessage, translatable

MAX_TEXT_LENGTH = 4000  # characters of an expression
MAX_TREE_NODES = 600  # nodes of its syntax tree
MAX_ELEMENTS = 10_000  # numbers in any one tensor, given or computed
MAX_EXPONENT = 64  # largest power |p| in a ** p
MAX_VALUE_TEXT = 200_000  # characters of one value (a JSON list)

# name -> (function, smallest and largest number of arguments)
FUNCTIONS: dict[str, tuple[Callable, int, int]] = {
    "sigmoid": (torch.sigmoid, 1, 1),
    "tanh": (torch.tanh, 1, 1),
    "relu": (torch.relu, 1, 1),
    "exp": (torch.exp, 1, 1),
    "log": (torch.log, 1, 1),
    "sin": (torch.sin, 1, 1),
    "cos": (torch.cos, 1, 1),
    "sqrt": (torch.sqrt, 1, 1),
    "abs": (torch.abs, 1, 1),
    "matmul": (torch.matmul, 2, 2),
    "linear": (F.linear, 2, 3),  # what nn.Linear computes: x @ W.T + b
    "mse_loss": (F.mse_loss, 2, 2),  # what the Regression tab minimises
}
METHODS = {"mean": torch.mean, "sum": torch.sum}
MODULES = ("torch", "F")  # torch.tanh(x) and F.linear(...) read like PyTorch code

_BINARY = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.MatMult: "@"}
_COMPARE = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
_ALLOWED = (ast.Module, ast.Expr, ast.Assign, ast.Name, ast.Load, ast.Store, ast.Constant, ast.BinOp,
            ast.UnaryOp, ast.USub, ast.UAdd, ast.Compare, ast.IfExp, ast.Call, ast.Attribute, ast.List,
            *_BINARY, *_COMPARE)
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*\Z")


class ExpressionError(UserMessage, ValueError):
    """An expression or a value that is refused; the message says what, for the user."""


@dataclass(frozen=True)
class Statement:
    """One line: ``target = expression``, or the bare expression of the last line (target None)."""

    target: str | None
    expression: ast.expr


@dataclass(frozen=True)
class Program:
    """A checked expression, ready to evaluate as often as needed."""

    text: str  # one statement a line, as evaluated (the labels are cut from it)
    statements: tuple[Statement, ...]
    original: str = ""  # as typed

    def free_names(self) -> list[str]:
        """Names read before any line assigns them: the variables it needs, in order of first use."""
        assigned: set[str] = set()
        free: list[str] = []
        for statement in self.statements:
            names = sorted((node for node in ast.walk(statement.expression) if isinstance(node, ast.Name)),
                           key=lambda node: (node.lineno, node.col_offset))
            for node in names:
                if node.id not in assigned and node.id not in free:
                    if node.id not in FUNCTIONS and node.id not in MODULES:
                        free.append(node.id)
            if statement.target is not None:
                assigned.add(statement.target)
        return free

    @property
    def result_name(self) -> str | None:
        """The name the last line gives its result, if any."""
        return self.statements[-1].target


def _refuse(text: str, node: ast.AST) -> ExpressionError:
    fragment = ast.get_source_segment(text, node) or type(node).__name__
    fragment = " ".join(fragment.split())
    if len(fragment) > 40:
        fragment = fragment[:37] + "…"
    return ExpressionError(translatable("Not allowed in an expression: {what}"), what=fragment)


def parse(text: str) -> Program:
    """Check ``text`` and return its :class:`Program`, or raise :class:`ExpressionError`. Runs nothing."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(translatable("Type an expression, for example (w*x + b - y)**2."))
    if len(text) > MAX_TEXT_LENGTH:
        raise ExpressionError(translatable("The expression is too long: at most {limit} characters."),
                              limit=MAX_TEXT_LENGTH)
    original = text
    text = "\n".join(line.strip() for line in text.replace(";", "\n").splitlines())
    try:
        tree = ast.parse(text, mode="exec")
    except SyntaxError as error:
        line = f" (line {error.lineno})" if error.lineno and "\n" in text.strip() else ""
        raise ExpressionError(translatable("This is not a valid expression{where}: check brackets and operators."),
                              where=line) from None
    except (ValueError, RecursionError, MemoryError):  # null bytes, or nesting too deep for the parser
        raise ExpressionError(translatable("This is not a valid expression: check brackets and operators.")) from None
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_TREE_NODES:
        raise ExpressionError(translatable("The expression is too long: at most {limit} parts."), limit=MAX_TREE_NODES)
    for node in nodes:
        _check_node(text, node)
    statements = []
    for index, statement in enumerate(tree.body):
        last = index == len(tree.body) - 1
        if isinstance(statement, ast.Assign):
            if len(statement.targets) != 1 or not isinstance(statement.targets[0], ast.Name):
                raise _refuse(text, statement)
            statements.append(Statement(statement.targets[0].id, statement.value))
        elif isinstance(statement, ast.Expr) and last:
            statements.append(Statement(None, statement.value))
        else:
            raise ExpressionError(translatable("Only the last line may be a bare expression; name the others: a = …"))
    if not statements:
        raise ExpressionError(translatable("Type an expression, for example (w*x + b - y)**2."))
    return Program(text, tuple(statements), original)


def _check_node(text: str, node: ast.AST) -> None:
    """Refuse any construct outside the language, wherever it is (an untaken branch included)."""
    if not isinstance(node, _ALLOWED):
        raise _refuse(text, node)
    if isinstance(node, ast.Name) and not _NAME.match(node.id):
        raise _refuse(text, node)  # __import__, __builtins__, _private
    if isinstance(node, ast.Constant) and (isinstance(node.value, bool) or not isinstance(node.value, (int, float))):
        raise _refuse(text, node)  # strings, bytes, None, True, complex numbers, ...
    if isinstance(node, ast.Compare) and len(node.ops) != 1:
        raise _refuse(text, node)
    if isinstance(node, ast.Call):
        if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
            raise _refuse(text, node)
        _callee(text, node)
    if isinstance(node, ast.Attribute):
        # only as the callee of a call, checked there; never a value of its own
        if not isinstance(node.ctx, ast.Load) or node.attr.startswith("_"):
            raise _refuse(text, node)


def _callee(text: str, call: ast.Call) -> tuple[str, str]:
    """('function', name) or ('method', name) for an allowed call, else an :class:`ExpressionError`."""
    func = call.func
    if isinstance(func, ast.Name) and func.id in FUNCTIONS:
        return "function", func.id
    if isinstance(func, ast.Attribute):
        if isinstance(func.value, ast.Name) and func.value.id in MODULES and func.attr in FUNCTIONS:
            return "function", func.attr
        if func.attr in METHODS and not call.args and not (isinstance(func.value, ast.Name) and func.value.id in MODULES):
            return "method", func.attr
    raise _refuse(text, call.func)


@dataclass
class Operation:
    """A tensor the evaluator computed: the text that asked for it and the tensors it was made from."""

    tensor: torch.Tensor
    text: str
    group: str | None
    operands: list[tuple[torch.Tensor, str]]


@dataclass
class Evaluation:
    """What one evaluation computed, in the order it ran."""

    program: Program
    result: torch.Tensor
    variables: dict[str, torch.Tensor]
    operations: list[Operation] = field(default_factory=list)
    names: dict[str, torch.Tensor] = field(default_factory=dict)  # every name a line assigned
    branches: list[tuple[str, bool]] = field(default_factory=list)  # (condition text, taken?) per `if` run
    result_text: str = ""


def evaluate(program: Program, variables: Mapping[str, torch.Tensor]) -> Evaluation:
    """Run ``program`` on ``variables`` (used as they are: leaves keep their ``.grad`` across calls)."""
    evaluator = _Evaluator(program, dict(variables))
    return evaluator.run()


def _shape_text(value) -> str:
    shape = tuple(value.shape) if isinstance(value, torch.Tensor) else ()
    return "×".join(map(str, shape)) if shape else "1"


class _Evaluator:
    """Walks the checked tree; Python numbers stay numbers (so `x**2` is PowBackward0, as in code)."""

    def __init__(self, program: Program, variables: dict[str, torch.Tensor]):
        self.program = program
        self.text = program.text
        self.evaluation = Evaluation(program, torch.tensor(0.0), variables)
        self.group: str | None = None

    def run(self) -> Evaluation:
        value, text = None, ""
        for statement in self.program.statements:
            self.group = statement.target
            value, text = self.visit(statement.expression)
            if statement.target is not None:
                if not isinstance(value, torch.Tensor):
                    value = torch.tensor(float(value))
                self.evaluation.names[statement.target] = value
                text = statement.target
        if not isinstance(value, torch.Tensor):
            value = torch.tensor(float(value))
        if value.dtype == torch.bool:
            value = value.float()
        self.evaluation.result = value
        self.evaluation.result_text = text
        return self.evaluation

    def source(self, node: ast.AST) -> str:
        return " ".join((ast.get_source_segment(self.text, node) or "").split())

    def record(self, value, node: ast.AST, operands) -> None:
        if isinstance(value, torch.Tensor):
            tensors = [(tensor, text) for tensor, text in operands if isinstance(tensor, torch.Tensor)]
            self.evaluation.operations.append(Operation(value, self.source(node), self.group, tensors))

    def visit(self, node: ast.AST):
        """(value, text): a tensor or a Python float, and the text naming it in the graph."""
        method = {ast.Constant: self.visit_Constant, ast.Name: self.visit_Name, ast.UnaryOp: self.visit_UnaryOp,
                  ast.BinOp: self.visit_BinOp, ast.Compare: self.visit_Compare, ast.IfExp: self.visit_IfExp,
                  ast.List: self.visit_List, ast.Call: self.visit_Call}.get(type(node))
        if method is None:  # _check_node lets nothing else through
            raise _refuse(self.text, node)
        return method(node)

    def visit_Constant(self, node: ast.Constant):
        value = float(node.value) if not isinstance(node.value, int) or abs(node.value) < 2 ** 53 else math.inf
        if not math.isfinite(value):
            raise ExpressionError(translatable("The number {number} is too large."), number=self.source(node)[:20])
        return value, self.source(node)

    def visit_Name(self, node: ast.Name):
        names, variables = self.evaluation.names, self.evaluation.variables
        if node.id in names:
            return names[node.id], node.id
        if node.id in variables:
            return variables[node.id], node.id
        raise ExpressionError(translatable("{name} has no value: give it one."), name=node.id)

    def visit_UnaryOp(self, node: ast.UnaryOp):
        value, text = self.visit(node.operand)
        if isinstance(node.op, ast.UAdd):
            return value, text
        result = -value
        self.record(result, node, [(value, text)])
        return result, self.source(node)

    def visit_BinOp(self, node: ast.BinOp):
        left, left_text = self.visit(node.left)
        right, right_text = self.visit(node.right)
        symbol = _BINARY[type(node.op)]
        self._check_operands(node, symbol, left, right)
        try:
            if symbol == "@":
                result = torch.matmul(left, right)
            elif not isinstance(left, torch.Tensor) and not isinstance(right, torch.Tensor):
                result = _number_arithmetic(symbol, left, right)
            else:
                result = _TENSOR_ARITHMETIC[symbol](left, right)
        except ZeroDivisionError:
            raise ExpressionError(translatable("Division by zero in {text}."), text=self.source(node)) from None
        except OverflowError:
            raise ExpressionError(translatable("The number {text} is too large."), text=self.source(node)[:40]) from None
        except (RuntimeError, TypeError):
            raise self._shapes_error(node, left, right) from None
        if not isinstance(result, torch.Tensor) and not math.isfinite(result):
            raise ExpressionError(translatable("The number {text} is too large."), text=self.source(node)[:40])
        self.record(result, node, [(left, left_text), (right, right_text)])
        return result, self.source(node)

    def _check_operands(self, node: ast.BinOp, symbol: str, left, right) -> None:
        """Refuse huge powers and results over the size limit before computing anything."""
        if symbol == "**":
            exponent = right if isinstance(right, torch.Tensor) else torch.tensor(float(right))
            if exponent.numel() and (~torch.isfinite(exponent) | (exponent.abs() > MAX_EXPONENT)).any():
                raise ExpressionError(translatable("Powers above {limit} are not allowed: {text}"),
                                      limit=MAX_EXPONENT, text=self.source(node)[:40])
        if symbol == "@":
            if not (isinstance(left, torch.Tensor) and isinstance(right, torch.Tensor)) or left.dim() == 0 or right.dim() == 0:
                raise ExpressionError(translatable("@ multiplies vectors and matrices, not single numbers: {text}"),
                                      text=self.source(node)[:40])
            shape = self._result_shape(node, "@", left, right)
        else:
            try:
                shape = np.broadcast_shapes(*(_shape(value) for value in (left, right)))
            except ValueError:
                raise self._shapes_error(node, left, right) from None
        _check_size(shape, self.source(node))

    def _result_shape(self, node: ast.AST, name: str, *values) -> tuple[int, ...]:
        """The shape ``name`` would give, from the operands' shapes alone (nothing is computed)."""
        shapes = [_shape(value) for value in values]
        try:
            if name in ("matmul", "@"):
                return _matmul_shape(*shapes)
            if name == "linear":
                weight = shapes[1]
                if len(weight) != 2 or not shapes[0] or shapes[0][-1] != weight[1]:
                    raise ValueError
                if len(shapes) == 3:
                    np.broadcast_shapes(shapes[2], (weight[0],))
                return (*shapes[0][:-1], weight[0])
            if name == "mse_loss":
                return ()
            return shapes[0]
        except (ValueError, RuntimeError):
            raise self._shapes_error(node, *values) from None

    def _shapes_error(self, node: ast.AST, *values) -> ExpressionError:
        shapes = " and ".join(_shape_text(value) for value in values)
        return ExpressionError(translatable("The shapes {shapes} do not fit together in {text}."), shapes=shapes,
                               text=self.source(node)[:60])

    def visit_Compare(self, node: ast.Compare):
        left, left_text = self.visit(node.left)
        right, right_text = self.visit(node.comparators[0])
        try:
            _check_size(np.broadcast_shapes(_shape(left), _shape(right)), self.source(node))
            result = _COMPARISONS[type(node.ops[0])](left, right)
        except (ValueError, RuntimeError):
            raise self._shapes_error(node, left, right) from None
        return result, self.source(node)

    def visit_IfExp(self, node: ast.IfExp):
        condition, condition_text = self.visit(node.test)
        if isinstance(condition, torch.Tensor):
            if condition.numel() != 1:
                raise ExpressionError(translatable("The condition {text} must be a single number, not {shape} values."),
                                      text=condition_text[:40], shape=_shape_text(condition))
            condition = bool(condition.item())
        else:
            condition = bool(condition)
        self.evaluation.branches.append((condition_text, condition))
        return self.visit(node.body if condition else node.orelse)

    def visit_List(self, node: ast.List):
        if not node.elts:
            raise ExpressionError(translatable("An empty list [] has no values."))
        items = [self.visit(element)[0] for element in node.elts]
        shapes = {_shape(item) for item in items}
        if len(shapes) != 1:
            raise ExpressionError(translatable("The rows of {text} differ in length."), text=self.source(node)[:40])
        shape = (len(items), *shapes.pop())
        _check_size(shape, self.source(node))
        if len(shape) > 4:
            raise ExpressionError(translatable("Lists nest at most four deep: {text}"), text=self.source(node)[:40])
        if all(not isinstance(item, torch.Tensor) for item in items):
            return torch.tensor(items, dtype=torch.float32), self.source(node)
        tensors = [item if isinstance(item, torch.Tensor) else torch.tensor(float(item)) for item in items]
        if any(tensor.dtype == torch.bool for tensor in tensors):
            tensors = [tensor.float() for tensor in tensors]
        result = torch.stack(tensors)
        self.record(result, node, [(tensor, self.source(element)) for tensor, element in zip(tensors, node.elts)])
        return result, self.source(node)

    def visit_Call(self, node: ast.Call):
        kind, name = _callee(self.text, node)
        if kind == "method":
            value, text = self.visit(node.func.value)
            tensor = value if isinstance(value, torch.Tensor) else torch.tensor(float(value))
            if tensor.dtype == torch.bool:
                tensor = tensor.float()
            result = METHODS[name](tensor)
            self.record(result, node, [(tensor, text)])
            return result, self.source(node)
        function, smallest, largest = FUNCTIONS[name]
        if not smallest <= len(node.args) <= largest:
            expected = str(smallest) if smallest == largest else f"{smallest}–{largest}"
            raise ExpressionError(translatable("{name}() takes {expected} arguments, not {count}."), name=name,
                                  expected=expected, count=len(node.args))
        visited = [self.visit(argument) for argument in node.args]
        arguments = [value if isinstance(value, torch.Tensor) else torch.tensor(float(value)) for value, _ in visited]
        arguments = [value.float() if value.dtype == torch.bool else value for value in arguments]
        if name == "mse_loss" and arguments[0].shape != arguments[1].shape:
            raise self._shapes_error(node, *arguments)
        if name in ("matmul", "linear") and any(value.dim() == 0 for value in arguments[:2]):
            raise self._shapes_error(node, *arguments)
        _check_size(self._result_shape(node, name, *arguments), self.source(node))
        try:
            result = function(*arguments)
        except (RuntimeError, ValueError):
            raise self._shapes_error(node, *arguments) from None
        self.record(result, node, [(value, text) for value, (_, text) in zip(arguments, visited)])
        return result, self.source(node)


def _shape(value) -> tuple[int, ...]:
    return tuple(value.shape) if isinstance(value, torch.Tensor) else ()


def _matmul_shape(left: tuple[int, ...], right: tuple[int, ...]) -> tuple[int, ...]:
    """torch.matmul's result shape (ValueError when the inner sizes differ)."""
    if not left or not right:
        raise ValueError
    a = (1, *left) if len(left) == 1 else left
    b = (*right, 1) if len(right) == 1 else right
    if a[-1] != b[-2]:
        raise ValueError
    batch = tuple(np.broadcast_shapes(a[:-2], b[:-2]))
    shape = (*batch, a[-2], b[-1])
    if len(left) == 1:
        shape = shape[:-2] + shape[-1:]
    if len(right) == 1:
        shape = shape[:-1]
    return shape


def _check_size(shape, text: str) -> None:
    if math.prod(shape) > MAX_ELEMENTS:
        raise ExpressionError(translatable("{text} would hold {count} numbers; the limit is {limit}."),
                              text=text[:40], count=f"{math.prod(shape):,}", limit=f"{MAX_ELEMENTS:,}")


def _number_arithmetic(symbol: str, left: float, right: float) -> float:
    if symbol == "**" and left < 0 and not float(right).is_integer():
        return math.nan
    return {"+": lambda: left + right, "-": lambda: left - right, "*": lambda: left * right,
            "/": lambda: left / right, "**": lambda: left ** right}[symbol]()


_TENSOR_ARITHMETIC = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
    "/": lambda a, b: a / b,
    "**": lambda a, b: a ** b,
}
_COMPARISONS = {
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b, ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b, ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
}


def parse_value(text: str) -> torch.Tensor:
    """A number (``2.5``) or a JSON list (``[1, 2, 3]``, ``[[1, 2], [3, 4]]``) as a float32 tensor."""
    text = text.strip()
    if len(text) > MAX_VALUE_TEXT:
        raise ExpressionError(translatable("A value may hold at most {limit} numbers."), limit=f"{MAX_ELEMENTS:,}")
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        raise ExpressionError(translatable("{text} is not a number or a list of numbers such as [1, 2, 3]."),
                              text=text[:40]) from None
    return value_tensor(data, text)


def value_tensor(data, text: str = "") -> torch.Tensor:
    """``data`` (a number, or nested lists of numbers, rectangular) as a float32 tensor, checked."""
    def check(item, depth: int) -> tuple[int, ...]:
        if isinstance(item, bool) or not isinstance(item, (int, float, list)):
            raise ExpressionError(translatable("{text} is not a number or a list of numbers such as [1, 2, 3]."),
                                  text=(text or str(item))[:40])
        if not isinstance(item, list):
            if not math.isfinite(item) or abs(item) > 1e30:
                raise ExpressionError(translatable("Values must be finite numbers: {text}"), text=(text or str(item))[:40])
            return ()
        if depth >= 2:
            raise ExpressionError(translatable("A value is a number, a vector or a matrix: lists nest at most two deep."))
        if not item:
            raise ExpressionError(translatable("An empty list [] has no values."))
        if len(item) > MAX_ELEMENTS:
            raise ExpressionError(translatable("A value may hold at most {limit} numbers."), limit=f"{MAX_ELEMENTS:,}")
        shapes = {check(element, depth + 1) for element in item}
        if len(shapes) != 1:
            raise ExpressionError(translatable("The rows of {text} differ in length."), text=(text or str(item))[:40])
        shape = (len(item), *shapes.pop())
        if math.prod(shape) > MAX_ELEMENTS:
            raise ExpressionError(translatable("A value may hold at most {limit} numbers."), limit=f"{MAX_ELEMENTS:,}")
        return shape

    check(data, 0)
    return torch.tensor(data, dtype=torch.float32)


def format_value(value, digits: int = 4, items: int = 4) -> str:
    """A tensor or number, short: ``2.5``, ``[1, 2, 3]``, ``[[1, 2], …] (24×2)``."""
    if value is None:
        return "None"
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.dim() == 0:
            return _number(value.item(), digits)
        flat = value.reshape(value.shape[0], -1) if value.dim() > 1 else value
        rows = flat.tolist()

        def row_text(row) -> str:
            if isinstance(row, list):
                inner = ", ".join(_number(v, digits) for v in row[:items])
                return "[" + inner + (", …" if len(row) > items else "") + "]"
            return _number(row, digits)

        text = "[" + ", ".join(row_text(row) for row in rows[:items]) + (", …" if len(rows) > items else "") + "]"
        if value.numel() > items or value.dim() > 1 and len(rows) > items:
            text += f" ({_shape_text(value)})"
        return text
    return _number(float(value), digits)


def _number(value: float, digits: int) -> str:
    if isinstance(value, bool):
        return str(value)
    text = f"{value:.{digits}g}"
    return "0" if text == "-0" else text


def as_plain(value):
    """A tensor as a number or nested lists (for JSON); None stays None."""
    if value is None:
        return None
    if isinstance(value, torch.Tensor):
        value = value.detach()
        return value.item() if value.dim() == 0 else value.tolist()
    return float(value)
