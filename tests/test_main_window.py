"""The whole window, built for real: tabs working together, closing mid-run, what it remembers."""

from __future__ import annotations

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog

from digitdraw.ui.main_window import MainWindow
from digitdraw.ui.workers import running_workers

RUN_TIMEOUT_MS = 60_000

pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture
def window(qtbot, data_dir):
    window = MainWindow(data_dir=str(data_dir))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()  # shuts every tab down, as when the user closes it
    assert not running_workers(), [worker.name for worker in running_workers()]


def test_the_window_has_its_tabs_and_menus(window):
    titles = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert titles[:3] == ["Draw", "Train", "Regression"], titles
    assert window.tabs.currentWidget() is window.draw_tab
    menus = [action.text() for action in window.menuBar().actions()]
    assert menus[0] == "&File" and menus[-1] == "&Help", menus
    file_actions = [a.text() for a in window.menuBar().actions()[0].menu().actions() if a.text()]
    assert "&Open image…" in file_actions and "Save trained model…" in file_actions and "&Quit" in file_actions


def test_tabs_are_built_when_first_shown_and_their_menu_actions_work_before(window, monkeypatch):
    assert window.built_tabs() == [window.draw_tab], "only the Draw tab is built at start"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [action.text() for action in file_menu.actions()]
    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda parent, caption, *rest: asked.append(caption) or ("", ""))
    export = next(action for action in file_menu.actions() if action.text().startswith("&Export model"))
    export.trigger()
    assert asked == ["Export the Draw tab's model"], "the stand-in built the Compress tab and ran its action"
    assert [type(tab).__name__ for tab in window.built_tabs()] == ["DrawTab", "CompressTab"]
    assert window.tabs.currentWidget() is window.draw_tab, "building a tab does not switch to it"
    assert window.compress_tab.export_action in file_menu.actions() and export not in file_menu.actions()
    window.tabs.setCurrentIndex(1)
    assert window.tabs.currentWidget() is window.train_tab and window.tabs.tabText(1) == "Train"
    assert window.train_tab.save_action in file_menu.actions()
    assert [action.text() for action in file_menu.actions()] == texts, "each tab's own action took its stand-in's place"
    assert window.tabs.count() == 5 and window.tabs.tabText(4) == "Autograd"


def test_a_model_trained_here_is_used_for_drawing(qtbot, window, mnist):
    tab = window.train_tab
    tab.test_subset = 200
    tab.apply_recipe("default")
    tab.batch_spin.setValue(32)
    tab.augment_check.setChecked(False)
    tab.subset_spin.setValue(256)
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(tab.training_finished, timeout=RUN_TIMEOUT_MS):
        tab.train_button.click()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    draw = window.draw_tab
    images = mnist[1].images[:20].float() / 255
    before = draw.classifier.predict_batch(images)
    tab.use_button.click()
    assert draw.classifier.checkpoint is tab.checkpoint
    after = draw.classifier.predict_batch(images)
    assert any(a.probabilities != b.probabilities for a, b in zip(after, before)), "the new model answers"
    assert window.tabs.currentWidget() is draw


def test_closing_the_window_mid_run_ends_the_training_thread(qtbot, window):
    tab = window.train_tab
    tab.test_subset = 200
    tab.apply_recipe("default")
    tab.batch_spin.setValue(32)
    tab.subset_spin.setValue(60_000)
    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > 0, timeout=RUN_TIMEOUT_MS)
    worker = tab.worker
    window.close()
    assert worker.wait(0), "close() returns only once the thread has ended"
    assert not running_workers()


def test_the_window_size_is_remembered(qtbot, data_dir, window):
    # The headless screen is 800 px wide, so Qt fits a restored window's width to it: the height tells.
    assert window.height() != 700, "the first time, the default size"
    window.resize(1000, 700)
    window.close()
    again = MainWindow(data_dir=str(data_dir))
    qtbot.addWidget(again)
    assert again.height() == 700
    again.close()


def test_a_picture_dropped_on_the_window_is_classified(qtbot, window, mnist, tmp_path):
    digit, label = mnist[1].images[1].numpy(), int(mnist[1].labels[1])
    path = tmp_path / "dropped.png"
    Image.fromarray(255 - digit).resize((140, 140)).save(path)
    target = window.tabs.currentWidget()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(path))])
    point = QPoint(target.width() // 3, target.height() // 2)
    actions, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(point, actions, data, left, none)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window takes files dragged onto it"
    drop = QDropEvent(QPointF(point), actions, data, left, none)
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted()
    assert window.draw_tab.prediction_label.text() == str(label)
    assert "dropped.png" in window.draw_tab.message_label.text()
