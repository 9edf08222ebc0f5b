"""The classifier: loading, devices, and answers on real and drawn digits."""

from __future__ import annotations

import pytest
import torch

from digitdraw.core.checkpoints import Checkpoint, CheckpointError, save_checkpoint
from digitdraw.core.inference import UNSURE_BELOW, Classifier, Prediction, default_model_path
from digitdraw.core.models import build_model
from digitdraw.core.preprocess import strokes_to_image

from digit_strokes import clear_drawing


@pytest.fixture(scope="module")
def classifier() -> Classifier:
    return Classifier.load()


def test_the_shipped_model_loads_and_says_what_it_is(classifier):
    assert classifier.source == str(default_model_path())
    assert classifier.checkpoint.test_accuracy is not None
    assert classifier.device == "cpu"


def test_probabilities_are_ten_and_sum_to_one(classifier):
    prediction = classifier.predict(torch.zeros(28, 28))
    assert len(prediction.probabilities) == 10
    assert sum(prediction.probabilities) == pytest.approx(1.0, abs=1e-4)
    assert prediction.seconds > 0


def test_the_shipped_model_reads_mnist(classifier, mnist):
    test = mnist[1].subset(500)
    predictions = classifier.predict_batch(test.images.float() / 255)
    accuracy = sum(p.digit == int(label) for p, label in zip(predictions, test.labels)) / len(test)
    assert accuracy > 0.98


def test_the_shipped_model_reads_clear_drawings(classifier):
    images = torch.stack([strokes_to_image(clear_drawing(d).strokes, 280) for d in range(10)])
    assert [p.digit for p in classifier.predict_batch(images)] == list(range(10))


def test_unsure_when_no_digit_stands_out():
    assert Prediction([0.5, 0.4] + [0.0125] * 8, 0.001).unsure
    assert not Prediction([UNSURE_BELOW + 0.01] + [0.0] * 9, 0.001).unsure
    assert Prediction([0.1, 0.7] + [0.025] * 8, 0.001).digit == 1


def test_moves_between_devices_and_refuses_one_that_does_not_exist(classifier, monkeypatch):
    import digitdraw.core.inference as inference

    monkeypatch.setattr(inference, "available_devices", lambda: ["cpu", "cpu:0"])  # a second device, on any machine
    image = strokes_to_image(clear_drawing(3).strokes, 280)
    on_cpu = classifier.predict(image).probabilities
    classifier.to("cpu:0")
    assert classifier.device == "cpu:0"
    assert classifier.predict(image).probabilities == pytest.approx(on_cpu, abs=1e-4)
    classifier.to("cpu")
    with pytest.raises(ValueError, match="not available"):
        classifier.to("cuda:99")
    assert classifier.device == "cpu"


def test_a_checkpoint_of_another_architecture_loads(tmp_path):
    path = save_checkpoint(Checkpoint.from_model("classic", build_model("classic"), test_accuracy=0.5), tmp_path / "c.pt")
    classifier = Classifier.load(path)
    assert classifier.arch == "classic"
    assert len(classifier.predict(torch.zeros(28, 28)).probabilities) == 10


@pytest.mark.parametrize(
    "content",
    [
        b"garbage",
        b"hello",
    ],
)
def test_a_file_that_is_not_a_checkpoint_is_refused(tmp_path, content):
    path = tmp_path / "bad.pt"
    path.write_bytes(content)
    with pytest.raises(CheckpointError):
        Classifier.load(path)


def test_a_device_that_fails_leaves_the_classifier_where_it_was(monkeypatch):
    import digitdraw.core.inference as inference

    classifier = Classifier.load()
    before = classifier.predict(torch.zeros(28, 28)).probabilities
    monkeypatch.setattr(inference, "available_devices", lambda: ["cpu", "xpu:7"])  # listed, but it fails
    with pytest.raises(ValueError, match="failed"):
        classifier.to("xpu:7")
    assert classifier.device == "cpu"
    assert classifier.predict(torch.zeros(28, 28)).probabilities == before
