"""The main window: Draw, Train, Regression and Compress tabs under one menu bar."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from .compress_tab import CompressTab
from .draw_tab import DrawTab
from .language import (
    LANGUAGES,
    choose_language,
    chosen_language,
    current_language,
    language_in_effect,
    system_language,
)
from .train_tab import TrainTab


DEFAULT_SIZE = QSize(1180, 780)
TITLE_BAR = QSize(0, 40)  # room left for the window manager's frame


class MainWindow(QMainWindow):
    """The whole app. Builds with no arguments so tests and tools can drive it."""

    def __init__(self, data_dir: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("digitdraw — deep learning you can touch"))
        self.draw_tab = DrawTab(data_dir=data_dir)
        self.train_tab = TrainTab(data_dir=data_dir)
        self._regression_tab = None  # built when first shown: its optimizer imports torch._dynamo (seconds)
        self.compress_tab = CompressTab(data_dir=data_dir, current_model=lambda: self.draw_tab.classifier)
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(self.draw_tab, self.tr("Draw"))
        self.tabs.addTab(self.train_tab, self.tr("Train"))
        self._regression_index = self.tabs.addTab(QWidget(), self.tr("Regression"))
        self.tabs.addTab(self.compress_tab, self.tr("Compress"))
        self.tabs.currentChanged.connect(self._tab_shown)
        self.compress_tab.use_model.connect(self._use_trained_model)
        self.compress_tab.message.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self.setCentralWidget(self.tabs)
        self.train_tab.model_ready.connect(self._use_trained_model)
        self._build_menus()
        # Smaller on a smaller screen: a laptop at 150 % scaling offers about 1280×720.
        self.resize(DEFAULT_SIZE.boundedTo(self.screen().availableGeometry().size() - TITLE_BAR))
        self._restore_state()

    @property
    def regression_tab(self):
        """The Regression tab, built on first use."""
        if self._regression_tab is None:
            from .regression_tab import RegressionTab

            self._regression_tab = RegressionTab()
            placeholder = self.tabs.widget(self._regression_index)
            title = self.tabs.tabText(self._regression_index)
            self.tabs.blockSignals(True)  # the swap is not a change of tab
            current = self.tabs.currentIndex()
            self.tabs.removeTab(self._regression_index)
            self.tabs.insertTab(self._regression_index, self._regression_tab, title)
            self.tabs.setCurrentIndex(current)
            self.tabs.blockSignals(False)
            placeholder.deleteLater()
        return self._regression_tab

    def _tab_shown(self, index: int) -> None:
        if index == self._regression_index:
            self.tabs.setCurrentWidget(self.regression_tab)
        elif self.tabs.widget(index) is self.compress_tab:
            self.compress_tab.set_source(self.draw_tab.classifier)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in self.draw_tab.file_actions() + self.train_tab.file_actions() + self.compress_tab.file_actions():
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
        for tab in (self.train_tab, self._regression_tab, self.draw_tab, self.compress_tab):
            if tab is not None:
                tab.shutdown()
        QSettings().setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)
