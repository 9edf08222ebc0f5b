"""The system libraries Qt's X11 ("xcb") platform plugin needs, checked before the window opens.

PySide6's wheels carry Qt but not these; when one is missing, creating the ``QApplication``
aborts the process ("no Qt platform plugin could be initialized"). Checking them first turns that
into a message naming what is missing and the command that installs it. No Qt import: the check
is a few ``dlopen`` calls of libraries Qt would load a moment later anyway.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# soname -> (Debian / Ubuntu package, Fedora package). These are the direct dependencies of
# PySide6's Qt/plugins/platforms/libqxcb.so and Qt/lib/libQt6XcbQpa.so.6 outside Qt itself and
# the C / C++ runtime; tests/test_xcb_libraries.py reads them from the installed plugin and
# fails when a PySide6 release needs another.
LIBRARIES: dict[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
}


def loads(soname: str) -> bool:
    """Whether the dynamic loader finds and loads ``soname`` (and what it needs in turn)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt will open its window through X11: on Linux, ``QT_QPA_PLATFORM`` naming xcb
    first, or unset with a ``DISPLAY`` and no ``WAYLAND_DISPLAY``."""
    if not platform.startswith("linux"):
        return False
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(";")[0].split(":")[0].strip() == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def has_no_display(environ: Mapping[str, str], platform: str) -> bool:
    """Whether Qt would look for an X server or a Wayland compositor on Linux and find neither
    named (an SSH session without -X, a server with no screen)."""
    return (platform.startswith("linux") and not environ.get("QT_QPA_PLATFORM") and not environ.get("DISPLAY")
            and not environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") != "wayland")


def missing_libraries(load: Callable[[str], bool] = loads) -> list[str]:
    """The sonames in :data:`LIBRARIES` that cannot be loaded."""
    return [soname for soname in LIBRARIES if not load(soname)]


def install_commands(missing: list[str]) -> tuple[str, str]:
    """The apt (Debian / Ubuntu) and dnf (Fedora) commands that install ``missing`` sonames."""
    debian = dict.fromkeys(LIBRARIES[soname][0] for soname in missing)
    fedora = dict.fromkeys(LIBRARIES[soname][1] for soname in missing)
    return "sudo apt install " + " ".join(debian), "sudo dnf install " + " ".join(fedora)


def startup_problem(environ: Mapping[str, str] | None = None, platform: str = sys.platform,
                    load: Callable[[str], bool] = loads) -> str | None:
    """What to tell the user when Qt would abort instead of opening the window (no display, or X11
    without its plugin's libraries); None when all is well."""
    environ = os.environ if environ is None else environ
    if has_no_display(environ, platform):
        return (
            "digitdraw cannot open its window: there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set).\n"
            "Over SSH, connect with ssh -X; without a screen, 'digitdraw classify' and 'digitdraw train' "
            "work in the terminal."
        )
    if not uses_xcb(environ, platform):
        return None
    missing = missing_libraries(load)
    if not missing:
        return None
    apt, dnf = install_commands(missing)
    return (
        "digitdraw cannot open its window: Qt's X11 platform plugin (xcb) needs system libraries "
        "that are not installed:\n"
        f"  {', '.join(missing)}\n"
        "Install them, then start digitdraw again:\n"
        f"  Debian / Ubuntu:  {apt}\n"
        f"  Fedora:           {dnf}\n"
        "(On Wayland, over SSH or in WSL, see \"If the window does not open\" in digitdraw's README.)"
    )
