"""PyTorch scripts that do what a tab (or a ``digitdraw`` command) does with given settings.

Each script is rendered from a Jinja2 template in ``templates/``, imports only torch, torchvision,
numpy and PIL (never digitdraw), reads top to bottom like PyTorch's examples/mnist/main.py, and
ends by printing the JSON line of the command it mirrors. Its comments are in English or Chinese.
The scripts are checked to give the same numbers as digitdraw (tests/test_codegen.py): the same
fitted parameters, the same training losses step for step, the same probabilities.
"""

from __future__ import annotations

import functools
import shlex
from dataclasses import dataclass

from typing import TYPE_CHECKING

from .normalisation import MNIST_MEAN, MNIST_STD
from .messages import UserMessage, translatable

if TYPE_CHECKING:
    from .train_settings import TrainConfig

LANGUAGES = ("en", "zh_CN")
ARCHITECTURES = ("classic", "digitnet", "digitnet2")  # the networks the templates can write out
# The file a script loads when the model was trained in this session and not saved yet.
UNSAVED_MODEL = "digitdraw-model.pt"


class CodeError(UserMessage, ValueError):
    """Settings the code cannot be written for; the message is meant for the user."""


@dataclass(frozen=True)
class FitSettings:
    """The Regression tab's fit, as ``digitdraw fit`` takes it."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    kind: str = "line"
    degree: int = 3
    hidden: int = 16
    activation: str = "tanh"
    optimizer: str = "sgd"
    lr: float = 0.1
    steps: int = 1000
    seed: int = 0


def language_of(locale_name: str | None) -> str:
    """``zh_CN`` for any Chinese locale name (``zh``, ``zh_CN.UTF-8``), else ``en``."""
    return "zh_CN" if (locale_name or "").lower().startswith("zh") else "en"


@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("digitdraw.core", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    environment.filters["py"] = _python_string  # a path or an expression as a Python string literal
    return environment


def _python_string(text: str) -> str:
    """``text`` as a double-quoted Python string literal (JSON's escapes are Python's too)."""
    import json

    return json.dumps(str(text), ensure_ascii=False)


def _render(template: str, language: str, **values) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")

    def say(english: str, chinese: str) -> str:
        return chinese if language == "zh_CN" else english

    return _environment().get_template(template).render(say=say, **values)


def _command(*words) -> str:
    """A command line, quoted for a POSIX shell; None and False words (and the option before them) are left out."""
    parts: list[str] = []
    for word in words:
        if isinstance(word, tuple):
            option, value = word
            if value is None or value is False:
                continue
            parts += [option] if value is True else [option, str(value)]
        else:
            parts.append(str(word))
    return shlex.join(parts)


def _check_arch(arch: str) -> None:
    if arch not in ARCHITECTURES:
        raise CodeError(translatable("No code is written for the {arch!r} network (only for {known})."),
                        arch=arch, known=", ".join(ARCHITECTURES))


def check_model(checkpoint) -> None:
    """Raise :class:`CodeError` for a checkpoint the scripts cannot load: an int8 model, an unknown network."""
    if checkpoint.quantized:
        raise CodeError(translatable("No code is written for an int8 model: load the model it was made from."))
    _check_arch(checkpoint.arch)


def _float_list(values) -> str:
    """A list literal of floats, four a line, that reads back exactly."""
    numbers = [repr(float(v)) for v in values]
    if len(numbers) <= 4:
        return "[" + ", ".join(numbers) + "]"
    rows = [", ".join(numbers[i : i + 4]) for i in range(0, len(numbers), 4)]
    return "[\n    " + ",\n    ".join(rows) + ",\n]"


# --- the four scripts ---------------------------------------------------------------------------


def fit_script(settings: FitSettings, language: str = "en") -> str:
    """The Regression tab's gradient descent on these points, as ``digitdraw fit`` runs it."""
    from .regression import CONVERGED_GRADIENT, DIVERGENCE_LOSS, MODEL_KINDS, OPTIMIZERS, build_model, check_points

    check_points(settings.x, settings.y)
    build_model(settings.kind, settings.degree, settings.hidden, settings.activation)  # a degree out of range
    if settings.kind not in MODEL_KINDS:
        raise ValueError(f"unknown model kind {settings.kind!r} (known: {', '.join(MODEL_KINDS)})")
    if settings.optimizer not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {settings.optimizer!r} (known: {', '.join(OPTIMIZERS)})")
    names = {
        "line": ("a straight line y = w x + b", "直线 y = w x + b"),
        "polynomial": (f"a polynomial of degree {settings.degree}", f"{settings.degree} 次多项式"),
        "network": (f"a small network ({settings.hidden} {settings.activation} units)",
                    f"小型神经网络（{settings.hidden} 个 {settings.activation} 单元）"),
    }[settings.kind]
    command = _command(
        "digitdraw", "fit", ("--points", "POINTS.csv"), ("--model", settings.kind),
        ("--degree", settings.degree if settings.kind == "polynomial" else None),
        ("--activation", settings.activation if settings.kind == "network" else None),
        ("--optimizer", settings.optimizer), ("--lr", settings.lr), ("--steps", settings.steps), ("--seed", settings.seed),
    )
    return _render(
        "fit.py.j2", language,
        model_name=names[language == "zh_CN"], count=len(settings.x), command=command,
        xs=_float_list(settings.x), ys=_float_list(settings.y), kind=settings.kind, degree=settings.degree,
        hidden=settings.hidden, activation_class={"tanh": "Tanh", "relu": "ReLU"}[settings.activation],
        optimizer=settings.optimizer, lr=float(settings.lr), steps=int(settings.steps), seed=int(settings.seed),
        divergence_loss=DIVERGENCE_LOSS, converged_gradient=CONVERGED_GRADIENT,
    )


