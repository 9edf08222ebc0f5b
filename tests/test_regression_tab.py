"""The Regression tab driven like a user: real mouse events on the plot, real button clicks."""

import re

import numpy as np
import pytest
import torch
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from digitdraw.core.regression import closed_form_line, random_points
from digitdraw.ui.regression.tab import RegressionTab


@pytest.fixture
def tab(shown_tab):
    return shown_tab(RegressionTab(), 1000, 700)


def viewport_position(tab, x, y) -> QPoint:
    """Where the data point (x, y) is drawn, in the plot viewport's pixel coordinates."""
    return tab.plot.mapFromScene(tab.view_box.mapViewToScene(QPointF(x, y)))


def send_mouse(tab, kind, position, button, buttons):
    viewport = tab.plot.viewport()
    QApplication.sendEvent(viewport, QMouseEvent(kind, QPointF(position), viewport.mapToGlobal(QPointF(position)),
                                                 button, buttons, Qt.KeyboardModifier.NoModifier))


def drag(tab, qtbot, start, end, moves=6):
    left = Qt.MouseButton.LeftButton
    qtbot.wait(20)  # let the plot lay itself out before mapping positions
    a, b = viewport_position(tab, *start), viewport_position(tab, *end)
    send_mouse(tab, QEvent.Type.MouseButtonPress, a, left, left)
    for t in np.linspace(0, 1, moves + 1)[1:]:
        qtbot.wait(20)  # pyqtgraph drops mouse moves closer than 10 ms apart
        send_mouse(tab, QEvent.Type.MouseMove, a + (b - a) * t, Qt.MouseButton.NoButton, left)
    send_mouse(tab, QEvent.Type.MouseButtonRelease, b, left, Qt.MouseButton.NoButton)


def number_in(tab, name) -> float:
    text = tab.findChild(QLabel, name).text()
    return float(re.search(r"-?\d+(\.\d+)?(e[-+]?\d+)?", text).group())


def press_fit_and_wait(tab, qtbot, timeout=60_000):
    qtbot.mouseClick(tab.findChild(QPushButton, "fitButton"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not tab.timer.isActive(), timeout=timeout)


def test_left_clicks_add_points_where_clicked(tab, qtbot):
    plot = tab.findChild(type(tab.plot), "regressionPlot")
    for x, y in [(2.0, 3.0), (7.5, 6.25), (4.0, 9.0)]:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=viewport_position(tab, x, y))
    xs, ys = tab.points()
    pixel = 10 / tab.plot.viewport().width() * 2  # data units of about two pixels
    np.testing.assert_allclose(xs, [2.0, 7.5, 4.0], atol=pixel)
    np.testing.assert_allclose(ys, [3.0, 6.25, 9.0], atol=pixel * 1.5)
    assert tab.view_box.scatter.getData()[0].size == 3


def test_right_click_removes_the_point_under_the_cursor_only(tab, qtbot):
    tab.set_points([2.0, 5.0, 8.0], [2.0, 5.0, 8.0])
    qtbot.wait(20)
    view_range = tab.view_box.viewRange()
    qtbot.mouseClick(tab.plot.viewport(), Qt.MouseButton.RightButton, pos=viewport_position(tab, 8.0, 2.0))
    assert len(tab.points()[0]) == 3
    qtbot.mouseClick(tab.plot.viewport(), Qt.MouseButton.RightButton, pos=viewport_position(tab, 5.0, 5.0))
    np.testing.assert_allclose(tab.points(), [[2.0, 8.0], [2.0, 8.0]])
    assert tab.view_box.viewRange() == view_range


def test_dragging_a_point_moves_it_and_dragging_empty_space_pans(tab, qtbot):
    tab.set_points([2.0, 8.0], [2.0, 8.0])
    drag(tab, qtbot, (2.0, 2.0), (4.0, 6.0))
    xs, ys = tab.points()
    assert xs[0] == pytest.approx(4.0, abs=0.05) and ys[0] == pytest.approx(6.0, abs=0.05)
    assert (xs[1], ys[1]) == (8.0, 8.0)
    (x0, _), _ = tab.view_box.viewRange()
    drag(tab, qtbot, (6.0, 2.0), (5.0, 2.0))
    assert tab.view_box.viewRange()[0][0] == pytest.approx(x0 + 1.0, abs=0.05)
    assert len(tab.points()[0]) == 2


def test_fit_button_recovers_an_exact_line_and_animates(tab, qtbot):
    x = np.linspace(1.0, 9.0, 7)
    tab.set_points(x, 0.75 * x + 2.0)
    press_fit_and_wait(tab, qtbot)
    assert tab.fit.converged
    assert number_in(tab, "slopeLabel") == pytest.approx(0.75, rel=0.01)
    assert number_in(tab, "interceptLabel") == pytest.approx(2.0, rel=0.01)
    assert len(tab.loss_curve.getData()[0]) == tab.fit.steps > 10
    assert len(tab.descent_path.getData()[0]) == tab.fit.steps + 1
    assert tab.surface_image.isVisible()
    curve_x, curve_y = tab.curve.getData()
    np.testing.assert_allclose(curve_y, 0.75 * curve_x + 2.0, atol=0.02)


def test_fit_matches_closed_form_on_noisy_points(tab, qtbot):
    x, y = random_points("line", seed=11)
    tab.set_points(x, y)
    press_fit_and_wait(tab, qtbot)
    best_w, best_b = closed_form_line(x, y)
    assert tab.fit.line_parameters() == pytest.approx((best_w, best_b), rel=1e-3, abs=1e-3)
    assert f"{best_w:.5g}" in tab.closed_form_label.text()
    assert len(tab.closed_form_curve.getData()[0]) > 0
    tab.closed_form_box.setChecked(False)
    assert tab.closed_form_curve.getData()[0] is None or len(tab.closed_form_curve.getData()[0]) == 0


