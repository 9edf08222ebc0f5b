"""Shared test set-up: headless Qt, throw-away settings, MNIST found as the app finds it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["LANGUAGE"] = "en"  # the command line in English whatever the machine's locale; tests choose Chinese


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, request):
    """Every test gets its own QSettings store, so no test sees another's (or the user's) state."""
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        yield
        return
    from PySide6.QtCore import QSettings

    from digitdraw.ui.app import configure_application

    app = request.getfixturevalue("qapp")
    configure_application(app)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path_factory.mktemp("settings")))
    yield


@pytest.fixture(autouse=True)
def no_worker_left_running(request):
    """A test with widgets ends with every worker thread stopped: a QThread still running when the
    test's widgets go would abort pytest. One left behind is stopped here and fails the test."""
    yield
    if "qapp" not in request.fixturenames and "qtbot" not in request.fixturenames:
        return
    from digitdraw.ui.workers import running_workers

    left = running_workers()
    for worker in left:
        worker.quit()
    assert not left, f"worker threads left running: {[worker.name for worker in left]}"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Every test gets its own per-user data folder (personal set, personal model)."""
    monkeypatch.setenv("DIGITDRAW_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def mnist():
    """(train, test) MNIST splits as tensors, loaded once per test session (downloaded if need be)."""
    from digitdraw.core.data import DataMissingError, load_mnist

    try:
        return load_mnist(None)
    except DataMissingError as exc:
        pytest.fail(f"{exc} (tests find MNIST like the app: $DIGITDRAW_DATA, else the user cache)")


@pytest.fixture(scope="session")
def data_dir(mnist) -> Path:
    """The folder that holds MNIST/raw, as the app finds it."""
    from digitdraw.core.data import resolve_data_dir

    return resolve_data_dir(None)


@pytest.fixture(scope="module")
def one_torch_thread():
    """Tiny batches gain nothing from more threads, and on shared cores extra threads only wait."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def shown_tab(qtbot):
    """Show a tab (or the main window) at a given size; after the test a tab is shut down, a window
    closed (its closeEvent shuts its tabs down)."""
    widgets = []

    def show(widget, width: int, height: int):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        widget.show()
        qtbot.waitExposed(widget)
        if hasattr(type(widget), "still_building"):  # parts built after the first paint
            qtbot.waitUntil(lambda: not widget.still_building())
        widgets.append(widget)
        return widget

    yield show
    import pyqtgraph as pg

    for widget in widgets:
        shutdown = getattr(type(widget), "shutdown", None)  # a class's own (a plot would forward the name)
        if shutdown is not None:
            shutdown(widget)
        elif not isinstance(widget, pg.PlotWidget):  # qtbot closes it; pyqtgraph's close() fails a second time
            widget.close()
