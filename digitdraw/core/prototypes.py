"""A vote of your own drawings: the network's answer nudged towards the digits your nearest drawings are.

Every drawing of the personal set is kept as the network's view of it: the input of its last layer
(the penultimate features), scaled to length one. A new drawing's features are compared with all of
them (cosine similarity ``s``), and each digit gets the evidence of its nearest drawing,
``exp((s - 1) / temperature)``: about 1 for a drawing the network sees just like this one, nothing
for one it sees otherwise. The answer is then ``log p(digit) + weight * evidence(digit)``,
normalised: digits with no drawing keep the network's say. Only the nearest drawing counts, so a
digit drawn many times does not outvote the network on everything in its neighbourhood (MNIST's
digits included) more than a digit drawn twice. It needs no training, so it works from the first
correction on, and it follows a hand's own ways of writing a digit that fine-tuning would need
many steps to learn. A model tuned to the drawings sees them closer to the hand's other drawings,
so its vote is trusted more (:data:`TUNED_WEIGHT`, kept in the personal checkpoint).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from .models import FX_TRACING

# Chosen with benchmarks/personal.py on writers other than those it reports.
DEFAULT_WEIGHT = 12.0  # the vote on a model that has not learnt the drawings
TUNED_WEIGHT = 32.0  # the vote on a model fine-tuned to them
DEFAULT_TEMPERATURE = 0.2
NEWEST_PER_DIGIT = 30  # the vote uses this many of each digit's drawings at most, the newest


def last_linear(model: nn.Module) -> nn.Linear | None:
    """The model's last fully connected layer, whose input are the penultimate features."""
    layers = [module for module in model.modules() if isinstance(module, nn.Linear)]
    return layers[-1] if layers else None


@torch.inference_mode()
def forward_with_features(model: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """The model's output for normalised input ``x`` and its penultimate features, scaled to length one
    (None when the model has no linear last layer to read them at, e.g. an int8 one)."""
    layer = last_linear(model)
    captured: list[torch.Tensor] = []
    hook = layer.register_forward_hook(lambda _, inputs, __: captured.append(inputs[0])) if layer is not None else None
    try:
        with FX_TRACING:
            output = model(x)
    finally:
        if hook is not None:
            hook.remove()
    features = F.normalize(captured[0].flatten(1).float(), dim=1) if captured else None
    return output, features


@dataclass
class Prototypes:
    """The features of labelled drawings, and how strongly they vote."""

    features: torch.Tensor  # (M, D), each of length one
    labels: torch.Tensor  # (M,) int64, 0-9
    weight: float = DEFAULT_WEIGHT
    temperature: float = DEFAULT_TEMPERATURE

    def __len__(self) -> int:
        return len(self.labels)

    @classmethod
    def of(cls, model: nn.Module, inputs: torch.Tensor, labels: torch.Tensor, **settings) -> "Prototypes | None":
        """Prototypes of the drawings ``inputs`` (normalised, (N, 1, 28, 28), oldest first) as ``model`` sees
        them, the newest :data:`NEWEST_PER_DIGIT` of each digit; None without drawings or features to read."""
        if len(inputs) == 0:
            return None
        keep = newest_per_digit(labels)
        x = inputs[keep]
        was_training = model.training
        model.eval()
        _, features = forward_with_features(model, x)
        model.train(was_training)
        if features is None:
            return None
        return cls(features.cpu(), labels[keep].cpu().long(), **settings)

    def evidence(self, features: torch.Tensor) -> torch.Tensor:
        """(N, 10): per digit, the closeness of its nearest drawing to each of ``features`` (N, D); 0 without one."""
        kernel = torch.exp((features @ self.features.to(features.device).T - 1) / self.temperature)
        labels = self.labels.to(features.device).expand(len(features), -1)
        return torch.zeros(len(features), 10, device=features.device).scatter_reduce_(1, labels, kernel, reduce="amax")

    def blend(self, log_probabilities: torch.Tensor, features: torch.Tensor) -> torch.Tensor:
        """The network's log-probabilities with the vote added, normalised again."""
        return torch.log_softmax(log_probabilities + self.weight * self.evidence(features), dim=1)

    def to_dict(self) -> dict:
        return {"features": self.features, "labels": self.labels, "weight": float(self.weight),
                "temperature": float(self.temperature)}

    @classmethod
    def from_dict(cls, raw) -> "Prototypes":
        """Read what :meth:`to_dict` wrote; ``ValueError`` for anything else."""
        try:
            features, labels = raw["features"], raw["labels"]
            weight, temperature = float(raw["weight"]), float(raw["temperature"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"the stored drawings' features are incomplete ({exc})") from None
        if not (isinstance(features, torch.Tensor) and isinstance(labels, torch.Tensor) and features.ndim == 2
                and labels.shape == (len(features),) and temperature > 0 and weight >= 0
                and bool(((labels >= 0) & (labels <= 9)).all())):
            raise ValueError("the stored drawings' features are damaged")
        return cls(features.float(), labels.long(), weight, temperature)


def newest_per_digit(labels: torch.Tensor, count: int = NEWEST_PER_DIGIT) -> torch.Tensor:
    """Indices of the last ``count`` drawings of each digit (drawings are listed oldest first), in order."""
    keep = [index for digit in range(10) for index in torch.nonzero(labels == digit).flatten()[-count:].tolist()]
    return torch.tensor(sorted(keep), dtype=torch.long)

