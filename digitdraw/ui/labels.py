"""Labels that keep their room: a message line in a colour, and one line of text elided to its width.

A label whose text grows widens its layout, and a top-level window grows with it (off a small
screen). These take the width they are given and show what fits; the whole text is in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetrics, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

ERROR_COLOUR = "#b3261e"
MESSAGE_COLOUR = "#444444"


def show_message(label: QLabel, text: str, error: bool = False) -> None:
    """Show ``text`` on ``label``, red for an error; the colour goes through the palette, so the font stays the tab's."""
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR_COLOUR if error else MESSAGE_COLOUR))
    label.setPalette(palette)
    label.setProperty("error", error)
    label.setText(text)


def is_error(label: QLabel) -> bool:
    """Whether ``label`` shows its message as an error."""
    return bool(label.property("error")) and bool(label.text())


class MessageLine(QLabel):
    """A wrapping message label that always takes ``lines`` lines of room, text or none, so nothing below it moves."""

    def __init__(self, lines: int = 2, parent: QWidget | None = None, **kwargs):
        super().__init__("", parent, wordWrap=True, **kwargs)
        self.lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self._fit_height()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # e.g. the tab's larger font, inherited when placed
            self._fit_height()

    def hasHeightForWidth(self) -> bool:  # noqa: N802 (Qt's name)
        """Never: its height is fixed. (A wrapping label says yes, and a scroll area around it would then size
        its contents to their preferred height and scroll.)"""
        return False

    def _fit_height(self) -> None:
        self.setFixedHeight(self.lines * QFontMetrics(self.font()).lineSpacing() + 2)


def message_line(lines: int = 2, parent: QWidget | None = None) -> MessageLine:
    """A :class:`MessageLine` of ``lines`` lines."""
    return MessageLine(lines, parent)


class ElidedLabel(QLabel):
    """One line of text that never asks for more width than it is given: what does not fit ends in "…"."""

    def __init__(self, text: str = "", parent: QWidget | None = None, elide: Qt.TextElideMode = Qt.TextElideMode.ElideRight,
                 lines: int | None = None, **kwargs):
        """``lines``: always this many lines high, text or none (else as high as the text)."""
        super().__init__("", parent, **kwargs)
        self._full = ""
        self._elide = elide
        self._lines = lines
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(20)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 (Qt's name)
        self._full = text
        self.setToolTip(text if "\n" not in text else text.replace("\n", " · "))
        self._fit()

    def text(self) -> str:
        """The whole text, as set (what shows may be shortened)."""
        return self._full

    def shown_text(self) -> str:
        return super().text()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._fit()

    def _fit(self) -> None:
        if self._lines:
            self.setFixedHeight(self._lines * QFontMetrics(self.font()).lineSpacing() + 2)
        metrics = QFontMetrics(self.font())
        width = max(0, self.contentsRect().width())
        lines = [metrics.elidedText(line, self._elide, width) for line in self._full.split("\n")]
        super().setText("\n".join(lines))
