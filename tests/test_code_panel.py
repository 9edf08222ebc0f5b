"""Each tab's *PyTorch code* button shows exactly what ``digitdraw code ...`` prints for the same settings."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from digitdraw.cli import main
from digitdraw.core.inference import Classifier
from digitdraw.ui.code_panel import CodePanel, code_panel
from digitdraw.ui.language import install_translators, remove_translators


def printed(*argv: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(list(argv)) == 0
    return out.getvalue()


def press_code_button(qtbot, tab) -> CodePanel:
    qtbot.mouseClick(tab.code_button, Qt.MouseButton.LeftButton)
    panel = code_panel(tab)
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    assert panel.editor.toPlainText() == panel.code  # the text shown is the text copied and saved
    return panel


@pytest.fixture
def chinese():
    install_translators("zh_CN")
    yield
    remove_translators()


def test_the_regression_tab_shows_digitdraw_code_fit(qtbot, shown_tab, tmp_path):
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1000, 700)
    x, y = np.array([0.5, 1.25, 3.0, 4.75, 6.0]), np.array([1.0, 2.5, 2.25, 5.5, 7.125])
    tab.set_points(x, y)
    points = tmp_path / "points.csv"
    points.write_text("".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist())))
    assert press_code_button(qtbot, tab).code == printed("code", "fit", "--points", str(points), "--language", "en")
    tab.model_box.setCurrentIndex(tab.model_box.findData("polynomial"))
    tab.degree_box.setValue(5)
    tab.optimizer_box.setCurrentText("Adam")
    tab.lr_box.setValue(0.02)
    expected = printed("code", "fit", "--points", str(points), "--model", "polynomial", "--degree", "5",
                       "--optimizer", "adam", "--lr", "0.02", "--language", "en")
    assert press_code_button(qtbot, tab).code == expected


def test_the_train_tab_shows_digitdraw_code_train(qtbot, shown_tab, data_dir):
    from digitdraw.ui.train.tab import TrainTab

    tab = shown_tab(TrainTab(data_dir=data_dir), 1200, 800)
    tab.apply_recipe("default")
    tab.device_combo.setCurrentIndex(tab.device_combo.findData("cpu"))
    assert press_code_button(qtbot, tab).code == printed("--data-dir", str(data_dir), "code", "train", "--device", "cpu",
                                                         "--language", "en")
    tab.arch_combo.setCurrentIndex(tab.arch_combo.findData("classic"))
    tab.epochs_spin.setValue(3)
    tab.batch_spin.setValue(64)
    tab.lr_spin.setValue(0.002)
    tab.optimizer_combo.setCurrentText("adam")
    tab.augment_check.setChecked(False)
    tab.schedule_combo.setCurrentIndex(tab.schedule_combo.findData("step"))
    tab.subset_spin.setValue(20_000)
    expected = printed("--data-dir", str(data_dir), "code", "train", "--arch", "classic", "--epochs", "3",
                       "--batch-size", "64", "--lr", "0.002", "--optimizer", "adam", "--no-augment", "--device", "cpu",
                       "--schedule", "step", "--train-images", "20000", "--language", "en")
    assert press_code_button(qtbot, tab).code == expected


def test_the_train_tab_with_a_target_shows_digitdraw_code_train_with_it(qtbot, shown_tab, data_dir):
    from digitdraw.ui.train.tab import TrainTab

    tab = shown_tab(TrainTab(data_dir=data_dir), 1200, 800)
    tab.apply_recipe("default")
    tab.device_combo.setCurrentIndex(tab.device_combo.findData("cpu"))
    tab.target_check.setChecked(True)
    tab.target_spin.setValue(98.5)
    panel = press_code_button(qtbot, tab)
    assert "class TargetTests" in panel.code
    assert panel.code == printed("--data-dir", str(data_dir), "code", "train", "--device", "cpu", "--target-accuracy",
                                 "0.985", "--language", "en")


def test_the_draw_tab_shows_digitdraw_code_classify_and_copies_and_saves_it(qtbot, shown_tab, tmp_path):
    from digitdraw.ui.draw.tab import DrawTab

    tab = shown_tab(DrawTab(), 1000, 700)
    tab.set_classifier(Classifier.load())
    panel = press_code_button(qtbot, tab)
    assert panel.code == printed("code", "classify", "--language", "en")
    panel.copy()
    assert QGuiApplication.clipboard().text() == panel.code
    assert panel.save(tmp_path / "classify.py")
    assert (tmp_path / "classify.py").read_text(encoding="utf-8") == panel.code
    assert not panel.save(tmp_path / "classify.py" / "inside-a-file.py")  # a file where a folder should be
    assert "inside-a-file.py" in panel.status.text() and (tmp_path / "classify.py").read_text(encoding="utf-8") == panel.code


def test_the_compress_tab_shows_digitdraw_code_compress(qtbot, shown_tab, data_dir):
    from digitdraw.ui.compress.tab import CompressTab

    tab = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1200, 700)
    tab.set_source(Classifier.load())
    tab.structure_combo.setCurrentIndex(tab.structure_combo.findData("channels"))
    tab.slider.setValue(35)
    expected = printed("--data-dir", str(data_dir), "code", "compress", "--method", "prune", "--amount", "0.35",
                       "--structure", "channels", "--language", "en")
    assert press_code_button(qtbot, tab).code == expected


def test_the_autograd_tab_shows_digitdraw_code_autograd(qtbot, shown_tab):
    from digitdraw.ui.autograd.tab import AutogradTab

    tab = shown_tab(AutogradTab(), 1200, 800)
    tab.load_preset("chain")
    for name in tab.session.used_names():
        tab.session.set_requires_grad(name, True)  # digitdraw autograd's --set values all take gradients
    values = {"w": "2.0", "x": "3.0", "b": "1.0", "t": "10.0"}
    expected = printed("code", "autograd", "--expr", tab.session.program.original,
                       *[f"--set={name}={value}" for name, value in values.items()], "--language", "en")
    assert press_code_button(qtbot, tab).code == expected


def test_in_chinese_the_comments_are_chinese(qtbot, shown_tab, chinese):
    from digitdraw.ui.draw.tab import DrawTab

    tab = shown_tab(DrawTab(), 1000, 700)
    tab.set_classifier(Classifier.load())
    panel = press_code_button(qtbot, tab)
    assert "由 digitdraw 生成" in panel.code
    assert panel.code == printed("code", "classify", "--language", "zh_CN")
