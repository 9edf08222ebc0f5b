"""The Compress tab, headless: the slider measures, variants go to the Draw tab, save and export."""

from __future__ import annotations

import importlib.util

import pytest
from PySide6.QtCore import Qt

from digitdraw.core.checkpoints import load_checkpoint
from digitdraw.core.inference import Classifier
from digitdraw.ui.compress.tab import CompressTab
from digitdraw.ui.draw.tab import DrawTab
from digitdraw.ui.language import install_translators, remove_translators

from digit_strokes import clear_drawing
from test_draw_tab import draw, shown_digit

WAIT_MS = 180_000  # measuring on two shared cores can be slow


@pytest.fixture
def tab(shown_tab, data_dir):
    tab = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1200, 700)
    tab.set_source(Classifier.load())
    return tab


def test_the_slider_changes_the_measured_accuracy(tab, qtbot):
    qtbot.waitUntil(lambda: 0.5 in tab.curve, timeout=WAIT_MS)  # the starting position, on all test digits
    tab.slider.setValue(90)
    qtbot.waitUntil(lambda: 0.9 in tab.curve, timeout=WAIT_MS)
    assert tab.curve[0.9] < tab.curve[0.5] - 0.1
    assert "90%" in tab.accuracy_label.text()
    tab.structure_combo.setCurrentIndex(tab.structure_combo.findData("channels"))
    qtbot.waitUntil(lambda: 0.9 in tab.curve, timeout=WAIT_MS)
    assert list(tab.curve) == [0.9]  # a new curve for whole channels


def test_int8_variant_goes_to_the_draw_tab_reads_a_drawn_digit_and_saves(tab, qtbot, shown_tab, tmp_path):
    tab.measure_variants()
    qtbot.waitUntil(lambda: "int8" in tab.variants, timeout=WAIT_MS)
    names = [tab.table.item(row, 0).text() for row in range(tab.table.rowCount())]
    tab.table.selectRow(names.index("int8 (static)"))
    draw_tab = shown_tab(DrawTab(), 900, 600)
    tab.use_model.connect(draw_tab.set_classifier)
    with qtbot.waitSignal(tab.use_model, timeout=5000):
        tab.use_selected()
    assert draw_tab.classifier.checkpoint.quantized
    draw(draw_tab.canvas, clear_drawing(3, area=draw_tab.canvas.area_size()).strokes)
    qtbot.waitUntil(lambda: shown_digit(draw_tab) == "3", timeout=5000)
    assert tab.save_selected(tmp_path / "int8.pt")
    assert load_checkpoint(tmp_path / "int8.pt").compression["method"] == "int8"
    qtbot.waitUntil(lambda: tab.table.rowCount() == 5, timeout=WAIT_MS)  # original, int8, dynamic, pruned, pruned + int8
    tab.table.selectRow(0)
    assert not tab.save_selected(tmp_path / "int8.pt" / "inside-a-file.pt")  # a file where a folder should be
    assert "Could not write" in tab.status_label.text()


def test_variants_are_keyed_by_id_so_a_change_of_language_midway_keeps_the_comparison(tab, qtbot):
    """The table compares each variant with the original: found by its id, not by its name in
    whichever language the original was measured in."""
    qtbot.waitUntil(lambda: "original" in tab.variants, timeout=WAIT_MS)  # measured in English
    install_translators("zh_CN")
    try:
        tab.measure_variants()
        qtbot.waitUntil(lambda: "int8" in tab.variants, timeout=WAIT_MS)
        keys = [tab.table.item(row, 0).data(Qt.ItemDataRole.UserRole) for row in range(tab.table.rowCount())]
        row = keys.index("int8")
        name, size_vs_original = tab.table.item(row, 0).text(), tab.table.item(row, 5).text()
    finally:
        remove_translators()
    assert name == "int8 量化（静态）", "shown in the language of the moment"
    assert int(size_vs_original.rstrip("%")) < 50, f"an int8 model is about a quarter of the original's size: {size_vs_original}"
    tab.table.selectRow(row)
    assert tab.selected_variant()[1].compression["method"] == "int8"


@pytest.mark.skipif(importlib.util.find_spec("onnxruntime") is None, reason="the export extra is not installed")
def test_export_runs_in_the_background_and_says_how_it_was_checked(tab, qtbot, tmp_path):
    tab.export_model(Classifier.load().checkpoint, "torchscript", tmp_path / "model.pt")
    qtbot.waitUntil(lambda: "Exported" in tab.status_label.text(), timeout=WAIT_MS)
    assert (tmp_path / "model.pt").exists()


def test_draw_tab_loads_pytorch_examples_mnist_cnn_and_says_what_it_is(shown_tab, tmp_path):
    import torch

    from digitdraw.core.models import build_model

    torch.save(build_model("classic").state_dict(), tmp_path / "mnist_cnn.pt")
    draw_tab = shown_tab(DrawTab(), 900, 600)
    assert draw_tab.load_model(tmp_path / "mnist_cnn.pt")
    assert draw_tab.classifier.arch == "classic"
    assert "recognised as a bare state_dict of the 'classic' network" in draw_tab.message_label.text()
