"""Regenerate the app's translation sources (.ts) from the code and compile them (.qm).

    python tools/translations.py           # update the .ts files, then compile the .qm files
    python tools/translations.py --check   # exit 1 if a string has no translation or a .qm is stale

Uses ``lupdate`` and ``lrelease``, which come with PySide6-Essentials (the same programs as
``pyside6-lupdate`` / ``pyside6-lrelease``). ``digitdraw_zh_CN.ts`` holds every string of
``digitdraw/ui`` and the messages of ``digitdraw/core`` marked ``translatable``; ``digitdraw_en.ts`` only the plural forms English needs ("1 step", "2 steps").
Edit the translations in the .ts files (by hand or with ``pyside6-linguist``), then run this again.

The command line speaks through Python's ``gettext``: ``digitdraw/locale/zh_CN/LC_MESSAGES/digitdraw.po``
holds the messages and ``--help`` of ``cli.py``, core's messages for the user and argparse's own
words; it is updated and compiled with GNU gettext's ``xgettext``, ``msgmerge`` and ``msgfmt``
(``apt install gettext``), skipped with a note where they are missing.
"""

from __future__ import annotations

import argparse
import gettext
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import PySide6

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "digitdraw"
TRANSLATIONS = PACKAGE / "ui" / "translations"
# Each translation file and whether it holds only plural forms.
TS_FILES = {"digitdraw_zh_CN.ts": False, "digitdraw_en.ts": True}
CLI_PO = PACKAGE / "locale" / "zh_CN" / "LC_MESSAGES" / "digitdraw.po"
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msgfmt", "msgen")


def qt_tool(name: str) -> str:
    """Path of a Qt tool shipped inside the PySide6 package (what ``pyside6-<name>`` runs)."""
    folder = Path(PySide6.__file__).resolve().parent
    tool = folder / (name + ".exe" if sys.platform == "win32" else name)
    if not tool.exists():
        raise SystemExit(f"{tool} not found: install PySide6-Essentials (it ships lupdate and lrelease)")
    return str(tool)


def sources() -> list[str]:
    """The ui's files (tr, translate) and core's (messages marked with ``translatable``)."""
    return sorted(str(path) for folder in ("ui", "core") for path in (PACKAGE / folder).rglob("*.py"))


def update(ts_folder: Path) -> None:
    """Bring the .ts files in ``ts_folder`` up to date with the strings in the code."""
    for name, plurals_only in TS_FILES.items():
        options = ["-silent", "-no-obsolete", "-locations", "none", "-source-language", "en"]
        options += ["-tr-function-alias", "QT_TR_NOOP+=translatable"]  # digitdraw.core.messages
        options += ["-pluralonly"] if plurals_only else []
        subprocess.run([qt_tool("lupdate"), *options, *sources(), "-ts", str(ts_folder / name)], check=True)


def release(ts_folder: Path, qm_folder: Path) -> None:
    """Compile each .ts file of ``ts_folder`` to a .qm file in ``qm_folder``."""
    for name in TS_FILES:
        qm = qm_folder / Path(name).with_suffix(".qm").name
        subprocess.run([qt_tool("lrelease"), "-silent", str(ts_folder / name), "-qm", str(qm)], check=True)


def untranslated(ts_file: Path) -> list[str]:
    """Source texts of ``ts_file`` whose translation is missing or unfinished."""
    missing = []
    for message in ElementTree.parse(ts_file).iter("message"):
        translation = message.find("translation")
        forms = translation.findall("numerusform") or [translation]
        if translation.get("type") == "unfinished" or not all((form.text or "").strip() for form in forms):
            missing.append(message.findtext("source"))
    return missing


def cli_sources(with_argparse: bool = True) -> list[str]:
    """The command line's file, core's (``translatable`` messages) and, for its --help words, argparse."""
    files = [str(PACKAGE / "cli.py")] + sorted(str(path) for path in (PACKAGE / "core").rglob("*.py"))
    return files + ([argparse.__file__] if with_argparse else [])


