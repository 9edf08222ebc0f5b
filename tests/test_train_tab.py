"""The Train tab, headless: short runs on a small part of MNIST, driven as a user would."""

from __future__ import annotations

import sys
import threading
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from digitdraw.core.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from digitdraw.core.inference import Classifier
from digitdraw.core.models import DEFAULT_ARCH, build_model
from digitdraw.core.training import BatchReport, TrainConfig
from digitdraw.ui.train.tab import TrainTab
from digitdraw.ui.training_job import TrainingJob
from digitdraw.ui.workers import running_workers

TEST_IMAGES = 200
RUN_TIMEOUT_MS = 60_000


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _thread_ended(tab: TrainTab) -> bool:
    return tab.worker is None or tab.worker.wait(0)


@pytest.fixture
def tab(qtbot, data_dir):
    tab = TrainTab(data_dir=data_dir)
    qtbot.addWidget(tab)
    tab.resize(1180, 740)
    tab.test_subset = TEST_IMAGES
    tab.apply_recipe("default")
    tab.epochs_spin.setValue(1)
    tab.batch_spin.setValue(32)
    tab.augment_check.setChecked(False)
    tab.device_combo.setCurrentIndex(tab.device_combo.findData("cpu"))
    tab.subset_spin.setValue(512)
    yield tab
    tab.shutdown()  # a QThread still running at the end would abort pytest
    assert _thread_ended(tab) and not running_workers()


def run_to_end(qtbot, tab: TrainTab, start=None):
    """Start (by pressing Train unless ``start`` is given), wait for the thread's end, return the outcome."""
    outcomes = []
    tab.training_finished.connect(outcomes.append)
    try:
        (start or tab.train_button.click)()
        assert tab.is_running
        qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    finally:
        tab.training_finished.disconnect(outcomes.append)
    assert outcomes, f"the run ended without a result: {tab.status_label.text()}"
    return outcomes[-1]


def test_a_short_run_plots_live_and_ends_with_results(qtbot, tab, mnist):
    updates = []
    add_points = tab.loss_plot.add_points
    tab.loss_plot.add_points = lambda steps, losses: (updates.append(len(steps)), add_points(steps, losses))

    outcome = run_to_end(qtbot, tab)

    assert outcome.status == "finished"
    assert sum(updates) == 512 // 32 == tab.loss_plot.point_count(), "every batch's loss is plotted"
    assert tab.accuracy_plot.point_count() == 1
    assert tab.accuracy_plot.accuracies[-1] == pytest.approx(100 * outcome.test_accuracy)
    assert outcome.test_accuracy > 0.3
    assert tab.progress_bar.value() == tab.progress_bar.maximum() == 16
    assert "images/s" in tab.speed_label.text() and "ETA" in tab.speed_label.text()
    assert "test accuracy" in tab.status_label.text()
    # The confusion matrix counts every test image; the gallery shows the mistakes, captioned.
    assert tab.confusion_view.matrix.sum() == TEST_IMAGES
    assert np.trace(tab.confusion_view.matrix) == round(outcome.test_accuracy * TEST_IMAGES)
    assert tab.gallery.count() == outcome.wrong_total > 0
    first = tab.gallery.caption(0)
    true, said = (int(part) for part in first.split(" → "))
    assert true != said and (true, said) == (outcome.wrong_true[0], outcome.wrong_said[0])
    assert tab.use_button.isEnabled() and tab.save_button.isEnabled() and tab.train_button.isEnabled()
    assert not tab.stop_button.isEnabled()



