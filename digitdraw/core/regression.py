"""Fitting curves to a handful of points by gradient descent, one visible step at a time.

The straight line y = wx + b, a polynomial and a small one-hidden-layer network are trained on the
mean squared error with autograd and an optimizer, exactly like a big network. Inputs are rescaled
internally so one learning rate works for any units; slopes, intercepts and losses are reported in
the user's units.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from .messages import UserMessage, translatable
from .optimizers import SGD, AdamW

MODEL_KINDS = ("line", "polynomial", "network")
ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}
# digitdraw's own (torch.optim's would import torch._dynamo, seconds, at the first fit): plain
# gradient descent, and Adam (AdamW without weight decay)
OPTIMIZERS = {"sgd": SGD, "adam": functools.partial(AdamW, weight_decay=0.0)}
MAX_COORDINATE = 1e6
DIVERGENCE_LOSS = 1e4  # in rescaled units, where predicting the mean scores 1
CONVERGED_GRADIENT = 1e-5


class RegressionInputError(UserMessage, ValueError):
    """Points or settings that cannot be fitted; the message is meant for the user."""


class FitDiverged(RegressionInputError):
    """The loss blew up because the learning rate is too large."""


def _as_points(x, y) -> tuple[np.ndarray, np.ndarray]:
    """Validated float64 copies of the coordinates, or a `RegressionInputError`."""
    x = np.asarray(x, dtype=np.float64).ravel()
    y = np.asarray(y, dtype=np.float64).ravel()
    if x.shape != y.shape:
        message = translatable("x and y need the same number of values ({x} vs {y}).")
        raise RegressionInputError(message, x=x.size, y=y.size)
    if x.size < 2:
        raise RegressionInputError(translatable("Add at least two points before fitting."))
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise RegressionInputError(translatable("Every coordinate must be a finite number (no NaN or infinity)."))
    if max(np.abs(x).max(), np.abs(y).max()) > MAX_COORDINATE:
        raise RegressionInputError(translatable("Coordinates beyond ±{limit:g} are too large: rescale the data."),
                                   limit=MAX_COORDINATE)
    if np.ptp(x) <= 1e-9 * max(1.0, np.abs(x).max()):
        message = translatable("All points share the same x: no function of x passes through them.")
        raise RegressionInputError(message)
    return x, y


def check_points(x, y) -> None:
    """Raise :class:`RegressionInputError` for points that cannot be fitted."""
    _as_points(x, y)


def closed_form_line(x, y) -> tuple[float, float]:
    """The least-squares slope and intercept, w = cov(x, y) / var(x) and b = ȳ − w x̄."""
    x, y = _as_points(x, y)
    dx = x - x.mean()
    w = float(dx @ (y - y.mean()) / (dx @ dx))
    return w, float(y.mean() - w * x.mean())


def random_points(shape: str = "line", n: int = 24, x_range=(0.0, 10.0), y_range=(0.0, 10.0),
                  noise: float = 0.06, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` noisy points inside the given ranges around a random line or a random smooth curve."""
    rng = np.random.default_rng(seed)
    (x0, x1), (y0, y1) = x_range, y_range
    t = np.sort(rng.uniform(0.05, 0.95, n))
    if shape == "line":
        start, end = rng.uniform(0.15, 0.85, 2)
        v = start + (end - start) * t
    elif shape == "curve":
        v = 0.5 + 0.3 * np.sin(2 * np.pi * (rng.uniform(0.6, 1.1) * t + rng.uniform(0, 1)))
    else:
        raise ValueError(f"unknown shape {shape!r} (known: line, curve)")
    v = np.clip(v + rng.normal(0.0, noise, n), 0.0, 1.0)  # noise never pushes a point out of the range
    return x0 + (x1 - x0) * t, y0 + (y1 - y0) * v


class Polynomial(nn.Module):
    """y = c₀ + c₁x + … + c_d xᵈ as a linear layer on the powers of x."""

    def __init__(self, degree: int):
        super().__init__()
        self.register_buffer("powers", torch.arange(1, degree + 1, dtype=torch.float32))
        self.linear = nn.Linear(degree, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x ** self.powers)


def build_model(kind: str, degree: int = 3, hidden: int = 16, activation: str = "tanh") -> nn.Module:
    """A fresh model mapping (n, 1) inputs to (n, 1) predictions."""
    if kind == "line":
        return nn.Linear(1, 1)
    if kind == "polynomial":
        if not 1 <= degree <= 12:
            raise RegressionInputError(translatable("Choose a polynomial degree between 1 and 12."))
        return Polynomial(degree)
    if kind == "network":
        return nn.Sequential(nn.Linear(1, hidden), ACTIVATIONS[activation](), nn.Linear(hidden, 1))
    raise ValueError(f"unknown model kind {kind!r} (known: {', '.join(MODEL_KINDS)})")


