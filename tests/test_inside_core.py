"""The network's anatomy, its feature maps and attributions, from the model itself (no Qt)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from digitdraw.core.anatomy import feature_maps, layers, parameter_count
from digitdraw.core.attribution import METHODS, AttributionError, attribute
from digitdraw.core.inference import Classifier
from digitdraw.core.models import architectures, build_model
from digitdraw.core.preprocess import image_to_image


@pytest.fixture(scope="module")
def shipped():
    return Classifier.load()


@pytest.fixture(scope="module")
def digits(mnist):
    """Four MNIST test digits as the network receives them, and their labels."""
    test = mnist[1]
    return torch.stack([image_to_image(test.images[i].numpy()) for i in range(4)]), test.labels[:4]


def _int8(model: nn.Module) -> nn.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(model, {nn.Linear}, dtype=torch.qint8)


def test_layers_follow_the_model_from_input_to_ten_answers():
    digitnet = layers(build_model("digitnet"))
    assert [layer.output_shape for layer in digitnet][:4] == [(16, 28, 28)] * 3 + [(16, 14, 14)]
    assert digitnet[0].kind == "Conv2d" and digitnet[0].parameters == 16 * 9
    classic = layers(build_model("classic"))
    assert [layer.output_shape for layer in classic][:2] == [(32, 26, 26), (64, 24, 24)]
    for arch in architectures():
        model = build_model(arch)
        described = layers(model)
        assert described[-1].output_shape == (10,)
        assert sum(layer.parameters for layer in described) == parameter_count(model)


def test_a_layer_kind_nobody_knows_is_listed_by_name_and_shape():
    class Squash(nn.Module):
        def forward(self, x):
            return torch.tanh(x)

    model = nn.Sequential(nn.Conv2d(1, 4, 5), Squash(), nn.Flatten(), nn.Linear(4 * 24 * 24, 10))
    described = layers(model)
    assert [(layer.name, layer.kind, layer.output_shape) for layer in described][1] == ("1", "Squash", (4, 24, 24))
    assert [block.maps.shape for block in feature_maps(model, torch.rand(1, 28, 28))] == [(4, 24, 24)]


def test_int8_quantized_model_is_described_and_explained_by_occlusion_only(digits):
    images, labels = digits
    model = _int8(Classifier.load().model)
    described = layers(model)
    assert described[-1].output_shape == (10,) and described[-1].parameters == 576 * 10 + 10
    assert len(feature_maps(model, images[:1])) == 3
    with pytest.raises(AttributionError, match="gradients.*occlusion"):
        attribute(model, images[:1], labels[:1], "saliency")
    assert attribute(model, images[:1], labels[:1], "occlusion").shape == (1, 28, 28)


def test_feature_maps_follow_the_drawing(shipped, digits):
    images, _ = digits
    first = feature_maps(shipped.model, images[:1])
    second = feature_maps(shipped.model, images[1:2])
    assert [block.maps.shape for block in first] == [(16, 28, 28), (32, 14, 14), (64, 7, 7)]
    assert first[0].filters.shape == (16, 1, 3, 3)
    assert (first[0].maps >= 0).all()  # after the ReLU
    assert not torch.allclose(first[0].maps, second[0].maps)


@pytest.mark.parametrize("method", list(METHODS))
def test_attribution_is_aligned_and_faithful(shipped, digits, method):
    """Blanking the 16 most positive pixels lowers the target's log-probability more than blanking the 16 most negative."""
    images, labels = digits
    mean, std = shipped.checkpoint.mean, shipped.checkpoint.std
    heat = attribute(shipped.model, images, labels, method, mean, std)
    assert heat.shape == (4, 28, 28)
    order = heat.reshape(4, -1).argsort(dim=1, descending=True)
    towards, away = images.clone().reshape(4, -1), images.clone().reshape(4, -1)
    towards.scatter_(1, order[:, :16], 0)
    away.scatter_(1, order[:, -16:], 0)
    with torch.no_grad():
        scores = [shipped.model((x.reshape(4, 1, 28, 28) - mean) / std)[torch.arange(4), labels].sum() for x in (towards, away)]
    assert scores[0] < scores[1]


def test_integrated_gradients_add_up_to_the_change_from_a_blank_page(shipped, digits):
    images, labels = digits
    mean, std = shipped.checkpoint.mean, shipped.checkpoint.std
    heat = attribute(shipped.model, images[:1], labels[:1], "integrated-gradients", mean, std)
    with torch.no_grad():
        scores = shipped.model((torch.stack([images[0], torch.zeros(28, 28)])[:, None] - mean) / std)[:, int(labels[0])]
    assert float(heat.sum()) == pytest.approx(float(scores[0] - scores[1]), rel=0.1)


def test_bad_requests_are_refused_with_what_is_allowed(shipped, digits):
    images, _ = digits
    with pytest.raises(AttributionError, match="occlusion"):
        attribute(shipped.model, images[:1], 3, "magic")
    with pytest.raises(AttributionError, match="0 to 9"):
        attribute(shipped.model, images[:1], 10, "saliency")


def test_the_feature_maps_colour_table_is_inferno_dark_to_bright():
    from digitdraw.core.heatmap import inferno_table

    table = inferno_table()
    assert table.shape == (256, 3) and table.dtype.name == "uint8"
    assert table[0].tolist() == [0, 0, 4] and table[-1].tolist() == [252, 255, 164]
    brightness = table.astype(float) @ [0.299, 0.587, 0.114]
    assert (np.diff(brightness) > -1).all(), "a stronger activation never looks darker (but for rounding)"
    pg = pytest.importorskip("pyqtgraph")
    reference = pg.colormap.get("inferno").getLookupTable(nPts=256, alpha=False)
    assert np.abs(table.astype(int) - reference).max() <= 6


def test_occlusion_while_captum_loads_is_captums_occlusion(shipped, digits, monkeypatch):
    """While the window's background imports still bring Captum, the default method is computed
    without it, and gives what Captum gives."""
    from digitdraw.core import attribution

    images, labels = digits
    mean, std = shipped.checkpoint.mean, shipped.checkpoint.std
    with_captum = attribute(shipped.model, images, labels, "occlusion", mean, std)
    monkeypatch.setattr(attribution, "library_pending", lambda: True)
    monkeypatch.setattr(attribution, "Occlusion", None, raising=False)
    calls = []
    original = attribution._occlusion_while_captum_loads
    monkeypatch.setattr(attribution, "_occlusion_while_captum_loads",
                        lambda *args: calls.append(1) or original(*args))
    unaided = attribute(shipped.model, images, labels, "occlusion", mean, std)
    assert calls, "Captum was used while it was still loading"
    assert torch.allclose(unaided, with_captum, atol=1e-5), (unaided - with_captum).abs().max()
