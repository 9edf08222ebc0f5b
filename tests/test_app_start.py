"""Starting the app: the modules it imports in the background once the window is up."""

from __future__ import annotations

import gc
import importlib.util
import sys

from digitdraw.ui.app import SLOW_IMPORTS, import_in_background


def test_the_slow_imports_name_modules_that_exist():
    assert all(importlib.util.find_spec(name) is not None for name in SLOW_IMPORTS), SLOW_IMPORTS


def test_background_imports_bring_in_every_module_past_one_that_fails_then_collect_garbage_again(monkeypatch):
    for name in ("colorsys", "graphlib"):
        monkeypatch.delitem(sys.modules, name, raising=False)
    gc.disable()  # as cli.main leaves it for the window
    try:
        import_in_background(("colorsys", "digitdraw_no_such_module", "graphlib")).join()
        assert "colorsys" in sys.modules and "graphlib" in sys.modules
        assert gc.isenabled(), "garbage is collected again once they are in"
        assert gc.get_freeze_count() > 0, "what was made so far is left out of later collections"
    finally:
        gc.unfreeze()
        gc.enable()
