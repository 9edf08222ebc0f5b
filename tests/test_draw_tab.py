"""The Draw tab driven with real mouse events, headless."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QEvent, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from digitdraw.core.inference import Classifier, Prediction
from digitdraw.ui.draw.tab import DrawTab

from digit_strokes import clear_drawing

LEFT, NONE = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


@pytest.fixture
def tab(shown_tab):
    return shown_tab(DrawTab(), 900, 600)


def send_mouse(canvas, kind, point: QPointF, button, buttons) -> None:
    """A mouse event with the button held, which QTest.mouseMove cannot send."""
    event = QMouseEvent(kind, point, canvas.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def draw(canvas, strokes) -> None:
    """Draw strokes given in a square area of side ``canvas.area_size()``, centred on the canvas."""
    area = canvas.area_size()
    offset = QPointF((canvas.width() - area) / 2, (canvas.height() - area) / 2)
    for stroke in strokes:
        points = [QPointF(x, y) + offset for x, y in stroke]
        send_mouse(canvas, QEvent.Type.MouseButtonPress, points[0], LEFT, LEFT)
        for point in points[1:]:
            send_mouse(canvas, QEvent.Type.MouseMove, point, NONE, LEFT)
        send_mouse(canvas, QEvent.Type.MouseButtonRelease, points[-1], LEFT, NONE)


def shown_digit(tab) -> str:
    return tab.findChild(type(tab.prediction_label), "predictionLabel").text()


def test_clear_drawings_of_each_digit_are_read_right(tab, qtbot):
    canvas = tab.findChild(type(tab.canvas), "canvas")
    assert tab.classifier is not None, tab.message_label.text()
    for digit in range(10):
        canvas.clear()
        qtbot.waitUntil(lambda: shown_digit(tab) == "–", timeout=10_000)
        draw(canvas, clear_drawing(digit, area=canvas.area_size()).strokes)
        qtbot.waitUntil(lambda: shown_digit(tab) == str(digit), timeout=10_000)


def test_prediction_updates_while_the_pen_is_still_down(tab, qtbot):
    canvas = tab.canvas
    stroke = clear_drawing(1, area=canvas.area_size()).strokes[0]
    send_mouse(canvas, QEvent.Type.MouseButtonPress, QPointF(*stroke[0]), LEFT, LEFT)
    for point in stroke[1:]:
        send_mouse(canvas, QEvent.Type.MouseMove, QPointF(*point), NONE, LEFT)
    qtbot.waitUntil(lambda: shown_digit(tab) != "–", timeout=10_000)
    assert canvas.is_drawing()
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, QPointF(*stroke[-1]), LEFT, NONE)


def test_the_pen_is_reported_down_before_the_stroke_is_worked_on_and_up_when_it_ends(tab):
    """Background imports pause at pen_changed(True): it must come before the tab's own work for the stroke."""
    canvas, seen = tab.canvas, []
    canvas.pen_changed.connect(lambda down: seen.append("down" if down else "up"))
    canvas.strokes_changed.connect(lambda: seen.append("stroke"))
    send_mouse(canvas, QEvent.Type.MouseButtonPress, QPointF(100, 100), LEFT, LEFT)
    send_mouse(canvas, QEvent.Type.MouseMove, QPointF(120, 130), NONE, LEFT)
    send_mouse(canvas, QEvent.Type.MouseButtonRelease, QPointF(120, 130), LEFT, NONE)
    assert seen == ["down", "stroke", "stroke", "stroke", "up"]
    seen.clear()
    send_mouse(canvas, QEvent.Type.MouseButtonPress, QPointF(100, 100), LEFT, LEFT)
    canvas.clear()  # Escape while drawing: the pen is up again
    assert seen == ["down", "stroke", "up", "stroke"]