def test_the_plots_show_the_run_ahead_and_pressing_train_lays_out_no_axis(qtbot, tab):
    """The x axes follow the settings before Train is pressed; the press itself re-lays out no axis
    (pyqtgraph's axis layout is Python that would stall the window while the worker starts)."""
    tab.show()
    tab.epochs_spin.setValue(3)
    tab.batch_spin.setValue(100)  # 512 images: 6 steps an epoch
    loss_x, accuracy_x = tab.loss_plot.getViewBox().viewRange()[0], tab.accuracy_plot.getViewBox().viewRange()[0]
    assert loss_x[0] < 1 and loss_x[1] == pytest.approx(18, abs=0.5)
    assert accuracy_x[0] < 0.25 and accuracy_x[1] == pytest.approx(3, abs=0.25)  # room for the markers at both ends
    qtbot.waitExposed(tab)
    axes = [plot.getPlotItem().getAxis(name) for plot in (tab.loss_plot, tab.accuracy_plot) for name in ("left", "bottom")]
    qtbot.waitUntil(lambda: all(axis.picture is not None for axis in axes))  # painted once
    before = [plot.getViewBox().viewRange() for plot in (tab.loss_plot, tab.accuracy_plot)]

    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.progress_bar.maximum() == 18)  # the worker has said how many steps

    assert [plot.getViewBox().viewRange() for plot in (tab.loss_plot, tab.accuracy_plot)] == before
    assert all(axis.picture is not None for axis in axes), "no axis was laid out anew"
    tab.stop_training()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)

def test_use_this_model_emits_the_trained_classifier_and_save_writes_it(qtbot, tab, mnist, tmp_path):
    assert not tab.use_button.isEnabled(), "nothing to use before training"
    run_to_end(qtbot, tab)
    with qtbot.waitSignal(tab.model_ready, timeout=10_000) as blocker:
        tab.use_button.click()
    classifier = blocker.args[0]
    assert isinstance(classifier, Classifier)
    images = mnist[1].images[:50].float() / 255
    trained = torch.tensor([p.probabilities for p in classifier.predict_batch(images)])
    try:
        shipped = Classifier.load()
    except Exception:  # the shipped model is being retrained: compare with fresh weights instead
        shipped = Classifier(Checkpoint.from_model("digitnet", build_model("digitnet")))
    before = torch.tensor([p.probabilities for p in shipped.predict_batch(images)])
    assert not torch.allclose(trained, before, atol=1e-3), "the new model answers differently"

    saved = tab.save_model(tmp_path / "mine.pt")
    again = Classifier.load(saved)
    assert again.arch == classifier.arch
    reloaded = torch.tensor([p.probabilities for p in again.predict_batch(images)])
    assert torch.allclose(reloaded, trained, atol=1e-6)


@pytest.fixture
def watched(monkeypatch):
    """Counts the worker's training batches and test batches, and can hold the first test batch.

    ``watched.batches`` grows with every training batch the worker finishes; ``watched.testing``
    is set when a test pass begins. With ``watched.hold_test`` set, that first test batch waits
    until ``watched.release`` is set, so a test can act *during* a test pass on any machine.
    """
    import digitdraw.ui.training_job as train_worker

    state = SimpleNamespace(batches=[], test_batches=[], testing=threading.Event(), release=threading.Event(),
                            hold_test=False)
    real_train, real_build = train_worker.train, train_worker.build_model

    def counting_train(*args, on_batch, **kwargs):
        def on_batch_counted(report):
            state.batches.append(report.step)
            on_batch(report)

        return real_train(*args, on_batch=on_batch_counted, **kwargs)

    def before_forward(module, _):
        if not module.training:
            state.test_batches.append(1)
            state.testing.set()
            if state.hold_test:
                assert state.release.wait(RUN_TIMEOUT_MS / 1000), "the test never released the test pass"

    def watched_model(arch):
        model = real_build(arch)
        model.register_forward_pre_hook(before_forward)
        return model

    monkeypatch.setattr(train_worker, "train", counting_train)
    monkeypatch.setattr(train_worker, "build_model", watched_model)
    yield state
    state.release.set()  # never leave the worker waiting


def wait_until_paused(qtbot, tab) -> None:
    """The worker says Paused after sending its last report, so the plot is complete once it shows."""
    qtbot.waitUntil(lambda: "Paused" in tab.status_label.text(), timeout=RUN_TIMEOUT_MS)


