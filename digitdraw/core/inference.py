"""Classify 28x28 ink images with a checkpointed model on any available device."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import torch

from .checkpoints import Checkpoint, load_checkpoint
from .devices import available_devices, synchronize, threads_for_batch, torch_threads
from .models import FX_TRACING
from .normalisation import normalise
from .prototypes import Prototypes, forward_with_features

DEFAULT_MODEL_NAME = "digitnet-default.pt"
UNSURE_BELOW = 0.6  # a top probability under this is shown as "not sure"


def default_model_path() -> Path:
    """The pretrained checkpoint shipped in ``resources/`` (installed as ``digitdraw.resources``)."""
    return Path(str(resources.files("digitdraw.resources").joinpath(DEFAULT_MODEL_NAME)))


@dataclass(frozen=True)
class Prediction:
    """The network's answer for one image."""

    probabilities: list[float]
    seconds: float

    @property
    def digit(self) -> int:
        return max(range(10), key=self.probabilities.__getitem__)

    @property
    def confidence(self) -> float:
        return self.probabilities[self.digit]

    @property
    def unsure(self) -> bool:
        return self.confidence < UNSURE_BELOW


class Classifier:
    """A model ready for inference, with its normalisation, on one device."""

    def __init__(self, checkpoint: Checkpoint, device: str = "cpu", source: str | None = None):
        self.checkpoint = checkpoint
        self.source = source
        self.model = checkpoint.build()
        # your drawings' vote (a personal model's own, or the Draw tab's personal set): see core.prototypes
        self.prototypes: Prototypes | None = Prototypes.from_dict(checkpoint.prototypes) if checkpoint.prototypes else None
        self.device = "cpu"
        self.to(device)

    @classmethod
    def load(cls, path: str | os.PathLike | None = None, device: str = "cpu") -> "Classifier":
        """Load a checkpoint file (the shipped default when ``path`` is None)."""
        path = Path(path) if path else default_model_path()
        return cls(load_checkpoint(path), device, source=str(path))

    def normalise(self, images: torch.Tensor) -> torch.Tensor:
        """Ink images (N, 28, 28) in [0, 1] as this model's input (N, 1, 28, 28)."""
        return normalise(images.to(self.device, torch.float32)[:, None], self.checkpoint.mean, self.checkpoint.std)

    def prototypes_of(self, images: torch.Tensor, labels: torch.Tensor) -> Prototypes | None:
        """The vote of labelled drawings (ink images (N, 28, 28) in [0, 1], oldest first) as this model sees them,
        as strong as a personal model's own vote (it was tuned to such drawings), else the default."""
        stored = self.checkpoint.prototypes
        strength = {"weight": float(stored["weight"]), "temperature": float(stored["temperature"])} if stored else {}
        with torch_threads(1):
            return Prototypes.of(self.model, self.normalise(images), labels, **strength)

    @property
    def arch(self) -> str:
        return self.checkpoint.arch

    def to(self, device: str) -> "Classifier":
        """Move the model to ``device`` (one of :func:`available_devices`); on failure it stays where it was."""
        if self.checkpoint.quantized and device != "cpu":
            raise ValueError("int8 models run on the CPU only")
        if device not in available_devices():
            raise ValueError(f"device {device!r} is not available (available: {', '.join(available_devices())})")
        previous = self.device
        try:
            self.model.to(device)
            self.device = device
            self.predict(torch.zeros(28, 28))  # warm up, so the first real prediction is as fast as the rest
        except (RuntimeError, AssertionError) as exc:  # torch's words for a device that fails: driver, memory, build
            self.model.to(previous)
            self.device = previous
            raise ValueError(f"device {device!r} failed: {exc}") from None
        return self

    def predict(self, image: torch.Tensor) -> Prediction:
        """Probabilities for one (28, 28) ink image in [0, 1]."""
        return self.predict_batch(image[None])[0]

    @torch.inference_mode()
    def predict_batch(self, images: torch.Tensor) -> list[Prediction]:
        """Probabilities for a batch (N, 28, 28) of ink images in [0, 1]."""
        start = time.perf_counter()
        x = self.normalise(images)
        with torch_threads(threads_for_batch(self.device, len(images))):
            if self.prototypes is not None and len(self.prototypes):
                output, features = forward_with_features(self.model, x)
                if features is not None and features.shape[1] == self.prototypes.features.shape[1]:
                    output = self.prototypes.blend(output, features)
            else:
                with FX_TRACING:  # never while torch.fx traces a model in another thread
                    output = self.model(x)
            probabilities = output.exp().cpu()
        synchronize(self.device)
        seconds = (time.perf_counter() - start) / len(images)
        return [Prediction(row.tolist(), seconds) for row in probabilities]

