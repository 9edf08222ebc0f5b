"""Checkpoints round-trip, save atomically, and refuse anything that is not one."""

import os
import pickle

import pytest
import torch

from digitdraw.core.checkpoints import Checkpoint, CheckpointError, load_checkpoint, save_checkpoint
from digitdraw.core.inference import Classifier, default_model_path
from digitdraw.core.models import architectures, build_model
from digitdraw.core.training import evaluate


@pytest.fixture
def checkpoint():
    torch.manual_seed(0)
    return Checkpoint.from_model("digitnet", build_model("digitnet").eval(), test_accuracy=0.5, training={"epochs": 1})


def test_round_trip_keeps_weights_and_metadata(tmp_path, checkpoint):
    path = save_checkpoint(checkpoint, tmp_path / "model.pt")
    loaded = load_checkpoint(path)
    assert (loaded.arch, loaded.test_accuracy, loaded.training) == ("digitnet", 0.5, {"epochs": 1})
    assert (loaded.mean, loaded.std) == (checkpoint.mean, checkpoint.std)
    assert loaded.created == checkpoint.created
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(checkpoint.build()(x), loaded.build()(x))


def test_save_replaces_atomically_and_leaves_no_temporary_files(tmp_path, checkpoint, monkeypatch):
    path = save_checkpoint(checkpoint, tmp_path / "model.pt")
    before = path.read_bytes()

    def failing_save(obj, f):
        f.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", failing_save)
    with pytest.raises(OSError):
        save_checkpoint(checkpoint, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.pt"]


def test_truncated_file_is_refused(tmp_path, checkpoint):
    path = save_checkpoint(checkpoint, tmp_path / "model.pt")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(CheckpointError, match="damaged, truncated"):
        load_checkpoint(path)


def test_random_bytes_and_missing_files_are_refused(tmp_path):
    junk = tmp_path / "junk.pt"
    junk.write_bytes(os.urandom(1000))
    with pytest.raises(CheckpointError):
        load_checkpoint(junk)
    with pytest.raises(CheckpointError, match="no such file"):
        load_checkpoint(tmp_path / "absent.pt")


class _Payload:
    """An object whose unpickling would run code."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_pickled_objects_are_refused_without_running_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    evil = tmp_path / "evil.pt"
    torch.save({"format": "digitdraw-checkpoint", "payload": _Payload()}, evil)
    with pytest.raises(CheckpointError, match="refused"):
        load_checkpoint(evil)
    plain_pickle = tmp_path / "plain.pkl"
    plain_pickle.write_bytes(pickle.dumps(_Payload()))
    with pytest.raises(CheckpointError):
        load_checkpoint(plain_pickle)
    assert not (tmp_path / "pwned").exists()


def test_foreign_dicts_and_mismatched_weights_are_refused(tmp_path, checkpoint):
    other = tmp_path / "other.pt"
    torch.save({"weights": torch.zeros(3)}, other)
    with pytest.raises(CheckpointError, match="not a digitdraw checkpoint"):
        load_checkpoint(other)
    wrong_arch = tmp_path / "wrong.pt"
    save_checkpoint(Checkpoint(arch="classic", state_dict=checkpoint.state_dict), wrong_arch)
    with pytest.raises(CheckpointError, match="do not fit"):
        load_checkpoint(wrong_arch).build()
    unknown = tmp_path / "unknown.pt"
    save_checkpoint(Checkpoint(arch="resnet-9000", state_dict=checkpoint.state_dict), unknown)
    with pytest.raises(CheckpointError, match="unknown architecture"):
        load_checkpoint(unknown)


def test_every_architecture_round_trips(tmp_path):
    for arch in architectures():
        model = build_model(arch).eval()
        path = save_checkpoint(Checkpoint.from_model(arch, model), tmp_path / f"{arch}.pt")
        x = torch.rand(1, 1, 28, 28)
        assert torch.allclose(model(x), load_checkpoint(path).build()(x))


def test_shipped_model_is_small_documented_and_accurate(mnist):
    path = default_model_path()
    assert path.stat().st_size < 3 * 2**20
    checkpoint = load_checkpoint(path)
    assert checkpoint.training["augment"] is True
    _, test_data = mnist
    _, accuracy, _ = evaluate(Classifier.load().model, test_data, "cpu")
    assert accuracy >= 0.993
    assert accuracy == pytest.approx(checkpoint.test_accuracy, abs=1e-4)


def test_the_model_card_tells_the_truth_about_the_shipped_file():
    """docs/model-card.md's figures for resources/digitnet-default.pt, checked against the file itself."""
    import re
    from pathlib import Path

    card = (Path(__file__).resolve().parents[1] / "docs" / "model-card.md").read_text(encoding="utf-8")
    card = card[: card.index("\n## ")]  # the card's table, before its longer sections
    path = default_model_path()
    classifier = Classifier.load(path)

    parameters = int(re.search(r"([\d,]+) parameters", card).group(1).replace(",", ""))
    assert parameters == sum(p.numel() for p in classifier.model.parameters())
    kilobytes = float(re.search(r"([\d.]+) KB file", card).group(1))
    assert kilobytes == pytest.approx(path.stat().st_size / 1024, rel=0.05)
    accuracy = float(re.search(r"MNIST test accuracy \| \*\*([\d.]+) %\*\*", card).group(1))
    assert accuracy == pytest.approx(100 * classifier.checkpoint.test_accuracy, abs=0.005)
    assert re.search(rf"`{classifier.arch}`", card), "the card names the network in the file"


def test_pytorch_example_state_dict_is_recognised_as_classic(tmp_path):
    """mnist_cnn.pt from PyTorch's examples/mnist: a bare state_dict of the classic network."""
    torch.manual_seed(0)
    example = build_model("classic").eval()
    path = tmp_path / "mnist_cnn.pt"
    torch.save(example.state_dict(), path)
    loaded = load_checkpoint(path)
    assert loaded.arch == "classic" and "classic" in loaded.recognised_as
    assert (loaded.mean, loaded.std) == (0.1307, 0.3081)
    x = torch.rand(2, 1, 28, 28)
    assert torch.equal(loaded.build()(x), example(x))


def test_state_dict_matching_nothing_names_what_differs(tmp_path):
    state = build_model("classic").state_dict()
    state["fc1.weight"] = torch.zeros(64, 9216)
    state["extra.bias"] = torch.zeros(3)
    torch.save(state, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match=r"closest, 'classic'.*extra\.bias is unexpected.*fc1\.weight has shape \(64, 9216\)"):
        load_checkpoint(tmp_path / "other.pt")


def test_failed_loads_say_what_to_do_in_one_sentence_without_the_library_s_words(tmp_path, checkpoint):
    text = tmp_path / "notes.pt"
    text.write_text("just some text, renamed")
    evil = tmp_path / "evil.pt"
    torch.save({"format": "digitdraw-checkpoint", "payload": _Payload()}, evil)
    wrong_arch = tmp_path / "wrong.pt"
    save_checkpoint(Checkpoint(arch="classic", state_dict=checkpoint.state_dict), wrong_arch)
    messages = []
    for path in (text, evil):
        with pytest.raises(CheckpointError) as caught:
            load_checkpoint(path)
        messages.append(str(caught.value))
    with pytest.raises(CheckpointError) as caught:
        load_checkpoint(wrong_arch).build()
    messages.append(str(caught.value))
    for message in messages:
        assert "\n" not in message and "pop from empty list" not in message, message
        assert "weights_only" not in message and "arbitrary code" not in message and "Error(" not in message, message
        assert "size mismatch" not in message, message  # torch's wording; ours names the layer and the shapes
    assert "choose a checkpoint" in messages[0]


def test_a_torchscript_export_loads_back_as_its_network_and_a_foreign_one_is_refused(tmp_path, checkpoint):
    from digitdraw.core.export import export
    from digitdraw.core.inference import Classifier

    exported = export(checkpoint, "torchscript", tmp_path / "model.torchscript", torch.randint(0, 255, (8, 28, 28), dtype=torch.uint8))
    loaded = load_checkpoint(exported.path)
    assert loaded.arch == checkpoint.arch and "TorchScript" in loaded.recognised_as
    ink = torch.rand(28, 28)
    assert Classifier(loaded).predict(ink).probabilities == pytest.approx(Classifier(checkpoint).predict(ink).probabilities, abs=1e-5)

    class Foreign(torch.nn.Module):
        def forward(self, x):
            return x.flatten(1)[:, :10].softmax(1)

    foreign = tmp_path / "foreign.pt"
    torch.jit.save(torch.jit.script(Foreign()), str(foreign))
    with pytest.raises(CheckpointError, match="TorchScript model digitdraw did not export"):
        load_checkpoint(foreign)
