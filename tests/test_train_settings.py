"""The training settings are declared once: the command line's options and the Train tab's form come from it."""

from __future__ import annotations

import argparse
from dataclasses import fields

import pytest
from PySide6.QtWidgets import QWidget

from digitdraw import cli
from digitdraw.core import training
from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.data import write_mnist
from digitdraw.core.train_settings import NOT_SETTINGS, RECIPE, SETTINGS, default_values, recipe_values, train_config
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


# -- the Train tab's form -----------------------------------------------------------------


def _other_value(setting, value):
    """A value of ``setting`` other than ``value`` that the form can show exactly."""
    if setting.kind == "choice":
        return next(choice for choice in reversed(list(setting.choices())) if choice != value)
    if setting.kind == "device":
        return "cpu"  # the one device every machine has
    if setting.kind == "bool":
        return not value
    if setting.kind == "int":
        return int(setting.minimum + setting.step)
    middle = (setting.minimum + setting.maximum) / 2
    return round(middle * setting.scale, setting.decimals) / setting.scale


def _chosen_values() -> dict:
    """Every declared setting at a value other than its default (the recipe too)."""
    defaults = default_values()
    return {setting.name: _other_value(setting, defaults[setting.name]) for setting in (RECIPE, *SETTINGS)}


def _cli_arguments(values: dict) -> list[str]:
    """``digitdraw train``'s options for ``values``, as a user would type them."""
    arguments = []
    for setting in (RECIPE, *SETTINGS):
        value = values[setting.name]
        if value is None:
            continue  # the option's absence: none for these, as in the recipes
        if setting.kind == "bool":
            arguments.append(setting.flag if value else "--no-" + setting.flag[2:])
        else:
            arguments += [setting.flag, str(value)]
    return arguments


@pytest.fixture
def train_tab(qtbot, tmp_path):
    from digitdraw.ui.train.tab import TrainTab

    tab = TrainTab(data_dir=tmp_path)
    qtbot.addWidget(tab)
    yield tab
    tab.shutdown()


def _form_rows(form) -> dict[str, str]:
    """The label of each named widget's row in the QFormLayout ``form``."""
    from PySide6.QtWidgets import QFormLayout

    rows = {}
    for row in range(form.rowCount()):
        label, field = (form.itemAt(row, role) for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole))
        inner = field.layout()
        widgets = [inner.itemAt(i).widget() for i in range(inner.count())] if inner else [field.widget()]
        rows.update({widget.objectName(): label.widget().text() if label else "" for widget in widgets})
    return rows


def test_every_declared_setting_is_a_row_of_the_train_tabs_form(train_tab):
    from PySide6.QtCore import QCoreApplication

    rows = _form_rows(train_tab.settings_box.layout())
    for setting in (RECIPE, *SETTINGS):
        assert rows.get(setting.name) == QCoreApplication.translate("", setting.label), f"{setting.name}: no row"
        assert train_tab.settings_form.widgets[setting.name].toolTip(), f"{setting.name} has no tooltip"
    assert train_tab.settings_form.values().keys() == {setting.name for setting in (RECIPE, *SETTINGS)}
    assert train_tab.config() == RECIPES["default"], "the form starts at the default recipe"


def test_the_form_remembers_every_setting_through_qsettings(qtbot):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFormLayout

    from digitdraw.ui.settings_form import SettingsForm

    holders = []  # the forms' widgets live as long as the test

    def form() -> SettingsForm:
        holders.append(QWidget())
        qtbot.addWidget(holders[-1])
        return SettingsForm((RECIPE, *SETTINGS), QFormLayout(holders[-1]), default_values())

    chosen = _chosen_values()
    first = form()
    first.set_values(chosen)
    assert first.values() == chosen
    first.save(QSettings())
    again = form()
    assert again.values() == default_values()
    again.restore(QSettings())
    assert again.values() == chosen

    first.set_values({"target_accuracy": None, "train_images": None})  # switched off, and all the images
    first.save(QSettings())
    again.restore(QSettings())
    assert (again.value("target_accuracy"), again.value("train_images")) == (None, None)
    again.switches["target_accuracy"].setChecked(True)
    assert again.value("target_accuracy") == chosen["target_accuracy"], "the number stays while switched off"


def test_a_damaged_remembered_value_keeps_the_default_and_spares_the_others(qtbot):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QFormLayout

    from digitdraw.ui.settings_form import SettingsForm

    store = QSettings()
    store.setValue("train/epochs", "many")
    store.setValue("train/optimizer", "no-such-optimizer")
    store.setValue("train/batch_size", 48)
    holder = QWidget()
    qtbot.addWidget(holder)
    form = SettingsForm((RECIPE, *SETTINGS), QFormLayout(holder), default_values())
    form.restore(store)
    assert form.values() == {**default_values(), "batch_size": 48}


@pytest.mark.parametrize("case", ["defaults", "every setting changed"])
def test_the_command_line_and_the_train_tab_make_the_same_config_from_the_same_values(train_tab, case):
    values = default_values() if case == "defaults" else _chosen_values()
    train_tab.settings_form.set_values(values)
    from_cli = cli._train_config(cli._parser().parse_args(["train", *_cli_arguments(values)]))
    assert train_tab.config() == from_cli
    if case != "defaults":
        assert from_cli != RECIPES[values["recipe"]]
        assert all(getattr(from_cli, name) == value for name, value in values.items() if name != "recipe")
