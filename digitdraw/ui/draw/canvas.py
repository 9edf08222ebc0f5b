"""A drawing surface for digits: smooth strokes with mouse, tablet pen or touch."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

PAPER = QColor("#fbfaf5")
INK = QColor("#1b1b2f")
HINT = QColor("#9a9aa8")
DEFAULT_PEN_WIDTH = 18


class Canvas(QWidget):
    """Strokes kept as point lists in widget coordinates, painted incrementally into a cached image.

    ``strokes_changed`` fires whenever a point is added, a stroke ends, or strokes are cleared or
    undone. ``pen_changed(down)`` fires as a stroke begins, before anything else is done for it, and
    as it ends. A picture (an opened image file) can be shown instead of strokes until the next stroke.
    """

    strokes_changed = Signal()
    pen_changed = Signal(bool)  # True: a stroke begins; False: it ended (or was cleared away)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("canvas")
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_StaticContents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(200, 200)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip(self.tr("Draw a digit here. Esc clears, Ctrl+Z undoes the last stroke."))
        self.pen_width = DEFAULT_PEN_WIDTH
        self._strokes: list[list[tuple[float, float]]] = []
        self._widths: list[list[float]] = []  # pen width at each point (pressure changes it)
        self._drawing = False
        self._picture: QImage | None = None
        self._cache = QImage()
        self._overlay: tuple[QImage, QRectF] | None = None

    # --- what the rest of the app reads and calls -------------------------------------------

    def strokes(self) -> list[list[tuple[float, float]]]:
        """Copies of the strokes, each a list of (x, y) points in widget coordinates."""
        return [list(stroke) for stroke in self._strokes]

    def is_drawing(self) -> bool:
        """True while a stroke is in progress (pen down)."""
        return self._drawing

    def area_size(self) -> float:
        """The side of the square drawing area, for preprocessing."""
        return float(min(self.width(), self.height()))

    def picture(self) -> QImage | None:
        return self._picture

    def set_pen_width(self, width: float) -> None:
        self.pen_width = float(width)

    def _stop_drawing(self) -> None:
        if self._drawing:
            self._drawing = False
            self.pen_changed.emit(False)

    def clear(self) -> None:
        """Remove all strokes and any picture."""
        self._strokes.clear()
        self._widths.clear()
        self._stop_drawing()
        self._picture = None
        self._repaint_cache()
        self.strokes_changed.emit()

    def undo(self) -> None:
        """Remove the last stroke."""
        if not self._strokes:
            return
        self._strokes.pop()
        self._widths.pop()
        self._stop_drawing()
        self._repaint_cache()
        self.strokes_changed.emit()

    def show_picture(self, picture: QImage) -> None:
        """Show an image in place of the strokes until the user draws again or clears."""
        self._strokes.clear()
        self._widths.clear()
        self._picture = picture
        self._repaint_cache()
        self.strokes_changed.emit()

    def set_overlay(self, image: QImage | None, rect: QRectF | None = None) -> None:
        """Paint ``image`` (with its alpha) over the drawing in ``rect``, widget coordinates; None removes it."""
        self._overlay = None if image is None or rect is None else (image, rect)
        self.update()

    def drawing_image(self) -> QImage:
        """What the canvas shows (ink on paper), as an image the size of the widget."""
        return self._cache.copy()

    # --- input -------------------------------------------------------------------------------

    def begin_stroke(self, point: QPointF, pressure: float = 1.0) -> None:
        if not self._drawing:
            self.pen_changed.emit(True)
        if self._picture is not None:
            self._picture = None
            self._repaint_cache()
        self._drawing = True
        self._strokes.append([])
        self._widths.append([])
        self.extend_stroke(point, pressure)

    def extend_stroke(self, point: QPointF, pressure: float = 1.0) -> None:
        if not self._drawing:
            return
        self._strokes[-1].append((point.x(), point.y()))
        self._widths[-1].append(self.pen_width * (0.5 + 0.5 * max(0.0, min(1.0, pressure))))
        painter = self._cache_painter()
        dirty = self._paint_tail(painter, len(self._strokes) - 1)
        painter.end()
        self.update(dirty.toAlignedRect())
        self.strokes_changed.emit()

    def end_stroke(self) -> None:
        if self._drawing:
            self._drawing = False
            self.strokes_changed.emit()
            self.pen_changed.emit(False)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())

    def mouseMoveEvent(self, event) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.end_stroke()

    def tabletEvent(self, event) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self.begin_stroke(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletMove and self._drawing:
            self.extend_stroke(event.position(), event.pressure())
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()

    def event(self, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel):
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self.begin_stroke(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self.extend_stroke(position)
                else:
                    self.end_stroke()
            event.accept()
            return True
        return super().event(event)

    # --- painting ----------------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        return QSize(480, 480)

    def resizeEvent(self, event) -> None:
        self._repaint_cache()
        super().resizeEvent(event)

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawImage(event.rect(), self._cache, event.rect())
        if self._overlay is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self._overlay[1], self._overlay[0])
        if not self._strokes and self._picture is None:
            painter.setPen(HINT)
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            painter.setFont(font)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("Draw a digit here"))

    def _repaint_cache(self) -> None:
        """Redraw everything into the cached image (on resize, clear, undo or a new picture)."""
        self._cache = QImage(self.size().expandedTo(QSize(1, 1)), QImage.Format.Format_ARGB32_Premultiplied)
        self._cache.fill(PAPER)
        painter = self._cache_painter()
        if self._picture is not None:
            scaled = self._picture.size().scaled(self._cache.size() * 0.9, Qt.AspectRatioMode.KeepAspectRatio)
            target = QRectF(0, 0, scaled.width(), scaled.height())
            target.moveCenter(QRectF(self._cache.rect()).center())
            painter.drawImage(target, self._picture)
        for index, stroke in enumerate(self._strokes):
            for end in range(1, len(stroke) + 1):
                self._paint_tail(painter, index, end)
        painter.end()
        self.update()

    def _cache_painter(self) -> QPainter:
        painter = QPainter(self._cache)
        painter.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.SmoothPixmapTransform)
        return painter

    def _paint_tail(self, painter: QPainter, index: int, end: int | None = None) -> QRectF:
        """Paint stroke ``index`` up to point ``end`` (default: all) from its previous point; return the dirty area.

        Consecutive points are joined by quadratic curves through the midpoints, so strokes look
        smooth even when the pen moves fast.
        """
        points = self._strokes[index]
        end = len(points) if end is None else end
        width = self._widths[index][end - 1]
        last = QPointF(*points[end - 1])
        path = QPainterPath()
        if end == 1:
            path.moveTo(last)
            path.lineTo(last)
        else:
            before = QPointF(*points[end - 2])
            start = (QPointF(*points[end - 3]) + before) / 2 if end >= 3 else before
            path.moveTo(start)
            path.quadTo(before, (before + last) / 2)
            path.lineTo(last)
        painter.setPen(QPen(INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        painter.drawPath(path)
        return path.boundingRect().adjusted(-width, -width, width, width)
