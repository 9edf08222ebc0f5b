"""A short seeded run of each kind gives the losses, tests and weights it gave when recorded.

The figures were recorded on one CPU thread; another CPU's kernels may round the last digits
differently, which the tolerance allows, while any change to the order of the steps, the random
numbers drawn, the schedule, the tests of the target or the weight average shows at once.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from digitdraw.core.training import DEFAULT_RECIPE, PYTORCH_EXAMPLE_RECIPE, train

pytestmark = pytest.mark.usefixtures("one_torch_thread")

TRAIN_IMAGES, TEST_IMAGES = 512, 200
# name: (settings, loss of every step, (step, test loss, test accuracy) of every test, status, sum of the weights)
RECORDED = {
    "default-target": (
        replace(DEFAULT_RECIPE, epochs=2, batch_size=64, target_accuracy=0.999),
        [2.4792759, 2.4132259, 2.2011788, 1.7273004, 1.8464849, 1.4110115, 1.3330088, 1.0969963, 1.232669, 0.9821753, 0.8939702, 1.0432141, 1.1847998, 0.8224837, 0.9525061, 0.9522867],
        [(8, 0.8552089, 0.815), (10, 0.7508425, 0.79), (12, 0.6590953, 0.825), (14, 0.5993449, 0.845), (16, 0.5761593, 0.855)],
        'finished',
        127.10896,
    ),
    "pytorch-example": (
        replace(PYTORCH_EXAMPLE_RECIPE, epochs=2, seed=3),
        [2.3265626, 2.498904, 2.2815416, 2.0871217, 1.9110187, 1.7420486, 1.6143897, 1.5080655, 1.8270447, 1.3468086, 1.1779255, 0.9712668, 1.2917659, 0.8633901, 0.7565048, 1.0039623],
        [(8, 1.563553, 0.505), (16, 0.7614622, 0.775)],
        'finished',
        -300.26898,
    ),
    "sgd-constant-smoothing": (
        replace(DEFAULT_RECIPE, epochs=1, batch_size=32, optimizer="sgd", schedule="constant", label_smoothing=0.1, augment=False, lr=0.05),
        [2.3867123, 3.2257214, 2.9109783, 2.0754881, 2.5371583, 1.8151335, 1.3413403, 1.5787563, 1.5005248, 1.1513193, 1.0140966, 0.9137229, 1.0064979, 0.8024516, 0.8401788, 0.8537186],
        [(16, 0.4344291, 0.84)],
        'finished',
        170.09446,
    ),
}


@pytest.fixture(scope="module")
def tiny(mnist):
    return mnist[0].subset(TRAIN_IMAGES), mnist[1].subset(TEST_IMAGES)


@pytest.mark.parametrize("name", RECORDED)
def test_a_seeded_run_repeats_the_recorded_one(tiny, name):
    config, losses, tests, status, weights = RECORDED[name]
    seen = []
    result = train(config, *tiny, on_batch=lambda report: seen.append(report.loss))
    assert seen == pytest.approx(losses, rel=1e-4, abs=1e-6)
    assert [h.step for h in result.history] == [step for step, _, _ in tests]
    assert [h.test_loss for h in result.history] == pytest.approx([loss for _, loss, _ in tests], rel=1e-4, abs=1e-6)
    assert [h.test_accuracy for h in result.history] == pytest.approx([accuracy for _, _, accuracy in tests], abs=1e-4)
    assert result.status == status
    total = sum(float(t.double().sum()) for t in result.model.state_dict().values() if t.is_floating_point())
    assert total == pytest.approx(weights, rel=1e-5)
