"""A form built from declared settings (:mod:`digitdraw.core.train_settings`): its widgets, values and memory.

Each :class:`~digitdraw.core.train_settings.Setting` becomes one row of a ``QFormLayout``: a combo
box for a choice or a device, a spin box for a number, a check box for a yes or no. The form reads
and writes values in the settings' own units (a fraction, not the percentage shown; None where the
setting is off), and remembers them in ``QSettings`` under each setting's key.
"""

from __future__ import annotations

from typing import Any, Iterable

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QSpinBox,
    QWidget,
)

from ..core.devices import available_devices
from ..core.train_settings import Setting
from .language import device_label

# A float setting whose range spans this factor or more steps by its last shown digit (0.01 -> 0.011).
ADAPTIVE_RANGE = 1000


def _translated(text: str) -> str:
    """A declared text in the app's language (core marks them ``translatable``, in the empty context)."""
    return QCoreApplication.translate("", text) if text else ""


class SettingsForm:
    """The rows of ``settings`` in ``layout``, showing ``values``; ``widgets`` holds the widget with each
    setting's value, by name."""

    def __init__(self, settings: Iterable[Setting], layout: QFormLayout, values: dict[str, Any]):
        self.settings = {setting.name: setting for setting in settings}
        self.widgets: dict[str, QWidget] = {}
        self.switches: dict[str, QCheckBox] = {}  # the check box in front of a setting that may be off
        for setting in self.settings.values():
            widget = self._make_widget(setting)
            widget.setObjectName(setting.name)
            widget.setToolTip(_translated(setting.help))
            self.widgets[setting.name] = widget
            layout.addRow(_translated(setting.label), self._row(setting, widget))
            if setting.off_value is not None:
                self.set_value(setting.name, setting.off_value)
        self.set_values(values)

    # -- building -------------------------------------------------------------------------
    def _make_widget(self, setting: Setting) -> QWidget:
        if setting.kind == "choice":
            combo = QComboBox()
            tooltips = setting.choice_help() if setting.choice_help else {}
            for name, text in setting.choices().items():
                combo.addItem(_translated(text), name)
                if name in tooltips:
                    combo.setItemData(combo.count() - 1, tooltips[name], Qt.ItemDataRole.ToolTipRole)
            return combo
        if setting.kind == "device":
            combo = QComboBox()
            for device in available_devices():
                combo.addItem(device_label(device), device)
            return combo
        if setting.kind == "bool":
            return QCheckBox(_translated(setting.check_text))
        if setting.kind == "int":
            spin = QSpinBox(minimum=int(setting.minimum), maximum=int(setting.maximum), singleStep=int(setting.step))
        elif setting.kind == "float":
            spin = QDoubleSpinBox(decimals=setting.decimals, singleStep=setting.step)
            spin.setRange(setting.minimum * setting.scale, setting.maximum * setting.scale)
            if setting.maximum >= setting.minimum * ADAPTIVE_RANGE:
                spin.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        else:
            raise ValueError(f"{setting.name}: unknown kind of setting {setting.kind!r}")
        spin.setGroupSeparatorShown(setting.group_digits)
        spin.setSuffix(setting.suffix)
        return spin

    def _row(self, setting: Setting, widget: QWidget) -> QWidget | QHBoxLayout:
        """The widget, or a check box that switches it on and off beside it."""
        if not setting.switch_text:
            return widget
        switch = QCheckBox(_translated(setting.switch_text), objectName=setting.name + "_on")
        switch.setToolTip(widget.toolTip())
        switch.toggled.connect(widget.setEnabled)
        widget.setEnabled(False)
        self.switches[setting.name] = switch
        row = QHBoxLayout()
        row.addWidget(switch)
        row.addWidget(widget, 1)
        return row

    # -- values ---------------------------------------------------------------------------
    def value(self, name: str) -> Any:
        """The setting's value as shown, in its own units (None where it is off, or at "all")."""
        setting, widget = self.settings[name], self.widgets[name]
        if name in self.switches and not self.switches[name].isChecked():
            return None
        if setting.kind in ("choice", "device"):
            return widget.currentData()
        if setting.kind == "bool":
            return widget.isChecked()
        if setting.none_at_maximum and widget.value() >= widget.maximum():
            return None
        return widget.value() / setting.scale if setting.kind == "float" else widget.value()

    def values(self) -> dict[str, Any]:
        return {name: self.value(name) for name in self.settings}

    def set_value(self, name: str, value: Any) -> None:
        """Show ``value`` (in the setting's units); ``ValueError`` for a choice the form does not offer."""
        setting, widget = self.settings[name], self.widgets[name]
        if name in self.switches:
            self.switches[name].setChecked(value is not None)
            if value is None:
                return  # the number stays as it was, for when the setting is switched on again
        if setting.kind in ("choice", "device"):
            index = widget.findData(value)
            if index < 0:
                raise ValueError(f"{value!r} is not a choice of {name}")
            widget.setCurrentIndex(index)
        elif setting.kind == "bool":
            widget.setChecked(bool(value))
        elif value is None and setting.none_at_maximum:
            widget.setValue(widget.maximum())
        elif setting.kind == "float":
            widget.setValue(float(value) * setting.scale)
        else:
            widget.setValue(int(value))

    def set_values(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            self.set_value(name, value)

    # -- memory ---------------------------------------------------------------------------
    def save(self, store: QSettings) -> None:
        """Remember what is shown: each value under its setting's key, a switch's state beside it."""
        for name, setting in self.settings.items():
            if name in self.switches:
                store.setValue(setting.key + "_on", self.switches[name].isChecked())
                store.setValue(setting.key, self.widgets[name].value() / setting.scale)
            else:
                value = self.value(name)
                store.setValue(setting.key, self.widgets[name].maximum() if value is None else value)

    def restore(self, store: QSettings) -> None:
        """Show the values remembered by :meth:`save`; one missing or unreadable keeps what is shown."""
        for name, setting in self.settings.items():
            stored = store.value(setting.key)
            if stored is None:
                continue
            try:
                self.set_value(name, _parse(setting, stored))
                if name in self.switches:
                    switched_on = store.value(setting.key + "_on", False)
                    self.switches[name].setChecked(_parse_bool(switched_on))
            except (TypeError, ValueError):
                continue


def _parse_bool(stored: Any) -> bool:
    """A yes or no as QSettings hands it back: a bool, or the text ``true``/``false`` from an INI file."""
    return stored if isinstance(stored, bool) else str(stored).lower() == "true"


def _parse(setting: Setting, stored: Any) -> Any:
    if setting.kind == "bool":
        return _parse_bool(stored)
    if setting.kind == "int":
        return int(stored)
    if setting.kind == "float":
        return float(stored)
    return str(stored)
