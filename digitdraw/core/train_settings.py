"""What decides a training run: :class:`TrainConfig`, the recipes, and the settings declared once.

The Train tab's form (its widgets, recipes and remembered choices) and ``digitdraw train``'s
options are both built from :data:`SETTINGS`, so a setting added here shows in both, and the same
choices make the same :class:`TrainConfig` (:func:`train_config`).
Texts are English, marked :func:`translatable`: the window translates them with Qt, the command
line with gettext.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable, Mapping

from .messages import translatable
from .models import DEFAULT_ARCH, architectures

if TYPE_CHECKING:
    from .data import MnistSplit

OPTIMIZERS = ("adamw", "adam", "sgd", "adadelta")
SCHEDULES = ("onecycle", "step", "constant")
FULL_TRAIN_SET = 60_000  # MNIST's training images


@dataclass(frozen=True)
class TrainConfig:
    """Everything that decides a training run."""

    arch: str = DEFAULT_ARCH
    epochs: int = 1
    batch_size: int = 128
    lr: float = 0.01
    optimizer: str = "adamw"
    schedule: str = "onecycle"
    augment: bool = True
    label_smoothing: float = 0.0
    device: str = "cpu"
    target_accuracy: float | None = None
    seed: int = 0
    train_images: int | None = None  # train on the first N training images; None: on all of them

    def validate(self) -> None:
        """Raise ``ValueError`` with a readable message for settings that cannot train."""
        if self.epochs < 1:
            raise ValueError("epochs must be at least 1")
        if self.batch_size < 1:
            raise ValueError("batch size must be at least 1")
        if not (self.lr > 0 and math.isfinite(self.lr)):
            raise ValueError("learning rate must be a positive number")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r} (choose from {', '.join(OPTIMIZERS)})")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"unknown schedule {self.schedule!r} (choose from {', '.join(SCHEDULES)})")
        if self.target_accuracy is not None and not 0 < self.target_accuracy <= 1:
            raise ValueError("target accuracy is a fraction between 0 and 1, e.g. 0.99")
        if self.train_images is not None and self.train_images < 1:
            raise ValueError("the number of training images must be at least 1")

    def training_split(self, train_data: MnistSplit) -> MnistSplit:
        """The part of ``train_data`` this run trains on: its first ``train_images``, or all of it."""
        return train_data if self.train_images is None else train_data.subset(self.train_images)


# The default recipe: the quickest way found here to 99% on a CPU, and what made the shipped model.
DEFAULT_RECIPE = TrainConfig()
# PyTorch's examples/mnist/main.py: the classic network, Adadelta lr 1.0, StepLR gamma 0.7, batch 64.
PYTORCH_EXAMPLE_RECIPE = TrainConfig(
    arch="classic", epochs=14, batch_size=64, lr=1.0, optimizer="adadelta", schedule="step", augment=False
)
RECIPES = {"default": DEFAULT_RECIPE, "pytorch-example": PYTORCH_EXAMPLE_RECIPE}


@dataclass(frozen=True)
class Setting:
    """One setting: the :class:`TrainConfig` field it sets, how the form shows it, how the command line takes it.

    ``kind`` is ``"choice"`` (one of ``choices()``: name -> text shown), ``"int"``, ``"float"``,
    ``"bool"`` or ``"device"`` (the devices this machine has in the form; any name, or ``auto``,
    on the command line). The limits, steps and ``scale`` are the form's; for both, the rule is
    :meth:`TrainConfig.validate`. A setting that may be None shows None in the form either as the
    top of its range (``none_at_maximum``: all the images) or as an unticked check box labelled
    ``switch_text`` in front of it (no target).
    """

    name: str
    kind: str
    label: str  # the form's row label
    help: str  # the form's tooltip and, unless ``cli_help`` says otherwise, the command line's help
    cli_help: str = ""  # the command line's help where it differs (it then says the default itself)
    choices: Callable[[], Mapping[str, str]] | None = None
    choice_help: Callable[[], Mapping[str, str]] | None = None  # a line about each choice (name -> text)
    minimum: float | None = None
    maximum: float | None = None
    step: float = 1
    decimals: int = 0  # decimals shown in the form, in its scale
    scale: float = 1  # the form shows value * scale (a fraction as a percentage)
    suffix: str = ""
    group_digits: bool = False  # 60,000 rather than 60000
    check_text: str = ""  # a bool's check box text
    switch_text: str = ""  # the text of the check box that switches a setting that may be None on
    off_value: Any = None  # the value shown, greyed, while the switch is off
    none_at_maximum: bool = False
    in_recipe: bool = True  # a recipe sets it (choosing one in the form changes it)
    cli_default: Any = None  # the command line's value when the option is not given (None: the recipe's)
    metavar: str | None = None  # the command line's name for the value (default: the option's, in capitals)

    @property
    def flag(self) -> str:
        """The command line's option, e.g. ``--batch-size``."""
        return "--" + self.name.replace("_", "-")

    @property
    def key(self) -> str:
        """Where the form's choice is remembered (``QSettings``)."""
        return "train/" + self.name


