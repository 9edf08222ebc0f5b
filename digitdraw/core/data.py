"""MNIST as whole tensors, and where to find it.

The data folder comes from the command line, else ``DIGITDRAW_DATA``, else a per-user cache.
It holds torchvision's layout (``MNIST/raw/``). Downloading is tried only when files are missing.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from .messages import UserMessage, translatable

RAW_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
ENV_VAR = "DIGITDRAW_DATA"


class DataMissingError(UserMessage):
    """MNIST is not in the data folder and could not be downloaded."""


@dataclass(frozen=True)
class MnistSplit:
    """One split of MNIST: ``images`` uint8 (N, 28, 28) and ``labels`` int64 (N,)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, count: int) -> "MnistSplit":
        """The first ``count`` samples (all of them if ``count`` is larger)."""
        return MnistSplit(self.images[:count], self.labels[:count])


def user_cache_dir() -> Path:
    """The per-user cache folder for digitdraw's data, following each platform's custom."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "digitdraw" / "data"


def resolve_data_dir(cli_value: str | os.PathLike | None = None) -> Path:
    """The data folder: the command-line value, else ``$DIGITDRAW_DATA``, else the user cache.

    Always absolute, so a script written with it finds MNIST from whatever folder it runs in.
    """
    if cli_value:
        return Path(cli_value).expanduser().absolute()
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR]).expanduser().absolute()
    return user_cache_dir().absolute()


def missing_files(data_dir: Path) -> list[str]:
    """The MNIST raw files that ``data_dir`` lacks."""
    raw = data_dir / "MNIST" / "raw"
    return [name for name in RAW_FILES if not (raw / name).is_file()]


def load_mnist(data_dir: str | os.PathLike | None = None, *, download: bool = True) -> tuple[MnistSplit, MnistSplit]:
    """Load (train, test) MNIST into memory, downloading first if files are missing and allowed."""
    root = resolve_data_dir(data_dir)
    if missing_files(root) and download:
        _download(root)
    missing = missing_files(root)
    if missing:
        raise DataMissingError(
            translatable(
                "MNIST not found in {folder}: missing {missing}. Download could not fetch them (no network?). "
                "Put the four MNIST files ({files}) there, uncompressed, or point --data-dir / {variable} at a "
                "folder that holds MNIST/raw/."
            ),
            folder=root / "MNIST" / "raw",
            missing=", ".join(missing),
            files=", ".join(RAW_FILES),
            variable=ENV_VAR,
        )
    raw = root / "MNIST" / "raw"
    train_images, train_labels, test_images, test_labels = (read_idx(raw / name) for name in RAW_FILES)
    return MnistSplit(train_images, train_labels.long()), MnistSplit(test_images, test_labels.long())


_mnist_cache: dict[Path, tuple[MnistSplit, MnistSplit]] = {}
_mnist_lock = threading.Lock()


def cached_mnist(data_dir: str | os.PathLike | None = None) -> tuple[MnistSplit, MnistSplit]:
    """:func:`load_mnist`, read from disk once per process and folder (safe from any thread)."""
    root = resolve_data_dir(data_dir).resolve()
    with _mnist_lock:
        if root not in _mnist_cache:
            _mnist_cache[root] = load_mnist(root)
        return _mnist_cache[root]


def read_idx(path: Path) -> torch.Tensor:
    """Read an uncompressed unsigned-byte IDX file (the MNIST format) into a uint8 tensor."""
    # Read into a writable buffer that becomes the tensor's memory: no copy in Python, whose GIL a
    # 47 MB copy would hold for tens of milliseconds (the window stutters when training starts).
    with open(path, "rb") as file:
        data = bytearray(os.fstat(file.fileno()).st_size)
        file.readinto(data)
    if len(data) < 4 or data[:2] != b"\0\0" or data[2] != 0x08:
        raise DataMissingError(translatable("{path} is not an unsigned-byte IDX file"), path=path)
    ndim = data[3]
    shape = [int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    found = len(data) - (4 + 4 * ndim)
    if found != int(np.prod(shape)):
        raise DataMissingError(
            translatable("{path} is truncated: expected {expected} bytes of data, found {found}"),
            path=path, expected=int(np.prod(shape)), found=found,
        )
    return torch.from_numpy(np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape))


def write_idx(path: Path, tensor: torch.Tensor) -> None:
    """Write a uint8 tensor as an IDX file, the inverse of :func:`read_idx`."""
    array = np.ascontiguousarray(tensor.numpy(), dtype=np.uint8)
    header = b"\0\0\x08" + bytes([array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    path.write_bytes(header + array.tobytes())


def write_mnist(root: Path, train: MnistSplit, test: MnistSplit) -> None:
    """Write two splits as a data folder in torchvision's layout (e.g. a small subset to try things on)."""
    raw = Path(root) / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    tensors = (train.images, train.labels, test.images, test.labels)
    for name, tensor in zip(RAW_FILES, tensors):
        write_idx(raw / name, tensor.to(torch.uint8))


def _download(root: Path) -> None:
    """Fetch MNIST with torchvision; failures are left for the caller's missing-files check."""
    try:
        from torchvision.datasets import MNIST

        for train in (True, False):
            MNIST(root, train=train, download=True)
    except Exception:  # no network, or a broken mirror: the caller reports what is missing
        pass
