"""The app's language: English or Simplified Chinese, following the system unless chosen in the menu.

Translations are Qt ``.qm`` files compiled from the ``.ts`` files next to them in
``digitdraw/ui/translations`` (regenerate both with ``python tools/translations.py``). Qt's own
translation of its standard dialogs (``qtbase_zh_CN.qm``) is loaded too when Qt ships it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

from ..core import devices
from ..core.messages import UserMessage, first_line

TRANSLATIONS_DIR = Path(__file__).resolve().with_name("translations")
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}  # each in its own language: never translated
SETTING = "ui/language"  # one of LANGUAGES, or "" (absent) to follow the system
_installed: list[QTranslator] = []
_current = "en"  # the language of the translators installed last (English when none are)
# The words of core.devices.device_label, for lupdate to find; a CUDA card keeps its own name.
DEVICE_WORDS = (QT_TRANSLATE_NOOP("Devices", "cpu — processor"), QT_TRANSLATE_NOOP("Devices", "mps — Apple GPU"))
# Words of Qt's own file dialog that Qt's Chinese translation (qtbase_zh_CN) lacks: Qt asks every
# installed translator, so digitdraw's supplies them.
QT_DIALOG_WORDS = (QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"), QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"))


def chosen_language() -> str:
    """The language picked in the menu, or "" to follow the system."""
    choice = str(QSettings().value(SETTING, "") or "")
    return choice if choice in LANGUAGES else ""


def choose_language(language: str) -> None:
    """Remember ``language`` (a key of :data:`LANGUAGES`, or "" for the system's) for the next start."""
    if language and language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    QSettings().setValue(SETTING, language)


def system_language(locale: QLocale | None = None) -> str:
    """``zh_CN`` for a system that reads Simplified Chinese first, else ``en``."""
    for tag in (locale or QLocale.system()).uiLanguages():
        parts = tag.replace("_", "-").split("-")
        if parts[0] == "zh":
            traditional = any(part in ("Hant", "TW", "HK", "MO") for part in parts[1:])
            return "en" if traditional else "zh_CN"
        if parts[0] == "en":
            return "en"
    return "en"


def language_in_effect() -> str:
    """The language the app speaks at this start: the chosen one, else the system's."""
    return chosen_language() or system_language()


def current_language() -> str:
    """The language the app speaks now: the one :func:`install_translators` installed last."""
    return _current


def install_translators(language: str | None = None) -> str:
    """Install the translators for ``language`` (default: :func:`language_in_effect`); returns it.

    Call before building any widget: texts are translated when widgets are made. Translators
    installed by an earlier call are removed first.
    """
    global _current
    app = QCoreApplication.instance()
    language = language or language_in_effect()
    remove_translators()
    sources = [(f"digitdraw_{language}", str(TRANSLATIONS_DIR))]
    if language != "en":
        sources.append((f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)))
    for name, folder in sources:
        translator = QTranslator(app)
        if translator.load(name, folder) and app.installTranslator(translator):
            _installed.append(translator)
    _current = language
    return language


def remove_translators() -> None:
    """Remove the translators :func:`install_translators` installed: the app speaks English again."""
    global _current
    app = QCoreApplication.instance()
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    _current = "en"


def device_label(device: str) -> str:
    """:func:`digitdraw.core.devices.device_label` in the app's language."""
    return QCoreApplication.translate("Devices", devices.device_label(device))


def error_text(error: BaseException) -> str:
    """An error's message in the app's language: core's :class:`UserMessage` templates translated; any
    other error one sentence in the app's language, with the first line of its own text (never a
    traceback), which says what a bug report needs."""
    if isinstance(error, UserMessage):
        return error.fill(QCoreApplication.translate("", error.template))
    return QCoreApplication.translate("", "That did not work: {0}").format(first_line(error))
