"""Inside the network, live: the layers as they are, each conv block's feature maps, and why it answered.

The view keeps its own copy of the model and computes in a worker thread (:mod:`digitdraw.ui.workers`),
latest drawing only, so drawing never waits for it. Attributions arrive through ``attribution_ready``
for the Draw tab to lay over the 28x28 input and the canvas.
"""

from __future__ import annotations

import copy
import queue
import time
from dataclasses import dataclass

import numpy as np
import torch
from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ...core.anatomy import Block, feature_maps, layers
from ...core.attribution import DEFAULT_METHOD, METHODS, AttributionError, attribute, waits_for_captum
from ...core.inference import Classifier
from ...core.normalisation import normalise
from ...core.threads import pen
from ..language import error_text
from ..pictures import map_colours, mosaic_image, qimage
from ..plot_tools import add_save_menu, label_position, number, readout_label, save_widget_picture, write_csv
from ..workers import Worker, create_worker

GRID_HEIGHT = 120  # each block's mosaic of maps is scaled to this height
DETAIL_SIZE = 120  # the enlarged map and its filter
MOVING_INTERVAL_S = 0.15  # while the pen moves, feature maps follow at most this often
LIBRARY_RETRY_MS = 200  # while Captum is still loading in the background, how often a resting pen asks again


@dataclass(frozen=True)
class _Request:
    serial: int
    model: torch.nn.Module
    mean: float
    std: float
    image: torch.Tensor
    target: int
    method: str
    explain: bool  # False while the pen is down: feature maps only, the attribution waits for the pen to rest


@dataclass(frozen=True)
class InsideResult:
    """What the worker saw for one drawing: the blocks' maps and the attribution (None with a message if it failed)."""

    serial: int
    blocks: list[Block]
    attribution: np.ndarray | None
    target: int
    method: str
    message: str = ""
    explained: bool = True
    library_pending: bool = False  # the attribution waits for Captum, still loading in the background


def inside(request: _Request) -> InsideResult:
    """The feature maps of ``request``'s drawing and, when asked, the attribution (a message if it failed)."""
    try:
        blocks = feature_maps(request.model, normalise(request.image[None], request.mean, request.std))
    except Exception as exc:  # a model that cannot be hooked: the view says so and stays up
        return InsideResult(request.serial, [], None, request.target, request.method, error_text(exc))
    if not request.explain:
        return InsideResult(request.serial, blocks, None, request.target, request.method, explained=False)
    if waits_for_captum(request.method):
        return InsideResult(request.serial, blocks, None, request.target, request.method, explained=False,
                            library_pending=True)
    try:
        heat = attribute(request.model, request.image[None], request.target, request.method, request.mean, request.std)
        return InsideResult(request.serial, blocks, heat[0].numpy(), request.target, request.method)
    except AttributionError as exc:
        return InsideResult(request.serial, blocks, None, request.target, request.method, error_text(exc))


def serve(requests: queue.SimpleQueue):
    """Yields :func:`inside` of each request taken from ``requests`` until it holds None.

    The background imports wait meanwhile: with them, three threads would share the GIL, and the
    window's thread would get a third of it while the pen moves."""
    while (request := requests.get()) is not None:
        with pen.busy():
            result = inside(request)
        yield result


