"""``digitdraw compress``, ``digitdraw export`` and ``classify --model`` with what they write."""

from __future__ import annotations

import importlib.util
import json

import pytest
import torch
from PIL import Image

from digitdraw.cli import main
from digitdraw.core.checkpoints import Checkpoint, CheckpointError, load_checkpoint
from digitdraw.core.export import ExportError, exportable
from digitdraw.core.inference import default_model_path
from digitdraw.core.models import build_model

EXPORT_EXTRA = all(importlib.util.find_spec(m) for m in ("onnx", "onnxscript", "onnxruntime"))


@pytest.fixture(scope="module")
def digit_pictures(mnist, tmp_path_factory):
    folder = tmp_path_factory.mktemp("digits")
    test = mnist[1]
    paths = {}
    for index in range(5):
        path = folder / f"digit{index}.png"
        Image.fromarray(255 - test.images[index].numpy()).save(path)
        paths[str(path)] = int(test.labels[index])
    return paths


def last_json(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_compress_int8_prints_the_figures_and_writes_a_model_classify_reads(tmp_path, data_dir, digit_pictures, capsys):
    out = tmp_path / "int8.pt"
    assert main(["--data-dir", str(data_dir), "compress", "--method", "int8", "--out", str(out)]) == 0
    summary = last_json(capsys)
    assert list(summary) == ["method", "size_bytes", "base_size_bytes", "mnist_accuracy", "base_mnist_accuracy",
                             "latency_ms", "base_latency_ms", "out"]
    assert summary["method"] == "int8" and summary["out"] == str(out)
    assert summary["size_bytes"] == out.stat().st_size <= 0.4 * default_model_path().stat().st_size
    assert abs(summary["mnist_accuracy"] - summary["base_mnist_accuracy"]) <= 0.003
    assert main(["classify", "--json", "--model", str(out), *digit_pictures]) == 0
    answers = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]
    assert [a["digit"] for a in answers] == list(digit_pictures.values())


def test_compress_bad_options_get_messages(tmp_path, data_dir, capsys):
    assert main(["--data-dir", str(data_dir), "compress", "--method", "int8", "--amount", "0.3"]) == 2
    assert "--amount is for --method prune" in capsys.readouterr().err
    assert main(["--data-dir", str(data_dir), "compress", "--method", "prune", "--amount", "1.2", "--out", str(tmp_path / "p.pt")]) == 2
    assert "0 to 0.95" in capsys.readouterr().err
    assert not (tmp_path / "p.pt").exists()
    assert main(["--data-dir", str(data_dir), "compress", "--method", "prune", "--model", str(tmp_path / "absent.pt")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_classify_reads_pytorch_examples_mnist_cnn(tmp_path, digit_pictures, capsys):
    torch.save(build_model("classic").state_dict(), tmp_path / "mnist_cnn.pt")
    assert main(["classify", "--model", str(tmp_path / "mnist_cnn.pt"), *digit_pictures]) == 0
    assert "recognised as a bare state_dict of the 'classic' network" in capsys.readouterr().err


@pytest.mark.skipif(not EXPORT_EXTRA, reason="the export extra (onnx, onnxscript, onnxruntime) is not installed: pip install -e '.[export]'")
def test_onnx_export_matches_pytorch_on_test_digits(tmp_path, data_dir, mnist, capsys):
    import onnxruntime

    out = tmp_path / "digitnet.onnx"
    assert main(["--data-dir", str(data_dir), "export", "--format", "onnx", "--out", str(out), "--check-digits", "20"]) == 0
    assert last_json(capsys)["same_digits"] == 20
    session = onnxruntime.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    ink = mnist[1].images[100:137, None].float() / 255.0  # a batch size the export never saw
    got = torch.from_numpy(session.run(None, {session.get_inputs()[0].name: ink.numpy()})[0])
    checkpoint = load_checkpoint(default_model_path())
    with torch.inference_mode():
        expected = checkpoint.build()((ink - checkpoint.mean) / checkpoint.std).exp()
    assert got.shape == (37, 10)
    assert float((got - expected).abs().max()) < 1e-4
    with pytest.raises(CheckpointError, match="ONNX export"):  # told what it is, not "Python objects besides weights"
        load_checkpoint(out)


def test_torchscript_export_loads_with_torch_jit(tmp_path, data_dir, mnist, capsys):
    out = tmp_path / "digitnet.ts"
    assert main(["--data-dir", str(data_dir), "export", "--format", "torchscript", "--out", str(out), "--check-digits", "20"]) == 0
    probabilities = torch.jit.load(str(out))(mnist[1].images[:3, None].float() / 255.0)
    assert probabilities.shape == (3, 10) and torch.allclose(probabilities.sum(1), torch.ones(3))
    assert probabilities.argmax(1).tolist() == mnist[1].labels[:3].tolist()


def test_export_names_a_layer_it_cannot_export_and_refuses_int8(tmp_path, data_dir, monkeypatch, capsys):
    model = build_model("digitnet")
    model.classifier.append(torch.nn.Softplus())
    monkeypatch.setattr(Checkpoint, "build", lambda self: model)
    with pytest.raises(ExportError, match=r"layer 'classifier.3' \(Softplus\) cannot be exported"):
        exportable(load_checkpoint(default_model_path()))
    monkeypatch.undo()
    assert main(["--data-dir", str(data_dir), "compress", "--method", "dynamic-int8", "--out", str(tmp_path / "d.pt")]) == 0
    capsys.readouterr()
    assert main(["export", "--model", str(tmp_path / "d.pt"), "--format", "onnx", "--out", str(tmp_path / "d.onnx")]) == 2
    assert "int8 models cannot be exported" in capsys.readouterr().err
    assert not (tmp_path / "d.onnx").exists()
