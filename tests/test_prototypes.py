"""The vote of your own drawings: in the classifier, in a personal checkpoint, and in learning."""

from __future__ import annotations

import zlib

import pytest
import torch

from digitdraw.core.checkpoints import CheckpointError, load_checkpoint, save_checkpoint
from digitdraw.core.data import MnistSplit
from digitdraw.core.inference import Classifier, default_model_path
from digitdraw.core.personal import FineTuneSettings, fine_tune
from digitdraw.core.preprocess import strokes_to_image
from digitdraw.core.prototypes import DEFAULT_WEIGHT, TUNED_WEIGHT, Prototypes, forward_with_features, newest_per_digit

from writers import SIDEWAYS, canvas_images, writer_drawings, writer_pool


def sideways(per_digit: int, seed: int) -> MnistSplit:
    drawings = writer_drawings(SIDEWAYS, per_digit, seed=seed)
    images = [(strokes_to_image(d.strokes, 280) * 255).round().to(torch.uint8) for d in drawings]
    return MnistSplit(torch.stack(images), torch.tensor([d.digit for d in drawings]))


def wrong(classifier: Classifier, split: MnistSplit) -> int:
    return sum(p.digit != label for p, label in zip(classifier.predict_batch(split.images.float() / 255), split.labels.tolist()))


def test_the_vote_of_a_hands_drawings_reads_its_other_drawings_better():
    learn, held = sideways(2, seed=1), sideways(3, seed=2)
    classifier = Classifier.load()
    alone = wrong(classifier, held)
    classifier.prototypes = classifier.prototypes_of(learn.images.float() / 255, learn.labels)
    assert len(classifier.prototypes) == 20
    voted = wrong(classifier, held)
    assert alone >= 8 and voted <= 0.75 * alone
    probabilities = classifier.predict(held.images[0].float() / 255).probabilities
    assert sum(probabilities) == pytest.approx(1, abs=1e-4)


def test_one_digit_only_votes_for_that_digit_and_leaves_the_rest_to_the_network():
    learn = sideways(2, seed=1)
    sevens = MnistSplit(learn.images[learn.labels == 7], learn.labels[learn.labels == 7])
    classifier = Classifier.load()
    classifier.prototypes = classifier.prototypes_of(sevens.images.float() / 255, sevens.labels)
    evidence = classifier.prototypes.evidence(torch.nn.functional.normalize(classifier.prototypes.features, dim=1))
    assert (evidence[:, 7] > 0.99).all() and (evidence[:, [d for d in range(10) if d != 7]] == 0).all()


def test_a_digit_drawn_many_times_weighs_no_more_than_its_nearest_drawing():
    learn = sideways(2, seed=1)
    classifier = Classifier.load()
    once = classifier.prototypes_of(learn.images.float() / 255, learn.labels)
    thrice = classifier.prototypes_of(learn.images.repeat(3, 1, 1).float() / 255, learn.labels.repeat(3))
    assert len(thrice) == 3 * len(once)
    _, features = forward_with_features(classifier.model, classifier.normalise(sideways(3, seed=2).images.float() / 255))
    assert torch.allclose(thrice.evidence(features), once.evidence(features), atol=1e-6)
    assert once.evidence(features).max() > 0.5  # the drawings do have a say


def test_a_personal_model_hears_any_drawings_as_strongly_as_its_own(mnist, one_torch_thread):
    learn = sideways(2, seed=1)
    checkpoint = load_checkpoint(default_model_path())
    assert Classifier(checkpoint).prototypes_of(learn.images.float() / 255, learn.labels).weight == DEFAULT_WEIGHT
    tuned = fine_tune(checkpoint, learn, mnist[0], mnist[1].subset(100), FineTuneSettings(steps=3)).checkpoint
    assert tuned.prototypes["weight"] == TUNED_WEIGHT > DEFAULT_WEIGHT
    # the Draw tab gives the personal set's vote to the model it reads with: as strong as learning left it
    assert Classifier(tuned).prototypes_of(learn.images.float() / 255, learn.labels).weight == TUNED_WEIGHT