class _MapGrid(QLabel):
    """One block's maps as a mosaic; hovering or clicking a map reports its index."""

    map_pointed = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._layout = (1, 1, 1.0, 0)  # columns, tile (pixels with gap), scale, count
        self._name = ""
        self._lows: list[float] = []
        self._highs: list[float] = []
        self._hovered: int | None = None
        self.readout = readout_label(self, self.tr("Feature map under the mouse"))
        add_save_menu(self, lambda path: save_widget_picture(self, path), self._save_csv, "feature-maps")

    def set_maps(self, maps: torch.Tensor, name: str = "") -> None:
        self._name = name
        flat = maps.detach().flatten(1)
        self._lows, self._highs = flat.amin(dim=1).tolist(), flat.amax(dim=1).tolist()
        image, columns, tile = mosaic_image(maps)
        scale = GRID_HEIGHT / image.shape[0]
        self._layout = (columns, tile, scale, len(maps))
        picture = qimage(image)
        mode = Qt.TransformationMode.FastTransformation if scale >= 1 else Qt.TransformationMode.SmoothTransformation
        self.setPixmap(QPixmap.fromImage(picture).scaledToHeight(GRID_HEIGHT, mode))

    def _index_at(self, event) -> int | None:
        columns, tile, scale, count = self._layout
        column, row = int(event.position().x() / scale // tile), int(event.position().y() / scale // tile)
        index = row * columns + column
        return index if 0 <= column < columns and 0 <= index < count else None

    def mouseMoveEvent(self, event) -> None:
        index = self._index_at(event)
        if index is not None:
            self.map_pointed.emit(index)
        if index != self._hovered:
            self._hovered = index
            self.update()
        self._show_readout(event.position().toPoint())

    mousePressEvent = mouseMoveEvent

    def leaveEvent(self, event) -> None:
        self._hovered = None
        self.readout.hide()
        self.update()
        super().leaveEvent(event)

    def readout_text(self) -> str:
        return self.readout.text() if self.readout.isVisible() else ""

    def _show_readout(self, mouse) -> None:
        """The hovered map's layer, channel and range of values."""
        index = self._hovered
        if index is None or index >= len(self._lows):
            self.readout.hide()
            return
        text = self.tr("{0}, channel {1}: min {2}, max {3}").format(
            self._name, index + 1, number(self._lows[index]), number(self._highs[index]))
        host = self.window()  # a grid is only a strip: the label may reach over its neighbours
        if self.readout.parentWidget() is not host:
            self.readout.setParent(host)
        if text != self.readout.text():
            self.readout.setText(text)
            self.readout.adjustSize()
        self.readout.move(label_position(host, self.mapTo(host, mouse), self.readout.size()))
        self.readout.show()
        self.readout.raise_()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self._hovered is None:
            return
        columns, tile, scale, _ = self._layout
        row, column = divmod(self._hovered, columns)
        painter = QPainter(self)
        painter.setPen(QPen(QColor("#111"), 2))
        painter.drawRect(QRectF(column * tile * scale, row * tile * scale, tile * scale, tile * scale))
        painter.end()

    def _save_csv(self, path: str):
        rows = [(self._name, channel + 1, low, high)
                for channel, (low, high) in enumerate(zip(self._lows, self._highs))]
        return write_csv(path, ("layer", "channel", "min", "max"), rows)


class InsideView(QWidget):
    """The network strip, a grid of feature maps per conv block, the map under the pointer and the method chooser."""

    attribution_ready = Signal(object, int)  # (28x28 attribution or None, target digit)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("insideView")
        self._model: torch.nn.Module | None = None
        self._mean, self._std = 0.0, 1.0
        self._image: torch.Tensor | None = None
        self._digit: int | None = None
        self._pen_down = False
        self.chosen_target: int | None = None
        self._serial = 0
        self._busy = False
        self.result: InsideResult | None = None
        self._pointed: tuple[int, int] | None = None
        self._sent_at = 0.0
        self._throttle = QTimer(self, singleShot=True)
        self._throttle.timeout.connect(self._send)
        self._retry = QTimer(self, singleShot=True, interval=LIBRARY_RETRY_MS)
        self._retry.timeout.connect(self._request)
        self._requests: queue.SimpleQueue = queue.SimpleQueue()
        self._worker: Worker | None = None  # started at the first request, serves every later one
        self._shut_down = False
        self._build()

    # --- what the Draw tab calls ------------------------------------------------------------

    def set_classifier(self, classifier: Classifier) -> None:
        """Follow ``classifier``'s model: a CPU copy of it, so the worker never shares it with the Draw tab."""
        self._model = copy.deepcopy(classifier.model).to("cpu").eval()
        self._mean, self._std = classifier.checkpoint.mean, classifier.checkpoint.std
        try:
            described = layers(self._model)
            self.strip.setText(self.tr("Input {0}").format("1×28×28") + "  →  " + "  →  ".join(
                f"{layer.kind} {layer.shape_text}" + (f" ({layer.parameters:,})" if layer.parameters else "")
                for layer in described
            ))
        except Exception as exc:  # a model that does not run on a blank image: say so, keep the tab usable
            self.strip.setText(self.tr("This model cannot be drawn: {0}").format(exc))
        self._request()

    def show_input(self, image: torch.Tensor | None, digit: int | None, pen_down: bool = False) -> None:
        """The drawing the network now sees and what it read; None when there is nothing to see.

        While the pen is down only the feature maps follow; the attribution, which costs many runs
        of the network, comes when the pen rests, so drawing never competes with it.
        """
        self._image, self._digit, self._pen_down = image, digit, pen_down
        if image is None:
            self.chosen_target = None
        self._request()

    def set_target(self, digit: int | None) -> None:
        """Explain ``digit`` instead of the network's answer ("why not 7?"); None goes back to the answer."""
        self.chosen_target = digit
        self._request()

    def target(self) -> int | None:
        return self.chosen_target if self.chosen_target is not None else self._digit

    def method(self) -> str:
        return self.method_selector.currentData()

    def shutdown(self) -> None:
        """Stop the worker and wait for its thread; nothing is computed any more (the window is closing)."""
        self._shut_down = True
        if self._worker is not None:
            self._worker.quit()
        self._worker = None

    # --- the worker --------------------------------------------------------------------------

    def _request(self) -> None:
        self._serial += 1
        if not self.isVisible() or self._model is None or self._image is None or self.target() is None:
            self._clear()
            return
        if self._busy or self._throttle.isActive():
            return
        wait_s = MOVING_INTERVAL_S - (time.perf_counter() - self._sent_at)
        if self._pen_down and wait_s > 0:  # while drawing, maps at most this often
            self._throttle.start(max(1, round(1000 * wait_s)))
            return
        self._send()

    def _send(self) -> None:
        if self._image is None or self.target() is None or not self.isVisible() or self._shut_down:
            return
        self._busy = True
        self._sent_at = time.perf_counter()
        request = _Request(
            self._serial, self._model, self._mean, self._std, self._image, self.target(), self.method(), not self._pen_down
        )
        if self._worker is None or not self._worker.is_running:
            self._requests = queue.SimpleQueue()
            self._worker = create_worker(
                serve,
                self._requests,
                name="digitdraw-inside-view",
                on_stop=lambda requests=self._requests: requests.put(None),
                connect={"yielded": self._finished, "errored": self._failed},
            )
        self._requests.put(request)

    def _failed(self, message: str) -> None:
        """The worker itself failed (a request's own errors come back as results): the next request starts another."""
        self._busy = False
        self._worker = None
        self.why_label.setText(message)

    def _finished(self, result: InsideResult) -> None:
        self._busy = False
        if result.serial != self._serial:  # the drawing changed meanwhile: the latest one goes next
            self._request()
            return
        self.result = result
        self._show(result)

    def _show(self, result: InsideResult) -> None:
        for index, grid in enumerate(self._grids):
            block = result.blocks[index] if index < len(result.blocks) else None
            grid.setVisible(block is not None)
            self._grid_captions[index].setVisible(block is not None)
            if block is not None:
                grid.set_maps(block.maps, block.name)
                channels, height, width = block.maps.shape
                self._grid_captions[index].setText(
                    self.tr("Block {0} ({1}): {2} maps of {3}×{4}").format(index + 1, block.name, channels, height, width)
                )
        if self._pointed is not None:
            self._point(*self._pointed)
        if result.library_pending:  # the attribution comes once Captum is in
            self.why_label.setText(self.tr("The explanation comes in a moment: its library is still loading."))
            self._retry.start()
        if not result.explained:  # the last attribution stays until the pen rests
            return
        self.why_label.setText(
            self.tr("Why {0}? Orange pixels pushed towards {0}, blue ones away. Click a bar to ask about another digit.").format(result.target)
            if result.attribution is not None else result.message
        )
        self.attribution_ready.emit(result.attribution, result.target)

    def _clear(self) -> None:
        """Nothing to show (no ink, no model, hidden): the last drawing's maps and words go too."""
        self.result = None
        for grid, caption in zip(self._grids, self._grid_captions):
            grid.clear()
            grid.setVisible(False)
            caption.setVisible(False)
        self.map_view.clear()
        self.filter_view.clear()
        self.detail_caption.setText(self.tr("Point at a map to see it enlarged with the filter that made it."))
        self.why_label.setText(self.tr("Draw a digit: its feature maps and why the network answered appear here.")
                               if self._image is None else "")
        self.attribution_ready.emit(None, -1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._request()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._clear()

    # --- pointing at a map -------------------------------------------------------------------

    def _point(self, block_index: int, map_index: int) -> None:
        self._pointed = (block_index, map_index)
        if self.result is None or block_index >= len(self.result.blocks):
            return
        block = self.result.blocks[block_index]
        map_index = min(map_index, len(block.maps) - 1)
        enlarged = qimage(map_colours(block.maps[map_index].numpy(), peak=float(block.maps.max())))
        self.map_view.setPixmap(QPixmap.fromImage(enlarged).scaled(DETAIL_SIZE, DETAIL_SIZE, mode=Qt.TransformationMode.FastTransformation))
        if block.filters is not None and map_index < len(block.filters):
            weights, _, _ = mosaic_image(block.filters[map_index], signed=True)
            self.filter_view.setPixmap(QPixmap.fromImage(qimage(weights)).scaled(
                DETAIL_SIZE, DETAIL_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.FastTransformation))
            kernel = "×".join(str(size) for size in block.filters.shape[1:])
            self.detail_caption.setText(self.tr("Map {0} of {1} and the filter that made it ({2} weights; orange positive, blue negative)").format(
                map_index + 1, block.name, kernel))
        else:
            self.filter_view.clear()
            self.detail_caption.setText(self.tr("Map {0} of {1}").format(map_index + 1, block.name))

    # --- building ----------------------------------------------------------------------------

    def _build(self) -> None:
        self.strip = QLabel(wordWrap=True, objectName="networkStrip")
        self.strip.setStyleSheet("color: #333; background: #eef2f8; padding: 4px; border-radius: 4px;")
        self.method_selector = QComboBox(objectName="methodSelector")
        for name, method in METHODS.items():
            self.method_selector.addItem(QCoreApplication.translate("", name), name)
            description = method.describe(lambda template: QCoreApplication.translate("", template))
            self.method_selector.setItemData(self.method_selector.count() - 1, description, Qt.ItemDataRole.ToolTipRole)
        self.method_selector.setCurrentIndex(self.method_selector.findData(DEFAULT_METHOD))
        self.method_selector.currentIndexChanged.connect(self._request)
        self.why_label = QLabel(wordWrap=True)
        self._grids: list[_MapGrid] = []
        self._grid_captions: list[QLabel] = []
        grids = QGridLayout()
        for index in range(4):  # blocks beyond four would not fit; the strip still lists every layer
            caption, grid = QLabel(wordWrap=True), _MapGrid()
            # The room of the maps is kept while there are none, so that the view does not jump when a
            # drawing appears and the splitter can be set to the view's whole height from the start.
            grid.setMinimumHeight(GRID_HEIGHT)
            caption.setMinimumHeight(2 * caption.fontMetrics().lineSpacing())
            for widget in (caption, grid):
                policy = widget.sizePolicy()
                policy.setRetainSizeWhenHidden(True)
                widget.setSizePolicy(policy)
            grid.map_pointed.connect(lambda map_index, block_index=index: self._point(block_index, map_index))
            grid.setToolTip(self.tr("Point at a map to see it enlarged with the filter that made it."))
            grids.addWidget(caption, 0, index)
            grids.addWidget(grid, 1, index)
            self._grids.append(grid)
            self._grid_captions.append(caption)
        grids.setColumnStretch(4, 1)
        self.map_view, self.filter_view = QLabel(), QLabel()
        for view in (self.map_view, self.filter_view):
            view.setFixedSize(DETAIL_SIZE, DETAIL_SIZE)
            view.setAlignment(Qt.AlignmentFlag.AlignCenter)
            view.setStyleSheet("background: #f4f4f4;")
        self.detail_caption = QLabel(self.tr("Point at a map to see it enlarged with the filter that made it."), wordWrap=True)
        self.detail_caption.setFixedWidth(2 * DETAIL_SIZE + 8)
        details = QGridLayout()
        details.addWidget(self.map_view, 0, 0)
        details.addWidget(self.filter_view, 0, 1)
        details.addWidget(self.detail_caption, 1, 0, 1, 2)
        chooser = QHBoxLayout()
        chooser.addWidget(QLabel(self.tr("Why this answer, by:")))
        chooser.addWidget(self.method_selector)
        chooser.addWidget(self.why_label, 1)
        maps = QHBoxLayout()
        maps.addLayout(grids, 1)
        maps.addLayout(details)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.strip)
        layout.addLayout(chooser)
        layout.addLayout(maps)
        layout.addStretch(1)