@dataclass(frozen=True)
class Scaling:
    """x is mapped onto [-1, 1] and y to zero mean and unit variance, so steps are well sized."""

    x_center: float
    x_scale: float
    y_mean: float
    y_std: float

    @classmethod
    def of(cls, x: np.ndarray, y: np.ndarray) -> "Scaling":
        y_std = float(y.std())
        return cls((x.max() + x.min()) / 2, np.ptp(x) / 2, float(y.mean()), y_std if y_std > 0 else 1.0)

    def x(self, x) -> torch.Tensor:
        return torch.as_tensor((np.asarray(x) - self.x_center) / self.x_scale, dtype=torch.float32).view(-1, 1)

    def y(self, y) -> torch.Tensor:
        return torch.as_tensor((np.asarray(y) - self.y_mean) / self.y_std, dtype=torch.float32).view(-1, 1)


class RegressionFit:
    """Points, a model and its optimizer; ``step`` runs gradient descent on the squared error.

    The points may change between steps (a user dragging one): training simply continues on the
    new data. ``losses`` and, for the line, ``path`` (w, b at the start and after each step) record
    the history.
    """

    def __init__(self, kind: str = "line", degree: int = 3, hidden: int = 16, activation: str = "tanh",
                 optimizer: str = "sgd", lr: float = 0.1, seed: int | None = 0):
        self.kind, self.degree, self.hidden, self.activation = kind, degree, hidden, activation
        self.optimizer_name, self.lr, self.seed = optimizer, lr, seed
        self._data: tuple[torch.Tensor, torch.Tensor, Scaling] | None = None
        self._input_error: RegressionInputError | None = None
        self.set_points([], [])
        self.reset()

    def reset(self) -> None:
        """Start again from freshly initialised parameters, keeping the points and settings."""
        if self.seed is not None:
            torch.manual_seed(self.seed)
        self.model = build_model(self.kind, self.degree, self.hidden, self.activation)
        self.optimizer = self._build_optimizer()
        self.steps = 0
        self.losses: list[float] = []
        self.path: list[tuple[float, float]] = []
        self.diverged = False
        self.converged = False

    def _build_optimizer(self) -> SGD | AdamW:
        if self.optimizer_name not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer_name!r} (known: {', '.join(OPTIMIZERS)})")
        return OPTIMIZERS[self.optimizer_name](self.model.parameters(), lr=self.lr)

    def set_optimizer(self, name: str) -> None:
        """Switch optimizer and keep the current parameters (its running statistics start afresh)."""
        self.optimizer_name = name
        self.optimizer = self._build_optimizer()

    def set_learning_rate(self, lr: float) -> None:
        """Change the step size; takes effect at the next step."""
        self.lr = lr
        for group in self.optimizer.param_groups:
            group["lr"] = lr

    def set_points(self, x, y) -> None:
        """Replace the points; invalid ones are kept and reported when stepping."""
        self.x = np.asarray(x, dtype=np.float64).ravel()
        self.y = np.asarray(y, dtype=np.float64).ravel()
        self.converged = False
        try:
            x, y = _as_points(self.x, self.y)
        except RegressionInputError as error:
            self._data, self._input_error = None, error
            return
        scaling = Scaling.of(x, y)
        self._data, self._input_error = (scaling.x(x), scaling.y(y), scaling), None

    def step(self, n: int = 1) -> float:
        """Run ``n`` optimizer steps and return the last loss (mean squared error, user units)."""
        if self._data is None:
            raise self._input_error
        if self.diverged:
            raise self._divergence()
        x, y, scaling = self._data
        if self.kind == "line" and not self.path:
            self.path.append(self.line_parameters())
        self.model.train()
        for _ in range(n):
            self.optimizer.zero_grad()
            loss = nn.functional.mse_loss(self.model(x), y)
            if not torch.isfinite(loss) or loss.item() > DIVERGENCE_LOSS:
                self.diverged = True
                raise self._divergence()
            loss.backward()
            gradient = torch.cat([p.grad.flatten() for p in self.model.parameters()]).norm().item()
            self.optimizer.step()
            self.steps += 1
            self.losses.append(loss.item() * scaling.y_std ** 2)
            if self.kind == "line":
                self.path.append(self.line_parameters())
            self.converged = gradient < CONVERGED_GRADIENT
            if self.converged:
                break
        return self.losses[-1]

    def _divergence(self) -> FitDiverged:
        message = translatable("The loss diverged: learning rate {lr:g} is too large. Lower it and fit again.")
        return FitDiverged(message, lr=self.lr)

    @property
    def scaling(self) -> Scaling | None:
        return None if self._data is None else self._data[2]

    def parameter_count(self) -> int:
        return sum(p.numel() for p in self.model.parameters())

    def line_parameters(self) -> tuple[float, float]:
        """The line's (w, b) in user units: undo the rescaling of x and y."""
        if self.kind != "line":
            raise ValueError("only the straight line has a slope and an intercept")
        scaling = self.scaling or Scaling(0.0, 1.0, 0.0, 1.0)
        w = scaling.y_std * self.model.weight.item() / scaling.x_scale
        b = scaling.y_mean + scaling.y_std * self.model.bias.item() - w * scaling.x_center
        return float(w), float(b)

    @torch.no_grad()
    def predict(self, x) -> np.ndarray:
        """The model's predictions at ``x`` in user units; needs valid points for the scaling."""
        if self._data is None:
            raise self._input_error
        self.model.eval()
        y = self.model(self.scaling.x(x)).view(-1).double().numpy()
        return self.scaling.y_mean + self.scaling.y_std * y


