"""The main window: Draw, Train, Regression, Compress and Autograd tabs under one menu bar."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QCoreApplication, QSettings, QSize
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from ..core.threads import pen
from .draw.tab import DrawTab
from .language import (
    LANGUAGES,
    choose_language,
    chosen_language,
    current_language,
    language_in_effect,
    system_language,
)


DEFAULT_SIZE = QSize(1180, 780)
TITLE_BAR = QSize(0, 40)  # room left for the window manager's frame
TAB_SETTLE_S = 0.5  # after a tab switch, background imports wait this long: the tab is built and painted


class MainWindow(QMainWindow):
    """The whole app. Builds with no arguments so tests and tools can drive it."""

    def __init__(self, data_dir: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("digitdraw — deep learning you can touch"))
        self._data_dir = data_dir
        self.draw_tab = DrawTab(data_dir=data_dir)
        self.draw_tab.wants_attention.connect(lambda: self.tabs.setCurrentWidget(self.draw_tab))
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(self.draw_tab, self.tr("Draw"))
        # The other tabs are built when first shown or asked for: their plots, workers and imports
        # (pyqtgraph, a worker each) would delay the window.
        self._placeholders: dict[str, QWidget] = {}
        self._built: dict[str, QWidget] = {}
        self._builders: dict[str, Callable[[], QWidget]] = {
            "train": self._build_train_tab, "regression": self._build_regression_tab, "compress": self._build_compress_tab,
            "autograd": self._build_autograd_tab,
        }
        for name, title in (("train", self.tr("Train")), ("regression", self.tr("Regression")), ("compress", self.tr("Compress")),
                            ("autograd", self.tr("Autograd"))):
            self._placeholders[name] = QWidget()
            self.tabs.addTab(self._placeholders[name], title)
        self.tabs.currentChanged.connect(self._tab_shown)
        self.setCentralWidget(self.tabs)
        self.statusBar()  # there from the start: one appearing later would take its height from every tab
        self._build_menus()
        # Smaller on a smaller screen: a laptop at 150 % scaling offers about 1280×720.
        self.resize(DEFAULT_SIZE.boundedTo(self.screen().availableGeometry().size() - TITLE_BAR))
        self._restore_state()

    @property
    def train_tab(self):
        """The Train tab, built on first use."""
        return self._tab("train")

    @property
    def regression_tab(self):
        """The Regression tab, built on first use."""
        return self._tab("regression")

    @property
    def compress_tab(self):
        """The Compress tab, built on first use."""
        return self._tab("compress")

    @property
    def autograd_tab(self):
        """The Autograd tab, built on first use."""
        return self._tab("autograd")

    def built_tabs(self) -> list[QWidget]:
        """The tabs built so far, the Draw tab first."""
        return [self.draw_tab, *self._built.values()]

    def _build_train_tab(self) -> QWidget:
        from .train.tab import TrainTab

        tab = TrainTab(data_dir=self._data_dir)
        tab.model_ready.connect(self._use_trained_model)
        tab.digit_opened.connect(self._open_test_digit)
        return tab

    def _open_test_digit(self, pixels, true: int, said: int) -> None:
        """A test digit from the Train tab's gallery, read in the Draw tab by the model that made the gallery."""
        train_tab = self._built.get("train")
        if train_tab is not None and train_tab.checkpoint is not None and (
            self.draw_tab.classifier is None or self.draw_tab.classifier.checkpoint is not train_tab.checkpoint
        ):
            train_tab.use_model()  # the Draw tab now uses it (model_ready)
        self.draw_tab.open_test_digit(pixels, true, said)
        self.tabs.setCurrentWidget(self.draw_tab)

    def _build_regression_tab(self) -> QWidget:
        from .regression.tab import RegressionTab

        tab = RegressionTab()
        tab.graph_requested.connect(self._show_regression_graph)
        return tab

    def _build_autograd_tab(self) -> QWidget:
        from .autograd.tab import AutogradTab

        return AutogradTab(regression_fit=lambda: self.regression_tab.fit)

    def _show_regression_graph(self) -> None:
        """The Autograd tab on the Regression tab's loss."""
        self.autograd_tab.show_regression(self.regression_tab.fit)
        self.tabs.setCurrentWidget(self.autograd_tab)

    def _build_compress_tab(self) -> QWidget:
        from .compress.tab import CompressTab

        tab = CompressTab(data_dir=self._data_dir, current_model=lambda: self.draw_tab.classifier)
        tab.use_model.connect(self._use_trained_model)
        tab.message.connect(self.statusBar().showMessage)  # it stays until the next one: a result is not missed
        return tab

    def _tab(self, name: str) -> QWidget:
        """Tab ``name``, built now if it was not yet: it takes its placeholder's place and its actions the menu's."""
        tab = self._built.get(name)
        if tab is not None:
            return tab
        tab = self._built[name] = self._builders[name]()
        placeholder = self._placeholders.pop(name)
        index = self.tabs.indexOf(placeholder)
        title = self.tabs.tabText(index)
        self.tabs.blockSignals(True)  # the swap is not a change of tab
        current = self.tabs.currentIndex()
        self.tabs.removeTab(index)
        self.tabs.insertTab(index, tab, title)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        placeholder.deleteLater()
        stand_ins = self._stand_ins.pop(name, [])
        for stand_in, action in zip(stand_ins, tab.file_actions() if stand_ins else []):
            self._file_menu.insertAction(stand_in, action)
            self._file_menu.removeAction(stand_in)
        return tab

    def _tab_shown(self, index: int) -> None:
        pen.hold(TAB_SETTLE_S)  # building and painting it has the processor to itself
        shown = self.tabs.widget(index)
        for name, placeholder in list(self._placeholders.items()):
            if shown is placeholder:
                shown = self._tab(name)
        if shown is self._built.get("compress"):
            self.compress_tab.set_source(self.draw_tab.classifier)

    def _build_menus(self) -> None:
        self._file_menu = file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in self.draw_tab.file_actions():
            file_menu.addAction(action)
        # Until its tab is built, each stand-in holds the place (and the words) of one of the tab's
        # own File menu actions; choosing it builds the tab, whose action then takes over.
        translate = QCoreApplication.translate
        self._stand_ins: dict[str, list[QAction]] = {
            "train": [
                self._stand_in("train", 0, translate("TrainTab", "Save trained model…"), enabled=False),  # nothing trained yet
                self._stand_in("train", 1, translate("TrainTab", "Open checkpoint to continue/evaluate…")),
            ],
            "compress": [self._stand_in("compress", 0, translate("CompressTab", "&Export model (ONNX or TorchScript)…"))],
        }
        for stand_ins in self._stand_ins.values():
            for action in stand_ins:
                file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction(self.tr("&Quit"), self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        self._build_language_menu()
        help_menu = self.menuBar().addMenu(self.tr("&Help"))
        about = QAction(self.tr("&About digitdraw"), self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _stand_in(self, name: str, position: int, text: str, enabled: bool = True) -> QAction:
        action = QAction(text, self, enabled=enabled)
        action.triggered.connect(lambda: self._tab(name).file_actions()[position].trigger())
        return action

    def _build_language_menu(self) -> None:
        """English, 简体中文 or the system's language; the choice takes effect at the next start."""
        menu = self.menuBar().addMenu(self.tr("&Language"))
        group = QActionGroup(self)
        system_name = LANGUAGES[system_language()]
        choices = [("", self.tr("System language ({0})").format(system_name))] + list(LANGUAGES.items())
        current = chosen_language()
        self.language_actions = {}
        for language, text in choices:
            action = QAction(text, self, checkable=True, checked=language == current)
            action.triggered.connect(lambda _=False, language=language: self._choose_language(language))
            group.addAction(action)
            menu.addAction(action)
            self.language_actions[language] = action

    def _choose_language(self, language: str) -> None:
        choose_language(language)
        upcoming = language_in_effect()
        if upcoming != current_language():
            QMessageBox.information(
                self,
                self.tr("Language"),
                self.tr("digitdraw will speak {0} from its next start.").format(LANGUAGES[upcoming]),
            )

    def _use_trained_model(self, classifier) -> None:
        self.draw_tab.set_classifier(classifier)
        self.tabs.setCurrentWidget(self.draw_tab)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About digitdraw"),
            self.tr(
                "<b>digitdraw</b><br>Draw digits for a CNN to read, train CNNs on MNIST and watch "
                "gradient descent fit a line — deep learning with PyTorch you can touch."
            ),
        )

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.tabs.setCurrentIndex(0)

    def closeEvent(self, event) -> None:
        for tab in self.built_tabs():
            tab.shutdown()
        QSettings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
