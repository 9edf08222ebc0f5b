"""``digitdraw explain`` end to end on PNG files written here."""

from __future__ import annotations

import json

import pytest
import torch
from PIL import Image

from digitdraw.cli import main
from digitdraw.core.attribution import METHODS
from digitdraw.core.imageio import read_image
from digitdraw.core.preprocess import image_to_image


@pytest.fixture(scope="module")
def pictures(mnist, tmp_path_factory):
    """Two MNIST test digits as dark-on-light PNGs of another size, and their labels."""
    folder = tmp_path_factory.mktemp("explain")
    test = mnist[1]
    paths = {}
    for index in (0, 1):
        path = folder / f"digit{index}.png"
        Image.fromarray(255 - test.images[index].numpy()).resize((120, 120), Image.BILINEAR).save(path)
        paths[str(path)] = int(test.labels[index])
    return paths


def _lines(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]


def test_json_gives_the_exact_input_and_an_aligned_attribution(pictures, capsys):
    assert main(["explain", "--json", "--method", "input-x-gradient", *pictures]) == 0
    results = _lines(capsys)
    assert [r["path"] for r in results] == list(pictures)
    for result in results:
        assert result["digit"] == pictures[result["path"]] == result["target"]
        assert result["method"] == "input-x-gradient"
        received = torch.tensor(result["input"])
        attribution = torch.tensor(result["attribution"])
        assert received.shape == attribution.shape == (28, 28)
        assert torch.equal(received, image_to_image(read_image(result["path"])))
        # gradient x input is zero wherever there is no ink: the two arrays line up pixel for pixel
        assert (attribution[received == 0] == 0).all() and (attribution[received > 0.5] != 0).any()


def test_target_asks_why_not_another_digit(pictures, capsys):
    path = next(iter(pictures))
    assert main(["explain", "--json", "--target", "3", path]) == 0
    (result,) = _lines(capsys)
    assert result["target"] == 3 and result["digit"] == pictures[path] and result["method"] == "occlusion"


def test_out_dir_writes_the_input_beside_its_heatmap(pictures, tmp_path, capsys):
    assert main(["explain", "--out-dir", str(tmp_path / "slides"), *pictures]) == 0
    written = sorted((tmp_path / "slides").glob("*.png"))
    assert [p.name for p in written] == ["digit0-explained.png", "digit1-explained.png"]
    width, height = Image.open(written[0]).size
    assert width > 2 * height * 0.8  # two panels side by side
    assert "digit0-explained.png" in capsys.readouterr().out


def test_unreadable_files_get_an_error_line_and_the_rest_go_on(pictures, tmp_path, capsys):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"not a picture")
    blank = tmp_path / "blank.png"
    Image.new("L", (50, 50), 255).save(blank)
    assert main(["explain", "--json", str(broken), str(blank), *pictures, str(tmp_path / "missing.png")]) == 1
    results = _lines(capsys)
    assert [("error" in r) for r in results] == [True, True, False, False, True]
    assert "no digit" in results[1]["error"]


@pytest.mark.parametrize(
    "options, message",
    [(["--method", "magic"], ", ".join(METHODS)), (["--target", "12"], "0 to 9"), (["--target", "seven"], "0 to 9")],
)
def test_bad_options_are_refused_with_what_is_allowed(pictures, options, message, capsys):
    assert main(["explain", *options, *pictures]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
