"""The Draw tab's inside view, headless: layers, feature maps, attribution and its target."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PySide6.QtCore import QPoint, QSettings, Qt

from digitdraw.core.checkpoints import Checkpoint
from digitdraw.core.inference import Classifier
from digitdraw.core.models import build_model
from digitdraw.core.preprocess import prepare_strokes
from digitdraw.ui.draw.tab import DrawTab

from digit_strokes import clear_drawing
from test_draw_tab import draw

TIMEOUT = 20000  # the machine may be shared; the view computes in a worker thread


def _draw(tab, qtbot, digit: int) -> None:
    tab.canvas.clear()
    draw(tab.canvas, clear_drawing(digit, area=tab.canvas.area_size()).strokes)
    qtbot.waitUntil(lambda: tab._prediction is not None and tab._prediction.digit == digit, timeout=TIMEOUT)


def _settled(tab, qtbot, target: int):
    """Wait for the inside view's result for the current drawing and ``target``."""
    inside = tab.inside
    qtbot.waitUntil(
        lambda: inside.result is not None and inside.result.explained and not inside._busy and inside.result.target == target,
        timeout=TIMEOUT,
    )
    return inside.result


def _fast(tab) -> DrawTab:
    tab.inside.method_selector.setCurrentIndex(tab.inside.method_selector.findData("input-x-gradient"))
    return tab


def test_builds_for_digitnet_and_follows_a_swap_to_classic(shown_tab, qtbot):
    tab = _fast(shown_tab(DrawTab(), 1000, 800))
    assert tab.inside.isVisible()
    assert "Conv2d 16×28×28 (144)" in tab.inside.strip.text() and tab.inside.strip.text().endswith("Linear 10 (5,770)")
    _draw(tab, qtbot, 3)
    assert [b.maps.shape for b in _settled(tab, qtbot, 3).blocks] == [(16, 28, 28), (32, 14, 14), (64, 7, 7)]

    tab.set_classifier(Classifier(Checkpoint.from_model("classic", build_model("classic"))))
    assert "Conv2d 32×26×26 (320)" in tab.inside.strip.text()
    qtbot.waitUntil(lambda: tab.inside.result is not None and tab.inside.result.blocks[0].maps.shape == (32, 26, 26), timeout=TIMEOUT)
    assert tab.inside._grid_captions[0].text() == "Block 1 (conv1): 32 maps of 26×26"


def test_feature_maps_change_with_the_drawing_and_show_the_map_under_the_pointer(shown_tab, qtbot):
    tab = _fast(shown_tab(DrawTab(), 1000, 800))
    _draw(tab, qtbot, 1)
    one = _settled(tab, qtbot, 1).blocks[0].maps
    _draw(tab, qtbot, 0)
    zero = _settled(tab, qtbot, 0).blocks[0].maps
    assert not torch.allclose(one, zero)

    grid = tab.inside._grids[0]
    columns, tile, scale, _ = grid._layout
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=QPoint(int((tile + 2) * scale), 2))  # second map
    assert tab.inside.detail_caption.text().startswith("Map 2 of features.0.0")
    assert not tab.inside.filter_view.pixmap().isNull() and not tab.inside.map_view.pixmap().isNull()


def test_clicking_a_bar_explains_that_digit(shown_tab, qtbot):
    tab = _fast(shown_tab(DrawTab(), 1000, 800))
    _draw(tab, qtbot, 1)
    towards_one = _settled(tab, qtbot, 1).attribution
    assert towards_one.shape == (28, 28)
    assert tab.canvas._overlay is not None  # faintly on the canvas too

    assert tab.chart.target() == 1, "the bar of the digit explained is outlined"
    column_seven = QPoint(round(tab.chart.bar_rect(7).center().x()), tab.chart.height() // 2)
    qtbot.mouseClick(tab.chart, Qt.MouseButton.LeftButton, pos=column_seven)
    assert tab.inside.target() == 7
    towards_seven = _settled(tab, qtbot, 7).attribution
    assert "Why 7?" in tab.inside.why_label.text()
    assert not (towards_seven == towards_one).all()
    assert tab.chart.target() == 7 and tab.chart.answer() == 1
    column_one = QPoint(round(tab.chart.bar_rect(1).center().x()), tab.chart.height() // 2)
    qtbot.mouseClick(tab.chart, Qt.MouseButton.LeftButton, pos=column_one)
    assert tab.inside.target() == 1, "the answer's own bar goes back to explaining the answer"


def test_hidden_view_is_remembered_and_computes_nothing(shown_tab, qtbot):
    tab = shown_tab(DrawTab(), 1000, 800)
    tab.inside_toggle.setChecked(False)
    assert not tab.inside.isVisible() and QSettings().value("draw/inside_view", type=bool) is False
    again = shown_tab(DrawTab(), 1000, 800)
    assert not again.inside.isVisible() and not again.inside_toggle.isChecked()
    _draw(again, qtbot, 4)
    assert again.inside.result is None and again.canvas._overlay is None


def test_a_method_that_needs_captum_waits_while_it_loads_in_the_background_then_explains(shown_tab, qtbot, monkeypatch):
    """Captum still to come from the window's background imports: the view says the explanation is
    coming (importing Captum beside them would freeze the pen) and asks again until it is in."""
    from digitdraw.core import attribution

    loading = {"still": True}
    monkeypatch.setattr(attribution, "library_pending", lambda: loading["still"])
    tab = _fast(shown_tab(DrawTab(), 1000, 800))
    _draw(tab, qtbot, 3)
    inside = tab.inside
    qtbot.waitUntil(lambda: inside.result is not None and inside.result.library_pending, timeout=TIMEOUT)
    assert inside.why_label.text() == "The explanation comes in a moment: its library is still loading."
    loading["still"] = False
    result = _settled(tab, qtbot, 3)
    assert result.attribution is not None and result.attribution.shape == (28, 28)


def test_the_attribution_lies_on_the_canvas_where_the_preprocessing_put_the_strokes(shown_tab, qtbot):
    tab = _fast(shown_tab(DrawTab(), 1000, 800))
    _draw(tab, qtbot, 2)
    _settled(tab, qtbot, 2)
    qtbot.waitUntil(lambda: tab.canvas._overlay is not None, timeout=TIMEOUT)
    rect = tab.canvas._overlay[1]
    placement = prepare_strokes(tab.canvas.strokes(), tab.canvas.area_size()).placement
    left, top, side = placement.input_square()
    assert (rect.left(), rect.top(), rect.width(), rect.height()) == pytest.approx((left, top, side, side), abs=1e-9)
    # Each point of the strokes lies, on the overlay, over an input pixel with ink.
    image = tab._network_input.numpy()
    points = np.asarray([point for stroke in tab.canvas.strokes() for point in stroke])
    columns = np.floor((points[:, 0] - rect.left()) / rect.width() * 28).astype(int)
    rows = np.floor((points[:, 1] - rect.top()) / rect.height() * 28).astype(int)
    assert (image[rows, columns] > 0.5).all()
