"""The documentation's screenshots, made by the app itself offscreen: docs/draw.png, draw-why-not.png, train.png, regression.png,
personal.png (a throw-away personal set: your own is not touched).

    QT_QPA_PLATFORM=offscreen DIGITDRAW_DATA=... python docs/screenshots.py
    ... python docs/screenshots.py --language zh_CN --size 1024x640 --out /tmp/shots   # draw-zh_CN.png, ...
    ... python docs/screenshots.py --screens   # docs/screens/<tab>-<language>.png: every tab, used, in a 1024x740 window

Chinese screenshots need a CJK font on the machine that takes them (e.g. apt install fonts-noto-cjk).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent / "tests"))

from PySide6.QtCore import QEvent, QPointF, Qt  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from digit_strokes import clear_drawing  # noqa: E402
from writers import WRITERS, writer_drawings  # noqa: E402

from digitdraw.core.regression import random_points  # noqa: E402
from digitdraw.ui.main_window import MainWindow  # noqa: E402
from digitdraw.ui.app import configure_application  # noqa: E402
from digitdraw.ui.language import install_translators  # noqa: E402


def start_app() -> QApplication:
    """The app, offscreen, with a throw-away user folder: no personal set or model of yours shows."""
    os.environ["DIGITDRAW_HOME"] = tempfile.mkdtemp(prefix="digitdraw-screenshots-")
    app = QApplication(sys.argv)
    configure_application(app)
    return app


def open_window(language: str | None, size: tuple[int, int]) -> MainWindow:
    """The main window in ``language`` (English when None), shown at ``size``."""
    install_translators(language or "en")
    window = MainWindow()
    window.resize(*size)
    window.show()
    return window


def train_briefly(app: QApplication, train, epochs: int, images: int) -> None:
    """A run of the Train tab on ``images`` training digits, waited for."""
    train.epochs_spin.setValue(epochs)
    train.subset_spin.setValue(images)
    train.start_training()
    while train.is_running:
        wait(app, 0.2)


def wait(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def wait_for_inside_view(app: QApplication, inside, target: int) -> None:
    """Until the inside view shows its attribution for ``target``."""
    while inside.result is None or not inside.result.explained or inside.result.target != target or inside._busy:
        wait(app, 0.05)
    wait(app, 0.2)


def draw_digit(canvas, digit: int) -> None:
    """Draw ``digit`` with mouse events, as a person would."""
    draw_strokes(canvas, clear_drawing(digit, area=canvas.area_size()).strokes)


def draw_strokes(canvas, strokes) -> None:
    """Strokes given in a square of side ``canvas.area_size()``, drawn with mouse events on its centre."""
    area = canvas.area_size()
    offset = QPointF((canvas.width() - area) / 2, (canvas.height() - area) / 2)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    for stroke in strokes:
        points = [QPointF(x, y) + offset for x, y in stroke]
        moves = [(QEvent.Type.MouseButtonPress, points[0], left, left)]
        moves += [(QEvent.Type.MouseMove, p, none, left) for p in points[1:]]
        moves += [(QEvent.Type.MouseButtonRelease, points[-1], left, none)]
        for kind, point, button, buttons in moves:
            event = QMouseEvent(kind, point, canvas.mapToGlobal(point), button, buttons, Qt.KeyboardModifier.NoModifier)
            QApplication.sendEvent(canvas, event)


def learn_a_hand(app: QApplication, window) -> None:
    """Two drawings of each digit in a continental hand, each stored with the corrections row, then
    *Learn my handwriting*, then a third drawing of a 7 in that hand."""
    tab = window.draw_tab
    window.tabs.setCurrentWidget(tab)
    panel = tab.personal
    continental = next(writer for writer in WRITERS if writer.name == "continental")
    drawings = writer_drawings(continental, per_digit=3, seed=2, area=tab.canvas.area_size())
    for drawing in drawings[:20]:
        draw_strokes(tab.canvas, drawing.strokes)
        wait(app, 0.05)
        panel.digit_buttons[drawing.digit].click()
    panel.learn_button.click()
    while panel.is_running:
        wait(app, 0.2)
    draw_strokes(tab.canvas, drawings[27].strokes)
    wait(app, 0.5)
    wait_for_inside_view(app, tab.inside, int(tab.prediction_label.text()))


SMALL_SCREEN_WINDOW = (1024, 740)  # a 1024x768 screen less the title bar


def small_screen_screens(app: QApplication, out: Path) -> None:
    """Each tab after use, in English and in Chinese, in a window the size a 1024x768 screen leaves."""
    out.mkdir(parents=True, exist_ok=True)
    for language in ("en", "zh_CN"):
        window = open_window(language, SMALL_SCREEN_WINDOW)
        wait(app, 0.3)
        draw_digit(window.draw_tab.canvas, 5)
        wait_for_inside_view(app, window.draw_tab.inside, 5)
        window.grab().save(str(out / f"draw-{language}.png"))

        train = window.train_tab
        window.tabs.setCurrentWidget(train)
        train_briefly(app, train, epochs=1, images=3000)
        wait(app, 0.3)
        window.grab().save(str(out / f"train-{language}.png"))

        regression = window.regression_tab
        window.tabs.setCurrentWidget(regression)
        regression.set_points(*random_points("line", seed=3))
        for _ in range(40):
            regression.step_once()
        wait(app, 0.3)
        window.grab().save(str(out / f"regression-{language}.png"))

        compress = window.compress_tab
        window.tabs.setCurrentWidget(compress)
        while 0.5 not in compress.curve:
            wait(app, 0.2)
        compress.slider.setSliderDown(True)  # a drag: points on the first 1,000 test digits
        for value in (60, 70, 80, 90):
            compress.slider.setValue(value)
            while value / 100 not in compress.rough_curve:
                wait(app, 0.1)
        compress.slider.setSliderDown(False)
        compress.slider.setValue(90)
        while 0.9 not in compress.curve:
            wait(app, 0.2)
        wait(app, 0.3)
        window.grab().save(str(out / f"compress-{language}.png"))

        for index in range(window.tabs.count()):  # the tabs not shown above, as they first appear
            window.tabs.setCurrentIndex(index)
            page = window.tabs.currentWidget()  # built now if it was not yet
            if page not in (window.draw_tab, train, regression, compress):
                wait(app, 0.5)
                name = type(page).__name__.lower().removesuffix("tab")  # e.g. autograd
                window.grab().save(str(out / f"{name}-{language}.png"))
        window.close()
        wait(app, 0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description="Screenshots of every tab, made by the app.")
    parser.add_argument("--language", choices=["en", "zh_CN"], help="files named draw-<language>.png, ...")
    parser.add_argument("--size", help="window size, WIDTHxHEIGHT (default: 1180x940 for Draw, 1180x780 after)")
    parser.add_argument("--out", type=Path, default=DOCS, help="folder to write to (default: docs/)")
    parser.add_argument("--screens", action="store_true", help="every tab in both languages at 1024x740, in OUT/screens/")
    args = parser.parse_args()
    if args.screens:
        small_screen_screens(start_app(), args.out / "screens")
        return
    size = tuple(map(int, args.size.split("x"))) if args.size else None
    suffix = f"-{args.language}" if args.language else ""
    args.out.mkdir(parents=True, exist_ok=True)

    app = start_app()
    window = open_window(args.language, size or (1180, 940))  # room for the Draw tab's inside view
    wait(app, 0.3)

    draw_digit(window.draw_tab.canvas, 5)
    inside = window.draw_tab.inside
    wait_for_inside_view(app, inside, 5)
    inside._point(0, 3)  # as if the pointer rested on a first-layer map
    wait(app, 0.3)
    window.grab().save(str(args.out / f"draw{suffix}.png"))
    inside.set_target(3)  # as a click on the bar of 3 does: why not 3?
    wait_for_inside_view(app, inside, 3)
    window.draw_tab.grab().save(str(args.out / f"draw-why-not{suffix}.png"))
    window.resize(*(size or (1180, 780)))

    train = window.train_tab
    window.tabs.setCurrentWidget(train)
    train_briefly(app, train, epochs=2, images=8000)
    wait(app, 0.3)
    window.grab().save(str(args.out / f"train{suffix}.png"))

    regression = window.regression_tab
    window.tabs.setCurrentWidget(regression)
    regression.set_points(*random_points("line", seed=3))
    regression.start_fit()
    wait(app, 1.5)
    regression.pause_button.click()
    wait(app, 0.2)
    window.grab().save(str(args.out / f"regression{suffix}.png"))

    learn_a_hand(app, window)
    window.grab().save(str(args.out / f"personal{suffix}.png"))
    window.close()


if __name__ == "__main__":
    main()
