"""The check of the X11 plugin's system libraries that runs before the window opens; no display needed."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from digitdraw.core import xcb_libraries
from digitdraw.core.xcb_libraries import LIBRARIES, install_commands, loads, startup_problem, uses_xcb

X11_DESKTOP = {"DISPLAY": ":0"}


def needed_libraries(path: Path) -> list[str]:
    """The DT_NEEDED entries of a 64-bit little-endian ELF file: the libraries it links to."""
    data = path.read_bytes()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, f"{path} is not a 64-bit little-endian ELF file"
    section_offset, = struct.unpack_from("<Q", data, 0x28)
    entry_size, count = struct.unpack_from("<HH", data, 0x3A)
    # Section header fields: name, type, flags, address, offset, size, link, ...
    sections = [struct.unpack_from("<IIQQQQI", data, section_offset + i * entry_size) for i in range(count)]
    dynamic = next(section for section in sections if section[1] == 6)  # SHT_DYNAMIC
    strings_offset = sections[dynamic[6]][4]
    names = []
    for offset in range(dynamic[4], dynamic[4] + dynamic[5], 16):
        tag, value = struct.unpack_from("<qQ", data, offset)
        if tag == 0:  # DT_NULL
            break
        if tag == 1:  # DT_NEEDED
            start = strings_offset + value
            names.append(data[start:data.index(b"\0", start)].decode())
    return names


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb plugin exists on Linux only")
def test_the_table_lists_exactly_the_system_libraries_the_installed_plugin_needs():
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugin_files = [qt / "plugins" / "platforms" / "libqxcb.so", qt / "lib" / "libQt6XcbQpa.so.6"]
    runtime = {"libc.so.6", "libm.so.6", "libstdc++.so.6", "libgcc_s.so.1"}
    needed = {name for path in plugin_files for name in needed_libraries(path)}
    system = {name for name in needed if not name.startswith("libQt6") and name not in runtime}
    assert set(LIBRARIES) == system


@pytest.mark.parametrize(("environ", "expected"), [
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb:nograb", "WAYLAND_DISPLAY": "wayland-0"}, True),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, False),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "wayland;xcb"}, False),
])
def test_only_a_linux_start_that_qt_sends_to_x11_is_checked(environ, expected):
    assert uses_xcb(environ, "linux") is expected
    assert uses_xcb(environ, "win32") is False
    assert uses_xcb(environ, "darwin") is False


def test_missing_libraries_are_named_with_the_commands_that_install_them():
    missing = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-shm.so.0", "libxcb-sync.so.1"}
    problem = startup_problem(X11_DESKTOP, "linux", load=lambda soname: soname not in missing)
    assert "libxcb-icccm.so.4" in problem and "libxcb-keysyms.so.1" in problem and "libxcb-cursor" not in problem
    assert "sudo apt install libxcb-icccm4 libxcb-keysyms1 libxcb-shm0 libxcb-sync1\n" in problem
    # Fedora ships both xcb extensions in one package, named once.
    assert "sudo dnf install xcb-util-wm xcb-util-keysyms libxcb\n" in problem


def test_every_library_has_a_debian_and_a_fedora_package():
    apt, dnf = install_commands(list(LIBRARIES))
    assert apt.startswith("sudo apt install libxcb1 ") and dnf.startswith("sudo dnf install libxcb ")
    assert all(debian and fedora and " " not in debian + fedora for debian, fedora in LIBRARIES.values())


def test_nothing_is_said_when_every_library_loads_or_x11_is_not_used():
    assert startup_problem(X11_DESKTOP, "linux", load=lambda soname: True) is None
    assert startup_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", load=lambda soname: False) is None


@pytest.mark.parametrize(("environ", "expected"), [
    ({}, True),
    ({"XDG_SESSION_TYPE": "tty"}, True),
    ({"DISPLAY": ":0"}, False),
    ({"WAYLAND_DISPLAY": "wayland-0"}, False),
    ({"XDG_SESSION_TYPE": "wayland"}, False),  # Wayland clients find wayland-0 by themselves
    ({"QT_QPA_PLATFORM": "offscreen"}, False),
])
def test_a_start_with_no_display_is_told_what_works_instead(environ, expected):
    problem = startup_problem(environ, "linux", load=lambda soname: True)
    assert (problem is not None) is expected
    if expected:
        assert "no display" in problem and "digitdraw classify" in problem and "ssh -X" in problem
    assert startup_problem(environ, "win32", load=lambda soname: False) is None


def test_the_readme_installs_every_library_on_debian_and_fedora():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    apt_block = readme[readme.index("sudo apt install libxcb1"):readme.index("# Debian, Ubuntu")]
    dnf_block = readme[readme.index("sudo dnf install libxcb"):readme.index("# Fedora")]
    assert {debian for debian, _ in LIBRARIES.values()} == set(apt_block.split()[3:]) - {"\\"}
    assert {fedora for _, fedora in LIBRARIES.values()} == set(dnf_block.split()[3:]) - {"\\"}


def test_the_loader_finds_a_library_that_exists_and_not_one_that_does_not():
    if sys.platform.startswith("linux"):
        assert loads("libc.so.6")
    assert not loads("libdigitdraw-no-such-library.so.9")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
def test_the_app_prints_the_advice_and_exits_with_1_instead_of_aborting(monkeypatch, capsys):
    from digitdraw.ui.app import run_app

    real_loader = xcb_libraries.ctypes.CDLL

    def loader_without_icccm(name, *args, **kwargs):
        if name == "libxcb-icccm.so.4":
            raise OSError(f"{name}: cannot open shared object file: No such file or directory")
        return real_loader(name, *args, **kwargs)

    monkeypatch.setattr(xcb_libraries.ctypes, "CDLL", loader_without_icccm)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert run_app() == 1
    error = capsys.readouterr().err
    assert "libxcb-icccm.so.4" in error and "apt install libxcb-icccm4" in error and "dnf install xcb-util-wm" in error