def test_moving_a_point_while_fitting_keeps_fitting_on_new_data(tab, qtbot):
    x = np.linspace(0.0, 10.0, 6)
    tab.set_points(x, 0.5 * x + 1.0)
    tab.start_fit()
    qtbot.waitUntil(lambda: tab.fit.steps > 0, timeout=60_000)
    tab.move_point(5, 10.0, 9.0)
    qtbot.waitUntil(lambda: not tab.timer.isActive(), timeout=60_000)
    tab.move_point(0, 0.0, 3.0)  # after convergence, an edit resumes the fit
    assert tab.timer.isActive()
    qtbot.waitUntil(lambda: not tab.timer.isActive(), timeout=60_000)
    assert tab.fit.line_parameters() == pytest.approx(closed_form_line(*tab.points()), rel=1e-3)


@pytest.mark.parametrize("x, y, message", [
    ([], [], "at least two points"),
    ([4.0], [4.0], "at least two points"),
    ([3.0, 3.0], [1.0, 5.0], "same x"),
    ([1.0, float("nan")], [1.0, 2.0], "finite"),
    ([1.0, 2.0], [1.0, 3.0e12], "too large"),
])
def test_bad_points_give_a_message_not_an_exception(tab, qtbot, x, y, message):
    tab.set_points(x, y)
    press_fit_and_wait(tab, qtbot)
    assert message in tab.status_label.text()
    assert tab.fit.steps == 0
    qtbot.mouseClick(tab.plot.viewport(), Qt.MouseButton.LeftButton, pos=viewport_position(tab, 5.0, 5.0))
    assert len(tab.points()[0]) == len(x) + 1  # the tab still takes clicks


def test_too_large_learning_rate_stops_the_fit_and_says_lower_it(tab, qtbot):
    tab.set_points(*random_points("line", seed=12))
    tab.lr_box.setValue(5.0)
    press_fit_and_wait(tab, qtbot)
    assert "Lower it" in tab.status_label.text()
    tab.lr_box.setValue(0.1)
    tab.reset_fit()
    press_fit_and_wait(tab, qtbot)
    assert tab.fit.converged and "Converged" in tab.status_label.text()


@pytest.mark.parametrize("model, optimizer, lr", [("Polynomial", "SGD", 0.1), ("Small network", "Adam", 0.02)])
def test_curve_models_reduce_the_loss_on_curved_points(tab, qtbot, model, optimizer, lr):
    torch.manual_seed(0)  # the tab starts each model from random weights: these ones, every time
    tab.set_points(*random_points("curve", seed=13))
    tab.model_box.setCurrentText(model)
    tab.optimizer_box.setCurrentText(optimizer)
    tab.lr_box.setValue(lr)
    tab.start_fit()
    qtbot.waitUntil(lambda: tab.fit.steps >= 90, timeout=60_000)
    tab.pause_fit()
    assert tab.fit.losses[-1] < 0.5 * tab.fit.losses[0]
    assert "straight line only" in tab.slope_label.text()
    assert f"parameters: {tab.fit.parameter_count()}" == tab.parameters_label.text()
    assert not tab.surface_image.isVisible()


def test_step_and_reset_buttons(tab, qtbot):
    tab.set_points([1.0, 2.0, 3.0], [1.0, 2.0, 2.5])
    tab.step_once()
    tab.step_once()
    assert tab.fit.steps == 2 and tab.step_label.text() == "step: 2"
    tab.reset_fit()
    assert tab.fit.steps == 0 and tab.fit.losses == []


@pytest.mark.parametrize("button", ["Random line", "Random curve"])
def test_random_points_fill_the_visible_plot_and_stay_inside_it(tab, qtbot, button):
    clicked = next(b for b in tab.findChildren(QPushButton) if b.text() == button)
    # Away from the default view (0 to 10 both ways), as a user's pan and zoom would take it.
    tab.view_box.translateBy(x=35, y=-40)
    tab.view_box.scaleBy(x=3, y=0.5)
    (x0, x1), (y0, y1) = tab.view_box.viewRange()
    assert x0 > 10 and y1 < 0, "the view has moved"
    for _ in range(5):
        qtbot.mouseClick(clicked, Qt.MouseButton.LeftButton)
        x, y = tab.points()
        assert len(x) > 10
        assert ((x0 <= x) & (x <= x1)).all() and ((y0 <= y) & (y <= y1)).all()
        assert np.ptp(x) > 0.5 * (x1 - x0), "spread over the visible width"


def test_the_window_builds_the_regression_tab_when_it_is_first_shown(qtbot):
    from digitdraw.ui.main_window import MainWindow

    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.findChildren(RegressionTab) == []  # built when first shown, not with the window
    window.tabs.setCurrentIndex(2)
    shown = window.tabs.currentWidget()
    assert isinstance(shown, RegressionTab) and shown is window.regression_tab
    assert window.tabs.tabText(2) == "Regression"
    assert len(window.findChildren(RegressionTab)) == 1
    random_line = next(button for button in shown.findChildren(QPushButton) if button.text() == "Random line")
    qtbot.mouseClick(random_line, Qt.MouseButton.LeftButton)
    assert len(shown.points()[0]) > 2  # the tab built late works
