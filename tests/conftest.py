"""Shared test set-up: headless Qt, throw-away settings, MNIST from the shared folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]


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


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The MNIST folder: $DIGITDRAW_DATA, else ../shared/data beside the project."""
    path = Path(os.environ.get("DIGITDRAW_DATA") or ROOT.parent / "shared" / "data")
    from digitdraw.core.data import missing_files

    missing = missing_files(path)
    if missing:
        pytest.fail(f"MNIST is missing from {path}/MNIST/raw ({', '.join(missing)}); set DIGITDRAW_DATA")
    return path


@pytest.fixture(scope="session")
def mnist(data_dir):
    """(train, test) MNIST splits as tensors, loaded once per test session."""
    from digitdraw.core.data import load_mnist

    return load_mnist(data_dir, download=False)
