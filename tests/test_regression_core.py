"""The regression core: gradient descent against the closed form, curves, and bad input."""

import numpy as np
import pytest

from digitdraw.core.regression import (FitDiverged, RegressionFit, RegressionInputError, closed_form_line,
                                       line_loss_surface, random_points)


def fitted(x, y, steps=2000, **settings) -> RegressionFit:
    fit = RegressionFit(**settings)
    fit.set_points(x, y)
    fit.step(steps)
    return fit


@pytest.mark.parametrize("w, b, x", [
    (2.5, -1.0, np.arange(1.0, 5.0)),
    (-0.3, 7.0, np.linspace(0.0, 10.0, 12)),
    (40.0, 500.0, np.linspace(1000.0, 1010.0, 6)),  # far from the origin: needs the rescaling
])
def test_line_fit_recovers_an_exact_line(w, b, x):
    fit = fitted(x, w * x + b)
    assert fit.converged
    fitted_w, fitted_b = fit.line_parameters()
    assert fitted_w == pytest.approx(w, rel=0.01)
    assert fitted_b == pytest.approx(b, rel=0.01)


@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.1), ("adam", 0.02)])
def test_gradient_descent_matches_closed_form_on_noisy_points(optimizer, lr):
    x, y = random_points("line", seed=3)
    fit = fitted(x, y, optimizer=optimizer, lr=lr)
    best_w, best_b = closed_form_line(x, y)
    w, b = fit.line_parameters()
    assert w == pytest.approx(best_w, rel=1e-3, abs=1e-3)
    assert b == pytest.approx(best_b, rel=1e-3, abs=1e-3)
    assert fit.losses[-1] == pytest.approx(np.mean((y - best_w * x - best_b) ** 2), rel=1e-3)


def test_closed_form_agrees_with_numpy():
    x, y = random_points("line", seed=4)
    assert closed_form_line(x, y) == pytest.approx(tuple(np.polyfit(x, y, 1)))


@pytest.mark.parametrize("kind, settings", [
    ("polynomial", dict(degree=3)),
    ("polynomial", dict(degree=5, optimizer="adam", lr=0.05)),
    ("network", dict(activation="tanh")),
    ("network", dict(activation="relu", optimizer="adam", lr=0.02)),
])
def test_curve_models_fit_curved_points_better_than_a_line(kind, settings):
    x, y = random_points("curve", seed=2)
    fit = fitted(x, y, steps=600, kind=kind, **settings)
    best_w, best_b = closed_form_line(x, y)
    line_loss = np.mean((y - best_w * x - best_b) ** 2)
    assert fit.losses[-1] < 0.4 * fit.losses[0]
    assert fit.losses[-1] < 0.5 * line_loss
    assert np.mean((fit.predict(x) - y) ** 2) < 0.5 * line_loss


BAD_POINTS = [
    ([], [], "at least two points"),
    ([1.0], [2.0], "at least two points"),
    ([3.0, 3.0, 3.0], [1.0, 2.0, 5.0], "same x"),
    ([1.0, np.nan], [1.0, 2.0], "finite"),
    ([1.0, 2.0], [np.inf, 2.0], "finite"),
    ([1.0, 2.0e9], [1.0, 2.0], "too large"),
]


@pytest.mark.parametrize("x, y, message", BAD_POINTS)
def test_bad_points_raise_a_readable_error(x, y, message):
    fit = RegressionFit()
    fit.set_points(x, y)
    with pytest.raises(RegressionInputError, match=message):
        fit.step()
    with pytest.raises(RegressionInputError, match=message):
        closed_form_line(x, y)
    with pytest.raises(RegressionInputError, match=message):
        fit.predict([0.0])
    assert fit.steps == 0


def test_too_large_learning_rate_is_detected_and_stops_the_fit():
    x, y = random_points("line", seed=5)
    fit = RegressionFit(lr=5.0)
    fit.set_points(x, y)
    with pytest.raises(FitDiverged, match="Lower it"):
        fit.step(100)
    assert fit.diverged and fit.steps < 10
    with pytest.raises(FitDiverged):
        fit.step()
    fit.set_learning_rate(0.1)
    fit.reset()
    fit.step(300)
    assert fit.line_parameters() == pytest.approx(closed_form_line(x, y), rel=1e-3)


def test_changing_points_mid_fit_keeps_training_on_the_new_data():
    x = np.linspace(0.0, 10.0, 8)
    fit = fitted(x, 2 * x + 1, steps=20)
    fit.set_points(x, -x + 9)
    fit.step(2000)
    assert fit.line_parameters() == pytest.approx((-1.0, 9.0), rel=0.01)
    assert fit.path[0] != fit.path[-1]


def test_learning_rate_and_optimizer_can_change_without_reset():
    fit = fitted([0.0, 1.0, 2.0], [1.0, 3.0, 5.0], steps=5)
    fit.set_learning_rate(0.05)
    fit.set_optimizer("adam")
    assert fit.optimizer.param_groups[0]["lr"] == 0.05
    fit.step(2000)
    assert fit.steps > 5
    assert fit.line_parameters() == pytest.approx((2.0, 1.0), rel=0.01)


def test_loss_surface_holds_minimum_and_path():
    x, y = random_points("line", seed=6)
    fit = fitted(x, y, steps=50)
    surface = line_loss_surface(x, y, fit.path)
    best_w, best_b = closed_form_line(x, y)
    for w, b in [(best_w, best_b), *fit.path]:
        assert surface.w[0] <= w <= surface.w[-1] and surface.b[0] <= b <= surface.b[-1]
    i, j = np.unravel_index(surface.loss.argmin(), surface.loss.shape)
    assert surface.w[i] == pytest.approx(best_w, abs=2 * np.diff(surface.w)[0])
    assert surface.b[j] == pytest.approx(best_b, abs=2 * np.diff(surface.b)[0])
    assert surface.loss[3, 7] == pytest.approx(np.mean((y - surface.w[3] * x - surface.b[7]) ** 2))


@pytest.mark.parametrize("shape", ["line", "curve"])
def test_random_points_stay_in_range_even_with_much_noise(shape):
    for seed in range(20):
        x, y = random_points(shape, n=30, x_range=(-5, 5), y_range=(100, 200), noise=0.3, seed=seed)
        assert len(x) == len(y) == 30
        assert (-5 <= x).all() and (x <= 5).all()
        assert (100 <= y).all() and (y <= 200).all()
        assert y.max() - y.min() > 20, "spread over the range, not squeezed"