def test_points_arrive_live_pause_holds_and_stop_ends_within_a_batch(qtbot, tab, watched):
    tab.subset_spin.setValue(60_000)  # 1,875 batches: far more than the test waits for
    updates = []
    add_points = tab.loss_plot.add_points
    tab.loss_plot.add_points = lambda steps, losses: (updates.append(int(steps[-1])), add_points(steps, losses))
    tab.train_button.click()

    def three_updates_while_running():
        if not tab.is_running:
            pytest.fail(f"the run ended before the plot grew live: {updates}")
        assert len(updates) >= 3

    qtbot.waitUntil(three_updates_while_running, timeout=RUN_TIMEOUT_MS)
    assert updates == sorted(updates) and updates[-1] < 1875, "the loss curve grows while training"

    tab.pause_button.click()
    assert tab.pause_button.text() == "Resume"
    wait_until_paused(qtbot, tab)
    held = tab.loss_plot.point_count()
    assert held == len(watched.batches), "every batch so far is plotted"
    qtbot.wait(200)
    assert len(watched.batches) == held, "no batches while paused"

    tab.pause_button.click()  # resume
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > held, timeout=RUN_TIMEOUT_MS)

    with qtbot.waitSignal(tab.training_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        trained_before_stop = len(watched.batches)
        tab.stop_button.click()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    assert len(watched.batches) - trained_before_stop <= 1, "Stop ends the run before the next batch"
    outcome = blocker.args[0]
    assert outcome.status == "stopped" and outcome.checkpoint is not None, "the weights so far are kept"
    assert round(outcome.epochs * 1875) == len(watched.batches)
    assert "Stopped" in tab.status_label.text()
    assert tab.use_button.isEnabled()


def test_stop_while_paused_ends_the_thread_without_another_batch(qtbot, tab, watched):
    tab.subset_spin.setValue(60_000)
    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > 0, timeout=RUN_TIMEOUT_MS)
    tab.pause_button.click()
    wait_until_paused(qtbot, tab)
    paused_at = len(watched.batches)
    tab.stop_button.click()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    assert len(watched.batches) == paused_at
    assert tab.outcome.status == "stopped"


def test_stop_during_a_test_pass_cuts_it_short(qtbot, tab, watched):
    tab.test_subset = None  # the whole 10,000-digit test set: 20 test batches
    tab.arch_combo.setCurrentIndex(tab.arch_combo.findData("classic"))
    tab.subset_spin.setValue(64)
    watched.hold_test = True
    tab.train_button.click()
    assert watched.testing.wait(RUN_TIMEOUT_MS / 1000), "the run never reached its test"
    with qtbot.waitSignal(tab.training_finished, timeout=RUN_TIMEOUT_MS) as blocker:
        tab.stop_button.click()
        watched.release.set()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    outcome = blocker.args[0]
    assert outcome.status == "stopped" and outcome.checkpoint is not None
    assert len(watched.test_batches) == 1, "the test pass ended at its next batch, not after 20"
    assert tab.accuracy_plot.point_count() == 0 and "Stopped" in tab.status_label.text()


def test_shutdown_during_a_test_pass_ends_the_thread_and_touches_no_file(qtbot, tab, tmp_path, watched):
    # Something saved before the run must survive closing mid-run untouched.
    kept = Checkpoint.from_model("digitnet", build_model("digitnet"))
    path = save_checkpoint(kept, tmp_path / "kept.pt")
    before = path.read_bytes()

    tab.test_subset = None  # the whole 10,000-image test set: 20 test batches to cut short
    tab.subset_spin.setValue(100)
    tab.batch_spin.setValue(100)
    outcomes = []
    tab.training_finished.connect(outcomes.append)
    watched.hold_test = True
    tab.train_button.click()
    assert watched.testing.wait(RUN_TIMEOUT_MS / 1000), "the run never reached its test"
    watched.release.set()
    tab.shutdown()
    assert _thread_ended(tab)
    assert len(watched.test_batches) == 1, "the test was cut short at its next batch"
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    assert outcomes == [], "no result from a run cut short"
    assert "stopped" in tab.status_label.text()
    assert path.read_bytes() == before and load_checkpoint(path).arch == "digitnet"