def train_script(config: TrainConfig, data_dir: str = "data", out: str = "digitdraw-model.pt",
                 language: str = "en") -> str:
    """The Train tab's run with ``config``, as ``digitdraw train`` makes it."""
    from .augment import Augmentation
    from .training import NEAR_TARGET, PRECISE_STATISTICS_IMAGES, TARGET_AVERAGE_DECAY

    config.validate()
    _check_arch(config.arch)
    command = _command(
        "digitdraw", "train", ("--arch", config.arch), ("--epochs", config.epochs), ("--batch-size", config.batch_size),
        ("--lr", config.lr), ("--optimizer", config.optimizer), ("--schedule", config.schedule),
        ("--no-augment", not config.augment), ("--train-images", config.train_images),
        ("--target-accuracy", config.target_accuracy), ("--seed", config.seed),
    )
    return _render(
        "train.py.j2", language,
        command=command, arch=config.arch, mean=MNIST_MEAN, std=MNIST_STD, augment=config.augment,
        aug=Augmentation(), label_smoothing=config.label_smoothing, schedule=config.schedule,
        optimizer=config.optimizer, batch_size=config.batch_size, epochs=config.epochs, lr=float(config.lr),
        target=config.target_accuracy, near_target=NEAR_TARGET, statistics_images=PRECISE_STATISTICS_IMAGES,
        average_decay=TARGET_AVERAGE_DECAY, seed=config.seed, train_images=config.train_images, device=_plain_device(config.device), data_dir=str(data_dir),
        out=str(out),
    )


def classify_script(arch: str, model_path: str, device: str = "cpu", language: str = "en") -> str:
    """Read pictures of digits with the ``arch`` network in ``model_path``, as ``digitdraw classify --json`` does."""
    from . import preprocess

    _check_arch(arch)
    command = _command("digitdraw", "classify", "--json", ("--model", model_path), "IMAGE")
    return _render(
        "classify.py.j2", language,
        command=command, arch=arch, model_path=str(model_path), device=_plain_device(device),
        widths=preprocess.MNIST_WIDTHS, median_width=preprocess.MNIST_MEDIAN_WIDTH,
        min_extent=preprocess.MIN_EXTENT_FRACTION, work_box=preprocess._WORK_BOX,
    )


def compress_script(arch: str, model_path: str, method: str, amount: float = 0.5, structure: str = "unstructured",
                    out: str | None = None, data_dir: str = "data", language: str = "en") -> str:
    """Prune or quantize the ``arch`` network in ``model_path`` and measure it, as ``digitdraw compress`` does."""
    from pathlib import PurePath

    from .compression import MAX_SPARSITY, METHODS, PRUNE_STRUCTURES

    _check_arch(arch)
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r} (choose from {', '.join(METHODS)})")
    if structure not in PRUNE_STRUCTURES:
        raise ValueError(f"unknown pruning {structure!r} (choose from {', '.join(PRUNE_STRUCTURES)})")
    if not 0 <= amount <= MAX_SPARSITY:
        raise CodeError(translatable("The amount to prune is a fraction from 0 to {most}."), most=MAX_SPARSITY)
    pruning = method == "prune"
    out = out or f"{PurePath(model_path).stem}-{method}.pt"
    command = _command(
        "digitdraw", "compress", ("--model", model_path), ("--method", method), ("--amount", amount if pruning else None),
        ("--structure", structure if pruning else None),
    )
    return _render(
        "compress.py.j2", language,
        command=command, arch=arch, model_path=str(model_path), method=method, amount=float(amount),
        structure=structure, data_dir=str(data_dir), out=str(out),
    )


