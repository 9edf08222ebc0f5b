"""The main window: Draw, Train, Regression and Compress tabs under one menu bar."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox, QTabWidget, QWidget

from .compress_tab import CompressTab
from .draw_tab import DrawTab
from .train_tab import TrainTab


DEFAULT_SIZE = QSize(1180, 780)
TITLE_BAR = QSize(0, 40)  # room left for the window manager's frame


class MainWindow(QMainWindow):
    """The whole app. Builds with no arguments so tests and tools can drive it."""

    def __init__(self, data_dir: str | None = None, parent=None):
        super().__init__(parent)
        self.setWindowTitle("digitdraw — deep learning you can touch")
        self.draw_tab = DrawTab(data_dir=data_dir)
        self.train_tab = TrainTab(data_dir=data_dir)
        self._regression_tab = None  # built when first shown: its optimizer imports torch._dynamo (seconds)
        self.compress_tab = CompressTab(data_dir=data_dir, current_model=lambda: self.draw_tab.classifier)
        self.tabs = QTabWidget(objectName="tabs")
        self.tabs.addTab(self.draw_tab, "Draw")
        self.tabs.addTab(self.train_tab, "Train")
        self._regression_index = self.tabs.addTab(QWidget(), "Regression")
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
        file_menu = self.menuBar().addMenu("&File")
        for action in self.draw_tab.file_actions() + self.train_tab.file_actions() + self.compress_tab.file_actions():
            file_menu.addAction(action)
        file_menu.addSeparator()
        quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        about = QAction("&About digitdraw", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)

    def _use_trained_model(self, classifier) -> None:
        self.draw_tab.set_classifier(classifier)
        self.tabs.setCurrentWidget(self.draw_tab)

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About digitdraw",
            "<b>digitdraw</b><br>Draw digits for a CNN to read, train CNNs on MNIST and watch "
            "gradient descent fit a line — deep learning with PyTorch you can touch.",
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