def test_the_newest_drawings_of_each_digit_vote():
    labels = torch.tensor([3] * 50 + [1] * 2)
    kept = newest_per_digit(labels, count=30)
    assert kept.tolist() == list(range(20, 52))


def test_a_personal_checkpoint_keeps_its_vote_and_a_damaged_one_is_refused(tmp_path):
    learn, held = sideways(2, seed=1), sideways(3, seed=2)
    checkpoint = load_checkpoint(default_model_path())
    prototypes = Classifier(checkpoint).prototypes_of(learn.images.float() / 255, learn.labels)
    checkpoint.prototypes = prototypes.to_dict()
    path = save_checkpoint(checkpoint, tmp_path / "personal.pt")
    loaded = Classifier.load(path)
    assert torch.equal(loaded.prototypes.features, prototypes.features)
    assert wrong(loaded, held) < wrong(Classifier.load(), held)
    raw = torch.load(path, weights_only=True)
    raw["prototypes"]["labels"] = torch.tensor([12])
    torch.save(raw, tmp_path / "damaged.pt")
    with pytest.raises(CheckpointError, match="damaged"):
        load_checkpoint(tmp_path / "damaged.pt")
    with pytest.raises(ValueError):
        Prototypes.from_dict({"features": torch.zeros(2, 3)})


def test_learning_lowers_the_errors_of_a_simulated_writer_and_keeps_mnist(qapp, mnist, one_torch_thread):
    writer = writer_pool(24, seed=3)[19]  # one the shipped model reads badly
    drawings = writer_drawings(writer, 6, seed=zlib.crc32(writer.name.encode()))
    images, labels = canvas_images(drawings), torch.tensor([d.digit for d in drawings])
    learn, held = MnistSplit(images[:20], labels[:20]), MnistSplit(images[20:], labels[20:])
    checkpoint = load_checkpoint(default_model_path())
    before = wrong(Classifier(checkpoint), held)
    result = fine_tune(checkpoint, learn, mnist[0], mnist[1].subset(1000), FineTuneSettings(steps=60))
    tuned = Classifier(result.checkpoint)
    assert tuned.prototypes is not None and len(tuned.prototypes) == 20
    after = wrong(tuned, held)
    assert before >= 6 and after <= 0.75 * before
    assert result.mnist_accuracy_after >= 0.985
    assert wrong(tuned, mnist[1].subset(1000)) <= 15  # with the vote too


def test_an_empty_set_one_digit_only_and_500_drawings_are_handled(mnist, one_torch_thread):
    checkpoint = load_checkpoint(default_model_path())
    empty = MnistSplit(torch.zeros(0, 28, 28, dtype=torch.uint8), torch.zeros(0, dtype=torch.long))
    assert Classifier(checkpoint).prototypes_of(empty.images.float(), empty.labels) is None
    with pytest.raises(ValueError, match="no drawings"):
        fine_tune(checkpoint, empty, mnist[0], mnist[1].subset(100), FineTuneSettings(steps=3))
    drawings = sideways(50, seed=3)  # 500 drawings
    sevens = MnistSplit(drawings.images[drawings.labels == 7], drawings.labels[drawings.labels == 7])
    one_digit = fine_tune(checkpoint, sevens, mnist[0], mnist[1].subset(100), FineTuneSettings(steps=3))
    assert one_digit.checkpoint.prototypes["labels"].unique().tolist() == [7]
    many = fine_tune(checkpoint, drawings, mnist[0], mnist[1].subset(100), FineTuneSettings(steps=3))
    assert len(many.checkpoint.prototypes["labels"]) == 300  # the newest 30 of each digit vote
    assert Classifier(many.checkpoint).predict(drawings.images[0].float() / 255).digit in range(10)