def test_a_huge_learning_rate_is_caught_and_the_last_good_weights_kept(qtbot, tab):
    tab.lr_spin.setValue(1_000_000)
    tab.optimizer_combo.setCurrentText("sgd")
    tab.schedule_combo.setCurrentText("constant")
    outcome = run_to_end(qtbot, tab)
    assert outcome.status == "diverged"
    text = tab.status_label.text()
    assert "diverged" in text and "learning rate" in text and "too high" in text
    assert "b00020" in tab.status_label.styleSheet(), "shown as an error"
    weights = outcome.checkpoint.state_dict.values()
    assert all(torch.isfinite(w).all() for w in weights if w.is_floating_point())
    classifier = tab.use_model()
    assert np.isfinite(classifier.predict(torch.zeros(28, 28)).probabilities).all()


def test_missing_mnist_says_where_to_put_it(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr("digitdraw.core.data._download", lambda root: None)  # no network in tests
    tab = TrainTab(data_dir=tmp_path)
    qtbot.addWidget(tab)
    try:
        tab.train_button.click()
        qtbot.waitUntil(lambda: not tab.is_running, timeout=10_000)
    finally:
        tab.shutdown()
    text = tab.status_label.text()
    assert "MNIST not found" in text and str(tmp_path) in text and "train-images-idx3-ubyte" in text
    assert tab.train_button.isEnabled() and tab.checkpoint is None


def test_open_checkpoint_tests_it_then_training_continues_from_it(qtbot, tab, tmp_path):
    assert [a.text() for a in tab.file_actions()] == ["Save trained model…", "Open checkpoint to continue/evaluate…"]
    assert tab.file_actions()[0].shortcut().toString() == "Ctrl+Shift+S"
    path = save_checkpoint(Checkpoint.from_model("classic", build_model("classic")), tmp_path / "classic.pt")
    tab.arch_combo.setCurrentIndex(tab.arch_combo.findData("digitnet"))

    outcome = run_to_end(qtbot, tab, start=lambda: tab.open_checkpoint(path))
    assert outcome.status == "evaluated"
    assert tab.confusion_view.matrix.sum() == TEST_IMAGES
    assert tab.arch_combo.currentData() == "classic" and not tab.arch_combo.isEnabled()
    assert tab.continue_check.isChecked()

    tab.subset_spin.setValue(256)
    outcome = run_to_end(qtbot, tab)
    assert outcome.status == "finished" and outcome.checkpoint.arch == "classic"
    assert tab.loss_plot.point_count() == 256 // 32


def test_settings_cannot_take_invalid_values_and_recipes_fill_them(qtbot, data_dir):
    tab = TrainTab(data_dir=data_dir)
    qtbot.addWidget(tab)
    for spin, bad, clamped in (
        (tab.epochs_spin, 0, 1),
        (tab.batch_spin, -5, tab.batch_spin.minimum()),
        (tab.lr_spin, -1.0, tab.lr_spin.minimum()),
        (tab.subset_spin, 10**9, 60_000),
        (tab.target_spin, 150.0, 100.0),
    ):
        spin.setValue(bad)
        assert spin.value() == clamped
    assert tab.lr_spin.minimum() > 0 and tab.batch_spin.minimum() >= 1
    assert {tab.arch_combo.itemData(i) for i in range(tab.arch_combo.count())} >= {"classic", "digitnet", DEFAULT_ARCH}
    assert tab.device_combo.itemData(0) == "cpu"

    tab.apply_recipe("pytorch-example")
    config = tab.config()
    assert (config.arch, config.batch_size, config.lr, config.optimizer, config.schedule, config.augment) == (
        "classic", 64, 1.0, "adadelta", "step", False
    )
    tab.target_check.setChecked(True)
    tab.target_spin.setValue(98.5)
    assert tab.config().target_accuracy == pytest.approx(0.985)
    tab.apply_recipe("default")
    assert tab.config().arch == DEFAULT_ARCH


def test_the_worker_sends_at_most_about_five_loss_reports_a_second(qtbot, monkeypatch):
    import digitdraw.ui.training_job as train_worker

    clock = [1000.0]
    monkeypatch.setattr(train_worker.time, "perf_counter", lambda: clock[0])
    job = TrainingJob(TrainConfig())
    reports = []
    job.report = reports.append
    for step in range(1, 2001):  # 2,000 batches of 1 ms each: 2 seconds
        clock[0] += 0.001
        job._on_batch(BatchReport(1, step, 2000, 1.0 / step, 1000.0, step / 1000))
    assert 9 <= len(reports) <= 11, "five a second"
    assert sum(len(r.steps) for r in reports) == 2000, "no loss is dropped: they are batched"
    assert reports[-1].step == 2000 and reports[-1].fraction == 1.0


def test_choices_are_remembered_for_next_time(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr("digitdraw.core.data._download", lambda root: None)  # no MNIST: the run fails at once
    tab = TrainTab(data_dir=tmp_path)
    qtbot.addWidget(tab)
    tab.apply_recipe("pytorch-example")
    tab.arch_combo.setCurrentIndex(tab.arch_combo.findData("digitnet"))
    tab.epochs_spin.setValue(3)
    tab.batch_spin.setValue(48)
    tab.lr_spin.setValue(0.25)
    tab.optimizer_combo.setCurrentText("sgd")
    tab.schedule_combo.setCurrentText("constant")
    tab.augment_check.setChecked(True)
    tab.subset_spin.setValue(5000)
    tab.target_check.setChecked(True)
    tab.target_spin.setValue(97.5)
    chosen = tab.config()
    tab.train_button.click()  # choices are saved when a run starts
    qtbot.waitUntil(lambda: not tab.is_running, timeout=RUN_TIMEOUT_MS)
    tab.shutdown()

    again = TrainTab(data_dir=tmp_path)
    qtbot.addWidget(again)
    assert again.config() == chosen
    assert again.recipe_combo.currentData() == "pytorch-example" and again.subset_spin.value() == 5000
    again.shutdown()


def test_a_training_worker_hands_the_gil_over_every_millisecond():
    """At Python's default 5 ms the worker waited behind the window's painting at every operation."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(0.005)
    try:
        TrainingJob(TrainConfig())
        assert sys.getswitchinterval() <= 0.001
    finally:
        sys.setswitchinterval(previous)


def test_new_loss_points_repaint_the_curves_but_not_the_axes_and_their_grid(qtbot, tab):
    """An axis paints its grid across the whole plot (8-12 ms a repaint here): a curve growing
    ten times a second must reuse the axes' picture, or the window falls behind while training."""
    plot = tab.loss_plot
    tab.show()
    qtbot.waitExposed(tab)
    qtbot.waitUntil(lambda: not tab.still_building())  # the accuracy plot arrives beside it
    plot.set_total_steps(100)
    painted = {name: 0 for name in ("left", "bottom", "curve")}

    def counting(name, paint):
        def wrapper(*args):
            painted[name] += 1
            return paint(*args)

        return wrapper

    for name in ("left", "bottom"):
        axis = plot.getPlotItem().getAxis(name)
        axis.paint = counting(name, axis.paint)
    plot.raw_curve.curve.paint = counting("curve", plot.raw_curve.curve.paint)
    plot.add_points(np.arange(1, 6), np.linspace(2.0, 1.5, 5))
    qtbot.waitUntil(lambda: painted["curve"] > 0)  # the axes are drawn once here, and kept
    for name in painted:
        painted[name] = 0

    for start in range(6, 46, 5):
        plot.add_points(np.arange(start, start + 5), np.linspace(1.5, 1.0, 5))
        qtbot.waitUntil(lambda: painted["curve"] > 0)
        painted["curve"] = 0
    assert painted["left"] == painted["bottom"] == 0
