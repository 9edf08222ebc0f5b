"""Your own handwriting: the personal set of corrected drawings, and fine-tuning a model on it.

The personal set is a folder in torchvision's ``ImageFolder`` layout, ``personal/0/*.png`` to
``personal/9/*.png``: one picture per drawing (what the canvas showed, so a person can open it),
with the strokes beside it as JSON when they came from the canvas. It lives in the per-user data
folder (``$DIGITDRAW_HOME``, else the platform's: ``~/.local/share/digitdraw``,
``%APPDATA%\\digitdraw``, ``~/Library/Application Support/digitdraw``), next to the personal
model that fine-tuning writes.

Fine-tuning runs the one training loop, :func:`digitdraw.core.training.train`, on the current
model with a mixture of the personal drawings (repeated, and augmented like every batch) and
MNIST, so the model learns the hand without forgetting the rest.
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator, Sequence

import torch
from torch import nn

from .checkpoints import Checkpoint, write_atomically
from .data import MnistSplit
from .devices import torch_threads
from .imageio import ImageReadError, read_image
from .preprocess import image_to_image, strokes_to_image
from .prototypes import DEFAULT_TEMPERATURE, TUNED_WEIGHT, Prototypes, forward_with_features
from .normalisation import ink_of, normalise
from .training import BatchReport, EvalReport, TrainConfig, TrainResult, evaluate, train

HOME_ENV_VAR = "DIGITDRAW_HOME"
DIGITS = tuple(str(d) for d in range(10))
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")
PERSONAL_MODEL_NAME = "personal-model.pt"
MIN_SAMPLES = 10  # fewer drawings than this teach too little to be worth a run


def user_data_dir() -> Path:
    """digitdraw's per-user data folder: ``$DIGITDRAW_HOME``, else the platform's custom."""
    if os.environ.get(HOME_ENV_VAR):
        return Path(os.environ[HOME_ENV_VAR]).expanduser()
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "digitdraw"


def personal_model_path() -> Path:
    """Where the model tuned to your hand is saved, and looked for at start-up."""
    return user_data_dir() / PERSONAL_MODEL_NAME


class SamplesError(Exception):
    """A folder that cannot serve as digit samples (no pictures, labels that are not 0-9)."""


@dataclass(frozen=True)
class Samples:
    """Labelled digit drawings ready for the network, and what was skipped on the way (one message a file)."""

    images: MnistSplit  # uint8 (N, 28, 28), labels 0-9
    paths: list[Path]
    skipped: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.paths)


class PersonalSet:
    """The personal set on disk: add a corrected drawing, count, list, remove, clear, load."""

    def __init__(self, root: str | os.PathLike | None = None):
        self.root = Path(root) if root is not None else user_data_dir() / "personal"

    def add(self, digit: int, png: bytes, strokes: Sequence[Sequence[tuple[float, float]]] | None = None,
            area_size: float | None = None) -> Path:
        """Store one drawing labelled ``digit`` (its PNG bytes, and its strokes if given); atomic writes."""
        if digit not in range(10):
            raise ValueError(f"a digit is 0 to 9, not {digit!r}")
        folder = self.root / str(digit)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.png"
        if strokes is not None:
            record = {"area_size": area_size, "strokes": [[list(p) for p in stroke] for stroke in strokes]}
            write_atomically(path.with_suffix(".json"), lambda file: file.write(json.dumps(record).encode()))
        write_atomically(path, lambda file: file.write(png))
        return path

    def pictures(self, digit: int | None = None) -> list[Path]:
        """The picture files of one digit (or of all), oldest first."""
        digits = DIGITS if digit is None else (str(digit),)
        return [p for d in digits for p in _picture_files(self.root / d)]

    def counts(self) -> list[int]:
        """How many pictures each digit 0-9 holds."""
        return [len(_picture_files(self.root / d)) for d in DIGITS]

    def remove(self, picture: str | os.PathLike) -> None:
        """Delete one drawing (its picture and strokes); only files inside this set."""
        picture = Path(picture)
        if picture.resolve().parent.parent != self.root.resolve():
            raise ValueError(f"{picture} is not in the personal set")
        picture.with_suffix(".json").unlink(missing_ok=True)
        picture.unlink(missing_ok=True)

    def relabel(self, picture: str | os.PathLike, digit: int) -> Path:
        """Move one drawing (its picture and strokes) to ``digit``'s folder; returns its new path."""
        picture = Path(picture)
        if digit not in range(10):
            raise ValueError(f"a digit is 0 to 9, not {digit!r}")
        if picture.resolve().parent.parent != self.root.resolve():
            raise ValueError(f"{picture} is not in the personal set")
        folder = self.root / str(digit)
        if picture.parent.resolve() == folder.resolve():
            return picture
        folder.mkdir(parents=True, exist_ok=True)
        moved = folder / picture.name
        strokes = picture.with_suffix(".json")
        if strokes.is_file():
            os.replace(strokes, moved.with_suffix(".json"))
        os.replace(picture, moved)
        return moved

    def clear(self) -> None:
        """Delete every drawing of the set (other files in its folders are left alone)."""
        for picture in self.pictures():
            self.remove(picture)

    def load(self) -> Samples:
        """The drawings ready for the network; strokes are re-rendered where they were kept (none yet: empty)."""
        if not self.root.is_dir():
            return Samples(MnistSplit(torch.zeros(0, 28, 28, dtype=torch.uint8), torch.zeros(0, dtype=torch.long)), [])
        return load_samples(self.root, strict=False)


