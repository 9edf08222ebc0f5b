"""``digitdraw train`` end to end, on a tiny MNIST folder so that it takes seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from digitdraw.cli import main
from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.data import load_mnist, write_mnist

SUMMARY_KEYS = {"test_accuracy", "seconds", "epochs", "samples_per_s", "out"}


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def tiny_data(mnist, tmp_path_factory) -> Path:
    """A data folder in MNIST's own file format holding 640 training and 300 test images."""
    train_data, test_data = mnist
    root = tmp_path_factory.mktemp("tiny-mnist")
    write_mnist(root, train_data.subset(640), test_data.subset(300))
    assert len(load_mnist(root, download=False)[0]) == 640
    return root


INSTALLED = Path(sys.executable).with_name("digitdraw")  # the command pip installed next to this Python


def known_digits(mnist, folder: Path) -> dict[str, int]:
    """Three clear MNIST test digits (a 7, a 1, a 0) saved as dark ink on white: {path: digit}."""
    from PIL import Image

    paths = {}
    for index in (0, 2, 3):
        digit, label = mnist[1].images[index].numpy(), int(mnist[1].labels[index])
        path = folder / f"test-{index}-is-{label}.png"
        Image.fromarray(255 - digit).resize((112, 112)).save(path)
        paths[str(path)] = label
    return paths


def probabilities_of(model: Path, paths) -> list[list[float]]:
    """What the checkpoint at ``model`` answers for each picture, worked out here without the command line."""
    from digitdraw.core.imageio import read_image
    from digitdraw.core.inference import Classifier
    from digitdraw.core.preprocess import image_to_image

    classifier = Classifier.load(model)
    return [classifier.predict(image_to_image(read_image(path))).probabilities for path in paths]


def _summary(stdout: str) -> dict:
    last = stdout.strip().splitlines()[-1]
    summary = json.loads(last)
    assert set(summary) == SUMMARY_KEYS
    return summary


