"""Drive the real window on an X server; tests/test_xcb_window.py runs this under Xvfb.

Usage: ``DISPLAY=:N QT_QPA_PLATFORM=xcb python tests/xcb_driver.py DATA_DIR``. The app starts with
``run_app`` as ``digitdraw`` does; the mouse and the keyboard are driven through the X server
with the XTEST extension, so Qt's xcb plugin, window activation and keyboard focus are on the
path as they are for a user. It draws a 7, presses Esc, clicks through the tabs, starts a
training and closes the window while it runs (with WM_DELETE_WINDOW, what the window manager
sends for the close button), then prints one JSON object of what it saw.
"""

from __future__ import annotations

import json
import sys
import time
import traceback

from PySide6.QtCore import QPoint, QPointF, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QPushButton, QSpinBox, QTabWidget, QWidget
from Xlib import XK, X, display
from Xlib.ext import xtest
from Xlib.protocol import event

from digitdraw.ui.app import run_app
from digitdraw.ui.main_window import MainWindow

from digit_strokes import clear_drawing

WAIT_S = 60.0  # generous: the machine running the tests may be busy


def wait_until(condition, timeout_s: float = WAIT_S) -> bool:
    """Run the event loop until ``condition()`` holds; False if it never did."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            return False
        QTest.qWait(10)
    return True


class XInput:
    """Pointer and keyboard input injected into the X server, as from real devices."""

    def __init__(self):
        self.display = display.Display()
        self._last: tuple[int, int] | None = None

    def move(self, point: QPoint) -> bool:
        """Move the pointer to ``point`` (screen coordinates); False if it is there already."""
        target = (point.x(), point.y())
        if target == self._last:
            return False
        xtest.fake_input(self.display, X.MotionNotify, x=target[0], y=target[1])
        self.display.sync()
        self._last = target
        return True

    def button(self, pressed: bool) -> None:
        xtest.fake_input(self.display, X.ButtonPress if pressed else X.ButtonRelease, 1)
        self.display.sync()

    def click(self, point: QPoint) -> None:
        self.move(point)
        self.button(True)
        self.button(False)

    def key(self, name: str) -> None:
        code = self.display.keysym_to_keycode(XK.string_to_keysym(name))
        xtest.fake_input(self.display, X.KeyPress, code)
        xtest.fake_input(self.display, X.KeyRelease, code)
        self.display.sync()

    def close_window(self, window_id: int) -> None:
        """Ask a window to close as a window manager does when its close button is clicked."""
        window = self.display.create_resource_object("window", window_id)
        protocols = self.display.intern_atom("WM_PROTOCOLS")
        delete = self.display.intern_atom("WM_DELETE_WINDOW")
        message = event.ClientMessage(window=window, client_type=protocols, data=(32, [delete, X.CurrentTime, 0, 0, 0]))
        window.send_event(message, event_mask=X.NoEventMask)
        self.display.sync()


def on_screen(widget: QWidget, x: float, y: float) -> QPoint:
    return widget.mapToGlobal(QPointF(x, y)).toPoint()


def draw_seven(x_input: XInput, canvas: QWidget) -> dict:
    """Draw a 7 on the canvas through X, waiting for each point to arrive; what the canvas got."""
    area = canvas.area_size()
    left, top = (canvas.width() - area) / 2, (canvas.height() - area) / 2
    sent = 0
    for stroke in clear_drawing(7, area=area).strokes:
        x_input.move(on_screen(canvas, left + stroke[0][0], top + stroke[0][1]))
        before = len(canvas.strokes())
        x_input.button(True)
        if not wait_until(lambda: len(canvas.strokes()) == before + 1 and canvas.is_drawing()):
            return {"error": "the press never reached the canvas"}
        sent += 1
        for x, y in stroke[1:]:
            points = len(canvas.strokes()[-1])
            if x_input.move(on_screen(canvas, left + x, top + y)):
                sent += 1
                if not wait_until(lambda: len(canvas.strokes()[-1]) > points):
                    return {"error": f"a move never reached the canvas after {sent} events"}
        x_input.button(False)
        if not wait_until(lambda: not canvas.is_drawing()):
            return {"error": "the release never reached the canvas"}
    return {"events_sent": sent, "points_received": sum(len(stroke) for stroke in canvas.strokes())}


def scenario(app: QApplication, results: dict) -> None:
    x_input = XInput()
    wait_until(lambda: any(isinstance(w, MainWindow) and w.isVisible() for w in app.topLevelWidgets()))
    window = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
    results["platform"] = app.platformName()
    results["exposed"] = wait_until(lambda: window.windowHandle().isExposed())
    results["window_fits_the_screen"] = window.screen().availableGeometry().contains(window.frameGeometry())

    canvas = window.findChild(QWidget, "canvas")
    answer = window.findChild(QLabel, "predictionLabel")
    results["answer_at_start"] = answer.text()
    results["drawing"] = draw_seven(x_input, canvas)
    wait_until(lambda: answer.text() == "7")
    results["answer_after_drawing"] = answer.text()
    results["active_after_drawing"] = window.isActiveWindow()
    focus = app.focusWidget()
    results["focus_after_drawing"] = focus.objectName() if focus else None

    x_input.key("Escape")
    results["cleared_by_escape"] = wait_until(lambda: not canvas.strokes() and answer.text() == "–")
    results["answer_after_escape"] = answer.text()

    tabs = window.findChild(QTabWidget, "tabs")
    x_input.click(tabs.tabBar().mapToGlobal(tabs.tabBar().tabRect(4).center()))
    results["autograd_reached"] = wait_until(lambda: tabs.currentIndex() == 4)
    autograd = window.autograd_tab
    backward = autograd.backward_button
    wait_until(lambda: backward.isVisible())
    x_input.click(backward.mapToGlobal(backward.rect().center()))
    results["autograd_backward_done"] = wait_until(
        lambda: "w" in autograd.session.variables and autograd.session.variables["w"].grad is not None
        and not autograd.is_animating())
    grad = autograd.session.variables["w"].grad if "w" in autograd.session.variables else None
    results["autograd_w_grad"] = None if grad is None else grad.item()

    results["tabs_reached"] = []
    for index in (1, 2, 0, 1):
        x_input.click(tabs.tabBar().mapToGlobal(tabs.tabBar().tabRect(index).center()))
        if wait_until(lambda: tabs.currentIndex() == index):
            results["tabs_reached"].append(index)

    window.findChild(QSpinBox, "epochs").setValue(1)
    window.findChild(QSpinBox, "train_images").setValue(5000)
    train_button = window.findChild(QPushButton, "train")
    x_input.click(train_button.mapToGlobal(train_button.rect().center()))
    progress = window.findChild(QProgressBar, "progress")
    results["training_progressed"] = wait_until(lambda: progress.value() > 0)
    results["training_running_at_close"] = window.train_tab.is_running
    worker = window.train_tab.worker
    started = time.monotonic()
    x_input.close_window(int(window.winId()))
    results["window_closed"] = wait_until(lambda: not window.isVisible())
    results["close_seconds"] = round(time.monotonic() - started, 2)
    results["training_thread_finished"] = worker is None or worker.wait(0)


def main() -> int:
    app = QApplication(sys.argv[:1])
    results: dict = {}

    def run_scenario() -> None:
        try:
            scenario(app, results)
        except Exception:  # noqa: BLE001 - reported to the test, which shows it
            results["error"] = traceback.format_exc()
        finally:
            for widget in app.topLevelWidgets():
                widget.close()
            app.quit()

    QTimer.singleShot(0, run_scenario)
    results["exit_status"] = run_app(data_dir=sys.argv[1])
    print(json.dumps(results), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