def load_samples(folder: str | os.PathLike, *, strict: bool = True) -> Samples:
    """Read an ``ImageFolder`` of digit pictures of any size, preprocessed like ``classify`` does.

    Unreadable or blank files are skipped with a message. With ``strict`` (a folder given by the
    user) a sub-folder that is not a digit 0-9 raises :class:`SamplesError`, and so does a folder
    with no usable picture; otherwise such folders are skipped with a message.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise SamplesError(f"{folder}: no such folder")
    skipped: list[str] = []
    foreign = sorted(p.name for p in folder.iterdir() if p.is_dir() and p.name not in DIGITS and not p.name.startswith("."))
    if foreign and strict:
        raise SamplesError(
            f"{folder}: the labels {', '.join(foreign)} are not digits. Expected the ImageFolder layout "
            f"with one sub-folder per digit, named 0 to 9 (e.g. {folder / '7' / 'a.png'})."
        )
    skipped += [f"{folder / name}: not a digit folder (0-9), skipped" for name in foreign]
    images, labels, paths = [], [], []
    for digit in DIGITS:
        for path in _picture_files(folder / digit):
            try:
                image = _sample_image(path)
            except (ImageReadError, ValueError, OSError) as exc:
                skipped.append(f"{path}: {exc}, skipped")
                continue
            if image is None:
                skipped.append(f"{path}: holds no digit, skipped")
                continue
            images.append((image * 255).round().to(torch.uint8))
            labels.append(int(digit))
            paths.append(path)
        skipped += [f"{p}: not a picture, skipped" for p in _other_files(folder / digit)]
    if not paths and strict:
        detail = f" ({len(skipped)} files skipped: {skipped[0]} …)" if skipped else ""
        raise SamplesError(f"{folder}: no digit pictures found in its sub-folders 0 to 9{detail}")
    split = MnistSplit(torch.stack(images) if images else torch.zeros(0, 28, 28, dtype=torch.uint8),
                       torch.tensor(labels, dtype=torch.long))
    return Samples(split, paths, skipped)


def load_picture(path: str | os.PathLike) -> torch.Tensor | None:
    """One drawing of a set as uint8 (28, 28), read as learning reads it; None if it holds no digit or
    cannot be read."""
    try:
        image = _sample_image(Path(path))
    except (ImageReadError, ValueError, OSError):
        return None
    return None if image is None else (image * 255).round().to(torch.uint8)


def _sample_image(path: Path) -> torch.Tensor | None:
    """The 28x28 image of one drawing: from its strokes when they were kept (as the Draw tab reads), else its picture."""
    strokes_file = path.with_suffix(".json")
    if strokes_file.is_file():
        try:
            record = json.loads(strokes_file.read_text())
            return strokes_to_image(record["strokes"], float(record["area_size"]))
        except (ValueError, KeyError, TypeError, OSError):
            pass  # damaged strokes: the picture still says what was drawn
    return image_to_image(read_image(path))


def _picture_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES and p.is_file() and not p.name.startswith("."))


def _other_files(folder: Path) -> list[Path]:
    """Files in a digit folder that are neither pictures, kept strokes, nor hidden (temporary) files."""
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.iterdir()
        if not p.name.startswith(".") and p.suffix.lower() not in IMAGE_SUFFIXES
        and not (p.suffix == ".json" and p.with_suffix(".png").exists())
    )


# --- fine-tuning ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FineTuneSettings:
    """How a personal fine-tune runs: ``steps`` batches of ``batch_size``, ``personal_share`` of them your drawings.

    Chosen with ``benchmarks/personal.py``: a lower rate or share forgets less of MNIST, a higher
    one learns a hand faster. A run this small costs the least CPU time on one thread (``threads``),
    and leaves the other cores to the window.
    """

    steps: int = 300
    batch_size: int = 128
    lr: float = 0.003
    personal_share: float = 0.1
    anchor: float = 0.0  # L2-SP: each step's gradient also pulls the weights back towards the starting ones this hard
    vote_weight: float = TUNED_WEIGHT  # how strongly the drawings vote on the tuned model's answers (0: not at all)
    vote_temperature: float = DEFAULT_TEMPERATURE
    device: str = "cpu"
    seed: int = 0
    threads: int = 1

    def validate(self) -> None:
        if self.steps < 1:
            raise ValueError("steps must be at least 1")
        if not 0 < self.personal_share < 1:
            raise ValueError("the personal share is a fraction between 0 and 1")
        if not (self.anchor >= 0 and self.vote_weight >= 0 and self.vote_temperature > 0):
            raise ValueError("the anchor and the vote's weight are at least 0, its temperature above 0")


@dataclass
class FineTuneResult:
    """The tuned model and how it reads the personal set and MNIST's test set, before and after."""

    checkpoint: Checkpoint
    training: TrainResult
    samples: int
    samples_accuracy_before: float
    samples_accuracy_after: float
    mnist_accuracy_before: float
    mnist_accuracy_after: float | None  # with the drawings' vote, as the app reads; None when stopped before its test


