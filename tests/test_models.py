"""The model registry and the classic network of PyTorch's MNIST example."""

import pytest
import torch

from digitdraw.core.models import DEFAULT_ARCH, architectures, build_model


def test_classic_matches_pytorch_example_layer_for_layer():
    model = build_model("classic")
    shapes = {name: tuple(p.shape) for name, p in model.named_parameters()}
    assert shapes == {
        "conv1.weight": (32, 1, 3, 3),
        "conv1.bias": (32,),
        "conv2.weight": (64, 32, 3, 3),
        "conv2.bias": (64,),
        "fc1.weight": (128, 9216),
        "fc1.bias": (128,),
        "fc2.weight": (10, 128),
        "fc2.bias": (10,),
    }
    assert [m.p for m in (model.dropout1, model.dropout2)] == [0.25, 0.5]


@pytest.mark.parametrize("arch", sorted(architectures()))
def test_every_model_gives_log_probabilities(arch):
    model = build_model(arch).eval()
    out = model(torch.rand(4, 1, 28, 28))
    assert out.shape == (4, 10)
    assert torch.allclose(out.exp().sum(1), torch.ones(4), atol=1e-5)


def test_default_is_registered_and_unknown_names_are_explained():
    assert DEFAULT_ARCH in architectures()
    with pytest.raises(ValueError, match="known: .*classic"):
        build_model("nope")
