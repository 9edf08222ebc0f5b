"""The window a person meets: it fits a 1024x768 screen, says what is true now, and never shows a raw error."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from digitdraw.core.checkpoints import save_checkpoint
from digitdraw.core.compression import Measures, prune
from digitdraw.core.inference import Classifier
from digitdraw.core.personal import PersonalSet
from digitdraw.ui.draw.personal_panel import PersonalSetDialog
from digitdraw.ui.draw.tab import DrawTab
from digitdraw.ui.language import install_translators, remove_translators
from digitdraw.ui.main_window import MainWindow
from digitdraw.ui.training_job import Progress

from digit_strokes import clear_drawing
from test_draw_tab import draw
from writers import SIDEWAYS, save_as_pictures, writer_drawings

SCREEN = (1024, 740)  # a 1024x768 screen less the window manager's title bar
RAW_WORDS = ("pop from empty list", "weights_only", "arbitrary code", "Traceback", "Error:", "size mismatch")


@pytest.fixture
def speak(qapp):
    yield install_translators
    remove_translators()


def _progress(step: int = 40) -> Progress:
    fields = {field.name: 0 for field in dataclasses.fields(Progress)}
    fields.update(step=step, total_steps=150, samples_per_s=2813.3, elapsed_s=1.0, filters=None)
    return Progress(**fields)


def _spin(qtbot) -> None:
    qtbot.wait(1)  # one pass of the event loop: layouts settle


# --- 1. the window never grows past a 1024x768 screen ------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_window_never_grows_past_1024x740_on_any_tab_or_while_learning(speak, shown_tab, qtbot, language):
    speak(language)
    window = shown_tab(MainWindow(), *SCREEN)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        _spin(qtbot)
        assert window.width() <= SCREEN[0] and window.height() <= SCREEN[1], window.tabs.tabText(index)
    window.tabs.setCurrentIndex(0)
    panel = window.draw_tab.personal
    panel._set_running(True)  # what a Learn run shows: the progress row
    panel._on_progress(_progress())
    panel.result_label.setText("Your drawings read right: 45% → 100% · MNIST test: 99.51% → 99.43% · 12 s " * 3)
    _spin(qtbot)
    needed = window.minimumSizeHint()
    assert needed.width() <= SCREEN[0] and needed.height() <= SCREEN[1], needed
    assert (window.width(), window.height()) == SCREEN
    panel._set_running(False)
    _spin(qtbot)
    assert (window.width(), window.height()) == SCREEN


# --- 2. the inside view: a working splitter ------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_splitter_gives_the_inside_view_250_pixels_at_1024x740(speak, shown_tab, qtbot, language):
    speak(language)
    window = shown_tab(MainWindow(), *SCREEN)
    tab = window.draw_tab
    assert tab.inside_area.isVisible()
    qtbot.waitUntil(lambda: tab._split_fitted)
    _spin(qtbot)  # the splitter is fitted to the tab once it is laid out
    tab.splitter.moveSplitter(tab.splitter.height() - 320, 1)  # a drag up
    _spin(qtbot)
    assert tab.inside_area.height() >= 250
    assert (window.width(), window.height()) == SCREEN


# --- 3. TorchScript: its own extension, and it loads back -----------------------------------------


def test_torchscript_export_gets_its_own_extension_and_loads_back_in_the_draw_tab(shown_tab, qtbot, monkeypatch, tmp_path, data_dir):
    from digitdraw.ui.compress.tab import CompressTab

    compress = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1000, 700)
    chosen = tmp_path / "digit-model"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(chosen), "TorchScript (*.torchscript)"))
    compress._ask_export()
    qtbot.waitUntil(lambda: "Exported" in compress.status_label.text(), timeout=120_000)
    exported = tmp_path / "digit-model.torchscript"
    assert exported.is_file()
    draw_tab = shown_tab(DrawTab(), 900, 600)
    assert draw_tab.load_model(exported), draw_tab.message_label.text()
    assert "TorchScript" in draw_tab.message_label.text()
    draw(draw_tab.canvas, clear_drawing(4, area=draw_tab.canvas.area_size()).strokes)
    draw_tab.predict_now()
    assert draw_tab.prediction_label.text() == "4"


# --- 4. raw errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_a_text_file_named_pt_gets_one_translated_sentence(speak, shown_tab, tmp_path, language):
    speak(language)
    tab = shown_tab(DrawTab(), 900, 600)
    path = tmp_path / "notes.pt"
    path.write_text("some notes, renamed")
    assert not tab.load_model(path)
    text = tab.message_label.text()
    assert "notes.pt" in text and "\n" not in text
    assert not any(word in text for word in RAW_WORDS), text
    if language == "zh_CN":
        assert "检查点" in text, text


def test_a_model_load_that_fails_from_another_tab_is_answered_where_it_shows(shown_tab, qtbot, monkeypatch, tmp_path):
    window = shown_tab(MainWindow(), *SCREEN)
    window.tabs.setCurrentIndex(3)  # Compress
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"garbage")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *args: (str(bad), ""))
    window.draw_tab.file_actions()[2].trigger()  # File > Load model…
    assert window.tabs.currentWidget() is window.draw_tab
    assert "bad.pt" in window.draw_tab.message_label.text()


# --- 5. messages that stop being true go away --------------------------------------------------------


def test_the_personal_model_message_goes_when_another_model_is_used(shown_tab):
    tab = shown_tab(DrawTab(), 900, 600)
    tuned = Classifier.load()
    tab.personal._announced = tuned
    tab.personal._show("The Draw tab now reads with the model tuned to your hand (saved, used at the next start).")
    tab.personal.result_label.setText("Your drawings read right: 45% → 100%")
    tab.set_classifier(tuned)
    assert "tuned to your hand" in tab.message_label.text()
    tab.set_classifier(Classifier.load())  # e.g. a trained or an int8 model
    assert tab.message_label.text() == "" and tab.personal.result_label.text() == ""


def test_the_set_count_is_said_again_after_removing_in_browse(speak, shown_tab, monkeypatch):
    speak("en")  # English's plural forms
    tab = shown_tab(DrawTab(), 900, 600)
    panel = tab.personal
    save_as_pictures(writer_drawings(SIDEWAYS, 1, seed=1)[:3], panel.personal_set.root)
    draw(tab.canvas, clear_drawing(7, area=tab.canvas.area_size()).strokes)
    assert panel.store(7)
    assert "holds 4 drawings" in tab.message_label.text()

    def remove_one(dialog):
        dialog.list.item(0).setSelected(True)
        dialog.remove_selected()
        return 0

    monkeypatch.setattr(PersonalSetDialog, "exec", remove_one)
    panel.browse()
    assert "holds 3 drawings" in tab.message_label.text(), tab.message_label.text()


def test_one_drawing_is_one_drawing(speak, shown_tab):
    speak("en")
    tab = shown_tab(DrawTab(), 900, 600)
    draw(tab.canvas, clear_drawing(2, area=tab.canvas.area_size()).strokes)
    assert tab.personal.store(2)
    assert "holds 1 drawing." in tab.message_label.text(), tab.message_label.text()


def test_the_showing_a_picture_message_goes_with_the_picture(shown_tab, mnist, tmp_path):
    tab = shown_tab(DrawTab(), 900, 600)
    path = tmp_path / "draw.png"
    Image.fromarray(mnist[1].images[0].numpy()).resize((140, 140)).save(path)
    assert tab.open_image(path)
    assert "Showing draw.png" in tab.message_label.text()
    draw(tab.canvas, clear_drawing(1, area=tab.canvas.area_size()).strokes)  # new strokes replace the picture
    assert tab.message_label.text() == ""
    assert tab.open_image(path)
    tab.canvas.clear()  # Esc
    assert tab.message_label.text() == ""


def test_an_old_red_error_does_not_stay_under_a_newer_message(shown_tab, mnist, tmp_path):
    tab = shown_tab(DrawTab(), 900, 600)
    assert not tab.personal.store(3)  # nothing drawn: an error
    assert "Draw a digit first" in tab.message_label.text()
    path = tmp_path / "digit.png"
    Image.fromarray(mnist[1].images[0].numpy()).save(path)
    tab.open_image(path)
    errors = [label.text() for label in tab.findChildren(QLabel) if label.isVisible() and label.property("error") and label.text()]
    assert errors == []


# --- 6. the model line ---------------------------------------------------------------------------


def test_the_model_line_shows_the_accuracy_compress_measured_and_keeps_its_height(shown_tab, data_dir):
    from digitdraw.ui.compress.tab import CompressTab, VariantId

    compress = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1000, 700)
    source = Classifier.load()
    compress.set_source(source)
    pruned = prune(source.checkpoint, 0.9)
    variant = VariantId("int8", pruned=(0.9, "unstructured"), fine_tuned=True)  # the longest name the table gives
    compress._variant_measured((variant, pruned, Measures(size_bytes=100_000, nonzero=10_000, parameters=98_000,
                                                          accuracy=0.9724, latency_ms=0.4, latency_p99_ms=0.6)))
    draw_tab = shown_tab(DrawTab(), 1024, 680)
    height = draw_tab.model_label.height()
    compress.use_model.connect(draw_tab.set_classifier)
    compress.table.selectRow(compress.table.rowCount() - 1)
    compress.use_selected()
    assert "97.24%" in draw_tab.model_label.text()
    assert draw_tab.model_label.height() == height  # no wrapping onto a third line


# --- 7. Export's word --------------------------------------------------------------------------------


def test_export_refuses_int8_before_asking_for_a_file(shown_tab, monkeypatch, data_dir):
    from digitdraw.core.compression import quantize_dynamic
    from digitdraw.ui.compress.tab import CompressTab

    int8 = Classifier(quantize_dynamic(Classifier.load().checkpoint))
    compress = shown_tab(CompressTab(data_dir=data_dir, current_model=lambda: int8), 1000, 700)

    def no_dialog(*args):
        raise AssertionError("the file dialog opened for a model that cannot be exported")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", no_dialog)
    compress._ask_export()
    assert "int8" in compress.status_label.text() and compress.status_label.property("error")


def test_the_export_message_is_whole_and_stays_in_the_status_bar(shown_tab, qtbot):
    from digitdraw.core.export import ExportReport

    window = shown_tab(MainWindow(), *SCREEN)
    compress = window.compress_tab
    compress._exported(ExportReport(Path("/tmp/digitdraw.onnx"), "onnx", 98_000, 1000, 2.4e-7, 1000))
    assert compress.status_label.text().endswith("2.4e-07.")
    assert window.statusBar().currentMessage().startswith("Exported digitdraw.onnx")
    timers = [timer for timer in window.statusBar().findChildren(QTimer) if timer.isActive()]
    assert timers == [], "the message would vanish after a while"


# --- 8. Compress: the curve while dragging, the whole table ------------------------------------------


def test_the_curve_gets_points_while_the_slider_is_dragged(shown_tab, qtbot, data_dir):
    from digitdraw.ui.compress.tab import CompressTab

    compress = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1000, 700)
    compress.set_source(Classifier.load())
    qtbot.waitUntil(lambda: 0.5 in compress.curve, timeout=180_000)
    compress.slider.setSliderDown(True)
    for value in (60, 70, 80):
        compress.slider.setValue(value)
        qtbot.waitUntil(lambda: value / 100 in compress.rough_curve, timeout=180_000)
    xs, _ = compress.curve_line.getData()
    assert {60, 70, 80} <= set(np.round(xs).astype(int)), xs
    compress.slider.setSliderDown(False)


def test_all_columns_of_the_variants_table_show_at_1024(shown_tab, data_dir):
    from digitdraw.ui.compress.tab import CompressTab, VariantId

    compress = shown_tab(CompressTab(data_dir=data_dir, current_model=Classifier.load), 1010, 660)
    source = Classifier.load().checkpoint
    compress.source = source
    setting = (0.5, "unstructured")
    for variant in (VariantId(), VariantId("int8"), VariantId("dynamic-int8"), VariantId(pruned=setting),
                    VariantId("int8", pruned=setting), VariantId(pruned=setting, fine_tuned=True)):
        compress._variant_measured((variant, source if variant.key == "original" else dataclasses.replace(source),
                                    Measures(123_456, 95_000, 98_000, 0.9724, 0.41, 0.6)))
    assert compress.table.horizontalScrollBar().maximum() == 0


# --- 9. plots ----------------------------------------------------------------------------------------


def _tick_label_rects(axis) -> list[QRectF]:
    picture = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(picture)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [rect for rect, _, text in (specs[2] if specs else []) if text]


def test_log_scale_tick_labels_do_not_overlap(shown_tab, qtbot):
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1010, 660)
    tab.loss_curve.setData(np.arange(1, 51), np.geomspace(1.3, 0.2, 50))
    tab.loss_plot.getPlotItem().enableAutoRange()
    _spin(qtbot)
    rects = _tick_label_rects(tab.loss_plot.getAxis("left"))
    assert len(rects) >= 2
    overlapping = [(a, b) for i, a in enumerate(rects) for b in rects[i + 1:] if a.intersects(b)]
    assert overlapping == []


def test_the_loss_surface_says_why_it_is_empty_for_other_models(shown_tab, qtbot):
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1010, 660)
    tab._fill_random("line")
    tab.model_box.setCurrentIndex(tab.model_box.findData("polynomial"))
    assert tab.surface_note.isVisible() and "4" in tab.surface_note.toPlainText()
    assert not tab.surface_plot.getPlotItem().getAxis("left").isVisible()
    tab.model_box.setCurrentIndex(tab.model_box.findData("line"))
    assert not tab.surface_note.isVisible() and tab.surface_plot.getPlotItem().getAxis("left").isVisible()


def test_a_one_epoch_runs_accuracy_point_is_not_cut_by_the_border(qtbot):
    from digitdraw.ui.train.views import AccuracyPlot

    plot = AccuracyPlot()
    qtbot.addWidget(plot)
    plot.resize(260, 150)  # about its size in the Train tab at 1024x768
    plot.show()
    plot.set_epochs(1)
    plot.add_point(1.0, 0.998)
    _spin(qtbot)
    box = plot.getPlotItem().getViewBox()
    point = box.mapViewToScene(QPointF(1.0, 99.8))
    area = box.sceneBoundingRect()
    radius = 5  # the marker's half size and its outline
    assert area.left() + radius <= point.x() <= area.right() - radius
    assert area.top() + radius <= point.y() <= area.bottom() - radius


def test_no_auto_range_button_appears_on_the_plots(shown_tab, qtbot):
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1010, 660)
    tab.add_point(3, 3)
    for plot in (tab.plot, tab.loss_plot, tab.surface_plot):
        item = plot.getPlotItem()
        item.getViewBox().setRange(xRange=(2, 4), yRange=(2, 4))  # no longer auto-ranged: where the "A" appeared
        item.mouseHovering = True  # the pointer over the plot, as after a click
        item.updateButtons()
        assert not item.autoBtn.isVisible()


# --- 10. empty states --------------------------------------------------------------------------------


def test_what_the_network_sees_is_paper_before_any_ink(shown_tab):
    tab = shown_tab(DrawTab(), 900, 600)
    picture = tab.network_view.pixmap().toImage()
    assert picture.pixelColor(picture.width() // 2, picture.height() // 2).lightness() > 200


def test_clear_takes_the_feature_maps_away(shown_tab, qtbot):
    tab = shown_tab(DrawTab(), 1024, 700)
    draw(tab.canvas, clear_drawing(5, area=tab.canvas.area_size()).strokes)
    qtbot.waitUntil(lambda: tab.inside.result is not None and tab.inside.result.explained, timeout=60_000)
    assert tab.inside._grids[0].isVisible()
    tab.canvas.clear()
    qtbot.waitUntil(lambda: not tab.inside._grids[0].isVisible(), timeout=5000)
    assert tab.inside._grids[0].pixmap().isNull()
    assert "Why" not in tab.inside.why_label.text()


def test_the_pen_row_does_not_move_between_states(shown_tab, qtbot):
    tab = shown_tab(DrawTab(), 1024, 700)
    where = lambda: tab.pen_slider.mapTo(tab, tab.pen_slider.rect().topLeft()).y()  # noqa: E731
    personal = lambda: tab.personal.mapTo(tab, tab.personal.rect().bottomLeft()).y()  # noqa: E731
    _spin(qtbot)
    before = (where(), personal())
    tab._show_message("A message long enough to wrap onto a second line under the canvas, as errors sometimes do, "
                      "and so on and so forth until it is long", error=True)
    _spin(qtbot)
    assert (where(), personal()) == before, (tab.splitter.sizes(), tab.top_area.widget().height(), tab.height())
    tab.personal._set_running(True)
    tab.personal._on_progress(_progress())
    tab.personal.result_label.setText("Your drawings read right: 45% → 100%")
    _spin(qtbot)
    assert (where(), personal()) == before, (tab.splitter.sizes(), tab.top_area.widget().height(), tab.height(), tab.inside_area.isVisible(), tab.personal.height())
    tab.personal._set_running(False)
    tab._show_message("")
    _spin(qtbot)
    assert (where(), personal()) == before


# --- 11. Qt's own dialogs speak Chinese -------------------------------------------------------------


def test_qt_s_file_dialog_speaks_chinese(speak, qtbot):
    speak("zh_CN")
    dialog = QFileDialog(None, "", "", "")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    look_in = dialog.findChild(QLabel, "lookInLabel")
    types = dialog.findChild(QLabel, "fileTypeLabel")
    assert "Look in" not in look_in.text() and "Files of type" not in types.text()


# --- 12. a picture that is not a digit ---------------------------------------------------------------


def test_a_screenshot_is_not_read_as_a_digit(shown_tab, tmp_path):
    tab = shown_tab(DrawTab(), 1024, 700)
    screenshot = tmp_path / "screenshot.png"
    tab.grab().save(str(screenshot))
    assert tab.open_image(screenshot)
    assert tab.prediction_label.text() == "–"
    assert "not look like" in tab.message_label.text()


def test_mnist_digits_are_not_doubted(mnist):
    from digitdraw.core.doubt import digit_doubt

    assert [i for i in range(300) if digit_doubt(mnist[1].images[i].numpy()) is not None] == []


# --- 13. learning rate, removing, relabelling --------------------------------------------------------


def test_typing_50_as_the_learning_rate_is_not_silently_5(shown_tab, qtbot):
    from digitdraw.ui.regression.tab import RegressionTab

    tab = shown_tab(RegressionTab(), 1010, 660)
    box = tab.lr_box
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, "50")
    assert box.lineEdit().text() == "50"
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert box.value() == box.maximum()
    assert "50" in tab.status_label.text() and "10" in tab.status_label.text()


def test_removing_drawings_in_browse_asks_first(qtbot, monkeypatch, tmp_path):
    personal = PersonalSet(tmp_path / "personal")
    save_as_pictures(writer_drawings(SIDEWAYS, 1, seed=1)[:3], personal.root)
    dialog = PersonalSetDialog(personal)
    qtbot.addWidget(dialog)
    dialog.list.item(0).setSelected(True)
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.No)
    dialog.ask_remove_selected()
    assert sum(personal.counts()) == 3
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    dialog.ask_remove_selected()
    assert sum(personal.counts()) == 2


def test_a_drawing_can_be_relabelled(qtbot, tmp_path):
    personal = PersonalSet(tmp_path / "personal")
    strokes = clear_drawing(1, area=200).strokes
    personal.add(1, b"\x89PNG not really", strokes, 200)
    dialog = PersonalSetDialog(personal)
    qtbot.addWidget(dialog)
    dialog.list.item(0).setSelected(True)
    dialog.relabel_box.setCurrentIndex(dialog.relabel_box.findData(7))
    dialog.relabel_box.activated.emit(dialog.relabel_box.currentIndex())
    assert personal.counts()[1] == 0 and personal.counts()[7] == 1
    moved = personal.pictures(7)[0]
    assert moved.with_suffix(".json").is_file()  # the strokes went with it
    assert personal.load().images.labels.tolist() == [7]


def test_export_and_recognition_words_are_translated(speak, tmp_path):
    from digitdraw.core.compression import quantize_dynamic
    from digitdraw.core.export import ExportError, exportable
    from digitdraw.core.checkpoints import load_checkpoint
    from digitdraw.core.models import build_model
    from digitdraw.ui.language import error_text

    speak("zh_CN")
    with pytest.raises(ExportError) as caught:
        exportable(quantize_dynamic(Classifier.load().checkpoint))
    assert "int8 模型无法" in error_text(caught.value)
    torch_save = __import__("torch").save
    torch_save(build_model("classic").state_dict(), tmp_path / "mnist_cnn.pt")
    assert "裸 state_dict" in error_text(load_checkpoint(tmp_path / "mnist_cnn.pt").recognised)