def fine_tune_mixture(samples: MnistSplit, mnist_train: MnistSplit, settings: FineTuneSettings) -> MnistSplit:
    """Exactly ``steps * batch_size`` images: the samples repeated to ``personal_share`` of them, the rest MNIST at random."""
    total = settings.steps * settings.batch_size
    personal = min(total, max(len(samples), round(total * settings.personal_share)))  # never more than the run holds
    generator = torch.Generator().manual_seed(settings.seed)
    repeats = torch.arange(personal) % len(samples)
    mnist = torch.randint(len(mnist_train), (total - personal,), generator=generator)
    return MnistSplit(
        torch.cat([samples.images[repeats], mnist_train.images[mnist]]),
        torch.cat([samples.labels[repeats], mnist_train.labels[mnist]]),
    )


@contextmanager
def anchored(model: nn.Module, strength: float) -> Iterator[None]:
    """While inside, every gradient of ``model``'s weights gets ``strength * (w - w0)`` added, ``w0`` the weights
    on entry: the L2-SP penalty ``strength / 2 * |w - w0|^2``, which keeps a fine-tune near what the model
    knew (MNIST) wherever the new drawings do not pull it away. It works through tensor hooks, so the
    one training loop runs unchanged."""
    if not strength:
        yield
        return
    hooks = []
    for weight in model.parameters():
        if weight.requires_grad:
            start = weight.detach().clone()
            hooks.append(weight.register_hook(lambda grad, weight=weight, start=start: grad + strength * (weight.detach() - start)))
    try:
        yield
    finally:
        for hook in hooks:
            hook.remove()


