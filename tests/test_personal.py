"""The personal set on disk and fine-tuning on it, without a window."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
import torch
from PIL import Image, ImageDraw

from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.inference import Classifier, default_model_path
from digitdraw.core.personal import (
    FineTuneSettings,
    PersonalSet,
    SamplesError,
    fine_tune,
    fine_tune_mixture,
    load_samples,
    personal_model_path,
    user_data_dir,
)
from digitdraw.core.data import MnistSplit
from digitdraw.core.preprocess import strokes_to_image

from digit_strokes import clear_drawing
from writers import SIDEWAYS, writer_drawings


def png_of_digit(digit: int, size: int = 120) -> bytes:
    """A dark-on-light picture of a neat ``digit``, as PNG bytes."""
    drawing = clear_drawing(digit, area=size)
    image = Image.new("L", (size, size), 250)
    pen = ImageDraw.Draw(image)
    for stroke in drawing.strokes:
        pen.line([tuple(p) for p in stroke], fill=20, width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def test_the_personal_set_lives_in_the_user_data_folder(isolated_home):
    assert user_data_dir() == isolated_home
    assert PersonalSet().root == isolated_home / "personal"
    assert personal_model_path() == isolated_home / "personal-model.pt"


def test_a_drawing_is_stored_in_its_digit_folder_counted_removed_and_cleared(tmp_path):
    personal = PersonalSet(tmp_path / "personal")
    seven = personal.add(7, png_of_digit(7), strokes=[[(1.0, 2.0), (3.0, 4.0)]], area_size=120)
    personal.add(7, png_of_digit(7))
    personal.add(0, png_of_digit(0))
    assert seven.parent == tmp_path / "personal" / "7" and seven.suffix == ".png"
    assert json.loads(seven.with_suffix(".json").read_text())["strokes"] == [[[1.0, 2.0], [3.0, 4.0]]]
    assert personal.counts() == [1, 0, 0, 0, 0, 0, 0, 2, 0, 0]
    assert not [p for p in (tmp_path / "personal").rglob(".*")]  # no temporary file left behind
    personal.remove(seven)
    assert not seven.exists() and not seven.with_suffix(".json").exists()
    assert personal.counts()[7] == 1
    with pytest.raises(ValueError):
        personal.remove(tmp_path / "elsewhere.png")
    with pytest.raises(ValueError):
        personal.add(10, png_of_digit(1))
    personal.clear()
    assert sum(personal.counts()) == 0


def test_the_set_is_an_image_folder_torchvision_reads(tmp_path):
    from torchvision.datasets import ImageFolder

    personal = PersonalSet(tmp_path)
    for digit in range(10):
        personal.add(digit, png_of_digit(digit))
    dataset = ImageFolder(str(tmp_path))
    assert dataset.classes == [str(d) for d in range(10)]
    assert sorted(label for _, label in dataset.samples) == list(range(10))


def test_pictures_of_any_size_are_read_like_classify_does(tmp_path):
    for digit, size in ((3, 60), (5, 300)):
        (tmp_path / str(digit)).mkdir()
        (tmp_path / str(digit) / "a.png").write_bytes(png_of_digit(digit, size))
    samples = load_samples(tmp_path)
    assert samples.images.labels.tolist() == [3, 5]
    assert samples.images.images.shape == (2, 28, 28) and samples.images.images.dtype == torch.uint8
    assert samples.skipped == []


def test_broken_and_foreign_files_are_skipped_with_a_message(tmp_path):
    personal = PersonalSet(tmp_path)
    good = personal.add(4, png_of_digit(4))
    (tmp_path / "4" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (tmp_path / "4" / "notes.txt").write_text("hello")
    Image.new("L", (50, 50), 255).save(tmp_path / "4" / "blank.png")
    (tmp_path / "cats").mkdir()
    samples = personal.load()
    assert samples.paths == [good]
    assert personal.counts()[4] == 3  # pictures counted; the unreadable ones are only skipped when learning
    text = "\n".join(samples.skipped)
    for name in ("broken.png", "notes.txt", "blank.png", "cats"):
        assert name in text


def test_strict_folders_refuse_labels_that_are_not_digits_and_folders_without_pictures(tmp_path):
    with pytest.raises(SamplesError, match="no such folder"):
        load_samples(tmp_path / "missing")
    with pytest.raises(SamplesError, match="no digit pictures"):
        load_samples(tmp_path)
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "a.txt").write_text("not a picture")
    with pytest.raises(SamplesError, match="no digit pictures"):
        load_samples(tmp_path)
    (tmp_path / "7" / "b.png").write_bytes(png_of_digit(7))
    (tmp_path / "seven").mkdir()
    with pytest.raises(SamplesError, match="seven"):
        load_samples(tmp_path)


def test_the_mixture_holds_the_personal_share_and_exactly_the_steps(mnist):
    samples = MnistSplit(torch.full((3, 28, 28), 7, dtype=torch.uint8), torch.tensor([1, 2, 3]))
    settings = FineTuneSettings(steps=5, batch_size=20, personal_share=0.25)
    mixture = fine_tune_mixture(samples, mnist[0], settings)
    assert len(mixture) == 100
    personal = (mixture.images == 7).flatten(1).all(1)
    assert personal.sum() == 25 and mixture.labels[personal].tolist()[:6] == [1, 2, 3, 1, 2, 3]


def sideways_samples(count_per_digit: int) -> MnistSplit:
    drawings = writer_drawings(SIDEWAYS, count_per_digit, seed=3)
    images = [(strokes_to_image(d.strokes, 280) * 255).round().to(torch.uint8) for d in drawings]
    return MnistSplit(torch.stack(images), torch.tensor([d.digit for d in drawings]))


def test_fine_tuning_learns_a_hand_the_model_reads_badly(mnist, one_torch_thread):
    checkpoint = load_checkpoint(default_model_path())
    samples = sideways_samples(2)
    result = fine_tune(checkpoint, samples, mnist[0], mnist[1].subset(500), FineTuneSettings(steps=80))
    assert result.samples == 20
    assert result.samples_accuracy_before < 0.7
    assert result.samples_accuracy_after >= result.samples_accuracy_before + 0.25
    assert result.mnist_accuracy_after > 0.95  # it did not forget MNIST
    assert result.checkpoint.training["fine_tuned_on_drawings"] == 20


def test_fine_tuning_normalises_with_the_checkpoints_own_values(mnist, one_torch_thread):
    """A model trained with other normalisation than MNIST's is judged, and tuned, as the app runs it."""
    shifted = replace(load_checkpoint(default_model_path()), mean=0.5, std=0.25)
    test = mnist[1].subset(300)

    def as_the_app_reads_it(checkpoint) -> float:
        answers = Classifier(checkpoint).predict_batch(test.images.float() / 255)
        return sum(answer.digit == int(label) for answer, label in zip(answers, test.labels)) / len(test)

    before = as_the_app_reads_it(shifted)
    assert before < 0.95, "the shifted normalisation reads worse than MNIST's"
    result = fine_tune(shifted, sideways_samples(1), mnist[0], test, FineTuneSettings(steps=4, batch_size=32))
    assert result.mnist_accuracy_before == pytest.approx(before, abs=0.005)
    assert result.mnist_accuracy_after == pytest.approx(as_the_app_reads_it(result.checkpoint), abs=0.005)
    assert (result.checkpoint.mean, result.checkpoint.std) == (0.5, 0.25)
    assert result.training.checkpoint().mean == 0.5