def cli_template(pot: Path, own_only: bool = False) -> None:
    """Extract the command line's messages (``own_only``: not argparse's) into the template ``pot``."""
    subprocess.run(["xgettext", "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=translatable",
                    "--no-location", "--sort-output", "-o", str(pot), *cli_sources(with_argparse=not own_only)],
                   check=True)
    lines = pot.read_text(encoding="utf-8").splitlines(keepends=True)  # no date, so the .po changes only with its text
    pot.write_text("".join(line for line in lines if not line.startswith('"POT-Creation-Date')), encoding="utf-8")


def cli_update(po: Path) -> None:
    """Bring ``po`` up to date with the command line's messages, then compile it beside itself."""
    with tempfile.TemporaryDirectory() as folder:
        pot = Path(folder) / "digitdraw.pot"
        cli_template(pot)
        subprocess.run(["msgmerge", "--quiet", "--update", "--backup=none", "--no-fuzzy-matching", "--no-location",
                        "--sort-output", str(po), str(pot)], check=True)
    subprocess.run(["msgfmt", "-o", str(po.with_suffix(".mo")), str(po)], check=True)


def cli_untranslated(po: Path) -> list[str]:
    """Messages of digitdraw's own (argparse's are optional) that ``po`` does not translate."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cli_template(folder / "own.pot", own_only=True)
        subprocess.run(["msgen", "-o", str(folder / "own.po"), str(folder / "own.pot")], check=True)
        for name in ("own", "zh_CN"):
            source = folder / "own.po" if name == "own" else po
            subprocess.run(["msgfmt", "-o", str(folder / f"{name}.mo"), str(source)], check=True)
        with open(folder / "own.mo", "rb") as own, open(folder / "zh_CN.mo", "rb") as translated:
            wanted, have = gettext.GNUTranslations(own)._catalog, gettext.GNUTranslations(translated)._catalog
    return [msgid for msgid in wanted if msgid and msgid not in have]


def check() -> list[str]:
    """Problems with the committed translations: strings without one, and stale .qm files."""
    problems = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name in TS_FILES:
            shutil.copy(TRANSLATIONS / name, folder / name)
        update(folder)
        for name in TS_FILES:
            problems += [f"{name}: no translation for {text!r}" for text in untranslated(folder / name)]
        release(TRANSLATIONS, folder)
        for name in TS_FILES:
            qm = Path(name).with_suffix(".qm").name
            if (folder / qm).read_bytes() != (TRANSLATIONS / qm).read_bytes():
                problems.append(f"{qm} is older than {name}: run python tools/translations.py")
    if all(shutil.which(tool) for tool in GETTEXT_TOOLS):
        problems += [f"{CLI_PO.name}: no translation for {text!r}" for text in cli_untranslated(CLI_PO)]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is untranslated")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "every string is translated and every .qm is up to date")
        return 1 if problems else 0
    TRANSLATIONS.mkdir(exist_ok=True)
    update(TRANSLATIONS)
    release(TRANSLATIONS, TRANSLATIONS)
    for name in TS_FILES:
        missing = untranslated(TRANSLATIONS / name)
        print(f"{name}: {len(missing)} string(s) still to translate" if missing else f"{name}: complete")
    if not all(shutil.which(tool) for tool in GETTEXT_TOOLS):
        print(f"{CLI_PO.name}: not updated, GNU gettext ({', '.join(GETTEXT_TOOLS)}) is not installed")
        return 0
    if not CLI_PO.exists():
        CLI_PO.parent.mkdir(parents=True, exist_ok=True)
        CLI_PO.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: zh_CN\\n"\n')
    cli_update(CLI_PO)
    missing = cli_untranslated(CLI_PO)
    print(f"{CLI_PO.name}: {len(missing)} string(s) still to translate" if missing else f"{CLI_PO.name}: complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
