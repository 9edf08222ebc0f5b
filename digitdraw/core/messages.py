"""Messages for the user from core, in a form the window can translate (core never imports Qt).

A :class:`UserMessage` error keeps its English template and the values that fill it: ``str()`` is
the English sentence (what the command line prints), and the window fills the template's
translation instead (``digitdraw.ui.language.error_text``). :func:`translatable` marks a template
so that ``lupdate`` finds it (``tools/translations.py`` tells lupdate the name).
"""

from __future__ import annotations


def translatable(template: str) -> str:
    """Mark ``template`` (English, with ``{name}`` placeholders) for translators; returns it unchanged."""
    return template


def first_line(exc: BaseException) -> str:
    """The first line of an exception's text (a library's message can run to a traceback), else its kind."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


class UserMessage(Exception):
    """An error whose message is meant for the user: a :func:`translatable` template and its values."""

    def __init__(self, template: str, **values):
        self.template = template
        self.values = values
        super().__init__(self.fill(template))

    def fill(self, template: str) -> str:
        """``template`` (this message's, or its translation) with the values filled in."""
        return template.format(**self.values) if self.values else template  # a plain text may hold braces
