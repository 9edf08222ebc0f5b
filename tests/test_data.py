"""Finding MNIST, reading it, and saying clearly what is missing."""

import sys

import pytest
import torch

from digitdraw.core import data
from digitdraw.core.data import DataMissingError, load_mnist, read_idx, resolve_data_dir


def test_loads_real_mnist(mnist):
    train, test = mnist
    assert (len(train), len(test)) == (60_000, 10_000)
    assert train.images.shape == (60_000, 28, 28) and train.images.dtype == torch.uint8
    assert sorted(train.labels.unique().tolist()) == list(range(10))
    assert train.labels[:5].tolist() == [5, 0, 4, 1, 9]


def test_folder_comes_from_option_then_environment_then_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("DIGITDRAW_DATA", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "cli") == tmp_path / "cli"
    assert resolve_data_dir(None) == tmp_path / "env"
    monkeypatch.delenv("DIGITDRAW_DATA")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LOCALAPPDATA", str(tmp_path / "local"))
    expected = {
        "linux": tmp_path / "cache" / "digitdraw" / "data",
        "win32": tmp_path / "local" / "digitdraw" / "data",
        "darwin": tmp_path / "home" / "Library" / "Caches" / "digitdraw" / "data",
    }[sys.platform]
    assert resolve_data_dir(None) == expected
    monkeypatch.delenv("XDG_CACHE_HOME")
    if sys.platform == "linux":
        assert resolve_data_dir(None) == tmp_path / "home" / ".cache" / "digitdraw" / "data"


def test_a_relative_folder_is_made_absolute_so_written_scripts_find_it_anywhere(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DIGITDRAW_DATA", "../shared/data")
    assert resolve_data_dir(None) == tmp_path / ".." / "shared" / "data"
    assert resolve_data_dir("mnist") == tmp_path / "mnist"


def test_missing_data_names_the_folder_and_the_four_files(tmp_path, monkeypatch):
    monkeypatch.setattr(data, "_download", lambda root: None)  # as on a machine without network
    with pytest.raises(DataMissingError) as error:
        load_mnist(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "MNIST" / "raw") in message
    for name in data.RAW_FILES:
        assert name in message


def test_truncated_idx_file_is_reported(tmp_path, data_dir):
    source = data_dir / "MNIST" / "raw" / "t10k-labels-idx1-ubyte"
    broken = tmp_path / "labels"
    broken.write_bytes(source.read_bytes()[:500])
    with pytest.raises(DataMissingError, match="truncated"):
        read_idx(broken)
