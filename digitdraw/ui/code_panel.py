"""The *PyTorch code* panel: the script that does what a tab does with its current settings.

Every tab has a :func:`code_button`; pressing it asks the tab for its script (text from
:mod:`digitdraw.core.codegen`, the same text ``digitdraw code ...`` prints) and shows it in the
window's one :class:`CodePanel`, highlighted by Pygments, with *Copy* and *Save as .py*.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)

from ..core.codegen import LANGUAGES
from ..core.messages import UserMessage
from .language import current_language, error_text

# What a tab hands the panel: (script, file name to save it as), or raises a UserMessage saying why not.
CodeMaker = Callable[[str], tuple[str, str]]


def code_language() -> str:
    """The language of the scripts' comments: the app's."""
    language = current_language()
    return language if language in LANGUAGES else "en"


class PygmentsHighlighter(QSyntaxHighlighter):
    """Python colours from a Pygments style. The whole text is lexed once (a docstring spans many
    lines); each line then takes the formats that fall in it."""

    def __init__(self, document, style: str = "friendly"):
        super().__init__(document)
        from pygments.styles import get_style_by_name

        self._style = get_style_by_name(style)
        self._formats: dict = {}
        self._spans: list[tuple[int, int, QTextCharFormat]] = []

    def set_text(self, text: str) -> None:
        """Lex ``text`` (the document's text, set just before) and highlight it."""
        from pygments.lexers import PythonLexer

        self._spans = []
        position = 0
        for _, token, value in PythonLexer().get_tokens_unprocessed(text):
            length = _utf16_length(value)
            text_format = self._format(token)
            if text_format is not None and value.strip():
                self._spans.append((position, length, text_format))
            position += length
        self.rehighlight()

    def _format(self, token) -> QTextCharFormat | None:
        if token not in self._formats:
            style = self._style.style_for_token(token)
            text_format = None
            if style["color"] or style["bold"] or style["italic"]:
                text_format = QTextCharFormat()
                if style["color"]:
                    text_format.setForeground(QColor(f"#{style['color']}"))
                if style["bold"]:
                    text_format.setFontWeight(QFont.Weight.Bold)
                text_format.setFontItalic(bool(style["italic"]))
            self._formats[token] = text_format
        return self._formats[token]

    def highlightBlock(self, text: str) -> None:
        block = self.currentBlock()
        start, end = block.position(), block.position() + block.length()
        for position, length, text_format in self._spans:
            if position + length > start and position < end:
                self.setFormat(max(0, position - start), min(position + length, end) - max(position, start), text_format)


def _utf16_length(text: str) -> int:
    """Positions in a QTextDocument count UTF-16 units."""
    return len(text) + sum(1 for character in text if ord(character) > 0xFFFF)


class CodePanel(QDialog):
    """A script shown read-only and highlighted, with Copy and Save as .py."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("codePanel")
        self.setWindowTitle(self.tr("PyTorch code"))
        self.code = ""
        self.file_name = "script.py"
        self.heading = QLabel(objectName="codeHeading")
        self.heading.setWordWrap(True)
        self.editor = QPlainTextEdit(objectName="codeText", readOnly=True)
        self.editor.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.highlighter = PygmentsHighlighter(self.editor.document())
        self.status = QLabel(objectName="codeStatus")
        self.copy_button = QPushButton(self.tr("Copy"), objectName="copyCode")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton(self.tr("Save as .py…"), objectName="saveCode")
        self.save_button.clicked.connect(self._ask_save)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        for button in (self.copy_button, self.save_button, close):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.editor, 1)
        layout.addLayout(buttons)
        self.resize(860, 640)

    def show_code(self, code: str, file_name: str, heading: str) -> None:
        """Show ``code`` (saved as ``file_name`` by default) under ``heading``."""
        self.code, self.file_name = code, file_name
        self.heading.setText(heading)
        self.status.setText("")
        self.copy_button.setEnabled(bool(code))
        self.save_button.setEnabled(bool(code))
        self.editor.setPlainText(code)
        self.highlighter.set_text(code)
        self.show()
        self.raise_()
        self.activateWindow()

    def show_problem(self, text: str, heading: str) -> None:
        """No script, and ``text`` saying why."""
        self.show_code("", self.file_name, heading)
        self._say(text, error=True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code)
        self._say(self.tr("Copied to the clipboard."))

    def save(self, path: str | Path) -> bool:
        """Write the script to ``path``; a failure is said in the panel, nothing is lost."""
        try:
            Path(path).write_text(self.code, encoding="utf-8")
        except OSError:
            self._say(self.tr("Could not save {0}: check that its folder exists and can be written to.").format(path),
                      error=True)
            return False
        self._say(self.tr("Saved {0}.").format(Path(path).name))
        return True

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save the script"), self.file_name,
                                              self.tr("Python scripts (*.py)"))
        if path:
            self.save(path)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #e04040;" if error else "")
        self.status.setText(text)


def code_panel(widget: QWidget) -> CodePanel:
    """The one code panel of ``widget``'s window, made on first use."""
    window = widget.window()
    panel = window.findChild(CodePanel, "codePanel", Qt.FindChildOption.FindDirectChildrenOnly)
    return panel or CodePanel(window)


def show_code(widget: QWidget, make_code: CodeMaker, heading: str) -> CodePanel:
    """Ask ``make_code`` for the script in the app's language and show it in the window's panel; for
    settings no script is written for (a :class:`UserMessage`), the panel says why instead."""
    panel = code_panel(widget)
    try:
        code, file_name = make_code(code_language())
    except (UserMessage, ValueError) as error:
        panel.show_problem(error_text(error), heading)
    else:
        panel.show_code(code, file_name, heading)
    return panel


def code_button(widget: QWidget, make_code: CodeMaker, heading: str) -> QPushButton:
    """A *PyTorch code* button for a tab: ``make_code(language)`` gives its current script and a file name."""
    button = QPushButton(QCoreApplication.translate("CodePanel", "PyTorch code"), objectName="codeButton")
    button.setToolTip(QCoreApplication.translate(
        "CodePanel", "The PyTorch script that does what this tab does, with its settings as they are now"))
    button.clicked.connect(lambda: show_code(widget, make_code, heading))
    return button
