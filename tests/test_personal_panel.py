"""Corrections and learning in the Draw tab, driven headless with real key presses and clicks."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QMessageBox

from digitdraw.core.checkpoints import load_checkpoint, save_checkpoint
from digitdraw.core.inference import Classifier, default_model_path
from digitdraw.core.personal import FineTuneSettings, PersonalSet, personal_model_path
from digitdraw.ui.draw.tab import DrawTab
from digitdraw.ui.main_window import MainWindow
from digitdraw.ui.draw.personal_panel import PersonalSetDialog

from digit_strokes import clear_drawing
from test_draw_tab import draw
from writers import SIDEWAYS, save_as_pictures, writer_drawings


@pytest.fixture
def tab(shown_tab, data_dir):
    return shown_tab(DrawTab(data_dir=data_dir), 900, 700)


def test_a_digit_key_on_the_canvas_stores_the_drawing_in_its_folder_and_clears(tab, qtbot, isolated_home):
    canvas, panel = tab.canvas, tab.personal
    draw(canvas, clear_drawing(1, area=canvas.area_size()).strokes)
    canvas.setFocus()
    qtbot.waitUntil(canvas.hasFocus, timeout=2000)
    qtbot.keyClick(canvas, Qt.Key.Key_7)
    stored = list((isolated_home / "personal" / "7").glob("*.png"))
    assert len(stored) == 1 and stored[0].with_suffix(".json").is_file()
    assert canvas.strokes() == []
    assert panel.count_labels[7].text() == "1"
    assert "7" in panel.status_label.text()


def test_a_digit_button_stores_too_and_an_empty_canvas_stores_nothing(tab, qtbot, isolated_home):
    panel = tab.personal
    qtbot.mouseClick(panel.digit_buttons[4], Qt.MouseButton.LeftButton)
    assert PersonalSet().counts() == [0] * 10
    assert "Draw a digit first" in panel.status_label.text()
    draw(tab.canvas, clear_drawing(4, area=tab.canvas.area_size()).strokes)
    qtbot.mouseClick(panel.digit_buttons[4], Qt.MouseButton.LeftButton)
    assert PersonalSet().counts()[4] == 1 and panel.count_labels[4].text() == "1"
    assert tab.canvas.strokes() == []


def test_learning_needs_ten_drawings(tab, qtbot):
    draw(tab.canvas, clear_drawing(2, area=tab.canvas.area_size()).strokes)
    tab.personal.store(2)
    assert not tab.personal.learn()
    assert not tab.personal.is_running
    assert "at least 10" in tab.personal.status_label.text()


def test_learning_raises_accuracy_while_the_window_keeps_answering(tab, qtbot, one_torch_thread):
    panel = tab.personal
    save_as_pictures(writer_drawings(SIDEWAYS, 2, seed=5), panel.personal_set.root)
    panel.refresh_counts()
    panel.settings = FineTuneSettings(steps=80)
    panel.test_subset = 500
    ticks = []
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: ticks.append(panel.is_running))
    timer.start()
    with qtbot.waitSignal(panel.model_changed, timeout=600_000) as changed:
        qtbot.mouseClick(panel.learn_button, Qt.MouseButton.LeftButton)
        assert panel.is_running and panel.progress_bar.isVisible()
    timer.stop()
    qtbot.waitUntil(lambda: not panel.is_running, timeout=10_000)
    assert ticks.count(True) >= 5  # the event loop kept running while it learned
    result = panel.result
    assert result.samples == 20
    assert result.samples_accuracy_after >= result.samples_accuracy_before + 0.25
    assert tab.classifier is changed.args[0]
    assert tab.classifier.source == str(personal_model_path())
    assert personal_model_path().is_file()
    assert "→" in panel.result_label.text()
    assert panel.shipped_button.isEnabled()


def test_the_personal_model_survives_a_restart_and_one_click_goes_back(qtbot, data_dir):
    checkpoint = load_checkpoint(default_model_path())
    checkpoint.training = {**checkpoint.training, "fine_tuned_on_drawings": 12}
    save_checkpoint(checkpoint, personal_model_path())
    window = MainWindow(data_dir=str(data_dir))
    qtbot.addWidget(window)
    draw_tab = window.draw_tab
    assert draw_tab.classifier.source == str(personal_model_path())
    assert draw_tab.classifier.checkpoint.training["fine_tuned_on_drawings"] == 12
    qtbot.mouseClick(draw_tab.personal.shipped_button, Qt.MouseButton.LeftButton)
    assert draw_tab.classifier.source == str(default_model_path())
    assert not personal_model_path().exists()
    window.close()
    again = MainWindow(data_dir=str(data_dir))
    qtbot.addWidget(again)
    assert again.draw_tab.classifier.source == str(default_model_path())
    again.close()


def test_a_broken_personal_model_falls_back_to_the_shipped_one_with_a_message(qtbot):
    personal_model_path().parent.mkdir(parents=True, exist_ok=True)
    personal_model_path().write_bytes(b"not a checkpoint")
    tab = DrawTab()
    qtbot.addWidget(tab)
    assert tab.classifier.source == str(default_model_path())
    assert "could not be loaded" in tab.personal.status_label.text()
    tab.shutdown()


def test_the_set_is_browsed_pruned_and_cleared(qtbot, monkeypatch, tmp_path):
    personal = PersonalSet(tmp_path / "personal")
    save_as_pictures(writer_drawings(SIDEWAYS, 1, seed=1)[:3], personal.root)
    dialog = PersonalSetDialog(personal)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 3
    dialog.filter.setCurrentIndex(dialog.filter.findData(1))
    assert dialog.list.count() == 1 and dialog.list.item(0).text() == "1"
    dialog.list.item(0).setSelected(True)
    dialog.remove_selected()
    assert personal.counts()[:3] == [1, 0, 1] and dialog.list.count() == 0
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    dialog.ask_clear()
    assert sum(personal.counts()) == 0


def test_from_the_first_correction_the_drawings_vote_on_what_the_tab_reads(tab, qtbot, monkeypatch):
    canvas, panel = tab.canvas, tab.personal
    assert tab.classifier.prototypes is None  # an empty set has no say
    # a hand the shipped model misreads: a sideways 7, corrected once
    seven = writer_drawings(SIDEWAYS, 1, seed=2, area=canvas.area_size())[7]
    draw(canvas, seven.strokes)
    qtbot.waitUntil(lambda: tab._prediction is not None, timeout=5000)
    misread = tab._prediction.probabilities[7]
    panel.store(7)
    assert len(tab.classifier.prototypes) == 1 and tab.classifier.prototypes.labels.tolist() == [7]
    draw(canvas, seven.strokes)  # drawn again the same way: the vote reads it as the 7 it was corrected to
    qtbot.waitUntil(lambda: tab._prediction is not None and tab._prediction.probabilities[7] > misread, timeout=5000)
    tab.set_classifier(Classifier.load())  # any model the tab reads with hears the vote
    assert len(tab.classifier.prototypes) == 1
    # the browser's clearing of the set takes the vote away
    monkeypatch.setattr(PersonalSetDialog, "exec", lambda dialog: dialog.personal_set.clear())
    panel.browse()
    assert tab.classifier.prototypes is None