def fine_tune(
    checkpoint: Checkpoint,
    samples: MnistSplit,
    mnist_train: MnistSplit,
    mnist_test: MnistSplit,
    settings: FineTuneSettings = FineTuneSettings(),
    *,
    model: nn.Module | None = None,
    on_batch: Callable[[BatchReport], None] | None = None,
    on_eval: Callable[[EvalReport], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> FineTuneResult:
    """Tune ``checkpoint``'s model (or ``model``, built from it) to ``samples`` in one epoch of the one training loop."""
    settings.validate()
    if len(samples) == 0:
        raise ValueError("there are no drawings to learn from")
    with torch_threads(settings.threads):
        model = (model if model is not None else checkpoint.build()).to(settings.device)
        normalisation = dict(mean=checkpoint.mean, std=checkpoint.std)
        _, samples_before, _ = evaluate(model, samples, settings.device, **normalisation)
        _, mnist_before, _ = evaluate(model, mnist_test, settings.device, **normalisation)
        config = TrainConfig(
            arch=checkpoint.arch, epochs=1, batch_size=settings.batch_size, lr=settings.lr, optimizer="adamw",
            schedule="onecycle", augment=True, device=settings.device, seed=settings.seed,
        )
        mixture = fine_tune_mixture(samples, mnist_train, settings)
        with anchored(model, settings.anchor):
            result = train(config, mixture, mnist_test, on_batch=on_batch, on_eval=on_eval, should_stop=should_stop,
                           model=model, **normalisation)
        _, samples_after, _ = evaluate(result.model, samples, settings.device, **normalisation)
        prototypes = None
        if settings.vote_weight > 0:
            inputs = normalise(ink_of(samples.images.to(settings.device)), checkpoint.mean, checkpoint.std)
            prototypes = Prototypes.of(result.model, inputs, samples.labels,
                                       weight=settings.vote_weight, temperature=settings.vote_temperature)
        tuned = Checkpoint.from_model(
            checkpoint.arch,
            result.model,
            mean=checkpoint.mean,
            std=checkpoint.std,
            test_accuracy=result.test_accuracy,
            training={
                **checkpoint.training,
                "fine_tuned_on_drawings": len(samples),
                "fine_tune_steps": round(result.epochs * settings.steps),
                "fine_tune_lr": settings.lr,
                "fine_tune_anchor": settings.anchor,
            },
            prototypes=prototypes.to_dict() if prototypes is not None else {},
        )
        mnist_after = result.test_accuracy
        if prototypes is not None and mnist_after is not None:
            mnist_after = accuracy_with_vote(result.model, prototypes, mnist_test, settings.device, should_stop, **normalisation)
        return FineTuneResult(tuned, result, len(samples), samples_before, samples_after, mnist_before, mnist_after)


@torch.inference_mode()
def accuracy_with_vote(model: nn.Module, prototypes: Prototypes, split: MnistSplit, device: str,
                       should_stop: Callable[[], bool] | None = None, *, mean: float, std: float,
                       batch_size: int = 500) -> float | None:
    """How many of ``split`` the model reads right with the drawings' vote, as the app reads them; None when
    ``should_stop`` says yes before a batch."""
    model.eval()
    correct = 0
    for start in range(0, len(split), batch_size):
        if should_stop and should_stop():
            return None
        output, features = forward_with_features(model, normalise(ink_of(split.images[start:start + batch_size].to(device)), mean, std))
        answers = prototypes.blend(output, features).argmax(1).cpu()
        correct += int((answers == split.labels[start:start + batch_size]).sum())
    return correct / len(split)
