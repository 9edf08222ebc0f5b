"""The Train tab, headless: short runs on a small part of MNIST, driven as a user would."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch

from digitdraw.core.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from digitdraw.core.inference import Classifier
from digitdraw.core.models import build_model
from digitdraw.core.training import BatchReport, TrainConfig
from digitdraw.ui.train_tab import TrainTab
from digitdraw.ui.train_worker import TrainWorker

TEST_IMAGES = 200
RUN_TIMEOUT_MS = 60_000


pytestmark = pytest.mark.usefixtures("one_torch_thread")


def _thread_ended(tab: TrainTab) -> bool:
    return tab.thread is None or tab.thread.isFinished()


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
    assert _thread_ended(tab)


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
    assert len(updates) >= 2, "the loss curve grows while training, not only at the end"
    assert tab.accuracy_plot.point_count() == 1
    assert tab.accuracy_plot.accuracies[-1] == pytest.approx(100 * outcome.test_accuracy)
    assert outcome.test_accuracy > 0.3
    assert tab.progress_bar.value() == tab.progress_bar.maximum() == 16
    assert "images/s" in tab.speed_label.text() and "ETA" in tab.speed_label.text()
    assert "test accuracy" in tab.status_label.text()
    # The confusion matrix counts every test image; the gallery shows the mistakes, captioned.
    assert tab.confusion_view.matrix.sum() == TEST_IMAGES
    assert np.trace(tab.confusion_view.matrix) == round(outcome.test_accuracy * TEST_IMAGES)
    assert tab.gallery.count() == min(64, outcome.wrong_total) > 0
    first = tab.gallery.item(0).text()
    true, said = (int(part) for part in first.split(" → "))
    assert true != said and (true, said) == (outcome.wrong_true[0], outcome.wrong_said[0])
    assert tab.use_button.isEnabled() and tab.save_button.isEnabled() and tab.train_button.isEnabled()
    assert not tab.stop_button.isEnabled()


def test_use_this_model_emits_the_trained_classifier_and_save_writes_it(qtbot, tab, mnist, tmp_path):
    assert not tab.use_button.isEnabled(), "nothing to use before training"
    run_to_end(qtbot, tab)
    with qtbot.waitSignal(tab.model_ready, timeout=1000) as blocker:
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


def test_pause_holds_training_and_stop_ends_the_thread_within_a_second(qtbot, tab):
    tab.subset_spin.setValue(60_000)  # far more than the test will ever wait for
    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > 0, timeout=RUN_TIMEOUT_MS)

    tab.pause_button.click()
    assert tab.pause_button.text() == "Resume"
    qtbot.wait(300)  # let the last reports already sent arrive
    held = tab.loss_plot.point_count()
    qtbot.wait(500)
    assert tab.loss_plot.point_count() == held, "no batches while paused"
    assert "Paused" in tab.status_label.text()

    tab.pause_button.click()  # resume
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > held, timeout=5000)

    with qtbot.waitSignal(tab.training_finished, timeout=5000) as blocker:
        started = time.perf_counter()
        tab.stop_button.click()
        qtbot.waitUntil(lambda: not tab.is_running, timeout=5000)
        stopped_in = time.perf_counter() - started
    assert stopped_in < 1.0, f"Stop took {stopped_in:.2f} s"
    outcome = blocker.args[0]
    assert outcome.status == "stopped" and outcome.checkpoint is not None, "the weights so far are kept"
    assert "Stopped" in tab.status_label.text()
    assert tab.use_button.isEnabled()


def test_stop_while_paused_ends_the_thread(qtbot, tab):
    tab.subset_spin.setValue(60_000)
    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() > 0, timeout=RUN_TIMEOUT_MS)
    tab.pause_button.click()
    qtbot.wait(100)
    started = time.perf_counter()
    tab.stop_button.click()
    qtbot.waitUntil(lambda: not tab.is_running, timeout=5000)
    assert time.perf_counter() - started < 1.0


def test_shutdown_mid_run_ends_the_thread_even_during_a_full_test(qtbot, tab, tmp_path):
    # Something saved before the run must survive closing mid-run untouched.
    kept = Checkpoint.from_model("digitnet", build_model("digitnet"))
    path = save_checkpoint(kept, tmp_path / "kept.pt")
    before = path.read_bytes()

    tab.test_subset = None  # the whole 10,000-image test set: seconds of evaluation to cut short
    tab.subset_spin.setValue(100)
    tab.batch_spin.setValue(100)
    outcomes = []
    tab.training_finished.connect(outcomes.append)
    tab.train_button.click()
    qtbot.waitUntil(lambda: tab.loss_plot.point_count() == 1, timeout=RUN_TIMEOUT_MS)  # now it is testing
    started = time.perf_counter()
    tab.shutdown()
    assert time.perf_counter() - started < 1.5
    assert _thread_ended(tab)
    qtbot.waitUntil(lambda: not tab.is_running, timeout=2000)
    assert outcomes == [], "the test of 10,000 images was cut short"
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
    assert {tab.arch_combo.itemData(i) for i in range(tab.arch_combo.count())} >= {"classic", "digitnet"}
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
    assert tab.config().arch == "digitnet"


def test_the_worker_sends_at_most_about_ten_loss_reports_a_second(qtbot):
    worker = TrainWorker(TrainConfig())
    reports = []
    worker.progress.connect(reports.append)
    started = time.perf_counter()
    for step in range(1, 2001):
        worker._on_batch(BatchReport(1, step, 2000, 1.0 / step, 1000.0, time.perf_counter() - started))
    seconds = time.perf_counter() - started
    assert len(reports) <= 2 + seconds * 10
    assert sum(len(r.steps) for r in reports) == 2000, "no loss is dropped: they are batched"
    assert reports[-1].step == 2000 and reports[-1].fraction == 1.0


def test_closing_the_window_mid_run_leaves_no_thread(qtbot, data_dir, mnist, monkeypatch):
    main_window = pytest.importorskip("digitdraw.ui.main_window", reason="the main window needs every tab")
    window = main_window.MainWindow(data_dir=str(data_dir))
    for other in (window.draw_tab, window.regression_tab):  # this test is about the Train tab's thread
        if not hasattr(other, "shutdown"):
            monkeypatch.setattr(other, "shutdown", lambda: None, raising=False)
    qtbot.addWidget(window)
    tab = window.train_tab
    tab.test_subset = TEST_IMAGES
    tab.apply_recipe("default")
    tab.batch_spin.setValue(32)
    tab.augment_check.setChecked(False)
    tab.subset_spin.setValue(256)
    try:
        run_to_end(qtbot, tab)
        draw = window.draw_tab
        images = mnist[1].images[:20].float() / 255
        before = draw.classifier.predict_batch(images) if getattr(draw, "classifier", None) else None
        tab.use_button.click()
        assert draw.classifier is not None and draw.classifier.checkpoint is tab.checkpoint
        if before is not None:
            after = draw.classifier.predict_batch(images)
            assert any(a.probabilities != b.probabilities for a, b in zip(after, before))
        assert window.tabs.currentWidget() is draw

        tab.subset_spin.setValue(60_000)
        tab.continue_check.setChecked(False)
        tab.train_button.click()
        qtbot.waitUntil(lambda: tab.loss_plot.point_count() > 0, timeout=RUN_TIMEOUT_MS)
        started = time.perf_counter()
        window.close()
        assert time.perf_counter() - started < 1.5
        assert _thread_ended(tab)
    finally:
        tab.shutdown()
