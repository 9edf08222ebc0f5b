"""``digitdraw classify`` end to end on PNG files written here."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from digitdraw.cli import main
from digitdraw.core.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from digitdraw.core.inference import default_model_path
from digitdraw.core.models import weighted_layers


@pytest.fixture(scope="module")
def pictures(mnist, tmp_path_factory):
    """MNIST test digits saved in several ways: {file name: digit}."""
    folder = tmp_path_factory.mktemp("pictures")
    test = mnist[1]
    ways = {
        "light_on_dark.png": lambda ink: Image.fromarray(ink),
        "dark_on_light_big.png": lambda ink: Image.fromarray(255 - ink).resize((300, 300), Image.BILINEAR),
        "colour.png": lambda ink: Image.fromarray(np.stack([255 - ink // 2, 255 - ink, np.full_like(ink, 230)], -1)),
        "wide_grey_paper.png": lambda ink: Image.fromarray(np.pad(200 - (ink * 0.7).astype(np.uint8), ((5, 5), (60, 10)), constant_values=200)),
        "rgba.png": lambda ink: Image.fromarray(np.stack([np.zeros_like(ink)] * 3 + [ink], -1), "RGBA").resize((64, 64)),
    }
    written = {}
    for index, (name, write) in enumerate(ways.items()):
        ink, digit = test.images[index].numpy(), int(test.labels[index])
        write(ink).save(folder / name)
        written[str(folder / name)] = digit
    return written


def test_classifies_pictures_of_all_kinds(pictures, capsys):
    assert main(["classify", *pictures]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == len(pictures)
    for line, (path, digit) in zip(lines, pictures.items()):
        assert line.startswith(f"{path}: {digit}"), line


@pytest.fixture(scope="module")
def shifted_model(tmp_path_factory) -> Path:
    """The shipped model with its answers moved one digit on: it reads a d as d + 1 (a 9 as 0)."""
    shipped = load_checkpoint(default_model_path())
    model = shipped.build()
    output = weighted_layers(model)[-1]
    with torch.no_grad():
        output.weight.copy_(output.weight.roll(1, dims=0))
        output.bias.copy_(output.bias.roll(1, dims=0))
    path = tmp_path_factory.mktemp("models") / "shifted.pt"
    save_checkpoint(replace(Checkpoint.from_model(shipped.arch, model), mean=shipped.mean, std=shipped.std), path)
    return path


def test_the_model_given_is_the_one_that_answers(pictures, shifted_model, capsys):
    assert main(["classify", "--json", "--model", str(shifted_model), *pictures]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r["digit"] for r in records] == [(digit + 1) % 10 for digit in pictures.values()]


def test_json_is_one_object_a_line_with_the_path_as_given(pictures, capsys, tmp_path, monkeypatch):
    first = next(iter(pictures))
    monkeypatch.chdir(os.path.dirname(first))
    relative = os.path.basename(first)
    assert main(["classify", "--json", relative, f"./{relative}"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r["path"] for r in records] == [relative, f"./{relative}"]
    for record in records:
        assert set(record) == {"path", "digit", "probabilities"}
        assert record["digit"] == pictures[first]
        assert len(record["probabilities"]) == 10 and sum(record["probabilities"]) == pytest.approx(1, abs=1e-4)


def test_a_broken_file_gets_an_error_and_the_others_are_still_classified(pictures, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    blank = tmp_path / "blank.png"
    Image.fromarray(np.full((40, 40), 255, np.uint8)).save(blank)
    good = list(pictures)[:2]
    paths = [good[0], str(broken), str(tmp_path / "missing.png"), str(blank), good[1]]
    assert main(["classify", "--json", *paths]) == 1
    records = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [r["path"] for r in records] == paths
    assert [("error" in r) for r in records] == [False, True, True, True, False]
    assert records[0]["digit"] == pictures[good[0]] and records[4]["digit"] == pictures[good[1]]
    assert "no such file" in records[2]["error"]


def test_plain_output_reports_errors_on_stderr(tmp_path, capsys):
    assert main(["classify", str(tmp_path / "missing.png")]) == 1
    captured = capsys.readouterr()
    assert "missing.png: error: no such file" in captured.err


def test_a_bad_model_or_device_is_a_clear_error(pictures, tmp_path, capsys):
    model = tmp_path / "model.pt"
    model.write_bytes(b"nope")
    assert main(["classify", "--model", str(model), *pictures]) == 2
    assert main(["classify", "--device", "cuda:99", *pictures]) == 2
    assert "cuda:99" in capsys.readouterr().err


def test_the_installed_command_runs(pictures):
    path = next(iter(pictures))
    installed = Path(sys.executable).with_name("digitdraw")  # the command pip installed, not python -m
    result = subprocess.run([str(installed), "classify", "--json", path], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["digit"] == pictures[path]
    # It ends the process without the interpreter's teardown: every line still out, the status kept.
    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    result = subprocess.run([str(installed), "classify", path, "missing.png"], capture_output=True, text=True, timeout=300, env=buffered)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{path}: {pictures[path]}") and "missing.png" in result.stderr


def test_a_picture_that_is_not_a_digit_is_said_to_be_so(pictures, tmp_path, capsys):
    """Many separate pieces of ink (a page of text, a screenshot) get a warning, not a confident digit alone."""
    page = np.full((200, 400), 255, dtype=np.uint8)
    for row in range(20, 180, 40):
        for column in range(20, 380, 30):
            page[row:row + 15, column:column + 12] = 0  # a grid of separate blots, like letters on a page
    Image.fromarray(page).save(tmp_path / "page.png")
    assert main(["classify", str(tmp_path / "page.png"), *pictures]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].endswith("(not a digit?)") and "page.png" in captured.err and "separate pieces" in captured.err
    assert not any("not a digit" in line for line in lines[1:]), "real digits are not doubted"