def test_train_writes_a_checkpoint_that_classify_can_use(tiny_data, tmp_path, capsys, mnist):
    out = tmp_path / "model.pt"
    code = main(["train", "--data-dir", str(tiny_data), "--epochs", "2", "--batch-size", "32", "--no-augment",
                 "--device", "cpu", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = _summary(captured.out)
    assert summary["out"] == str(out) and out.is_file()
    assert 0.3 < summary["test_accuracy"] <= 1, "a fraction, well above chance"
    assert summary["epochs"] == 2 and summary["seconds"] > 0 and summary["samples_per_s"] > 0
    assert "epoch 2" in captured.err and "samples/s" in captured.err, "a progress bar on the terminal"
    checkpoint = load_checkpoint(out)
    assert checkpoint.test_accuracy == pytest.approx(summary["test_accuracy"], abs=1e-4)
    assert checkpoint.training["epochs"] == 2 and checkpoint.training["batch_size"] == 32

    from PIL import Image

    paths = known_digits(mnist, tmp_path)
    code = main(["classify", "--model", str(out), "--json", *paths])
    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert code == 0
    assert [(line["path"], line["digit"]) for line in lines] == list(paths.items()), "the trained model reads them"
    for line in lines:
        assert len(line["probabilities"]) == 10 and sum(line["probabilities"]) == pytest.approx(1, abs=1e-3)
    for line, expected in zip(lines, probabilities_of(out, paths)):
        assert line["probabilities"] == pytest.approx(expected, abs=1e-5), "the trained model answers, not the shipped one"


def test_target_accuracy_stops_early(tiny_data, tmp_path, capsys):
    out = tmp_path / "early.pt"
    code = main(["train", "--data-dir", str(tiny_data), "--epochs", "4", "--batch-size", "32", "--no-augment",
                 "--device", "cpu", "--target-accuracy", "0.3", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = _summary(captured.out)
    assert summary["test_accuracy"] >= 0.3 and summary["epochs"] < 4
    assert "reached" in captured.err


@pytest.mark.parametrize(
    "arguments, words",
    [(["--epochs", "0"], "epochs"), (["--lr", "-1"], "learning rate"), (["--target-accuracy", "99"], "fraction"),
     (["--device", "tpu:7"], "not available")],
)
def test_bad_settings_fail_with_a_message_and_no_file(tiny_data, tmp_path, capsys, arguments, words):
    out = tmp_path / "never.pt"
    code = main(["train", "--data-dir", str(tiny_data), "--out", str(out), *arguments])
    assert code == 2
    assert words in capsys.readouterr().err
    assert not out.exists()


def test_missing_mnist_says_where_to_put_it(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("digitdraw.core.data._download", lambda root: None)  # no network in tests
    code = main(["train", "--data-dir", str(tmp_path), "--out", str(tmp_path / "m.pt")])
    err = capsys.readouterr().err
    assert code == 2 and "MNIST not found" in err and str(tmp_path) in err


def test_the_installed_command_trains_then_classifies_known_digits(tiny_data, tmp_path, mnist):
    assert INSTALLED.is_file(), f"{INSTALLED} is missing: install the package with pip install -e ."
    out = tmp_path / "cmd.pt"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    completed = subprocess.run(
        [str(INSTALLED), "train", "--data-dir", str(tiny_data), "--epochs", "2", "--batch-size", "32",
         "--no-augment", "--device", "cpu", "--seed", "0", "--out", str(out)],
        capture_output=True, text=True, timeout=300, env=env,
    )
    assert completed.returncode == 0, completed.stderr
    assert _summary(completed.stdout)["out"] == str(out)
    paths = known_digits(mnist, tmp_path)
    completed = subprocess.run([str(INSTALLED), "classify", "--json", "--model", str(out), *paths],
                               capture_output=True, text=True, timeout=300, env=env)
    assert completed.returncode == 0, completed.stderr
    lines = [json.loads(line) for line in completed.stdout.strip().splitlines()]
    assert [(line["path"], line["digit"]) for line in lines] == list(paths.items()), "the trained model reads them"
    for line, expected in zip(lines, probabilities_of(out, paths)):
        assert line["probabilities"] == pytest.approx(expected, abs=1e-5), "the trained model answers, not the shipped one"


def test_a_diverging_run_exits_non_zero_and_keeps_finite_weights(tiny_data, tmp_path, capsys):
    out = tmp_path / "blown.pt"
    code = main(["train", "--data-dir", str(tiny_data), "--epochs", "1", "--batch-size", "32", "--no-augment",
                 "--device", "cpu", "--optimizer", "sgd", "--lr", "1e6", "--out", str(out)])
    captured = capsys.readouterr()
    assert code == 1, "a run that diverged is not a success"
    assert "too high" in captured.err
    assert _summary(captured.out)["out"] == str(out)
    weights = load_checkpoint(out).state_dict.values()
    assert all(torch.isfinite(w).all() for w in weights if w.is_floating_point())


def _train(tiny_data, out, *arguments) -> dict:
    code = main(["train", "--data-dir", str(tiny_data), "--epochs", "1", "--device", "cpu", "--no-augment",
                 "--out", str(out), *arguments])
    assert code == 0
    return load_checkpoint(out)


def test_recipe_arch_and_seed_decide_the_run(tiny_data, tmp_path, capsys):
    example = _train(tiny_data, tmp_path / "example.pt", "--recipe", "pytorch-example", "--arch", "digitnet")
    assert example.arch == "digitnet", "--arch overrides the recipe's network"
    settings = example.training
    assert (settings["optimizer"], settings["lr"], settings["batch_size"], settings["schedule"]) == (
        "adadelta", 1.0, 64, "step"), "the rest comes from PyTorch's example"

    first = _train(tiny_data, tmp_path / "a.pt", "--seed", "3", "--batch-size", "64")
    again = _train(tiny_data, tmp_path / "b.pt", "--seed", "3", "--batch-size", "64")
    other = _train(tiny_data, tmp_path / "c.pt", "--seed", "4", "--batch-size", "64")
    assert first.training["seed"] == 3 and other.training["seed"] == 4
    assert all(torch.equal(first.state_dict[k], again.state_dict[k]) for k in first.state_dict), "same seed, same model"
    assert not all(torch.equal(first.state_dict[k], other.state_dict[k]) for k in first.state_dict)
    capsys.readouterr()
