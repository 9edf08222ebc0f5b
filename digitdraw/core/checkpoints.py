"""Checkpoint files: weights plus what is needed to rebuild and trust the model.

A checkpoint is a plain dictionary of strings, numbers and tensors, loaded with
``torch.load(weights_only=True)`` so that nothing in a file is ever executed.
Saving writes a temporary file beside the target and renames it into place.

A bare ``state_dict`` (what PyTorch's MNIST example saves as ``mnist_cnn.pt``) is recognised
when its names and shapes match a registered network, and loaded with MNIST's normalisation.
A compressed model (version 2) says how it was compressed; an int8 one is rebuilt from plain
int8 tensors and scales by :mod:`digitdraw.core.quantized`.
"""

from __future__ import annotations

import datetime as _dt
import os
import pickle
import uuid
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable

import torch
from torch import nn

from .messages import UserMessage, first_line, translatable
from .models import architectures, build_model, keep_pruned_weights_at_zero
from .normalisation import MNIST_MEAN, MNIST_STD
from .prototypes import Prototypes
from .quantized import QUANTIZED_METHODS, build_quantized

FORMAT = "digitdraw-checkpoint"
FORMAT_VERSION = 1
COMPRESSED_FORMAT_VERSION = 2  # adds "compression"; older readers refuse it rather than misread int8 weights


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
    compression: dict = field(default_factory=dict)  # e.g. {"method": "int8", ...}; empty for a plain model
    recognised: UserMessage | None = None  # set when the file was not a checkpoint: what it was taken for (not saved)
    prototypes: dict = field(default_factory=dict)  # a personal model's drawings as it sees them (core.prototypes)

    @property
    def recognised_as(self) -> str | None:
        """What a file that was not a checkpoint was taken for, in English (the window translates ``recognised``)."""
        return None if self.recognised is None else str(self.recognised)

    @classmethod
    def from_model(cls, arch: str, model: nn.Module, **metadata) -> "Checkpoint":
        """Capture ``model``'s weights as CPU tensors."""
        state = {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}
        return cls(arch=arch, state_dict=state, **metadata)

    @property
    def quantized(self) -> bool:
        """True for int8 models, which run on the CPU only."""
        return self.compression.get("method") in QUANTIZED_METHODS

    def build(self) -> nn.Module:
        """Rebuild the model on the CPU in evaluation mode."""
        if self.quantized:
            try:
                return build_quantized(self.arch, self.compression["method"], self.state_dict)
            except (RuntimeError, KeyError, ValueError) as exc:
                raise CheckpointError(translatable("int8 weights do not fit architecture {arch!r}: {reason}"),
                                      arch=self.arch, reason=first_line(exc)) from None
        model = build_model(self.arch)
        try:
            model.load_state_dict(self.state_dict)
        except RuntimeError:
            differing = _differences(self.state_dict, model.state_dict())
            raise CheckpointError(translatable("weights do not fit architecture {arch!r}: {reason}"), arch=self.arch,
                                  reason=_listed(differing) or "?") from None
        if self.compression.get("method") == "prune":
            keep_pruned_weights_at_zero(model)  # further training (fine-tuning) keeps it pruned
        return model.eval()

    def to_dict(self) -> dict:
        raw = {
            "format": FORMAT,
            "version": COMPRESSED_FORMAT_VERSION if self.compression else FORMAT_VERSION,
            "arch": self.arch,
            "state_dict": self.state_dict,
            "normalization": {"mean": self.mean, "std": self.std},
            "test_accuracy": self.test_accuracy,
            "training": self.training,
            "created": self.created,
        }
        if self.compression:
            raw["compression"] = self.compression
        if self.prototypes:
            raw["prototypes"] = self.prototypes
        return raw


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
    """Read and validate a checkpoint; any other file raises :class:`CheckpointError`.

    A TorchScript file that digitdraw exported is read with ``torch.jit.load`` (TorchScript code,
    never Python pickles) and taken back as the network whose weights it holds.
    """
    path = Path(path)
    if path.is_file() and is_torchscript_archive(path):
        return _load_torchscript(path)
    if path.suffix.lower() == ".onnx":  # ONNX is a protobuf, not a pickle: torch.load would misdescribe it
        raise CheckpointError(translatable("{path} is an ONNX export, which runs in ONNX Runtime; digitdraw reads the "
                                           "checkpoint (.pt) or TorchScript file (.torchscript) it was exported from."),
                              path=path)
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise CheckpointError(translatable("{path}: no such file."), path=path) from None
    except IsADirectoryError:
        raise CheckpointError(translatable("{path} is a folder: choose a checkpoint file (.pt) in it."), path=path) from None
    except pickle.UnpicklingError:
        raise CheckpointError(translatable("{path} was refused: it holds Python objects besides weights, which digitdraw never "
                                           "loads; save the model's state_dict with torch.save and load that file."),
                              path=path) from None
    except Exception:  # torch.load raises many kinds (KeyError, RuntimeError, ...) for damaged or foreign files
        raise CheckpointError(translatable("{path} is not a model file digitdraw can read (damaged, truncated or another "
                                           "kind of file): choose a checkpoint (.pt) saved by digitdraw or PyTorch."),
                              path=path) from None
    return _validate(raw, path)