def test_escape_clears_and_ctrl_z_undoes(tab, qtbot):
    canvas = tab.canvas
    canvas.setFocus()
    four = clear_drawing(4, area=canvas.area_size()).strokes
    draw(canvas, four)
    qtbot.waitUntil(lambda: shown_digit(tab) == "4", timeout=10_000)
    qtbot.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(canvas.strokes()) == len(four) - 1
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert canvas.strokes() == []
    qtbot.waitUntil(lambda: shown_digit(tab) == "–", timeout=10_000)


def test_the_chart_shows_the_probabilities_with_the_answer_s_bar_highlighted(tab, qtbot):
    chart = tab.findChild(type(tab.chart), "probabilityChart")
    assert chart.probabilities() == [0.0] * 10 and chart.answer() is None
    draw(tab.canvas, clear_drawing(3, area=tab.canvas.area_size()).strokes)
    qtbot.waitUntil(lambda: shown_digit(tab) == "3", timeout=10_000)
    assert chart.probabilities() == pytest.approx(tab._prediction.probabilities)
    assert chart.answer() == 3
    heights = [chart.bar_rect(digit).height() for digit in range(10)]
    assert max(range(10), key=heights.__getitem__) == 3 and heights[3] > 0.5 * chart.height() * max(chart.probabilities())
    picture = chart.grab().toImage()
    bar = chart.bar_rect(3)
    assert picture.pixelColor(bar.center().toPoint()).name() == "#1f5fbf", "the answer's bar is dark"
    tab.canvas.clear()
    qtbot.waitUntil(lambda: chart.answer() is None, timeout=10_000)
    assert chart.probabilities() == [0.0] * 10


def test_a_tiny_scribble_is_nothing_to_classify(tab, qtbot):
    predictions = []
    tab._timer.timeout.connect(lambda: predictions.append(shown_digit(tab)))
    draw(tab.canvas, [[(100, 100), (103, 102)]])
    qtbot.waitUntil(lambda: bool(predictions), timeout=5000)  # the delayed prediction has run
    assert shown_digit(tab) == "–" and tab.confidence_label.text() == "nothing to classify"


@pytest.mark.parametrize(("probabilities", "cue"), [([0.05, 0.45, 0.4] + [0.1 / 7] * 7, "not sure"),
                                                    ([0.01, 0.95, 0.02] + [0.02 / 7] * 7, "")])
def test_a_faint_answer_is_marked_not_sure(tab, monkeypatch, probabilities, cue):
    monkeypatch.setattr(tab.classifier, "predict", lambda image: Prediction(probabilities, 0.001))
    draw(tab.canvas, clear_drawing(1, area=tab.canvas.area_size()).strokes)
    tab.predict_now()
    assert shown_digit(tab) == "1"
    assert tab.unsure_label.text() == cue
    assert tab.confidence_label.text() == f"{max(probabilities):.0%} sure"


FAKE_DEVICES = ["cpu", "cpu:0"]  # a second device torch can really use, on any machine


@pytest.fixture
def two_devices(monkeypatch):
    """Pretend the machine has a second device, so that switching really switches."""
    for module in ("digitdraw.ui.draw.tab", "digitdraw.core.inference"):
        monkeypatch.setattr(f"{module}.available_devices", lambda: list(FAKE_DEVICES))
    return FAKE_DEVICES


def test_device_selector_lists_the_devices_and_switches(two_devices, shown_tab):
    tab = shown_tab(DrawTab(), 900, 600)
    selector = tab.findChild(type(tab.device_selector), "deviceSelector")
    assert [selector.itemData(i) for i in range(selector.count())] == two_devices
    assert tab.classifier.device == "cpu"
    selector.setCurrentIndex(1)
    assert tab.classifier.device == "cpu:0"
    assert QSettings().value("draw/device") == "cpu:0", "the choice is remembered"
    tab.set_classifier(Classifier.load())
    assert tab.classifier.device == "cpu:0", "a new model goes to the chosen device"


