"""Tabs whose costly parts come after their first paint, one per turn of the event loop.

A tab's plots are most of what its first switch costs: each pyqtgraph plot is tens of milliseconds
to build and as much to paint the first time. Built all at once, the window would not answer for
longer than two frames. A tab that mixes in :class:`LaterParts` shows the rest of itself first, then
builds one part per turn, each painted before the next is built, so the window answers in between.
Code that asks for a part before it was built (a test, a menu action) gets it built at once.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QTimer

AFTER_MS = 10  # each part is built this long after the last was painted: a timer, so input and timers due go first


class LaterParts:
    """Mix into a QWidget (before it in the bases); call :meth:`build_later` at the end of ``__init__``.

    ``LATER_ATTRIBUTES`` names the attributes the later steps make.
    """

    LATER_ATTRIBUTES: frozenset[str] = frozenset()

    def build_later(self, *steps: Callable[[], None]) -> None:
        """Run ``steps`` after the first paint, one per turn of the event loop, in order."""
        self._later_steps = list(steps)
        self._later_due = False

    def still_building(self) -> bool:
        """Whether parts are still to come."""
        return bool(self.__dict__.get("_later_steps"))

    def is_built(self, name: str) -> bool:
        """Whether the part ``name`` is there (without building it)."""
        return name in self.__dict__

    def __getattr__(self, name: str):
        """A part asked for before it was built is built now, with every part before it."""
        steps = self.__dict__.get("_later_steps")
        if steps and name in type(self).LATER_ATTRIBUTES:
            while steps and name not in self.__dict__:
                steps.pop(0)()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.still_building() and not self._later_due:
            self._later_due = True
            QTimer.singleShot(AFTER_MS, self, self._next_later_step)

    def _next_later_step(self) -> None:
        # Not singleShot(0): in Qt 6 that is a queued call, which runs before the timers already due.
        if self._later_steps:
            self._later_steps.pop(0)()
        if self._later_steps:
            QTimer.singleShot(AFTER_MS, self, self._next_later_step)
