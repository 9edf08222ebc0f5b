"""Plots that answer back: hover readouts read the data under the mouse, the confusion matrix filters
the gallery, a gallery digit opens in the Draw tab, and a plot's data saves as CSV."""

from __future__ import annotations

import csv
import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QListView, QTableView

from digitdraw.ui.train.views import AccuracyPlot, ConfusionMatrixView, LossPlot, MistakesGallery

NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", ".")) for n in NUMBER.findall(text)]


def hover(qtbot, plot, x: float, y: float) -> str:
    """Move the mouse over data point (x, y) of a pyqtgraph plot and return the readout once it shows."""
    view = plot.getPlotItem().getViewBox()
    scene_point = view.mapViewToScene(QPointF(x, y))
    widget_point = plot.mapFromScene(scene_point)
    QTest.mouseMove(plot.viewport(), QPoint(widget_point.x(), widget_point.y()))
    qtbot.waitUntil(lambda: plot.readout.text != "" and plot.readout.marker.isVisible(), timeout=5000)
    return plot.readout.text


@pytest.fixture
def loss_plot(shown_tab):
    plot = shown_tab(LossPlot(), 700, 420)
    plot.set_total_steps(300, epochs=3)
    rng = np.random.default_rng(1)
    steps = np.arange(1, 301)
    plot.add_points(steps, 2.3 * np.exp(-steps / 80) + 0.1 * rng.random(300))
    return plot


def test_the_loss_readout_reads_the_batch_under_the_mouse(qtbot, loss_plot):
    plot = loss_plot
    text = hover(qtbot, plot, 150.2, 1.0)
    batch, epoch, loss, smoothed = numbers(text)
    i = int(np.flatnonzero(plot.steps.values == 150)[0])
    assert batch == 150
    assert loss == pytest.approx(plot.losses.values[i], abs=5e-4)
    assert smoothed == pytest.approx(plot.smoothed.values[i], abs=5e-4)
    assert epoch == pytest.approx(1.5, abs=5e-3)
    assert tuple(plot.readout.marker.pos()) == pytest.approx((150, plot.losses.values[i]))
    assert plot.readout.label.accessibleName()


def test_the_loss_readout_follows_new_data_while_the_mouse_rests(qtbot, loss_plot):
    plot = loss_plot
    hover(qtbot, plot, 300.7, 0.5)
    assert numbers(plot.readout.text)[0] == 300
    plot.add_points(np.arange(301, 311), np.full(10, 0.25))
    qtbot.waitUntil(lambda: numbers(plot.readout.text)[0] == 301)  # 301 is now nearer than 300
    assert numbers(plot.readout.text)[2] == pytest.approx(0.25)


def test_the_accuracy_readout_reads_the_test_under_the_mouse(qtbot, shown_tab):
    plot = shown_tab(AccuracyPlot(), 500, 400)
    plot.set_epochs(3)
    for epoch, accuracy in ((1, 0.912), (2, 0.9561), (3, 0.9723)):
        plot.add_point(epoch, accuracy)
    epoch, percent = numbers(hover(qtbot, plot, 2.1, 95))
    assert (epoch, percent) == (2, pytest.approx(95.61))


