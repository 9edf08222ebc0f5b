"""The training settings are declared once: the command line's options and the Train tab's form come from it."""

from __future__ import annotations

import argparse
from dataclasses import fields

import pytest

from digitdraw import cli
from digitdraw.core import training
from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.data import write_mnist
from digitdraw.core.train_settings import NOT_SETTINGS, RECIPE, SETTINGS, recipe_values, train_config
from digitdraw.core.training import RECIPES, TrainConfig

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _train_options() -> dict[str, argparse.Action]:
    """``digitdraw train``'s options by destination."""
    commands = next(a for a in cli._parser()._actions if isinstance(a, argparse._SubParsersAction))
    return {action.dest: action for action in commands.choices["train"]._actions}


def test_every_field_a_user_can_set_is_declared_and_is_an_option_of_digitdraw_train():
    declared = [setting.name for setting in SETTINGS]
    assert len(set(declared)) == len(declared)
    assert set(declared) | NOT_SETTINGS == {field.name for field in fields(TrainConfig)}, (
        "declare a new TrainConfig field in core/train_settings.py (or say why no one chooses it in NOT_SETTINGS)"
    )
    options = _train_options()
    for setting in (RECIPE, *SETTINGS):
        assert setting.name in options, f"{setting.flag} is not an option of digitdraw train"
        assert setting.flag in options[setting.name].option_strings
        assert options[setting.name].help, f"{setting.flag} has no help"
    assert set(options[RECIPE.name].choices) == set(RECIPES)
    assert "--no-augment" in options["augment"].option_strings, "the option of old stays"


def test_options_not_given_keep_the_recipe_and_given_ones_replace_it():
    def config(*arguments):
        return cli._train_config(cli._parser().parse_args(["train", "--device", "cpu", *arguments]))

    assert config() == RECIPES["default"]
    assert config("--recipe", "pytorch-example") == RECIPES["pytorch-example"]
    chosen = config("--recipe", "pytorch-example", "--arch", "digitnet", "--epochs", "3", "--batch-size", "48",
                    "--lr", "0.25", "--optimizer", "sgd", "--schedule", "constant", "--augment",
                    "--train-images", "5000", "--seed", "7", "--target-accuracy", "0.975")
    assert chosen == TrainConfig(arch="digitnet", epochs=3, batch_size=48, lr=0.25, optimizer="sgd",
                                 schedule="constant", augment=True, device="cpu", train_images=5000, seed=7,
                                 target_accuracy=0.975)
    assert config("--no-augment").augment is False


def test_a_recipe_sets_how_to_train_but_not_where_on_what_or_when_to_stop():
    assert recipe_values("pytorch-example") == {
        "arch": "classic", "epochs": 14, "batch_size": 64, "lr": 1.0, "optimizer": "adadelta", "schedule": "step",
        "augment": False,
    }
    assert train_config("pytorch-example", seed=3).seed == 3
    with pytest.raises(TypeError, match="label_smoothing"):
        train_config("default", label_smoothing=0.1)


@pytest.fixture(scope="module")
def tiny_data(mnist, tmp_path_factory):
    """A data folder in MNIST's own format: 640 training and 200 test images."""
    root = tmp_path_factory.mktemp("tiny-mnist")
    write_mnist(root, mnist[0].subset(640), mnist[1].subset(200))
    return root


def test_schedule_and_train_images_reach_the_training_loop(tiny_data, tmp_path, capsys, monkeypatch):
    runs, original_train = [], training.train

    def recording_train(config, train_data, test_data, **callbacks):
        batches = []
        on_batch = callbacks.pop("on_batch")
        result = original_train(config, train_data, test_data, on_batch=lambda r: (batches.append(r), on_batch(r)),
                                **callbacks)
        runs.append((config, batches))
        return result

    monkeypatch.setattr("digitdraw.core.training.train", recording_train)
    out = tmp_path / "model.pt"
    code = cli.main(["train", "--data-dir", str(tiny_data), "--device", "cpu", "--no-augment", "--batch-size", "128",
                     "--train-images", "512", "--schedule", "constant", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    (config, batches), = runs
    assert (config.schedule, config.train_images) == ("constant", 512)
    assert [report.step for report in batches] == [1, 2, 3, 4], "512 of the 640 images at 128 a step: 4 steps"
    assert batches[-1].total_steps == 4
    saved = load_checkpoint(out).training
    assert (saved["schedule"], saved["train_images"]) == ("constant", 512), "the checkpoint says how it was made"


def test_train_images_out_of_range_fail_with_a_message(tiny_data, tmp_path, capsys):
    code = cli.main(["train", "--data-dir", str(tiny_data), "--device", "cpu", "--train-images", "0",
                     "--out", str(tmp_path / "never.pt")])
    assert code == 2 and "training images" in capsys.readouterr().err
