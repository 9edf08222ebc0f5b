"""The training loop (no Qt): it learns, it stops when asked, it survives a diverging loss."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
import torch

from digitdraw.core.training import DEFAULT_RECIPE, PYTORCH_EXAMPLE_RECIPE, RECIPES, TrainConfig, train

# Small enough to take seconds on two busy cores, big enough to learn something.
TRAIN_IMAGES, TEST_IMAGES = 1536, 500


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def small(mnist):
    train_data, test_data = mnist
    return train_data.subset(TRAIN_IMAGES), test_data.subset(TEST_IMAGES)


def quick(**overrides) -> TrainConfig:
    """The default recipe, one short epoch on the CPU, no augmentation (learns fastest on few images)."""
    settings = dict(epochs=1, batch_size=32, augment=False, device="cpu")
    settings.update(overrides)
    return replace(DEFAULT_RECIPE, **settings)


def test_recipes_are_named_and_the_example_is_pytorchs():
    assert set(RECIPES) == {"default", "pytorch-example"}
    assert RECIPES["default"] is DEFAULT_RECIPE
    example = PYTORCH_EXAMPLE_RECIPE
    assert (example.arch, example.batch_size, example.lr, example.optimizer, example.schedule) == (
        "classic", 64, 1.0, "adadelta", "step"
    )


def test_a_short_run_learns_and_reports(small):
    batches, evaluations = [], []
    # An unreachable target: the run goes to the end, testing every quarter epoch in the second half.
    result = train(quick(target_accuracy=0.999), *small, on_batch=batches.append, on_eval=evaluations.append)
    steps = math.ceil(TRAIN_IMAGES / 32)
    assert result.status == "finished"
    assert [b.step for b in batches] == list(range(1, steps + 1))
    assert all(b.total_steps == steps and b.samples_per_s > 0 for b in batches)
    assert result.test_accuracy > 0.6, "ten classes: chance is 0.1"
    assert sum(b.loss for b in batches[-5:]) / 5 < batches[0].loss / 2
    assert evaluations[-1].epoch == pytest.approx(1.0) and evaluations[-1].test_accuracy == result.test_accuracy
    mid_epoch = [e.epoch for e in evaluations[:-1]]
    assert mid_epoch and all(0.5 < e < 1 for e in mid_epoch), "near the end, the target is checked within the epoch"
    assert result.test_predictions.shape == (TEST_IMAGES,)
    assert result.epochs == pytest.approx(1.0) and result.seconds > 0 and result.samples_per_s > 0
    checkpoint = result.checkpoint()
    assert checkpoint.arch == DEFAULT_RECIPE.arch and checkpoint.test_accuracy == result.test_accuracy


def test_without_a_target_the_test_runs_once_an_epoch(small):
    train_data, test_data = small
    evaluations = []
    train(quick(epochs=2), train_data.subset(128), test_data.subset(100), on_eval=evaluations.append)
    assert [e.epoch for e in evaluations] == [1.0, 2.0]


def test_a_stop_request_is_honoured_before_the_next_batch(small):
    batches = []
    result = train(quick(epochs=3), *small, on_batch=batches.append, should_stop=lambda: len(batches) >= 3)
    assert result.status == "stopped"
    assert len(batches) == 3
    assert result.epochs == pytest.approx(3 / math.ceil(TRAIN_IMAGES / 32))
    assert result.test_accuracy is None  # stopping is not held up by a test of the last weights
    assert result.checkpoint().test_accuracy is None


@pytest.mark.parametrize("optimizer", ["adamw", "sgd", "adadelta"])
def test_one_cycle_works_with_every_optimizer_and_very_short_runs(small, optimizer):
    train_data, test_data = small
    for images in (32 * 4, 32 * 12):  # 4 steps: too short for a cycle; 12: a short one
        config = quick(optimizer=optimizer, lr=0.5 if optimizer == "adadelta" else 0.01)
        result = train(config, train_data.subset(images), test_data.subset(100))
        assert result.status == "finished" and result.test_accuracy is not None


def test_a_diverging_loss_stops_with_a_message_and_keeps_finite_weights(small):
    result = train(quick(lr=1e6, optimizer="sgd", schedule="constant"), *small)
    assert result.status == "diverged"
    assert "learning rate" in result.message and "too high" in result.message
    assert all(torch.isfinite(v).all() for v in result.model.state_dict().values() if v.is_floating_point())
    with torch.no_grad():
        output = result.model(torch.zeros(2, 1, 28, 28))
    assert torch.isfinite(output).all()


def test_reaching_the_target_accuracy_ends_the_run_early(small):
    evaluations = []
    result = train(quick(epochs=3, target_accuracy=0.3), *small, on_eval=evaluations.append)
    assert result.status == "target_reached"
    assert result.epochs < 3
    assert evaluations[-1].test_accuracy >= 0.3
    assert "reached" in result.message


@pytest.mark.parametrize(
    "overrides, words",
    [
        (dict(epochs=0), "epochs"),
        (dict(batch_size=0), "batch size"),
        (dict(lr=-1.0), "learning rate"),
        (dict(lr=float("nan")), "learning rate"),
        (dict(optimizer="rmsprop"), "optimizer"),
        (dict(schedule="cosine"), "schedule"),
        (dict(target_accuracy=99.0), "fraction"),
    ],
)
def test_bad_settings_raise_value_error(small, overrides, words):
    with pytest.raises(ValueError, match=words):
        train(replace(DEFAULT_RECIPE, **overrides), *small)


def test_the_classic_network_trains_with_pytorchs_recipe(small):
    train_data, test_data = small
    config = replace(PYTORCH_EXAMPLE_RECIPE, epochs=1, device="cpu")
    result = train(config, train_data.subset(256), test_data.subset(200))
    assert result.status == "finished" and result.checkpoint().arch == "classic"
    assert result.test_accuracy > 0.2
