"""Guard against Qt bindings that corrupt the interpreter, like PySide6 6.12.0 on Python 3.11.

6.12.0's void methods drop a reference to None on every call; after a few thousand calls the
interpreter aborts with "none_dealloc: deallocating None". A good binding survives 100,000.
"""

import sys

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen


def test_painter_void_methods_keep_none_alive():
    image = QImage(64, 64, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    pen = QPen(QColor("black"), 2)
    none_refs_before = sys.getrefcount(None)
    painter = QPainter(image)
    try:
        for i in range(100_000):
            painter.setPen(pen)
            painter.drawLine(QPointF(0, i % 64), QPointF(63, 63 - i % 64))
    finally:
        painter.end()
    # A leak of one reference per call would show as a drop of ~200,000 (two calls a loop).
    assert sys.getrefcount(None) > none_refs_before - 1000
    assert image.pixelColor(32, 32) != QColor("white")
