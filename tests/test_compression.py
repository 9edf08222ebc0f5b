"""Pruning, int8 quantization and their checkpoints, on the shipped model and real MNIST digits."""

from __future__ import annotations

from dataclasses import replace

import pytest
import torch

from digitdraw.core import compression
from digitdraw.core.checkpoints import load_checkpoint, save_checkpoint
from digitdraw.core.data import MnistSplit
from digitdraw.core.inference import Classifier, default_model_path
from digitdraw.core.models import weighted_layers
from digitdraw.core.training import TrainConfig, train


@pytest.fixture(scope="module")
def original():
    return load_checkpoint(default_model_path())


@pytest.fixture(scope="module")
def test_digits(mnist) -> MnistSplit:
    return mnist[1].subset(1000)


@pytest.fixture(scope="module")
def int8(original, mnist):
    return compression.quantize_static(original, compression.calibration_digits(mnist[0], 300))


def test_int8_checkpoint_is_small_plain_tensors_and_loads_back_the_same(int8, original, test_digits, tmp_path):
    path = save_checkpoint(int8, tmp_path / "int8.pt")
    original_path = save_checkpoint(original, tmp_path / "original.pt")
    assert path.stat().st_size <= 0.4 * original_path.stat().st_size
    raw = torch.load(path, weights_only=True)
    assert all(not t.is_quantized for t in raw["state_dict"].values())
    assert any(t.dtype == torch.int8 for t in raw["state_dict"].values())
    loaded = load_checkpoint(path)
    assert loaded.quantized and loaded.compression["method"] == "int8"
    x = test_digits.images[:50, None].float() / 255.0
    assert torch.equal(loaded.build()(x), int8.build()(x))
    weighted = [m for m in loaded.build().modules() if type(m).__name__ in ("Conv2d", "ConvReLU2d", "Linear")]
    assert len(weighted) == 4 and all(".quantized" in type(m).__module__ for m in weighted)  # convolutions are int8 too
    loaded_accuracy = compression.accuracy(loaded.build(), test_digits, loaded.mean, loaded.std)
    assert abs(loaded_accuracy - compression.accuracy(original.build(), test_digits, original.mean, original.std)) <= 0.005


def test_int8_model_refuses_a_gpu_and_further_compression(int8):
    with pytest.raises(compression.CompressionError, match="int8"):
        compression.prune(int8, 0.5)
    with pytest.raises(compression.CompressionError, match="int8 already"):
        compression.quantize_dynamic(int8)
    with pytest.raises(ValueError, match="CPU only"):
        Classifier(int8, "cpu").to("cuda:0")


def test_dynamic_int8_quantizes_the_linear_layer_only(original, test_digits, tmp_path):
    dynamic = load_checkpoint(save_checkpoint(compression.quantize_dynamic(original), tmp_path / "dyn.pt"))
    model = dynamic.build()
    assert any(type(m).__module__.startswith("torch.ao.nn.quantized.dynamic") for m in model.modules())
    assert any(type(m) is torch.nn.Conv2d for m in model.modules())
    original_accuracy = compression.accuracy(original.build(), test_digits, original.mean, original.std)
    assert compression.accuracy(model, test_digits, original.mean, original.std) >= original_accuracy - 0.005


@pytest.mark.parametrize("amount", [0.3, 0.8])
def test_unstructured_pruning_removes_that_share_of_the_weights(original, amount):
    nonzero, total = compression.nonzero_parameters(compression.prune(original, amount))
    weights = sum(m.weight.numel() for m in weighted_layers(original.build()))
    assert nonzero == pytest.approx(total - amount * weights, abs=2)


def test_channel_pruning_zeroes_whole_channels_and_spares_the_output(original):
    model = compression.prune(original, 0.5, "channels").build()
    layers = weighted_layers(model)
    for layer in layers[:-1]:
        zero_channels = int((layer.weight.flatten(1).abs().sum(1) == 0).sum())
        assert zero_channels == round(0.5 * layer.weight.shape[0])
    assert int((layers[-1].weight.abs().sum(1) == 0).sum()) == 0


def test_more_pruning_costs_accuracy(original, test_digits):
    light = compression.accuracy(compression.prune(original, 0.2).build(), test_digits, original.mean, original.std)
    heavy = compression.accuracy(compression.prune(original, 0.9).build(), test_digits, original.mean, original.std)
    assert light > 0.98 and heavy < light - 0.2


def test_measures_normalise_with_the_checkpoints_own_values(original, test_digits):
    """A model trained with other normalisation than MNIST's is measured as the app runs it."""
    shifted = replace(original, mean=0.5, std=0.25)
    ink = test_digits.images.float() / 255.0
    as_the_app_reads_it = sum(p.digit == int(label) for p, label in zip(Classifier(shifted).predict_batch(ink), test_digits.labels))
    assert as_the_app_reads_it / len(test_digits) < compression.measure(original, test_digits, repeats=1).accuracy - 0.05
    assert compression.measure(shifted, test_digits, repeats=1).accuracy == as_the_app_reads_it / len(test_digits)


def test_bad_options_get_messages(original):
    with pytest.raises(compression.CompressionError, match="0 to 0.95"):
        compression.prune(original, 1.5)
    with pytest.raises(compression.CompressionError, match="unknown pruning"):
        compression.prune(original, 0.5, "diagonal")
    with pytest.raises(compression.CompressionError, match="unknown method"):
        compression.compress(original, "zip")


def test_fine_tuning_a_pruned_model_keeps_its_zeros(original, mnist):
    pruned = compression.prune(original, 0.7)
    zeros_before = [m.weight == 0 for m in weighted_layers(pruned.build())]
    config = TrainConfig(epochs=1, batch_size=64, lr=0.002)
    result = train(config, mnist[0].subset(640), mnist[1].subset(200), model=pruned.build())
    after = weighted_layers(result.model)
    assert all(bool((layer.weight[zeros] == 0).all()) for layer, zeros in zip(after, zeros_before))
    assert any(not torch.equal(layer.weight, before.weight) for layer, before in zip(after, weighted_layers(pruned.build())))
