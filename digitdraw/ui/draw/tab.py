"""The Draw tab: draw a digit and watch the network read it as you draw."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QFont, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ...core.checkpoints import CheckpointError
from ...core.codegen import UNSAVED_MODEL
from ...core.devices import available_devices
from ...core.doubt import digit_doubt
from ...core.heatmap import attribution_rgba, on_paper
from ...core.imageio import ImageReadError, read_image
from ...core.inference import Classifier, Prediction
from ...core.messages import translatable
from ...core.preprocess import Placement, image_to_image, prepare_strokes
from .canvas import Canvas
from .inside_view import InsideView
from ..code_panel import code_button
from ..labels import ElidedLabel, show_message
from ..language import device_label, error_text
from ..pictures import qimage
from .personal_panel import PersonalPanel
from .probability_chart import ProbabilityChart

SETTLE_MS = 30  # predict this long after the last change
MOVING_INTERVAL_S = 0.05  # and at most this often while the pen is moving
NETWORK_VIEW_SIZE = 168  # the 28x28 input shown enlarged 6x
MIN_PART_HEIGHT = 60  # the splitter may make either part this short (it scrolls)
IMAGE_PATTERNS = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"
CANVAS_OVERLAY_OPACITY = 0.45  # the attribution shows faintly over the drawing
EMPTY_INPUT_COLOUR = "#f4f4f4"  # the 28x28 view before there is ink (the inside view's empty maps are this colour too)


class DrawTab(QWidget):
    """Canvas on the left; the network's answer, its input and the controls on the right."""

    wants_attention = Signal()  # something the user asked for from the menu is answered on this tab

    def __init__(self, data_dir=None, parent=None):
        super().__init__(parent)
        self.setFont(_font(11))  # readable on a projector
        self.setAcceptDrops(True)
        self.classifier: Classifier | None = None
        self._network_input: torch.Tensor | None = None
        self._placement: Placement | None = None  # where the strokes lie in the network input
        self._prediction: Prediction | None = None
        self._device = self._remembered_device()
        self._last_prediction_at = 0.0
        self._split_fitted = False  # the splitter is fitted to the contents when first shown
        self._build(data_dir)
        self._timer = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._timer.timeout.connect(self.predict_now)
        self.canvas.strokes_changed.connect(self._strokes_changed)
        self._actions = self._build_actions()
        try:
            self.set_classifier(self.personal.startup_classifier())
        except (CheckpointError, ValueError, OSError) as exc:
            self._show_model_error(self.tr("The shipped model could not be loaded: {0}").format(error_text(exc)))
        self._show_prediction(None, None)

    # --- the contract with the main window ---------------------------------------------------

    def set_classifier(self, classifier: Classifier) -> None:
        """Use ``classifier`` from now on, on the device chosen in this tab, with your drawings' vote."""
        try:
            classifier.to(self._device)
        except ValueError:
            self._device = classifier.device
        self.personal.with_vote(classifier)
        self.classifier = classifier
        self.model_label.setText(self._model_description(classifier))
        self.personal.model_in_use(classifier)  # its word about another model is no longer true
        self.inside.set_classifier(classifier)
        self.predict_now()

    def file_actions(self) -> list[QAction]:
        return list(self._actions)

    def shutdown(self) -> None:
        self._timer.stop()
        self.personal.shutdown()
        self.inside.shutdown()

    # --- actions that take a path (the menu asks for it with a dialog) -----------------------

    def open_image(self, path: str | Path) -> bool:
        """Classify an image file and show it on the canvas; a message in the tab if it fails."""
        try:
            pixels = read_image(path)
            image = image_to_image(pixels)
        except (ImageReadError, ValueError) as exc:
            self._show_message(self.tr("Cannot open {0}: {1}").format(Path(path).name, error_text(exc)), error=True)
            return False
        doubt = digit_doubt(pixels) if image is not None else None
        if doubt is not None:  # e.g. a screenshot: the network's "89 % sure" would mean nothing
            self.canvas.show_picture(qimage(pixels))
            self._show_prediction(image, None, doubtful=True)
            self._show_message(f"{Path(path).name}: {error_text(doubt)}", error=True)
        elif self._show_picture(pixels, image):
            self._show_message(self.tr("Showing {0}. Draw or press Esc to go back to drawing.").format(Path(path).name))
        else:
            self._show_message(self.tr("{0}: nothing to classify, the image holds no digit.").format(Path(path).name), error=True)
        self._message_about_picture = True  # it goes when the picture does
        return True

    def open_test_digit(self, pixels: np.ndarray, true: int, said: int) -> None:
        """Show a 28×28 MNIST test digit as the input, as it is (it is already what the network reads),
        with the inside view explaining the answer or, for a mistake, "why not" the true digit."""
        image = torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.uint8)).to(torch.float32) / 255.0
        if not self.inside_toggle.isChecked():
            self.inside_toggle.setChecked(True)
        self._show_picture(np.asarray(pixels), image)
        if self._prediction is not None and self._prediction.digit != true:
            self.inside.set_target(true)
            self.chart.set_target(true)
            message = self.tr("A test digit: a {0} the network read as {1}. The inside view shows why not {0}; "
                              "click a bar to ask about another digit.")
        else:
            message = self.tr("A test digit: a {0}. Draw or press Esc to go back to drawing.")
        self._show_message(message.format(true, said if self._prediction is None else self._prediction.digit))
        self._message_about_picture = True

    def _show_picture(self, pixels: np.ndarray, image: torch.Tensor | None) -> bool:
        """A picture on the canvas in place of the strokes, and its network input classified (False if none)."""
        self.canvas.show_picture(qimage(pixels))
        self._placement = None  # the overlay goes over strokes only
        if image is None:
            self._show_prediction(None, None)
            return False
        self._classify(image, preprocess_seconds=0.0)
        return True

    def save_drawing(self, path: str | Path) -> bool:
        """Save what the canvas shows as a PNG file."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(path.suffix + ".png") if path.suffix else path.with_suffix(".png")
        if not self.canvas.drawing_image().save(str(path), "PNG"):
            self._show_message(self.tr("Could not write {0}.").format(path), error=True)
            return False
        self._show_message(self.tr("Saved {0}.").format(path.name))
        return True

    def load_model(self, path: str | Path) -> bool:
        """Use a checkpoint file; a message in the tab if it is not a usable model."""
        try:
            classifier = Classifier.load(path, self._device)
        except (CheckpointError, ValueError, OSError) as exc:
            self._show_message(error_text(exc), error=True)
            return False
        self.set_classifier(classifier)
        recognised = classifier.checkpoint.recognised
        if recognised is not None:
            self._show_message(self.tr("Loaded {0}: recognised as {1}.").format(Path(path).name, error_text(recognised)))
        else:
            self._show_message(self.tr("Loaded {0}.").format(Path(path).name))
        return True

    # --- prediction --------------------------------------------------------------------------

    def predict_now(self) -> None:
        """Classify the current strokes (if no picture is shown)."""
        self._timer.stop()
        if self.canvas.picture() is not None:
            return
        self._last_prediction_at = time.perf_counter()
        start = time.perf_counter()
        prepared = prepare_strokes(self.canvas.strokes(), area_size=self.canvas.area_size())
        if prepared is None:
            self._placement = None
            self._show_prediction(None, None)
            return
        self._placement = prepared.placement
        self._classify(prepared.image, preprocess_seconds=time.perf_counter() - start)

    def _strokes_changed(self) -> None:
        if self.canvas.picture() is None and (self._message_about_picture or not self.canvas.strokes()):
            self._show_message("")
        moving_long_enough = time.perf_counter() - self._last_prediction_at >= MOVING_INTERVAL_S
        if self.canvas.is_drawing() and moving_long_enough:
            self.predict_now()
        else:
            self._timer.start()

    def _classify(self, image: torch.Tensor, preprocess_seconds: float) -> None:
        if self.classifier is None:
            self._show_prediction(image, None)
            return
        try:
            prediction = self.classifier.predict(image)
        except RuntimeError:  # e.g. a GPU that fails mid-session: say so, keep the drawing
            self._show_prediction(image, None)
            self._show_message(self.tr("The network failed on {0}: choose another device above.").format(
                self.classifier.device), error=True)
            return
        self._show_prediction(image, prediction)
        seconds = (preprocess_seconds + prediction.seconds, preprocess_seconds, prediction.seconds)
        milliseconds = [f"{1000 * s:.1f}" for s in seconds]
        self.timing_label.setText(self.tr("{0} ms (preprocess {1} + network {2})").format(*milliseconds))

    def _show_prediction(self, image: torch.Tensor | None, prediction: Prediction | None, doubtful: bool = False) -> None:
        self._network_input, self._prediction = image, prediction
        self._show_network_input(image)
        self.canvas.set_overlay(None)  # the attribution of this drawing replaces it when the pen rests
        self.inside.show_input(image, None if prediction is None else prediction.digit, self.canvas.is_drawing())
        if prediction is None:
            self.prediction_label.setText("–")
            self.unsure_label.setText("")
            if image is None:
                self.confidence_label.setText(self.tr("nothing to classify"))
            elif doubtful:
                self.confidence_label.setText(self.tr("not a digit?"))
            else:
                self.confidence_label.setText(self.tr("no answer") if self.classifier else self.tr("no model loaded"))
            self.chart.set_probabilities(None)
            return
        self.prediction_label.setText(str(prediction.digit))
        self.unsure_label.setText(self.tr("not sure") if prediction.unsure else "")
        self.confidence_label.setText(self.tr("{0} sure").format(f"{prediction.confidence:.0%}"))
        self.chart.set_probabilities(prediction.probabilities, prediction.digit)
        self.chart.set_target(self.inside.target() if self.inside.isVisible() else None)

    def _show_network_input(self, image: torch.Tensor | None, attribution: np.ndarray | None = None) -> None:
        if image is None:  # blank paper until there is ink, not a black square
            picture = QImage(28, 28, QImage.Format.Format_RGB888)
            picture.fill(QColor(EMPTY_INPUT_COLOUR))
        else:
            picture = qimage((image.clamp(0, 1) * 255).round().to(torch.uint8).numpy())
        if attribution is not None:  # ink in grey on white with the attribution's two colours over it
            picture = qimage(on_paper(attribution, image.numpy()))
        self.network_view.setPixmap(
            QPixmap.fromImage(picture).scaled(NETWORK_VIEW_SIZE, NETWORK_VIEW_SIZE, mode=Qt.TransformationMode.FastTransformation)
        )

    # --- inside the network -----------------------------------------------------------------

    def _show_attribution(self, attribution: np.ndarray | None, target: int) -> None:
        """Lay the attribution over the 28x28 input and, faintly, over the strokes it came from."""
        image = self._network_input
        shown = attribution is not None and image is not None
        self._show_network_input(image, attribution if shown else None)
        self.chart.set_target(target if shown else None)
        rect = _input_rect_on_canvas(self._placement) if shown and self.canvas.picture() is None else None
        overlay = qimage(attribution_rgba(attribution, CANVAS_OVERLAY_OPACITY)) if rect is not None else None
        self.canvas.set_overlay(overlay, rect)

    def _bar_clicked(self, digit: int) -> None:
        """A click on the chart: explain the digit under it ("why not 7?"); the answer's own bar goes back to it."""
        if self._prediction is not None:
            self.inside.set_target(None if digit == self._prediction.digit else digit)

    def _inside_toggled(self, shown: bool) -> None:
        self.inside_area.setVisible(shown)
        QSettings().setValue("draw/inside_view", shown)
        if not shown:
            self._show_attribution(None, -1)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._split_fitted:  # once, when the window's layout has given the tab its size
            self._split_fitted = True
            QTimer.singleShot(0, self._fit_splitter)

    def _fit_splitter(self) -> None:
        """The inside view as tall as it needs (as the room allows), the canvas and the answer the rest."""
        total = sum(self.splitter.sizes())
        top = self.top_area.widget().minimumSizeHint().height() + self.splitter.handleWidth() + 4  # no scroll bar
        inside = self.inside_area.widget().sizeHint().height()
        self.splitter.setSizes([max(top, total - inside), min(inside, total - top)])

    # --- devices, models, messages -----------------------------------------------------------

    def _remembered_device(self) -> str:
        device = QSettings().value("draw/device", "cpu")
        return device if device in available_devices() else "cpu"

    def _device_chosen(self, index: int) -> None:
        device = self.device_selector.itemData(index)
        if self.classifier is not None:
            try:
                self.classifier.to(device)
            except ValueError:  # unavailable, or it failed to start (torch's own words help no one here)
                self._show_message(self.tr("Cannot use {0}: it is not available or failed to start, so the model stays on "
                                           "{1}.").format(device, self._device), error=True)
                self.device_selector.setCurrentIndex(self.device_selector.findData(self._device))
                return
        self._device = device
        QSettings().setValue("draw/device", device)
        self.predict_now()

    def _model_description(self, classifier: Classifier) -> str:
        accuracy = classifier.checkpoint.test_accuracy
        if accuracy is None:
            accuracy_text = self.tr("test accuracy unknown")
        else:
            accuracy_text = self.tr("{0} on the MNIST test set").format(f"{accuracy:.2%}")
        name = Path(classifier.source).name if classifier.source else self.tr("trained in this session")
        return f"{classifier.arch} · {accuracy_text}\n{name}"

    def _show_model_error(self, message: str) -> None:
        self.model_label.setText(self.tr("no model loaded"))
        self._show_message(message, error=True)

    def _show_message(self, text: str, error: bool = False) -> None:
        """The tab's one message line (shared with the personal panel): the newest message replaces the last."""
        self._message_about_picture = False
        show_message(self.message_label, text, error)

    # --- building the widgets ----------------------------------------------------------------

    def _build(self, data_dir) -> None:
        self.canvas = Canvas()
        self.personal = PersonalPanel(self.canvas, lambda: self.classifier, data_dir)
        self.personal.model_changed.connect(self.set_classifier)
        self.prediction_label = QLabel("–", objectName="predictionLabel", alignment=Qt.AlignmentFlag.AlignCenter)
        self.prediction_label.setFont(_font(84, bold=True))
        self.prediction_label.setMinimumWidth(150)
        self.unsure_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.unsure_label.setFont(_font(16, bold=True))
        self.unsure_label.setStyleSheet("color: #c25e00;")
        self.confidence_label = QLabel("", alignment=Qt.AlignmentFlag.AlignCenter)
        self.confidence_label.setFont(_font(13))
        self.network_view = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.network_view.setFixedSize(NETWORK_VIEW_SIZE, NETWORK_VIEW_SIZE)
        self.network_view.setToolTip(self.tr("The 28×28 image the network receives, enlarged"))
        self.chart = ProbabilityChart(objectName="probabilityChart")
        self.chart.bar_clicked.connect(self._bar_clicked)
        self.device_selector = QComboBox(objectName="deviceSelector")
        for device in available_devices():
            self.device_selector.addItem(device_label(device), device)
        self.device_selector.setCurrentIndex(max(0, self.device_selector.findData(self._device)))
        self.device_selector.currentIndexChanged.connect(self._device_chosen)
        self.inside = InsideView()
        self.inside.attribution_ready.connect(self._show_attribution)
        shown = QSettings().value("draw/inside_view", True, type=bool)
        self.inside_toggle = QCheckBox(self.tr("Inside the network"), objectName="insideToggle", checked=shown)
        self.inside_toggle.setToolTip(self.tr("Feature maps, the layers and why the network answered; hide them for a plain Draw tab."))
        self.inside_toggle.toggled.connect(self._inside_toggled)
        self.inside_area = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        self.inside_area.setWidget(self.inside)  # scrolls on a small screen rather than making the window too tall
        self.inside_area.setVisible(shown)
        self.inside_area.setMinimumHeight(MIN_PART_HEIGHT)  # at 1024x640 it starts short; drag the splitter up for more
        self.inside_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.timing_label = ElidedLabel("–")
        self.model_label = ElidedLabel(self.tr("loading…"), objectName="modelLabel", lines=2)  # two lines, never wrapped further
        self.message_label = self.personal.status_label  # one message line under the canvas for the tab and the panel
        self._message_about_picture = False

        answer = QVBoxLayout()
        answer.addWidget(_caption(self.tr("The network reads")))
        answer.addWidget(self.prediction_label)
        answer.addWidget(self.unsure_label)
        answer.addWidget(self.confidence_label)
        answer.addStretch(1)
        seen = QVBoxLayout()
        seen.addWidget(_caption(self.tr("What the network sees (28×28)")))
        seen.addWidget(self.network_view)
        seen.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(answer, 1)
        top.addSpacing(16)
        top.addLayout(seen)

        details = QFormLayout()
        details.addRow(self.tr("Device:"), self.device_selector)
        details.addRow(self.tr("Last prediction:"), self.timing_label)
        details.addRow(self.tr("Model:"), self.model_label)

        side = QVBoxLayout()
        side.addLayout(top)
        side.addWidget(_caption(self.tr("Probability of each digit")))
        side.addWidget(self.chart, 1)
        side.addSpacing(8)
        side.addLayout(details)
        self.code_button = code_button(self, self.code_script, self.tr("The PyTorch code that reads a picture of a digit "
                                                                        "the way this tab does, with this model."))
        side.addWidget(self.code_button, 0, Qt.AlignmentFlag.AlignRight)

        left = QVBoxLayout()
        left.addWidget(self.canvas, 1)
        left.addLayout(self._build_pen_controls())
        left.addWidget(self.personal)

        columns = QHBoxLayout()
        columns.addLayout(left, 3)
        columns.addLayout(side, 2)
        top = QWidget()
        top.setLayout(columns)
        columns.setContentsMargins(0, 0, 0, 0)
        # Both parts scroll rather than hold the splitter: dragged up, it gives the inside view the room
        # a small screen has, even if the canvas and answer then scroll.
        self.top_area = QScrollArea(widgetResizable=True, frameShape=QScrollArea.Shape.NoFrame)
        self.top_area.setWidget(top)
        self.top_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.top_area.setMinimumHeight(MIN_PART_HEIGHT)
        self.splitter = split = QSplitter(Qt.Orientation.Vertical, childrenCollapsible=False, objectName="drawSplitter")
        split.addWidget(self.top_area)
        split.addWidget(self.inside_area)
        split.setStretchFactor(0, 1)
        split.setSizes([600, 300])  # in proportion to the height there is; the inside view is ~300 px in full
        layout = QVBoxLayout(self)
        layout.addWidget(split)

    def code_script(self, language: str) -> tuple[str, str]:
        """The script that classifies pictures with this tab's model, as ``digitdraw code classify --model ...``."""
        from ...core.codegen import CodeError, check_model, classify_script  # Jinja2: loaded at the first press

        if self.classifier is None:
            raise CodeError(translatable("No model is loaded."))
        check_model(self.classifier.checkpoint)
        path = self.classifier.source or UNSAVED_MODEL
        return classify_script(self.classifier.arch, path, self.classifier.device, language), "classify.py"

    def _build_pen_controls(self) -> QHBoxLayout:
        pen_slider = QSlider(Qt.Orientation.Horizontal, minimum=2, maximum=48, value=int(self.canvas.pen_width))
        pen_slider.setToolTip(self.tr("Pen width in pixels"))
        pen_value = QLabel(self.tr("{0} px").format(pen_slider.value()))
        pen_slider.valueChanged.connect(self.canvas.set_pen_width)
        pen_slider.valueChanged.connect(lambda value: pen_value.setText(self.tr("{0} px").format(value)))
        pen_slider.setMinimumWidth(60)
        self.pen_slider = pen_slider
        # Short names, shortcuts in the tooltips: the row fits beside the side column at 1024 pixels wide.
        undo_button = QPushButton(self.tr("Undo"), toolTip=self.tr("Undo the last stroke (Ctrl+Z)"))
        undo_button.clicked.connect(self.canvas.undo)
        clear_button = QPushButton(self.tr("Clear"), toolTip=self.tr("Clear the drawing (Esc)"))
        clear_button.clicked.connect(self.canvas.clear)
        for keys, slot in ((QKeySequence(Qt.Key.Key_Escape), self.canvas.clear), (QKeySequence.StandardKey.Undo, self.canvas.undo)):
            shortcut = QShortcut(keys, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Pen:")))
        row.addWidget(pen_slider, 1)
        row.addWidget(pen_value)
        row.addSpacing(6)  # small gaps: the row fits a 1024-pixel-wide window
        row.addWidget(undo_button)
        row.addWidget(clear_button)
        row.addSpacing(6)
        row.addWidget(self.inside_toggle)
        return row

    def _build_actions(self) -> list[QAction]:
        open_action = QAction(self.tr("&Open image…"), self, shortcut=QKeySequence("Ctrl+O"))
        open_action.triggered.connect(self._ask_open_image)
        save_action = QAction(self.tr("&Save drawing as PNG…"), self, shortcut=QKeySequence("Ctrl+S"))
        save_action.triggered.connect(self._ask_save_drawing)
        model_action = QAction(self.tr("&Load model…"), self, shortcut=QKeySequence("Ctrl+L"))
        model_action.triggered.connect(self._ask_load_model)
        return [open_action, save_action, model_action]

    def _ask_open_image(self) -> None:
        files = self.tr("Images ({0});;All files (*)").format(IMAGE_PATTERNS)
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Open an image of a digit"), "", files)
        if path:
            self.open_image(path)

    def _ask_save_drawing(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the drawing"), "digit.png", self.tr("PNG images (*.png)"))
        if path:
            self.save_drawing(path)

    def _ask_load_model(self) -> None:
        files = self.tr("digitdraw models (*.pt *.torchscript);;All files (*)")
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Load a model"), "", files)
        if path:
            self.load_model(path)
            self.wants_attention.emit()  # success or not, the answer is on this tab

    # --- drag and drop -----------------------------------------------------------------------

    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.open_image(paths[0])


def _font(points: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font


def _caption(text: str) -> QLabel:
    label = QLabel(text)
    label.setFont(_font(12, bold=True))
    label.setStyleSheet("color: #555;")
    return label


def _input_rect_on_canvas(placement: Placement | None) -> QRectF | None:
    """Where the 28x28 input lies on the canvas: the square the preprocessing mapped onto it."""
    if placement is None:
        return None
    left, top, side = placement.input_square()
    return QRectF(left, top, side, side)
