"""Make docs/train-readout.png with the app itself, offscreen: the Train tab after a short run, the mouse
on the loss plot (its readout showing) and a confusion-matrix cell chosen (the gallery showing its digits).

    QT_QPA_PLATFORM=offscreen DIGITDRAW_DATA=... python docs/readouts_screenshot.py [--language zh_CN]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS))

import numpy as np  # noqa: E402
from PySide6.QtCore import QPoint, QPointF, QRect, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from screenshots import open_window, start_app, train_briefly, wait  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", choices=["en", "zh_CN"])
    parser.add_argument("--images", type=int, default=6000, help="training images for the run")
    args = parser.parse_args()
    suffix = f"-{args.language}" if args.language else ""
    app = start_app()
    window = open_window(args.language, (1180, 780))
    train = window.train_tab
    window.tabs.setCurrentWidget(train)
    train.apply_recipe("default")
    train.target_check.setChecked(False)
    train_briefly(app, train, epochs=1, images=args.images)
    while train.outcome is None:
        wait(app, 0.2)
    matrix = train.confusion_view.matrix.copy()
    np.fill_diagonal(matrix, 0)
    true, said = (int(i) for i in np.unravel_index(np.argmax(matrix), matrix.shape))
    view = train.confusion_view
    QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(view.model().index(true, said)).center())
    plot = train.loss_plot
    steps = plot.steps.values
    step = int(steps[len(steps) // 3])
    at = plot.mapFromScene(plot.getPlotItem().getViewBox().mapViewToScene(QPointF(step, 1.2)))
    QTest.mouseMove(plot.viewport(), QPoint(at.x(), at.y()))
    wait(app, 0.5)
    top_left = plot.mapTo(window, QPoint(0, 0))
    gallery = train.gallery_box
    bottom_right = gallery.mapTo(window, QPoint(gallery.width(), gallery.height()))
    left = min(top_left.x(), view.mapTo(window, QPoint(0, 0)).x()) - 6
    area = QRect(QPoint(left, top_left.y()), bottom_right)
    window.grab(area).save(str(DOCS / f"train-readout{suffix}.png"))
    for tab in window.built_tabs():
        tab.shutdown()
    window.close()


if __name__ == "__main__":
    main()
