"""``digitdraw learn`` end to end, on a tiny MNIST folder so that it takes seconds."""

from __future__ import annotations

import json

import pytest

from digitdraw.cli import main
from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.data import write_mnist
from digitdraw.core.personal import PersonalSet, personal_model_path

from test_personal import png_of_digit

SUMMARY_KEYS = {"samples", "samples_accuracy_before", "samples_accuracy_after", "mnist_accuracy_before",
                "mnist_accuracy_after", "seconds", "out"}

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def tiny_data(mnist, tmp_path_factory):
    root = tmp_path_factory.mktemp("tiny-mnist")
    write_mnist(root, mnist[0].subset(1000), mnist[1].subset(300))
    return root


def test_learn_tunes_the_personal_set_into_the_personal_model_by_default(tiny_data, capsys):
    personal = PersonalSet()
    for digit in range(10):
        personal.add(digit, png_of_digit(digit, size=40 + 20 * digit))
    assert main(["learn", "--data-dir", str(tiny_data), "--steps", "5"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert set(summary) == SUMMARY_KEYS
    assert summary["samples"] == 10 and summary["out"] == str(personal_model_path())
    for key in SUMMARY_KEYS - {"samples", "out", "seconds"}:
        assert 0 <= summary[key] <= 1
    assert load_checkpoint(personal_model_path()).training["fine_tuned_on_drawings"] == 10


def test_learn_reads_any_image_folder_and_writes_where_told(tiny_data, tmp_path, capsys):
    for digit in (1, 7):
        (tmp_path / "samples" / str(digit)).mkdir(parents=True)
        (tmp_path / "samples" / str(digit) / "x.png").write_bytes(png_of_digit(digit, size=200))
    (tmp_path / "samples" / "7" / "readme.txt").write_text("a note")
    out = tmp_path / "tuned.pt"
    assert main(["learn", "--samples", str(tmp_path / "samples"), "--out", str(out), "--data-dir", str(tiny_data),
                 "--steps", "3"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out.strip().splitlines()[-1])["samples"] == 2
    assert "readme.txt" in captured.err
    assert out.is_file() and not personal_model_path().exists()


@pytest.mark.parametrize("layout, message", [
    ({}, "no digit pictures"),
    ({"cat": "a.png", "7": "b.png"}, "not digits"),
    ({"7": "notes.txt"}, "no digit pictures"),
])
def test_learn_refuses_folders_without_digit_pictures(tiny_data, tmp_path, capsys, layout, message):
    samples = tmp_path / "samples"
    samples.mkdir()
    for label, name in layout.items():
        (samples / label).mkdir()
        (samples / label / name).write_bytes(png_of_digit(7))
    assert main(["learn", "--samples", str(samples), "--data-dir", str(tiny_data)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not personal_model_path().exists()


def test_learn_refuses_a_missing_folder_and_a_bad_model(tiny_data, tmp_path, capsys):
    assert main(["learn", "--samples", str(tmp_path / "nowhere"), "--data-dir", str(tiny_data)]) == 2
    assert "no such folder" in capsys.readouterr().err
    (tmp_path / "s" / "3").mkdir(parents=True)
    (tmp_path / "s" / "3" / "a.png").write_bytes(png_of_digit(3))
    (tmp_path / "bad.pt").write_text("nope")
    assert main(["learn", "--samples", str(tmp_path / "s"), "--model", str(tmp_path / "bad.pt"),
                 "--data-dir", str(tiny_data)]) == 2
    assert "bad.pt" in capsys.readouterr().err
