"""Tabs whose plots come after their first paint, one per turn of the event loop."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitdraw.ui.later_parts import LaterParts


class TwoParts(LaterParts, QWidget):
    LATER_ATTRIBUTES = frozenset({"first", "second"})

    def __init__(self, events: list[str]):
        super().__init__()
        self.events = events
        QVBoxLayout(self)
        self.build_later(lambda: self._make("first"), lambda: self._make("second"))

    def _make(self, name: str) -> None:
        self.events.append(name)
        setattr(self, name, QLabel(name))
        self.layout().addWidget(getattr(self, name))
        QTimer.singleShot(0, lambda: self.events.append(f"turn after {name}"))

    def paintEvent(self, event) -> None:
        self.events.append("paint")
        super().paintEvent(event)


def test_the_parts_come_after_the_first_paint_each_in_a_turn_of_its_own(qtbot):
    events: list[str] = []
    widget = TwoParts(events)
    qtbot.addWidget(widget)
    assert widget.still_building() and not widget.is_built("first")
    widget.show()
    qtbot.waitUntil(lambda: not widget.still_building())
    assert events[0] == "paint", events
    assert events.index("turn after first") < events.index("second"), events
    assert widget.first.text() == "first" and widget.second.text() == "second"


def test_a_part_asked_for_before_its_turn_is_built_at_once_with_those_before_it(qtbot):
    events: list[str] = []
    widget = TwoParts(events)
    qtbot.addWidget(widget)
    assert widget.second.text() == "second"
    assert events == ["first", "second"] and not widget.still_building()


def test_the_window_shows_the_train_and_regression_tabs_before_their_plots(qtbot, shown_tab, data_dir):
    """The first switch builds the tab without its plots; they follow once it is painted."""
    from digitdraw.ui.main_window import MainWindow

    window = shown_tab(MainWindow(data_dir=str(data_dir)), 1024, 768)
    for index, name in ((1, "train_tab"), (2, "regression_tab")):
        window.tabs.setCurrentIndex(index)
        tab = getattr(window, name)
        assert tab.still_building(), f"{name} built its plots in the switch"
        qtbot.waitUntil(lambda: not tab.still_building())
