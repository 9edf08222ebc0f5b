"""The compute devices that really exist on this machine."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import torch

SINGLE_THREAD_BATCH = 16  # CPU batches up to this size run on one thread: splitting them costs more than it saves


def available_devices() -> list[str]:
    """Device names usable with ``torch.device``: always ``cpu``, then each accelerator."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        devices.append("mps")
    return devices


def device_label(device: str) -> str:
    """A human name for a device, e.g. ``cuda:0 — NVIDIA H200``."""
    if device.startswith("cuda"):
        return f"{device} — {torch.cuda.get_device_name(torch.device(device))}"
    if device == "mps":
        return "mps — Apple GPU"
    return "cpu — processor"


def resolve_device(requested: str | None) -> str:
    """Check a user's device choice; ``None`` or ``auto`` picks the first accelerator, else CPU."""
    devices = available_devices()
    if requested in (None, "", "auto"):
        return devices[1] if len(devices) > 1 else "cpu"
    if requested == "cuda" and "cuda:0" in devices:
        return "cuda:0"
    if requested not in devices:
        raise ValueError(f"device {requested!r} is not available here (available: {', '.join(devices)})")
    return requested


def synchronize(device: str) -> None:
    """Wait for queued work on ``device`` so that timings are honest."""
    if device.startswith("cuda"):
        torch.cuda.synchronize(torch.device(device))
    elif device == "mps":
        torch.mps.synchronize()


def threads_for_batch(device: str | torch.device, batch_size: int) -> int:
    """CPU threads worth using for one batch: one for a small CPU batch, else torch's current setting."""
    small_cpu_batch = torch.device(device).type == "cpu" and batch_size <= SINGLE_THREAD_BATCH
    return 1 if small_cpu_batch else torch.get_num_threads()


@contextmanager
def torch_threads(count: int) -> Iterator[None]:
    """Run torch's CPU kernels on ``count`` threads; the setting is per calling thread, so workers keep theirs."""
    before = torch.get_num_threads()
    torch.set_num_threads(count)
    try:
        yield
    finally:
        torch.set_num_threads(before)
