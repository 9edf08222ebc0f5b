"""The autograd graph drawn with Qt's graphics view: boxes for tensors and operations, arrows to the result."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsItem, QGraphicsObject, QGraphicsScene, QGraphicsView

from ...core.autograd_graph import Graph
from ...core.expressions import format_value

BOX_WIDTH = 184
COLUMN_GAP = 40
ROW_GAP = 16
LINE_HEIGHT = 19
PADDING = 6
FONT_SCALE = 1.15  # the boxes' text a little larger than the window's: the graph is often drawn scaled down
MIN_SCALE = 0.8  # below this the text is too small: scroll instead
MAX_SCALE = 1.3  # a small graph on a big screen grows a little, not to poster size
COLOURS = {
    "leaf": QColor("#e8f1fb"), "data": QColor("#eeeeee"), "op": QColor("#ffffff"), "group": QColor("#f3ecfa"),
    "forward": QColor("#fff2b3"), "backward": QColor("#ffd9d2"), "selected": QColor("#1e6ed2"),
}
OP_COLOUR = QColor("#8a3ca8")
GRAD_COLOUR = QColor("#c0392b")


class NodeItem(QGraphicsObject):
    """One box: a tensor (leaf), an operation with the tensor it made, or a closed group."""

    hovered = Signal(object)
    clicked = Signal(object)

    def __init__(self, key, lines: list[tuple[str, str]], kind: str, tooltip: str):
        super().__init__()
        self.key, self.lines, self.kind = key, lines, kind
        self.lit: str | None = None  # "forward" or "backward" while animated
        self.selected = False
        self.height = PADDING * 2 + LINE_HEIGHT * len(lines)
        self.setAcceptHoverEvents(True)
        self.setToolTip(tooltip)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable, False)

    def boundingRect(self) -> QRectF:
        return QRectF(-BOX_WIDTH / 2 - 2, -self.height / 2 - 2, BOX_WIDTH + 4, self.height + 4)

    def paint(self, painter: QPainter, option, widget=None) -> None:
        rect = QRectF(-BOX_WIDTH / 2, -self.height / 2, BOX_WIDTH, self.height)
        fill = COLOURS[self.lit] if self.lit else COLOURS[self.kind]
        border = COLOURS["selected"] if self.selected else QColor("#555")
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(border, 2.5 if self.selected else 1.2,
                            Qt.PenStyle.DashLine if self.kind == "group" else Qt.PenStyle.SolidLine))
        painter.setBrush(QBrush(fill))
        painter.drawRoundedRect(rect, 9 if self.kind != "op" else 3, 9 if self.kind != "op" else 3)
        base = painter.font()
        text_font = QFont(base)
        text_font.setPointSizeF(base.pointSizeF() * FONT_SCALE)
        y = rect.top() + PADDING
        for role, text in self.lines:
            font = QFont(text_font)
            colour = QColor("#222")
            if role == "name":
                font.setBold(True)
            elif role == "op":
                colour = OP_COLOUR
                font.setItalic(True)
            elif role == "grad":
                colour = GRAD_COLOUR
            elif role == "hidden":
                colour = QColor("#999")
            painter.setFont(font)
            painter.setPen(colour)
            metrics = QFontMetrics(font)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, BOX_WIDTH - 2 * PADDING)
            painter.drawText(QRectF(rect.left() + PADDING, y, BOX_WIDTH - 2 * PADDING, LINE_HEIGHT),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, shown)
            y += LINE_HEIGHT
        painter.setFont(base)

    def hoverEnterEvent(self, event) -> None:
        self.hovered.emit(self.key)

    def mousePressEvent(self, event) -> None:
        self.clicked.emit(self.key)
        event.accept()


class GraphView(QGraphicsView):
    """Draws a :class:`Graph` laid out by networkx; ``hovered``/``clicked`` give a box's key
    (a node id, or ``"group:NAME"`` for a closed group)."""

    hovered = Signal(object)
    clicked = Signal(object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("autogradGraph")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setBackgroundBrush(QBrush(QColor("#fbfbfb")))
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.items_by_key: dict[object, NodeItem] = {}
        self.keys_by_node: dict[int, object] = {}
        self.graph: Graph | None = None

    def show_graph(self, graph: Graph, closed_groups=(), revealed: set[int] | None = None,
                   grads_revealed: set[int] | None = None) -> None:
        """Draw ``graph``; values show for ``revealed`` nodes (all when None), gradients likewise."""
        self.graph = graph
        scene = self.scene()
        scene.clear()
        self.items_by_key.clear()
        self.keys_by_node.clear()
        items, edges, positions = graph.layout(closed_groups, BOX_WIDTH + COLUMN_GAP, 1.0)
        boxes = {}
        for key, ids in items.items():
            for node_id in ids:
                self.keys_by_node[node_id] = key
            boxes[key] = self._make_item(graph, key, ids, revealed, grads_revealed)
        # rows: space each layer's boxes by their real heights
        columns: dict[float, list] = {}
        for key, (x, y) in positions.items():
            columns.setdefault(round(x, 3), []).append((y, key))
        for x, column in columns.items():
            column.sort()
            total = sum(boxes[key].height for _, key in column) + ROW_GAP * (len(column) - 1)
            top = -total / 2
            for _, key in column:
                item = boxes[key]
                item.setPos(x, top + item.height / 2)
                top += item.height + ROW_GAP
        for key, item in boxes.items():
            scene.addItem(item)
            item.hovered.connect(self.hovered)
            item.clicked.connect(self.clicked)
            self.items_by_key[key] = item
        pen = QPen(QColor("#777"), 1.4)
        for source, target in edges:
            start, end = boxes[source], boxes[target]
            a = start.pos() + QPointF(BOX_WIDTH / 2, 0)
            b = end.pos() - QPointF(BOX_WIDTH / 2 + 2, 0)
            path = QPainterPath(a)
            middle = (a.x() + b.x()) / 2
            path.cubicTo(QPointF(middle, a.y()), QPointF(middle, b.y()), b)
            scene.addPath(path, pen).setZValue(-1)
            arrow = QPolygonF([b, b + QPointF(-8, -4), b + QPointF(-8, 4)])
            scene.addPolygon(arrow, pen, QBrush(QColor("#777"))).setZValue(-1)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-12, -12, 12, 12))
        self.fit()

    def _make_item(self, graph: Graph, key, ids: list[int], revealed, grads_revealed) -> NodeItem:
        if isinstance(key, str) and key.startswith("group:"):
            name = key.removeprefix("group:")
            ops = [graph.nodes[i] for i in ids if graph.nodes[i].kind == "op" and graph.nodes[i].op != "AccumulateGrad"]
            last = max(ops, key=lambda node: node.id) if ops else graph.nodes[ids[-1]]
            lines = [("name", name), ("op", self.tr("%n operation(s): click to open", "", len(ops)))]
            lines += self._value_lines(last, revealed, grads_revealed)
            return NodeItem(key, lines, "group", self.tr("{0}: one line of the expression, closed").format(name))
        node = graph.nodes[ids[0]]
        accumulate = next((graph.nodes[i] for i in ids[1:] if graph.nodes[i].op == "AccumulateGrad"), None)
        lines = [("name", node.name or node.op or "")]
        if node.kind == "op" and node.name:
            lines.append(("op", node.op))
        elif node.kind == "op":
            lines.append(("hidden", self.tr("made inside a function")))
        elif accumulate is not None:
            lines.append(("op", "→ AccumulateGrad"))
        else:
            lines.append(("hidden", self.tr("data: requires_grad=False")))
        if node.shape is not None:
            shape = "×".join(map(str, node.shape)) or self.tr("scalar")
            lines.append(("shape", f"{shape}  {node.dtype}"))
        lines += self._value_lines(node, revealed, grads_revealed)
        kind = "op" if node.kind == "op" else ("leaf" if node.requires_grad else "data")
        tooltip = (node.name or node.op or "") + (f"\n{node.op}" if node.op else "")
        return NodeItem(key, lines, kind, tooltip)

    def _value_lines(self, node, revealed, grads_revealed) -> list[tuple[str, str]]:
        lines = []
        if node.value is not None:
            shown = revealed is None or node.id in revealed
            lines.append(("value" if shown else "hidden", "= " + (format_value(node.value, items=3) if shown else "…")))
        if node.kind == "leaf" and not node.requires_grad:
            return lines
        if node.grad is not None and (grads_revealed is None or node.id in grads_revealed):
            lines.append(("grad", self.tr("grad {0}").format(format_value(node.grad, items=3))))
        elif node.kind == "leaf":
            lines.append(("hidden", self.tr("grad None")))
        return lines

    def light(self, node_id: int, phase: str | None) -> None:
        """Colour the box of ``node_id`` for the forward or backward pass (None: plain)."""
        item = self.items_by_key.get(self.keys_by_node.get(node_id))
        if item is not None:
            item.lit = phase
            item.update()

    def select(self, key) -> None:
        for item_key, item in self.items_by_key.items():
            item.selected = item_key == key
            item.update()

    def fit(self) -> None:
        """Show the whole graph, scaled between :data:`MIN_SCALE` (below, scroll) and :data:`MAX_SCALE`."""
        rect = self.sceneRect()
        if rect.isEmpty():
            return
        view = self.viewport().rect()
        scale = min(view.width() / rect.width(), view.height() / rect.height(), MAX_SCALE)
        scale = max(scale, MIN_SCALE)
        self.resetTransform()
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()
