"""The training loop (no Qt): it learns, it stops when asked, it survives a diverging loss."""

from __future__ import annotations

import copy
import math
from dataclasses import replace

import pytest
import torch

from digitdraw.core import training
from digitdraw.core.models import build_model
from digitdraw.core.training import (
    DEFAULT_RECIPE,
    NEAR_TARGET,
    OPTIMIZERS,
    PRECISE_STATISTICS_IMAGES,
    PYTORCH_EXAMPLE_RECIPE,
    RECIPES,
    TARGET_AVERAGE_DECAY,
    TrainConfig,
    recompute_batch_norm_statistics,
    train,
)

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
    # An unreachable target: the run goes to the end, testing the target in the second half.
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


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_one_cycle_learns_with_every_optimizer_and_survives_very_short_runs(small, optimizer):
    train_data, test_data = small
    lr = 0.5 if optimizer == "adadelta" else 0.01
    short = train(quick(optimizer=optimizer, lr=lr), train_data.subset(32 * 4), test_data.subset(100))
    assert short.status == "finished" and short.test_accuracy is not None  # 4 steps: too short for a cycle
    batches = []
    result = train(quick(optimizer=optimizer, lr=lr), train_data.subset(32 * 24), test_data, on_batch=batches.append)
    assert result.status == "finished"
    first, last = batches[0].loss, sum(b.loss for b in batches[-4:]) / 4
    assert last < 0.6 * first, f"the loss fell from {first:.2f} to {last:.2f}"
    assert result.test_accuracy > 0.4, "24 steps of 32 digits: chance is 0.1"


def test_every_optimizer_moves_the_weights_its_own_way(small):
    """At its own learning rate (no schedule to set one), from the same start on the same batches."""
    torch.manual_seed(DEFAULT_RECIPE.seed)
    start = [p.detach().clone() for p in build_model(DEFAULT_RECIPE.arch).parameters()]
    losses = {}
    for optimizer in OPTIMIZERS:
        losses[optimizer] = []
        config = quick(optimizer=optimizer, lr=0.5 if optimizer == "adadelta" else 0.01, schedule="constant")
        result = train(config, small[0].subset(32 * 6), small[1].subset(100),
                       on_batch=lambda report, seen=losses[optimizer]: seen.append(report.loss))
        assert all(not torch.equal(p, q) for p, q in zip(result.model.parameters(), start)), f"{optimizer} moved no weight"
    assert len({run[0] for run in losses.values()}) == 1, "the same start: the first loss comes before any step"
    assert len({tuple(run[1:]) for run in losses.values()}) == len(OPTIMIZERS), losses


# What each name stands for, as torch.optim writes it.
REFERENCE_OPTIMIZERS = {
    "adamw": lambda params, lr: torch.optim.AdamW(params, lr=lr, weight_decay=5e-4),
    "adam": lambda params, lr: torch.optim.Adam(params, lr=lr),
    "sgd": lambda params, lr: torch.optim.SGD(params, lr=lr, momentum=0.9, nesterov=True, weight_decay=5e-4),
    "adadelta": lambda params, lr: torch.optim.Adadelta(params, lr=lr),
}


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_each_optimizer_is_the_one_it_is_named_after(optimizer):
    assert set(REFERENCE_OPTIMIZERS) == set(OPTIMIZERS)
    torch.manual_seed(0)
    model, twin = torch.nn.Linear(6, 3), torch.nn.Linear(6, 3)
    twin.load_state_dict(model.state_dict())
    start = model.weight.detach().clone()
    ours = training._make_optimizer(replace(DEFAULT_RECIPE, optimizer=optimizer, lr=0.05), model)
    theirs = REFERENCE_OPTIMIZERS[optimizer](twin.parameters(), 0.05)
    inputs = torch.randn(5, 8, 6)
    for x in inputs:
        for net, step in ((model, ours), (twin, theirs)):
            step.zero_grad()
            net(x).square().mean().backward()
            step.step()
    for mine, reference in zip(model.parameters(), twin.parameters()):
        torch.testing.assert_close(mine, reference)
    assert not torch.equal(model.weight, start), "the steps moved the weights"


def test_a_diverging_loss_stops_with_a_message_and_keeps_finite_weights(small):
    result = train(quick(lr=1e6, optimizer="sgd", schedule="constant"), *small)
    assert result.status == "diverged"
    assert "learning rate" in result.message and "too high" in result.message
    assert all(torch.isfinite(v).all() for v in result.model.state_dict().values() if v.is_floating_point())