def fitted_parameters(fit: RegressionFit) -> dict:
    """The fitted parameters as ``digitdraw fit`` reports them: the line's w and b and the polynomial's
    coefficients c0, c1, ... in the points' units; a network's weights (which act on the rescaled x and y)
    with the scaling (x centre, x half-range, y mean, y standard deviation)."""
    scaling = fit.scaling or Scaling(0.0, 1.0, 0.0, 1.0)
    if fit.kind == "line":
        w, b = fit.line_parameters()
        return {"w": w, "b": b}
    if fit.kind == "polynomial":
        linear = fit.model.linear
        scaled = np.polynomial.Polynomial([linear.bias.item(), *linear.weight.detach().double().view(-1).tolist()])
        u = np.polynomial.Polynomial([-scaling.x_center / scaling.x_scale, 1 / scaling.x_scale])
        return {"coefficients": [float(c) for c in (scaling.y_mean + scaling.y_std * scaled(u)).coef]}
    parameters = {name: p.detach().double().view(-1).tolist() for name, p in fit.model.named_parameters()}
    parameters["scaling"] = [float(scaling.x_center), float(scaling.x_scale), scaling.y_mean, scaling.y_std]
    return parameters


def read_points_csv(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) from a text file of two numbers a line, separated by a comma, semicolon or spaces; a first
    line of column names and lines starting with ``#`` are skipped."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            lines = file.read().splitlines()
    except FileNotFoundError:
        raise RegressionInputError(translatable("{path}: no such file"), path=path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RegressionInputError(translatable("{path}: cannot be read as text ({reason})"), path=path,
                                   reason=exc) from None
    xs, ys, first = [], [], True
    for number, line in enumerate(lines, 1):
        fields = [f for f in re.split(r"[,;\s]+", line.strip()) if f]
        if not fields or fields[0].startswith("#"):
            continue
        try:
            if len(fields) != 2:
                raise ValueError
            x, y = float(fields[0]), float(fields[1])
        except ValueError:
            if first:  # column names
                first = False
                continue
            raise RegressionInputError(translatable("{path}, line {line}: expected two numbers, x and y, found {text!r}"),
                                       path=path, line=number, text=line.strip()) from None
        first = False
        xs.append(x)
        ys.append(y)
    return np.array(xs), np.array(ys)


@dataclass(frozen=True)
class LossSurface:
    """Mean squared error of the line y = wx + b on a grid: ``loss[i, j]`` is at (w[i], b[j])."""

    w: np.ndarray
    b: np.ndarray
    loss: np.ndarray


def line_loss_surface(x, y, path=(), resolution: int = 96, margin: float = 0.25) -> LossSurface:
    """The loss over a (w, b) window holding the least-squares optimum and the whole ``path``."""
    x, y = _as_points(x, y)
    visited = np.array([closed_form_line(x, y), *path])
    # At least the slopes and intercepts that move the line by about the spread of the points.
    spread_y = max(y.std(), 1e-3 * max(1.0, np.abs(y).max()))
    natural = np.array([spread_y / np.ptp(x), spread_y * (1 + np.abs(x).mean() / np.ptp(x))])
    half = np.maximum(np.ptp(visited, axis=0) * (0.5 + margin), natural)
    center = (visited.max(axis=0) + visited.min(axis=0)) / 2
    w, b = (np.linspace(c - h, c + h, resolution) for c, h in zip(center, half))
    # mean((y - wx - b)²) expanded in the sums of x, y, x², xy, y² so the grid costs nothing.
    mx, my, mxx, mxy, myy = x.mean(), y.mean(), (x * x).mean(), (x * y).mean(), (y * y).mean()
    W, B = np.meshgrid(w, b, indexing="ij")
    loss = myy - 2 * W * mxy - 2 * B * my + W * W * mxx + 2 * W * B * mx + B * B
    return LossSurface(w, b, np.maximum(loss, 0.0))
