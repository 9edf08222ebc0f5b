"""Make docs/code-panel.png with the app itself, offscreen: the Train tab and its PyTorch code panel.

    QT_QPA_PLATFORM=offscreen DIGITDRAW_DATA=... python docs/code_panel_screenshot.py [--language zh_CN]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

from PySide6.QtCore import QPoint  # noqa: E402
from PySide6.QtGui import QColor, QPainter, QPen  # noqa: E402

from digitdraw.ui.code_panel import code_panel  # noqa: E402
from screenshots import open_window, start_app, wait  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=["en", "zh_CN"])
    args = parser.parse_args()
    suffix = f"-{args.language}" if args.language else ""
    app = start_app()
    window = open_window(args.language, (1180, 780))
    train = window.train_tab
    window.tabs.setCurrentWidget(train)
    train.apply_recipe("default")
    train.subset_spin.setValue(20_000)
    wait(app, 0.5)
    train.code_button.click()
    panel = code_panel(train)
    panel.resize(820, 640)
    panel.editor.verticalScrollBar().setValue(panel.editor.verticalScrollBar().maximum() // 2)
    wait(app, 0.5)
    image = window.grab().toImage()
    painter = QPainter(image)
    corner = QPoint(image.width() - panel.width() - 12, image.height() - panel.height() - 12)
    painter.drawImage(corner, panel.grab().toImage())
    painter.setPen(QPen(QColor("#555"), 2))
    painter.drawRect(corner.x(), corner.y(), panel.width(), panel.height())
    painter.end()
    image.save(str(DOCS / f"code-panel{suffix}.png"))
    panel.close()
    for tab in window.built_tabs():
        getattr(tab, "shutdown", lambda: None)()
    window.close()


if __name__ == "__main__":
    main()