@pytest.mark.parametrize("target", [None, 0.999])
def test_a_blow_up_mid_run_keeps_the_weights_from_just_before_it(small, monkeypatch, target):
    """Train normally, then raise the learning rate: the kept weights are the trained ones of the step
    before (with a target too, whose moving average may hold the ruined ones)."""
    raise_after = 40
    weights_after_step, optimizers = {}, []
    make_optimizer = training._make_optimizer
    monkeypatch.setattr(training, "_make_optimizer", lambda *args: optimizers.append(make_optimizer(*args)) or optimizers[-1])

    def on_batch(report):
        model_state = optimizers[0].param_groups[0]["params"]  # the model's parameters, in order
        weights_after_step[report.step] = [p.detach().clone() for p in model_state]
        if report.step == raise_after:
            for group in optimizers[0].param_groups:
                group["lr"] = 1e30

    result = train(quick(optimizer="sgd", lr=0.05, schedule="constant", target_accuracy=target), *small, on_batch=on_batch)
    steps_per_epoch = math.ceil(TRAIN_IMAGES / 32)
    assert result.status == "diverged"
    blown_at = round(result.epochs * steps_per_epoch) + 1  # the step whose loss was not finite
    assert blown_at == raise_after + 2, "the first step at the huge rate ruins the weights, the next one's loss shows it"
    assert f"at step {blown_at}" in result.message
    kept = [p.detach() for p in result.model.parameters()]
    expected = weights_after_step[blown_at - 2]  # the last weights that gave a finite loss
    assert all(torch.equal(k, e) for k, e in zip(kept, expected)), "exactly the weights from before the blow-up"
    assert result.test_accuracy > 0.6, "the kept weights are those of a trained model"


def test_reaching_the_target_accuracy_ends_the_run_early(small):
    evaluations = []
    result = train(quick(epochs=3, target_accuracy=0.3), *small, on_eval=evaluations.append)
    assert result.status == "target_reached"
    assert result.epochs < 3
    assert evaluations[-1].test_accuracy >= 0.3
    assert "reached" in result.message


def test_the_nearer_a_test_comes_to_the_target_the_sooner_the_next(small):
    far = train(quick(target_accuracy=0.999), *small).history
    assert [e.epoch for e in far] == [0.625, 0.75, 1.0], "the first an eighth past the half; far from it: at the quarters"
    first = far[0].test_accuracy
    near = train(quick(target_accuracy=first + NEAR_TARGET * 0.75), *small).history
    assert [e.epoch for e in near][:2] == [0.625, 0.75], "within NEAR_TARGET: an eighth"
    nearer = train(quick(target_accuracy=first + NEAR_TARGET * 0.25), *small).history
    assert [e.epoch for e in nearer][:2] == [0.625, 0.6875], "within half of it: a sixteenth"


def test_a_run_with_a_target_trains_the_same_and_ends_with_its_weights_averaged(small):
    def seeded_model():
        torch.manual_seed(DEFAULT_RECIPE.seed)
        return build_model(DEFAULT_RECIPE.arch)

    plain_batches, aimed_batches = [], []
    model, twin = seeded_model(), seeded_model()
    average = [p.detach().clone() for p in model.parameters()]

    def follow(report):  # the moving average, worked out by hand from the plain run's weights
        plain_batches.append(report.loss)
        decay = min(TARGET_AVERAGE_DECAY, report.step / (report.step + 9))  # lower early on
        for kept, live in zip(average, model.parameters()):
            kept.mul_(decay).add_(live.detach(), alpha=1 - decay)

    train(quick(), *small, model=model, on_batch=follow)
    aimed = train(quick(target_accuracy=0.999), *small, model=twin,  # out of reach: to the end
                  on_batch=lambda report: aimed_batches.append(report.loss))
    assert aimed_batches == plain_batches, "the same training, loss for loss"
    for ended, expected in zip(aimed.model.parameters(), average):
        torch.testing.assert_close(ended.detach(), expected)
    assert not all(torch.equal(p, q) for p, q in zip(model.parameters(), aimed.model.parameters())), "not the live weights"
    state = aimed.model.state_dict()
    statistics = [name for name in state if name.endswith(("running_mean", "running_var"))]
    assert statistics, "the default network has batch norm"
    fresh = copy.deepcopy(aimed.model)
    recompute_batch_norm_statistics(fresh, small[0].images[:PRECISE_STATISTICS_IMAGES])
    assert all(torch.equal(state[name], fresh.state_dict()[name]) for name in statistics), "taken afresh for the average"
    assert aimed.test_accuracy == training.evaluate(aimed.model, small[1], "cpu")[1], "the weights the last test judged"


