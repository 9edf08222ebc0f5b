"""The compute devices that really exist on this machine."""

from __future__ import annotations

import torch


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
