"""The app speaks Simplified Chinese as well as English: every visible text is translated, nothing is cut.

The coverage check walks every widget of every tab of the main window built under zh_CN and
collects what a person sees: labels, buttons, check boxes, group titles, tab names, combo box
items, menus and their actions, plot titles, axis labels and legends, and the tooltips of visible
widgets. A text with no Chinese in it that holds a Latin word which is not a name (PyTorch, MNIST,
CPU…) was not translated.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QWidget,
)

from digitdraw.core.devices import available_devices
from digitdraw.core.models import architectures
from digitdraw.core.regression import random_points
from digitdraw.core.training import OPTIMIZERS
from digitdraw.ui.main_window import MainWindow
from digitdraw.ui.language import (
    LANGUAGES,
    chosen_language,
    device_label,
    install_translators,
    language_in_effect,
    remove_translators,
    system_language,
)
from digitdraw.ui.training_job import Outcome

ROOT = Path(__file__).resolve().parent.parent
NAMES = {
    "pytorch", "mnist", "cpu", "gpu", "cuda", "mps", "onnx", "digitdraw", "png", "jpeg", "cnn", "mse", "ema",
    "relu", "tanh", "sgd", "adam", "px", "log", "ctrl", "esc", "shift",
} | {name.lower() for name in architectures()} | {name.lower() for name in OPTIMIZERS}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
DEFAULT_SIZE, SMALL_SIZE = (1180, 780), (1024, 640)


@pytest.fixture
def speak(qapp):
    """Build under a language: ``speak("zh_CN")`` installs its translators until the test ends."""
    yield install_translators
    remove_translators()


@pytest.fixture
def window(shown_tab):
    """``window(width, height)``: the main window, shown at that size, closed after the test."""
    return lambda width, height: shown_tab(MainWindow(), width, height)


def _plain(text: str) -> str:
    """A text as read: no HTML tags, no accelerator ampersands, no {0} placeholders."""
    text = re.sub(r"<[^>]+>", " ", text or "")
    return re.sub(r"\{\d*\}", " ", text.replace("&&", "&").replace("&", "")).strip()


def _plot_texts(plot: pg.PlotWidget) -> list[str]:
    item = plot.getPlotItem()
    texts = [item.titleLabel.text] if item.titleLabel.isVisible() else []
    for name in ("left", "bottom", "right", "top"):
        axis = item.getAxis(name)
        if axis.isVisible() and axis.labelText:
            texts.append(axis.labelText)
    if item.legend is not None:
        texts += [label.text for _, label in item.legend.items]
    return texts


def visible_texts(window: MainWindow) -> list[str]:
    """Every text a person can see in the window, going through each tab in turn."""
    texts = [window.windowTitle()]
    for action in window.menuBar().actions():
        texts.append(action.text())
        texts += [sub.text() for sub in action.menu().actions() if not sub.isSeparator()]
    for tabs in window.findChildren(QTabWidget):
        texts += [tabs.tabText(index) for index in range(tabs.count())]
        for index in range(tabs.count()):
            tabs.setCurrentIndex(index)
            page = tabs.widget(index)
            for widget in [page] + page.findChildren(QWidget):
                if widget is not page and not widget.isVisibleTo(page) or isinstance(widget, QMenu):
                    continue
                texts.append(widget.toolTip())
                if isinstance(widget, QLabel):
                    texts.append(widget.text())
                elif isinstance(widget, QAbstractButton):
                    texts.append(widget.text())
                elif isinstance(widget, QGroupBox):
                    texts.append(widget.title())
                elif isinstance(widget, QComboBox):
                    texts += [widget.itemText(i) for i in range(widget.count())]
                elif isinstance(widget, pg.PlotWidget):
                    texts += _plot_texts(widget)
        tabs.setCurrentIndex(0)
    return [text for text in map(_plain, texts) if re.search(r"[^\W\d_]", text)]


def untranslated(texts: list[str]) -> list[str]:
    """Texts without Chinese that hold a Latin word which is not a name."""
    names = {device_label(device) for device in available_devices() if device.startswith("cuda")}
    names |= set(LANGUAGES.values())
    return [
        text
        for text in texts
        if not CHINESE.search(text)
        and text not in names
        and any(word.lower() not in NAMES for word in LATIN_WORD.findall(text))
    ]


def test_every_string_in_the_code_has_a_chinese_translation_and_the_qm_files_are_current():
    spec = importlib.util.spec_from_file_location("translations_tool", ROOT / "tools" / "translations.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    problems = tool.check()
    assert not problems, "run python tools/translations.py and translate:\n" + "\n".join(problems)


def test_under_zh_cn_every_visible_text_is_chinese(speak, window):
    assert speak("zh_CN") == "zh_CN"
    texts = visible_texts(window(*DEFAULT_SIZE))
    missing = untranslated(texts)
    counted = [text for text in texts if CHINESE.search(text) or text in missing]
    share = 1 - len(missing) / len(counted)
    print(f"\nzh_CN: {len(counted) - len(missing)} of {len(counted)} visible texts are Chinese ({share:.1%})")
    assert len(counted) > 100, "the walk found the texts of every tab"
    assert not missing, f"untranslated under zh_CN ({share:.1%} Chinese): {missing}"


def test_under_english_the_app_reads_as_before(speak, window):
    speak("en")
    win = window(*DEFAULT_SIZE)
    texts = visible_texts(win)
    assert [text for text in texts if CHINESE.search(text)] == [LANGUAGES["zh_CN"]], "only in the Language menu"
    assert [win.tabs.tabText(i) for i in range(3)] == ["Draw", "Train", "Regression"]
    assert win.train_tab.train_button.text() == "Train"
    assert QCoreApplication.translate("RegressionTab", "Converged after %n steps.", "", 1) == "Converged after 1 step."
    assert QCoreApplication.translate("RegressionTab", "Converged after %n steps.", "", 3) == "Converged after 3 steps."


def test_chinese_plural_forms_and_placeholders_survive_translation(speak):
    speak("zh_CN")
    assert QCoreApplication.translate("RegressionTab", "Converged after %n steps.", "", 7) == "经过 7 步后收敛。"
    text = QCoreApplication.translate("TrainTab", "Opened {0} ({1}). Train continues from it.").format("a.pt", "digitnet")
    assert "a.pt" in text and "digitnet" in text and CHINESE.search(text)


def _show_results(window: MainWindow) -> None:
    """The longer texts of a finished run and of a fit, as after real use (a real run takes too long)."""
    rng = np.random.default_rng(0)
    window.train_tab._on_finished(Outcome(
        "finished", "", None, 0.9871, 83.0, 8.0, 5432.0, rng.integers(0, 1200, (10, 10)),
        np.zeros((64, 28, 28), np.uint8), rng.integers(0, 10, 64), rng.integers(0, 10, 64), wrong_total=1129,
    ))
    window.train_tab.speed_label.setText(window.train_tab.tr("epoch {0}/{1} · {2} images/s · ETA {3}").format(
        8, 8, "5,432", "0:00"))
    window.regression_tab.set_points(*random_points("line", seed=3))
    window.regression_tab.step_once()
    window.regression_tab.start_fit()
    window.regression_tab._pause_clicked()


def _shown_text(widget: QWidget) -> str:
    return widget.currentText() if isinstance(widget, QComboBox) else getattr(widget, "text", lambda: "")()


def _width_needed(widget: QWidget) -> int:
    """The width below which a button, label or combo box cuts its text (0 for other widgets)."""
    if isinstance(widget, QPushButton):  # its size hint is at least 80 px wide, text or not
        return widget.fontMetrics().horizontalAdvance(_plain(widget.text())) + 8
    if isinstance(widget, QComboBox):  # the frame and the arrow take about 30 px
        return widget.fontMetrics().horizontalAdvance(widget.currentText()) + 30
    if isinstance(widget, (QAbstractButton, QLabel)):
        return widget.minimumSizeHint().width()
    return 0


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", [DEFAULT_SIZE, SMALL_SIZE], ids=["default", "1024x640"])
def test_nothing_is_cut_at_the_default_size_and_at_1024x640(speak, window, language, size):
    speak(language)
    win = window(*size)
    _show_results(win)
    assert (win.width(), win.height()) == size, f"the window cannot shrink to {size}: it needs {win.minimumSizeHint()}"
    cut = []
    for index in range(win.tabs.count()):
        win.tabs.setCurrentIndex(index)
        page = win.tabs.widget(index)
        for widget in page.findChildren(QWidget):
            if not widget.isVisibleTo(page) or isinstance(widget, QLabel) and widget.wordWrap():
                continue
            needed = _width_needed(widget)
            if widget.width() < needed:
                cut.append(f"{type(widget).__name__} {_shown_text(widget)!r}: {widget.width()} < {needed} px")
    tab_bar = win.tabs.tabBar()
    cut += [f"tab {tab_bar.tabText(i)!r}" for i in range(tab_bar.count())
            if tab_bar.tabRect(i).width() < tab_bar.fontMetrics().horizontalAdvance(tab_bar.tabText(i))]
    assert not cut, f"cut under {language} at {size}: {cut}"


@pytest.mark.parametrize(
    ("locale", "expected"),
    [("zh_CN", "zh_CN"), ("zh_SG", "zh_CN"), ("zh_TW", "en"), ("zh_HK", "en"), ("en_US", "en"), ("de_DE", "en")],
)
def test_the_system_locale_chooses_the_language(locale, expected):
    assert system_language(QLocale(locale)) == expected


def test_the_language_menu_remembers_the_choice_for_the_next_start(speak, window, monkeypatch):
    speak("en")
    win = window(*DEFAULT_SIZE)
    said = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: said.append(text))
    assert chosen_language() == "" and win.language_actions[""].isChecked(), "follows the system by default"

    win.language_actions["zh_CN"].trigger()
    assert chosen_language() == "zh_CN" and language_in_effect() == "zh_CN"
    assert said == [f"digitdraw will speak {LANGUAGES['zh_CN']} from its next start."]

    win.language_actions["en"].trigger()
    assert chosen_language() == "en" and len(said) == 1, "English is already spoken: nothing to announce"
    assert window(*DEFAULT_SIZE).language_actions["en"].isChecked(), "the next window shows the choice"


def test_the_translations_ship_in_the_package():
    import digitdraw.ui.language as language

    for name in ("digitdraw_zh_CN.qm", "digitdraw_en.qm"):
        assert (language.TRANSLATIONS_DIR / name).stat().st_size > 0
    assert "translations/*.qm" in (ROOT / "pyproject.toml").read_text()
    assert sys.modules["digitdraw.ui.language"].TRANSLATIONS_DIR.parent.name == "ui"


def test_core_messages_shown_in_the_window_are_translated(speak, qtbot):
    from digitdraw.ui.regression.tab import RegressionTab

    speak("zh_CN")
    tab = RegressionTab()
    qtbot.addWidget(tab)
    tab.set_points([1.0], [2.0])
    tab.step_once()
    assert tab.status_label.text() == "拟合前请至少添加两个点。"
    tab.set_points([1.0, 2.0, 3.0], [1.0, 2.0, 4.0])
    tab.lr_box.setValue(10.0)
    tab.optimizer_box.setCurrentText("SGD")
    qtbot.waitUntil(lambda: tab.step_once() or "学习率 10 太大" in tab.status_label.text(), timeout=10_000)
    tab.shutdown()


def _help_texts(parser) -> list[str]:
    """The help of every option and command of ``parser`` and of its subcommands."""
    texts = [parser.description or ""]
    for action in parser._actions:
        texts.append(action.help or "")
        for choice in getattr(action, "_choices_actions", []):
            texts.append(choice.help or "")
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                texts += _help_texts(sub)
    return texts


def test_the_command_line_speaks_chinese_under_zh_cn(monkeypatch, capsys):
    from digitdraw import cli

    english = _help_texts(cli._parser())
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    chinese = _help_texts(cli._parser())
    untranslated = [text for text, same in zip(english, chinese) if text and text == same]
    assert not untranslated, f"wrap these in _() and run python tools/translations.py: {untranslated}"
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "用法" in capsys.readouterr().out
    assert cli.main(["classify", "/no/such/picture.png"]) == 1
    assert "/no/such/picture.png：错误：文件不存在" in capsys.readouterr().err


def test_the_command_line_stays_english_elsewhere(monkeypatch, capsys):
    from digitdraw import cli

    monkeypatch.setenv("LANGUAGE", "en")
    assert cli.main(["classify", "/no/such/picture.png"]) == 1
    assert "/no/such/picture.png: error: no such file" in capsys.readouterr().err


def test_an_unexpected_error_is_one_sentence_in_the_users_language_never_a_traceback(speak):
    from digitdraw.ui.language import error_text

    error = RuntimeError("cannot map the file\nTraceback (most recent call last):\n  File \"x.py\", line 1")
    speak("zh_CN")
    assert error_text(error) == "操作未完成：cannot map the file"
    remove_translators()
    assert error_text(error) == "That did not work: cannot map the file"