def test_a_short_run_with_a_target_ends_no_worse_than_without(small):
    # Eight steps: an average that began at the random starting weights would still be mostly them.
    few = (small[0].subset(256), small[1])
    plain, aimed = train(quick(), *few), train(quick(target_accuracy=0.999), *few)
    assert plain.test_accuracy > 0.3, "eight steps learn something"
    assert aimed.test_accuracy >= plain.test_accuracy - 0.03


def test_a_target_reached_mid_epoch_ends_the_run_there(small):
    # The same seeded run twice: first to see the accuracies at each check, then with a target
    # that only a mid-epoch check (in epoch 2) reaches.
    halved = (small[0].subset(TRAIN_IMAGES // 2), small[1])
    slow = dict(epochs=2, lr=0.002)  # a gentle rate: the accuracy still climbs through epoch 2
    checks = train(quick(**slow, target_accuracy=0.999), *halved).history
    assert [c.epoch for c in checks] == [1.0, 1.25, 1.5, 1.75, 2.0]
    best_so_far = checks[0].test_accuracy
    for check in checks[1:4]:
        if check.test_accuracy > best_so_far:
            target = (best_so_far + check.test_accuracy) / 2
            break
        best_so_far = max(best_so_far, check.test_accuracy)
    else:
        pytest.fail(f"no mid-epoch check improved on the end of epoch 1: {checks}")
    result = train(quick(**slow, target_accuracy=target), *halved)
    assert result.status == "target_reached"
    assert result.epochs == pytest.approx(check.epoch) and result.epochs % 1 != 0, "stopped mid-epoch"
    assert result.test_accuracy == check.test_accuracy >= target


def test_stop_cuts_a_test_pass_short(mnist):
    train_data, test_data = mnist  # the whole 10,000-digit test set: 20 batches of 500
    steps, test_batches = math.ceil(256 / 32), []
    batches, evaluations = [], []
    model = build_model(DEFAULT_RECIPE.arch)
    model.register_forward_pre_hook(lambda module, _: None if module.training else test_batches.append(1))
    # Stop is pressed once every training batch is done, i.e. during the first test pass.
    result = train(quick(epochs=2), train_data.subset(256), test_data, model=model, on_batch=batches.append,
                   on_eval=evaluations.append, should_stop=lambda: len(test_batches) >= 1)
    assert len(batches) == steps
    assert result.status == "stopped" and "during a test" in result.message
    assert evaluations == [] and result.test_accuracy is None
    assert len(test_batches) == 1, "the test pass ends at the next batch, not after all 20"


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
    result = train(config, train_data.subset(512), test_data.subset(200))
    assert result.status == "finished" and result.checkpoint().arch == "classic"
    assert result.test_accuracy > 0.4, "8 steps of 64 digits with Adadelta at 1.0: chance is 0.1"
    assert result.test_loss < 0.8 * math.log(10), "well below the loss of a uniform guess"


def test_the_default_recipe_with_augmentation_learns(small):
    batches = []
    config = replace(DEFAULT_RECIPE, batch_size=64, device="cpu")  # augmentation on, as shipped
    assert config.augment
    result = train(config, *small, on_batch=batches.append)
    assert result.status == "finished"
    assert sum(b.loss for b in batches[-4:]) / 4 < 0.6 * batches[0].loss
    assert result.test_accuracy > 0.5


def test_styles_come_from_the_second_epoch_on(small, monkeypatch):
    """The first epoch learns MNIST's own digits; the real-world styles and hand habits join from the second."""
    import digitdraw.core.training as training

    restyled_for, augmented_with_styles = [], []
    real_restyle, real_call = training.restyle, training.Augmentation.__call__

    def counting_restyle(images, labels, generator):
        restyled_for.append(len(batches))
        return real_restyle(images, labels, generator)

    def watching_call(self, images, generator=None, fits=None):
        augmented_with_styles.append(self.styles)
        return real_call(self, images, generator, fits)

    monkeypatch.setattr(training, "restyle", counting_restyle)
    monkeypatch.setattr(training.Augmentation, "__call__", watching_call)
    batches = []
    train_data, test_data = small
    config = replace(DEFAULT_RECIPE, epochs=2, batch_size=256, device="cpu")
    train(config, train_data, test_data.subset(100), on_batch=batches.append)
    steps_per_epoch = math.ceil(TRAIN_IMAGES / 256)
    assert restyled_for == [steps_per_epoch], "restyled once, when the second epoch began"
    assert augmented_with_styles == [False] * steps_per_epoch + [True] * steps_per_epoch