@pytest.mark.parametrize(("remembered", "expected"), [("cpu:0", "cpu:0"), ("cuda:7", "cpu")])
def test_the_remembered_device_is_used_if_it_exists(two_devices, shown_tab, remembered, expected):
    QSettings().setValue("draw/device", remembered)
    tab = shown_tab(DrawTab(), 900, 600)
    assert tab.device_selector.currentData() == expected
    assert tab.classifier.device == expected


def test_a_device_that_fails_gives_a_message_and_the_selector_goes_back(monkeypatch, shown_tab):
    devices = ["cpu", "cpu:0", "xpu:7"]  # the last is listed but torch cannot use it here
    for module in ("digitdraw.ui.draw.tab", "digitdraw.core.inference"):
        monkeypatch.setattr(f"{module}.available_devices", lambda: list(devices))
    tab = shown_tab(DrawTab(), 900, 600)
    tab.device_selector.setCurrentIndex(1)
    tab.device_selector.setCurrentIndex(2)
    assert "xpu:7" in tab.message_label.text()
    assert tab.device_selector.currentData() == "cpu:0" and tab.classifier.device == "cpu:0"
    assert QSettings().value("draw/device") == "cpu:0"


def test_save_a_drawing_and_open_it_again(tab, qtbot, tmp_path):
    draw(tab.canvas, clear_drawing(7, area=tab.canvas.area_size()).strokes)
    assert tab.save_drawing(tmp_path / "seven")
    saved = tmp_path / "seven.png"
    assert saved.is_file()
    tab.canvas.clear()
    assert tab.open_image(saved)
    assert shown_digit(tab) == "7"
    assert tab.canvas.picture() is not None
    tab.canvas.clear()
    assert tab.canvas.picture() is None


def test_open_an_mnist_digit_written_light_on_dark(tab, mnist, tmp_path):
    test = mnist[1]
    path = tmp_path / "digit.png"
    Image.fromarray(test.images[0].numpy()).resize((140, 140)).save(path)
    assert tab.open_image(path)
    assert shown_digit(tab) == str(int(test.labels[0]))


@pytest.mark.parametrize("content", [b"not a picture at all", b""], ids=["garbage", "empty"])
def test_a_bad_image_file_gives_a_message(tab, tmp_path, content):
    path = tmp_path / "broken.png"
    path.write_bytes(content)
    assert not tab.open_image(path)
    assert "broken.png" in tab.message_label.text()
    assert not tab.open_image(tmp_path / "missing.png")


def test_a_blank_image_is_nothing_to_classify(tab, tmp_path):
    path = tmp_path / "blank.png"
    Image.fromarray(np.full((60, 60), 255, np.uint8)).save(path)
    assert tab.open_image(path)
    assert shown_digit(tab) == "–"
    assert "nothing to classify" in tab.message_label.text()


def test_a_bad_model_file_gives_a_message_and_keeps_the_old_model(tab, tmp_path):
    before = tab.classifier
    path = tmp_path / "model.pt"
    path.write_bytes(b"garbage")
    assert not tab.load_model(path)
    assert tab.classifier is before
    assert "model.pt" in tab.message_label.text()


def test_a_network_that_fails_mid_session_gives_a_message_and_keeps_the_drawing(tab, monkeypatch):
    def failing(image):
        raise RuntimeError("CUDA error: device lost")

    monkeypatch.setattr(tab.classifier, "predict", failing)
    draw(tab.canvas, clear_drawing(3, area=tab.canvas.area_size()).strokes)
    tab.predict_now()
    assert tab.prediction_label.text() == "–"
    assert "failed on cpu" in tab.message_label.text() and "another device" in tab.message_label.text()
    assert "CUDA error" not in tab.message_label.text()  # torch's words stay out of the window
    assert tab.canvas.strokes()


def test_file_actions_have_their_shortcuts(tab):
    shortcuts = {action.text(): action.shortcut().toString() for action in tab.file_actions()}
    assert shortcuts == {"&Open image…": "Ctrl+O", "&Save drawing as PNG…": "Ctrl+S", "&Load model…": "Ctrl+L"}
