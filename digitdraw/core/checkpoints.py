"""Checkpoint files: weights plus what is needed to rebuild and trust the model.

A checkpoint is a plain dictionary of strings, numbers and tensors, loaded with
``torch.load(weights_only=True)`` so that nothing in a file is ever executed.
Saving writes a temporary file beside the target and renames it into place.
"""

from __future__ import annotations

import datetime as _dt
import os
import pickle
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

import torch
from torch import nn

from .messages import UserMessage, translatable
from .models import build_model

FORMAT = "digitdraw-checkpoint"
FORMAT_VERSION = 1
MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


class CheckpointError(UserMessage):
    """A file that is not a usable digitdraw checkpoint."""


@dataclass
class Checkpoint:
    """A model's weights and the metadata that describes them."""

    arch: str
    state_dict: dict[str, torch.Tensor]
    mean: float = MNIST_MEAN
    std: float = MNIST_STD
    test_accuracy: float | None = None
    training: dict = field(default_factory=dict)
    created: str = field(default_factory=lambda: _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"))

    @classmethod
    def from_model(cls, arch: str, model: nn.Module, **metadata) -> "Checkpoint":
        """Capture ``model``'s weights as CPU tensors."""
        state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        return cls(arch=arch, state_dict=state, **metadata)

    def build(self) -> nn.Module:
        """Rebuild the model on the CPU in evaluation mode."""
        model = build_model(self.arch)
        try:
            model.load_state_dict(self.state_dict)
        except RuntimeError as exc:
            raise CheckpointError(translatable("weights do not fit architecture {arch!r}: {reason}"), arch=self.arch,
                                  reason=exc) from None
        return model.eval()

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "arch": self.arch,
            "state_dict": self.state_dict,
            "normalization": {"mean": self.mean, "std": self.std},
            "test_accuracy": self.test_accuracy,
            "training": self.training,
            "created": self.created,
        }


def save_checkpoint(checkpoint: Checkpoint, path: str | os.PathLike) -> Path:
    """Write ``checkpoint`` atomically: a temporary file in the same folder, then ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, lambda file: torch.save(checkpoint.to_dict(), file))
    return path


def write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Call ``write`` on a new hidden temporary file beside ``path``, then move it into place with ``os.replace``."""
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")  # same folder, so os.replace is atomic
    try:
        with open(tmp, "xb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def load_checkpoint(path: str | os.PathLike) -> Checkpoint:
    """Read and validate a checkpoint; any other file raises :class:`CheckpointError`."""
    path = Path(path)
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(translatable("{path}: no such file"), path=path) from None
    except IsADirectoryError:
        raise CheckpointError(translatable("{path}: is a folder, not a checkpoint file"), path=path) from None
    except pickle.UnpicklingError as exc:
        raise CheckpointError(translatable("{path}: refused, the file holds objects other than weights ({reason})"),
                              path=path, reason=_first_line(exc)) from None
    except Exception as exc:  # torch.load raises many kinds (KeyError, RuntimeError, ...) for damaged files
        raise CheckpointError(translatable("{path}: not a readable checkpoint (damaged or truncated?): {reason}"),
                              path=path, reason=_first_line(exc)) from None
    return _validate(raw, path)


def _validate(raw, path: Path) -> Checkpoint:
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError(translatable("{path}: not a digitdraw checkpoint"), path=path)
    if raw.get("version") != FORMAT_VERSION:
        raise CheckpointError(translatable("{path}: checkpoint version {version!r} is not supported"), path=path,
                              version=raw.get("version"))
    state = raw.get("state_dict")
    norm = raw.get("normalization") or {}
    if not isinstance(state, dict) or not all(isinstance(v, torch.Tensor) for v in state.values()):
        raise CheckpointError(translatable("{path}: checkpoint has no weights"), path=path)
    try:
        checkpoint = Checkpoint(
            arch=str(raw["arch"]),
            state_dict=state,
            mean=float(norm["mean"]),
            std=float(norm["std"]),
            test_accuracy=None if raw.get("test_accuracy") is None else float(raw["test_accuracy"]),
            training=dict(raw.get("training") or {}),
            created=str(raw.get("created", "")),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(translatable("{path}: checkpoint metadata is incomplete ({reason})"), path=path,
                              reason=exc) from None
    try:
        build_model(checkpoint.arch)
    except ValueError as exc:
        raise CheckpointError(translatable("{path}: {reason}"), path=path, reason=exc) from None
    return checkpoint


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