def test_a_plot_saves_the_points_it_shows_as_csv_and_its_picture_as_png(qtbot, loss_plot, tmp_path):
    plot = loss_plot
    plot.save_data(str(tmp_path / "loss.csv"))
    with open(tmp_path / "loss.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["batch", "loss", "smoothed_loss", "epoch"]
    table = np.array(rows[1:], dtype=float)
    assert len(table) == plot.point_count() == 300
    np.testing.assert_allclose(table[:, 0], plot.steps.values)
    np.testing.assert_allclose(table[:, 1], plot.losses.values, rtol=1e-9)
    np.testing.assert_allclose(table[:, 2], plot.smoothed.values, rtol=1e-9)
    plot.save_picture(str(tmp_path / "loss.png"))
    assert (tmp_path / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _results(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 255, (n, 28, 28)).astype(np.uint8)
    true = rng.integers(0, 10, n)
    said = np.where(rng.random(n) < 0.7, true, rng.integers(0, 10, n))
    matrix = np.bincount(true * 10 + said, minlength=100).reshape(10, 10)
    return images, true, said, matrix


def _cell_centre(view: QTableView, row: int, column: int) -> QPoint:
    return view.visualRect(view.model().index(row, column)).center()


def test_a_confusion_cell_click_shows_its_digits_the_diagonal_the_right_ones_and_all_goes_back(qtbot, shown_tab):
    from digitdraw.ui.train.tab import TrainTab
    from digitdraw.ui.training_job import Outcome

    tab = shown_tab(TrainTab(), 1180, 740)
    images, true, said, matrix = _results()
    wrong = true != said
    tab._on_finished(Outcome("evaluated", "", None, 0.7, 1.0, 1.0, 1.0, matrix, images[wrong][:64], true[wrong][:64],
                             said[wrong][:64], int(wrong.sum()), images, true, said))
    view = tab.findChild(QTableView, "confusionMatrix")
    gallery = tab.findChild(QListView, "mistakeGallery")
    assert gallery.model().rowCount() == wrong.sum()
    mistake = np.unravel_index(np.argmax(matrix - np.diag(np.diag(matrix))), matrix.shape)
    for row, column in (mistake, (4, 4)):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_cell_centre(view, row, column))
        qtbot.waitUntil(lambda: gallery.model().rowCount() == int(view.item(row, column).text()))
        captions = {gallery.model().index(r, 0).data() for r in range(gallery.model().rowCount())}
        assert captions == {f"{row} → {column}"}
        assert tab.gallery_filter.text() == f"true {row}, said {column}: {matrix[row, column]}"
    tab.all_button.click()
    assert gallery.model().rowCount() == wrong.sum()
    assert not tab.all_button.isVisible()


def test_the_matrix_and_the_gallery_walk_with_the_arrow_keys(qtbot, shown_tab):
    view = shown_tab(ConfusionMatrixView(), 400, 400)
    images, true, said, matrix = _results()
    view.set_matrix(matrix)
    chosen = []
    view.cell_chosen.connect(lambda t, s: chosen.append((t, s)))
    view.setFocus()
    view.setCurrentCell(2, 2)
    QTest.keyClick(view, Qt.Key.Key_Right)
    QTest.keyClick(view, Qt.Key.Key_Down)
    assert chosen[-2:] == [(2, 3), (3, 3)]

    gallery = shown_tab(MistakesGallery(), 400, 300)
    gallery.set_mistakes(images, true, said)
    opened = []
    gallery.digit_opened.connect(lambda image, t, s: opened.append((t, s)))
    gallery.setFocus()
    gallery.setCurrentIndex(gallery.model().index(0, 0))
    QTest.keyClick(gallery, Qt.Key.Key_Right)
    assert gallery.currentIndex().row() == 1
    QTest.keyClick(gallery, Qt.Key.Key_Return)
    assert opened == [gallery.digit(1)[1:]]
    assert view.accessibleName() and gallery.accessibleName()


def test_a_gallery_digit_opens_in_the_draw_tab_and_gets_the_answer_the_gallery_showed(qtbot, data_dir, one_torch_thread):
    from digitdraw.ui.main_window import MainWindow

    window = MainWindow(data_dir=str(data_dir))
    qtbot.addWidget(window)
    window.resize(1180, 780)
    window.show()
    tab = window.train_tab
    tab.test_subset = 200
    tab.apply_recipe("default")
    tab.epochs_spin.setValue(1)
    tab.batch_spin.setValue(32)
    tab.subset_spin.setValue(512)
    tab.augment_check.setChecked(False)
    tab.device_combo.setCurrentIndex(tab.device_combo.findData("cpu"))
    window.tabs.setCurrentWidget(tab)
    try:
        tab.train_button.click()
        qtbot.waitUntil(lambda: not tab.is_running and tab.outcome is not None, timeout=120_000)
        gallery = tab.findChild(QListView, "mistakeGallery")
        assert gallery.model().rowCount() == tab.outcome.wrong_total > 0
        row = gallery.model().rowCount() - 1
        gallery.scrollTo(gallery.model().index(row, 0))
        caption = gallery.model().index(row, 0).data()
        true, said = (int(part) for part in caption.split(" → "))
        centre = gallery.visualRect(gallery.model().index(row, 0)).center()
        QTest.mouseClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # a double-click's first press
        QTest.mouseDClick(gallery.viewport(), Qt.MouseButton.LeftButton, pos=centre)
        qtbot.waitUntil(lambda: window.tabs.currentWidget() is window.draw_tab)
        draw = window.draw_tab
        assert draw.canvas.picture() is not None and not draw.canvas.strokes()  # a picture, not strokes
        assert draw.prediction_label.text() == str(said)
        assert draw.classifier.checkpoint is tab.checkpoint
        assert draw.inside.isVisible() and draw.inside.target() == true  # "why not" the true digit
        qtbot.waitUntil(lambda: draw.inside.result is not None and draw.inside.result.explained, timeout=60_000)
        assert draw.inside.result.target == true
    finally:
        window.close()


def test_the_regression_plots_read_points_line_loss_and_surface(qtbot, shown_tab, tmp_path):
    from digitdraw.core.regression import random_points
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1000, 700)
    x, y = random_points("line", n=12, seed=4)
    tab.set_points(x, y)
    for _ in range(5):
        tab.step_once()
    # A point: the nearest one's (x, y).
    read_x, read_y = numbers(hover(qtbot, tab.plot, x[3] + 0.02, y[3] - 0.02))
    assert (read_x, read_y) == (pytest.approx(x[3], rel=1e-4), pytest.approx(y[3], rel=1e-4))
    # Away from the points: the line at the mouse's x, ŷ as the model predicts it.
    far_y = 9.5 if tab.fit.predict(np.array([5.0]))[0] < 5 else 0.5
    tab.plot.readout.hide()
    text = hover(qtbot, tab.plot, 5.0, far_y)
    assert "ŷ" in text
    line_x, predicted = numbers(text)[0], numbers(text)[-1]
    assert predicted == pytest.approx(tab.fit.predict(np.array([line_x]))[0], rel=1e-3)
    # The loss curve: the step under the mouse and its MSE (the axis is log scale).
    step, mse = numbers(hover(qtbot, tab.loss_plot, 3.1, np.log10(tab.fit.losses[2])))
    assert (step, mse) == (3, pytest.approx(tab.fit.losses[2], rel=1e-4))
    # The loss surface: the MSE of the line (w, b) under the mouse.
    surface = tab._surface
    w, b = float(np.mean(surface.w)), float(np.mean(surface.b))
    read_w, read_b, read_mse = numbers(hover(qtbot, tab.surface_plot, w, b))
    assert read_mse == pytest.approx(np.mean((read_w * tab.fit.x + read_b - tab.fit.y) ** 2), rel=2e-3)
    assert (read_w, read_b) == (pytest.approx(w, abs=0.05 * np.ptp(surface.w)), pytest.approx(b, abs=0.05 * np.ptp(surface.b)))
    # Saved data reads back.
    tab.loss_plot.save_data(str(tmp_path / "loss.csv"))
    with open(tmp_path / "loss.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["step", "mse"] and len(rows) == 6
    np.testing.assert_allclose([float(r[1]) for r in rows[1:]], tab.fit.losses, rtol=1e-9)


def test_the_pruning_curve_reads_sparsity_and_accuracy(qtbot, shown_tab):
    from digitdraw.ui.compress.tab import CompressTab

    tab = shown_tab(CompressTab(), 1200, 700)
    tab.curve.update({0.0: 0.991, 0.5: 0.9874, 0.9: 0.61})
    tab._show_curve(None, None)
    tab.plot.setYRange(50, 100)
    sparsity, accuracy = numbers(hover(qtbot, tab.plot, 52, 80))
    assert (sparsity, accuracy) == (50, pytest.approx(98.74))


def _hover_widget(qtbot, widget, point) -> str:
    QTest.mouseMove(widget, point)
    qtbot.waitUntil(lambda: widget.readout_text() != "", timeout=5000)
    return widget.readout_text()


def test_the_probability_bars_read_digit_and_percent(qtbot, shown_tab, tmp_path):
    from digitdraw.ui.draw.probability_chart import ProbabilityChart

    chart = shown_tab(ProbabilityChart(), 500, 250)
    probabilities = [0.01, 0.02, 0.03, 0.6, 0.04, 0.05, 0.1, 0.07, 0.05, 0.03]
    chart.set_probabilities(probabilities, 3)
    for digit in (3, 6):
        text = _hover_widget(qtbot, chart, chart.bar_rect(digit).center().toPoint() - QPoint(0, 1))
        assert numbers(text) == [digit, pytest.approx(100 * probabilities[digit], abs=0.05)]
    chart.set_probabilities([0.1] * 10, 0)  # live: the readout follows new probabilities
    assert numbers(chart.readout_text()) == [6, pytest.approx(10.0)]
    assert chart.readout.accessibleName()
    chart.save_data(str(tmp_path / "p.csv"))
    with open(tmp_path / "p.csv", newline="") as file:
        rows = list(csv.reader(file))
    assert rows[0] == ["digit", "probability_percent"] and [float(r[1]) for r in rows[1:]] == [10.0] * 10


def test_the_feature_maps_read_layer_channel_and_range(qtbot, shown_tab):
    import torch

    from digitdraw.ui.draw.inside_view import _MapGrid

    grid = shown_tab(_MapGrid(), 600, 120)
    maps = torch.rand(8, 12, 12)
    maps[5] *= 7
    grid.set_maps(maps, "conv2")
    columns, tile, scale, _ = grid._layout
    row, column = divmod(5, columns)
    text = _hover_widget(qtbot, grid, QPoint(int((column + 0.5) * tile * scale), int((row + 0.5) * tile * scale)))
    assert "conv2" in text
    channel, low, high = numbers(text.split("conv2")[1])
    assert channel == 6
    assert (low, high) == (pytest.approx(float(maps[5].min()), abs=6e-4), pytest.approx(float(maps[5].max()), abs=6e-4))