def autograd_script(expression: str, values: dict, requires_grad: dict[str, bool], language: str = "en") -> str:
    """Forward and backward through ``expression`` (the Autograd tab's language) with these values,
    as ``digitdraw autograd --expr ... --set NAME=VALUE ... --json`` does; ``values`` maps each
    name the expression reads to a number or nested lists of numbers."""
    import ast

    from .expressions import parse

    program = parse(expression)
    names = program.free_names()
    missing = [name for name in names if name not in values]
    if missing:
        raise CodeError(translatable("No value for {names}."), names=", ".join(missing))
    lines, result = [], "result"
    for index, statement in enumerate(program.statements):
        code = ast.unparse(_AsTorch().visit(statement.expression))
        target = statement.target or "result"
        if index == len(program.statements) - 1:
            result = target
        lines.append(f"{target} = {code}")
    variables = [(name, _float32_literal(values[name]), bool(requires_grad.get(name, True))) for name in names]
    command = _command("digitdraw", "autograd", ("--expr", expression),
                       *[("--set", f"{name}={_json_literal(values[name])}") for name in names], "--json")
    return _render("autograd.py.j2", language, command=command, variables=variables, lines=lines, result=result,
                   expr=program.original or program.text)


def autograd_session_script(session, language: str = "en") -> str:
    """The script for an :class:`~digitdraw.core.autograd_graph.AutogradSession`: its expression and the
    values (and requires_grad) of the variables it reads."""
    from .expressions import as_plain

    if session.program is None:
        raise CodeError(translatable("Type an expression, for example (w*x + b - y)**2."))
    names = session.used_names()
    values = {name: as_plain(session.variables[name]) for name in names}
    requires_grad = {name: session.variables[name].requires_grad for name in names}
    return autograd_script(session.program.original or session.program.text, values, requires_grad, language)


class _AsTorch:
    """The expression language's syntax tree as plain PyTorch: ``sigmoid(z)`` becomes ``torch.sigmoid(z)``,
    ``linear(...)`` ``F.linear(...)``, a list of numbers ``torch.tensor([...])``, a list of tensors ``torch.stack([...])``."""

    def visit(self, node):
        import ast

        from .expressions import FUNCTIONS

        class Rewrite(ast.NodeTransformer):
            def visit_Call(self, call):
                self.generic_visit(call)
                if isinstance(call.func, ast.Name) and call.func.id in FUNCTIONS:
                    module = "F" if call.func.id in ("linear", "mse_loss") else "torch"
                    call.func = ast.Attribute(ast.Name(module, ast.Load()), call.func.id, ast.Load())
                return call

            def visit_List(self, items):
                self.generic_visit(items)
                if all(_numbers_only(element) for element in items.elts):
                    return _torch_call("tensor", _as_floats(items))
                elements = [_torch_call("tensor", _as_floats(e)) if _numbers_only(e) else e for e in items.elts]
                return _torch_call("stack", ast.List(elements, ast.Load()))

        import copy

        return ast.fix_missing_locations(Rewrite().visit(copy.deepcopy(node)))


def _numbers_only(node) -> bool:
    """A part of an expression made of numbers alone (no name, no call)."""
    import ast

    return not any(isinstance(n, (ast.Name, ast.Call)) for n in ast.walk(node))


def _as_floats(node):
    """Whole numbers written as floats, so that ``torch.tensor`` makes float32 as the expression language does."""
    import ast

    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, int):
            n.value = float(n.value)
    return node


def _torch_call(function: str, argument):
    import ast

    return ast.Call(ast.Attribute(ast.Name("torch", ast.Load()), function, ast.Load()), [argument], [])


def _float32_literal(value) -> str:
    """A number or nested lists as the shortest text that reads back as the same float32 numbers."""
    import numpy as np

    if isinstance(value, list):
        return "[" + ", ".join(_float32_literal(item) for item in value) + "]"
    return repr(float(str(np.float32(value))))


def _json_literal(value) -> str:
    """A value as ``--set`` takes it."""
    return _float32_literal(value).replace(" ", "")


def _plain_device(device: str) -> str:
    """``cuda:0`` stays ``cuda:0``; the script passes it to ``torch.device``."""
    return device or "cpu"
