"""The Train tab shows the first layer's filters as they learn."""

from __future__ import annotations

import pytest
import torch

from test_train_tab import run_to_end, tab  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("one_torch_thread")


def test_first_layer_filters_follow_training(qtbot, tab):  # noqa: F811
    shown = []
    show = tab._show_filters
    tab._show_filters = lambda filters: (shown.append(filters.clone()), show(filters))

    outcome = run_to_end(qtbot, tab)

    assert len(shown) >= 2 and shown[0].shape == (16, 1, 3, 3)
    assert not torch.equal(shown[0], shown[-1]), "the filters change while training"
    assert torch.equal(shown[-1], outcome.checkpoint.state_dict["features.0.0.weight"])
    assert not tab.filters_view.pixmap().isNull()
