"""Make docs/compress.png with the app itself, offscreen: a sparsity sweep and the measured variants.

    QT_QPA_PLATFORM=offscreen DIGITDRAW_DATA=... python docs/compress_screenshot.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

from PySide6.QtWidgets import QApplication  # noqa: E402

from digitdraw.ui.main_window import MainWindow  # noqa: E402
from digitdraw.ui.app import configure_application  # noqa: E402
from screenshots import wait  # noqa: E402


def wait_until(app: QApplication, done, limit_s: float = 600) -> None:
    end = time.monotonic() + limit_s
    while not done() and time.monotonic() < end:
        wait(app, 0.05)


def main() -> None:
    app = QApplication(sys.argv)
    configure_application(app)
    window = MainWindow()
    window.resize(1400, 800)
    window.show()
    tab = window.compress_tab
    window.tabs.setCurrentWidget(tab)
    for percent in range(0, 96, 5):
        tab.slider.setValue(percent)
        wait_until(app, lambda: percent / 100 in tab.curve)
    tab.slider.setValue(60)
    wait_until(app, lambda: 0.6 in tab.curve)
    tab.measure_variants()
    wait_until(app, lambda: tab.table.rowCount() == 5 and not tab._busy)
    tab.table.selectRow(1)
    wait(app, 0.3)
    window.grab().save(str(DOCS / "compress.png"))
    window.close()


if __name__ == "__main__":
    main()
