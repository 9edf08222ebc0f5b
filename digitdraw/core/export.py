"""Take a model out of the app: ONNX (checked with ONNX Runtime) or TorchScript.

Both files follow one contract: input float32 ``(N, 1, 28, 28)``, ink in [0, 1] on 0 as the
network receives it (the normalisation is inside), output the ten probabilities ``(N, 10)``,
any batch size N.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from .checkpoints import Checkpoint
from .messages import UserMessage, translatable
from .normalisation import ink_of, normalise

FORMATS = ("onnx", "torchscript")
EXPORTABLE_LAYERS = (
    nn.Conv2d, nn.Linear, nn.BatchNorm2d, nn.ReLU, nn.MaxPool2d, nn.Flatten, nn.Dropout, nn.Sequential,
)
TOLERANCE = 1e-4  # largest difference of a probability allowed between the exported file and PyTorch


class ExportError(UserMessage):
    """A model that cannot be exported, or an export that failed its check (a template the window and CLI translate)."""


class ProbabilitiesModel(nn.Module):
    """The network with its normalisation in front and probabilities out: the exported contract."""

    def __init__(self, network: nn.Module, mean: float, std: float):
        super().__init__()
        self.network = network
        self.mean, self.std = float(mean), float(std)

    def forward(self, ink: torch.Tensor) -> torch.Tensor:
        return self.network(normalise(ink, self.mean, self.std)).exp()


@dataclass(frozen=True)
class ExportReport:
    path: Path
    format: str
    size_bytes: int
    checked_digits: int
    max_difference: float  # largest |probability difference| to PyTorch on the checked digits
    same_digits: int  # checked digits where both give the same answer


def exportable(checkpoint: Checkpoint) -> ProbabilitiesModel:
    """The wrapped model, or :class:`ExportError` naming the first layer that cannot be exported."""
    if checkpoint.quantized:
        raise ExportError(translatable("int8 models cannot be exported here (their layers are PyTorch's own int8 "
                                       "kernels): export the original or a pruned model."))
    network = checkpoint.build()
    for name, layer in network.named_modules():
        if name and not isinstance(layer, EXPORTABLE_LAYERS):
            raise ExportError(translatable("layer {name!r} ({kind}) cannot be exported: it is not one of the layers this "
                                           "exporter knows ({known})."), name=name, kind=type(layer).__name__,
                              known=", ".join(t.__name__ for t in EXPORTABLE_LAYERS))
    return ProbabilitiesModel(network, checkpoint.mean, checkpoint.std).eval()


def export(checkpoint: Checkpoint, fmt: str, path: str | os.PathLike, check_images: torch.Tensor) -> ExportReport:
    """Write ``checkpoint`` as ``fmt`` to ``path`` (atomically) and check it against PyTorch on ``check_images``.

    ``check_images`` are uint8 (N, 28, 28) digits; a file that disagrees is removed again.
    """
    if fmt not in FORMATS:
        raise ExportError(translatable("unknown format {fmt!r} (choose from {formats})."), fmt=fmt, formats=", ".join(FORMATS))
    model = exportable(checkpoint)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    ink = ink_of(check_images)
    try:
        if fmt == "onnx":
            _write_onnx(model, tmp)
            run = onnx_runner(tmp)
        else:
            with warnings.catch_warnings():  # TorchScript says it is deprecated in favour of torch.export
                warnings.simplefilter("ignore")
                torch.jit.save(torch.jit.trace(model, ink[:2]), str(tmp))
            scripted = torch.jit.load(str(tmp))
            run = lambda batch: scripted(batch).detach()  # noqa: E731
        with torch.inference_mode():
            expected = model(ink)
        got = torch.as_tensor(run(ink))
        if got.shape != expected.shape:
            raise ExportError(translatable("the exported model gives shape {got}, expected {expected}: nothing was written."),
                              got=tuple(got.shape), expected=tuple(expected.shape))
        difference = float((got - expected).abs().max())
        same = int((got.argmax(1) == expected.argmax(1)).sum())
        if difference >= TOLERANCE or same != len(ink):
            raise ExportError(translatable("the exported model disagrees with PyTorch (largest probability difference "
                                           "{difference:.2g}, same digit on {same} of {checked}): nothing was written."),
                              difference=difference, same=same, checked=len(ink))
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return ExportReport(path, fmt, path.stat().st_size, len(ink), difference, same)


def _write_onnx(model: ProbabilitiesModel, path: Path) -> None:
    _require("onnx", "onnxscript")
    batch = torch.export.Dim("batch", min=1, max=65536)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            program = torch.onnx.export(
                model, (torch.rand(2, 1, 28, 28),), dynamo=True, input_names=["ink"], output_names=["probabilities"],
                dynamic_shapes=({0: batch},), verbose=False,
            )
        except Exception as exc:  # the exporter raises many kinds; say which step failed
            raise ExportError(translatable("PyTorch's ONNX exporter failed on this model ({kind}): export it as "
                                           "TorchScript instead."), kind=type(exc).__name__) from exc
    program.save(str(path))


def onnx_runner(path: str | os.PathLike):
    """A function running the ONNX file with ONNX Runtime on the CPU: float (N, 1, 28, 28) -> (N, 10) array."""
    _require("onnxruntime")
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # one drawing at a time gains nothing from more threads
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda ink: torch.from_numpy(session.run(None, {name: ink.numpy()})[0])


def _require(*modules: str) -> None:
    import importlib.util

    missing = [m for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        raise ExportError(translatable("ONNX export needs {missing}: install the export extra, "
                                       "pip install \"digitdraw[export]\"."), missing=", ".join(missing))