RECIPE_LABELS = {
    "default": translatable("digitdraw default (fast to 99%)"),
    "pytorch-example": translatable("PyTorch's MNIST example"),
}
SCHEDULE_LABELS = {
    "onecycle": translatable("onecycle"),
    "step": translatable("step"),
    "constant": translatable("constant"),
}

RECIPE = Setting(
    "recipe", "choice", translatable("Recipe"), translatable("Fill the settings below with a known recipe"),
    cli_help=translatable("the settings to start from, changed by the options below (default: default)"),
    choices=lambda: {name: RECIPE_LABELS.get(name, name) for name in RECIPES},
    in_recipe=False, cli_default="default",
)

SETTINGS = (
    Setting("arch", "choice", translatable("Network"), translatable("The network to train"),
            choices=lambda: {name: name for name in architectures()}, choice_help=architectures),
    Setting("epochs", "int", translatable("Epochs"), translatable("How many times to go through the training images"),
            minimum=1, maximum=100),
    Setting("batch_size", "int", translatable("Batch size"),
            translatable("Training images per step: each step follows their average gradient"),
            minimum=8, maximum=4096, step=32),
    Setting("lr", "float", translatable("Learning rate"),
            translatable("Learning rate: how big a step the optimizer takes. Try 1,000,000 to see training diverge."),
            minimum=0.0001, maximum=1_000_000.0, decimals=4, group_digits=True),
    Setting("optimizer", "choice", translatable("Optimizer"),
            translatable("How each step turns the gradient into a change of the weights"),
            choices=lambda: {name: name for name in OPTIMIZERS}),
    Setting("schedule", "choice", translatable("LR schedule"),
            translatable("onecycle: warm up then anneal; step: ×0.7 each epoch; constant"),
            choices=lambda: {name: SCHEDULE_LABELS.get(name, name) for name in SCHEDULES}),
    Setting("augment", "bool", translatable("Augment"),
            translatable("Random rotation, scale, shift, shear and stroke width, so drawn digits are read well"),
            check_text=translatable("distort training digits")),
    Setting("device", "device", translatable("Device"), translatable("Where to train: the processor or a GPU"),
            cli_help=translatable("cpu, cuda:0, mps or auto (default: auto)"), in_recipe=False, cli_default="auto"),
    Setting("train_images", "int", translatable("Train images"),
            translatable("Train on the first N of MNIST's 60,000 training images (fewer: faster, worse)"),
            cli_help=translatable("train on the first N of MNIST's 60,000 training images (default: all of them)"),
            minimum=100, maximum=FULL_TRAIN_SET, step=1000, group_digits=True, none_at_maximum=True, in_recipe=False,
            metavar="N"),
    Setting("seed", "int", translatable("Seed"),
            translatable("Where the random numbers start: the same seed and settings train the same model"),
            cli_help=translatable("where the random numbers start: the same seed and settings train the same model "
                                  "(default: 0)"),
            minimum=0, maximum=2**31 - 1, in_recipe=False),
    Setting("target_accuracy", "float", translatable("Test accuracy"),
            translatable("End training as soon as the test accuracy reaches this.\nFrom halfway on, the tests judge "
                         "the average of the last few dozen steps' weights,\nand that average is the model you get."),
            cli_help=translatable("stop as soon as test accuracy reaches this fraction, e.g. 0.99"),
            minimum=0.5, maximum=1.0, decimals=1, scale=100, suffix=" %", switch_text=translatable("stop at"),
            off_value=0.99, in_recipe=False, metavar="FRACTION"),
)

# Fields of TrainConfig that are no one's choice: they are set by the code that trains.
NOT_SETTINGS = frozenset({"label_smoothing"})


def default_values() -> dict[str, Any]:
    """Every declared setting's value when nothing is chosen: the default recipe's."""
    config = RECIPES[RECIPE.cli_default]
    return {RECIPE.name: RECIPE.cli_default, **{declared.name: getattr(config, declared.name) for declared in SETTINGS}}


def recipe_values(recipe: str) -> dict[str, Any]:
    """The values ``recipe`` gives the settings it sets (choosing it in the form puts these in)."""
    config = RECIPES[recipe]
    return {declared.name: getattr(config, declared.name) for declared in SETTINGS if declared.in_recipe}


def train_config(recipe: str = "default", **values: Any) -> TrainConfig:
    """``recipe``'s settings with ``values`` (declared settings by name) in their place."""
    unknown = set(values) - {declared.name for declared in SETTINGS}
    if unknown:
        raise TypeError(f"not a declared training setting: {', '.join(sorted(unknown))}")
    return replace(RECIPES[recipe], **values)

