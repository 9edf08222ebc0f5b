"""``digitdraw train`` end to end, on a tiny MNIST folder so that it takes seconds."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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

    digit = mnist[1].images[0].numpy()  # a 7, white on black like MNIST
    image_path = tmp_path / "seven.png"
    Image.fromarray(255 - digit).resize((112, 112)).save(image_path)  # dark ink on white, bigger
    code = main(["classify", "--model", str(out), "--json", str(image_path)])
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert code == 0
    assert line["path"] == str(image_path) and 0 <= line["digit"] <= 9
    assert len(line["probabilities"]) == 10 and sum(line["probabilities"]) == pytest.approx(1, abs=1e-3)


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


def test_the_installed_command_prints_json_last(tiny_data, tmp_path):
    out = tmp_path / "cmd.pt"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    completed = subprocess.run(
        [sys.executable, "-m", "digitdraw", "train", "--data-dir", str(tiny_data), "--epochs", "1",
         "--batch-size", "64", "--no-augment", "--device", "cpu", "--out", str(out)],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert completed.returncode == 0, completed.stderr
    assert _summary(completed.stdout)["out"] == str(out)
    assert load_checkpoint(out).arch