def is_torchscript_archive(path: Path) -> bool:
    """True for a zip archive with TorchScript code in it (what ``torch.jit.save`` writes)."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False
    return any("/code/" in name or name.endswith("/constants.pkl") for name in names)


def _load_torchscript(path: Path) -> Checkpoint:
    """The checkpoint of a TorchScript file digitdraw exported: its network's weights, checked against its output."""
    refused = translatable("{path} is a TorchScript model digitdraw did not export, so it cannot be shown here: "
                           "load a digitdraw checkpoint (.pt) or a TorchScript file exported by digitdraw.")
    try:
        with warnings.catch_warnings():  # TorchScript says it is deprecated in favour of torch.export
            warnings.simplefilter("ignore")
            scripted = torch.jit.load(str(path), map_location="cpu")
        state = {name.removeprefix("network."): tensor.detach().clone() for name, tensor in scripted.state_dict().items()
                 if name.startswith("network.")}
    except Exception:  # a damaged archive: torch's own words are no help to the user
        raise CheckpointError(translatable("{path} is a TorchScript file that could not be read (damaged or truncated?): "
                                           "export the model again."), path=path) from None
    for arch in architectures():
        if state and not _differences(state, build_model(arch).state_dict()):
            checkpoint = Checkpoint(arch=arch, state_dict=state, training={"source": f"TorchScript export {path.name}"},
                                    recognised=UserMessage(translatable("a TorchScript export of the {arch!r} network ({description})"),
                                                           arch=arch, description=architectures()[arch]))
            if _same_answers(scripted, checkpoint):
                return checkpoint
    raise CheckpointError(refused, path=path)


def _same_answers(scripted, checkpoint: Checkpoint) -> bool:
    """Whether ``checkpoint`` rebuilt gives the TorchScript file's probabilities (the exported contract) on random ink."""
    ink = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(0))
    try:
        with torch.inference_mode():
            expected = checkpoint.build()((ink - checkpoint.mean) / checkpoint.std).exp()
            got = scripted(ink)
        return isinstance(got, torch.Tensor) and got.shape == expected.shape and float((got - expected).abs().max()) < 1e-4
    except Exception:  # noqa: BLE001  a file that does not follow the contract is simply not recognised
        return False


def _validate(raw, path: Path) -> Checkpoint:
    if _is_bare_state_dict(raw):
        return _recognise(raw, path)
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise CheckpointError(translatable("{path}: not a digitdraw checkpoint"), path=path)
    if raw.get("version") not in (FORMAT_VERSION, COMPRESSED_FORMAT_VERSION):
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
            compression=dict(raw.get("compression") or {}),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise CheckpointError(translatable("{path}: checkpoint metadata is incomplete ({reason})"), path=path,
                              reason=exc) from None
    try:
        build_model(checkpoint.arch)
        if raw.get("prototypes"):
            checkpoint.prototypes = Prototypes.from_dict(raw["prototypes"]).to_dict()
    except ValueError as exc:
        raise CheckpointError(translatable("{path}: {reason}"), path=path, reason=exc) from None
    return checkpoint


def _is_bare_state_dict(raw) -> bool:
    return isinstance(raw, dict) and bool(raw) and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in raw.items())


def _recognise(state: dict[str, torch.Tensor], path: Path) -> Checkpoint:
    """The registered network whose parameter names and shapes ``state`` matches exactly."""
    differences = {arch: _differences(state, build_model(arch).state_dict()) for arch in architectures()}
    for arch, differing in differences.items():
        if not differing:
            return Checkpoint(
                arch=arch,
                state_dict=dict(state),
                training={"source": f"bare state_dict {path.name}"},
                recognised=UserMessage(translatable("a bare state_dict of the {arch!r} network ({description})"), arch=arch,
                                       description=architectures()[arch]),
            )
    closest = min(differences, key=lambda arch: len(differences[arch]))
    shown = _listed(differences[closest])
    raise CheckpointError(
        translatable("{path}: not a digitdraw checkpoint, and as a bare state_dict it matches no known network; "
                     "the closest, {closest!r}, differs: {shown}"),
        path=path, closest=closest, shown=shown,
    )


def _differences(state: dict[str, torch.Tensor], expected: dict[str, torch.Tensor]) -> list[str]:
    """What keeps ``state`` from loading where ``expected`` is wanted, one phrase per difference."""
    found = [f"{name} is missing" for name in expected if name not in state]
    found += [f"{name} is unexpected" for name in state if name not in expected]
    found += [
        f"{name} has shape {tuple(state[name].shape)}, expected {tuple(tensor.shape)}"
        for name, tensor in expected.items()
        if name in state and state[name].shape != tensor.shape
    ]
    return found


def _listed(differences: list[str], shown: int = 4) -> str:
    """The first few differences, joined; an ellipsis says there are more."""
    return "; ".join(differences[:shown]) + ("; …" if len(differences) > shown else "")
