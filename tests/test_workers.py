"""The worker helper: functions and generators in a thread, their signals, stopping and waiting."""

from __future__ import annotations

import os
import threading

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from digitdraw.core.imageio import ImageReadError, read_image
from digitdraw.ui.language import install_translators, remove_translators
from digitdraw.ui.workers import Aborted, Worker, create_worker, one_line, running_workers

WAIT_MS = 20_000


@pytest.fixture
def record(qtbot):
    """Connects every signal of a worker to a list of (signal, value, in the window's thread?)."""
    events = []

    def connect(worker: Worker) -> Worker:
        def note(name):
            def slot(*value):
                in_window = QThread.currentThread() is QCoreApplication.instance().thread()
                events.append((name, value[0] if value else None, in_window))

            return slot

        for name in ("started", "yielded", "returned", "errored", "aborted", "finished"):
            getattr(worker, name).connect(note(name))
        return worker

    connect.events = events
    yield connect
    for worker in running_workers():
        worker.quit()


def names(events) -> list[str]:
    return [name for name, _, _ in events]


def test_a_function_worker_returns_its_result_in_the_window_thread(qtbot, record):
    ran_in = []

    def add(a, b):
        ran_in.append(threading.get_ident())
        return a + b

    worker = record(Worker(add, 2, 3, name="adding"))
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    assert names(record.events) == ["started", "returned", "finished"]
    assert record.events[1][1] == 5
    assert all(in_window for _, _, in_window in record.events), "every signal arrives in the window's thread"
    assert ran_in and ran_in[0] != threading.get_ident(), "the work ran in another thread"
    assert not worker.is_running and worker not in running_workers()


def test_a_generator_worker_yields_each_value_then_returns(qtbot, record):
    def count(n):
        for i in range(n):
            yield i
        return "done"

    worker = record(create_worker(count, 4, start=False))
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    assert names(record.events) == ["started", "yielded", "yielded", "yielded", "yielded", "returned", "finished"]
    assert [value for name, value, _ in record.events if name == "yielded"] == [0, 1, 2, 3]
    assert record.events[-2][1] == "done"


def test_a_function_reports_through_its_report_callable(qtbot, record):
    def job(report, n):
        for i in range(n):
            report(i * 10)
        return n

    worker = record(create_worker(job, 3, with_report=True, start=False))
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    assert [value for name, value, _ in record.events if name == "yielded"] == [0, 10, 20]
    assert names(record.events)[-2:] == ["returned", "finished"]


def test_a_generator_asked_to_stop_is_closed_between_values_and_aborts(qtbot, record):
    closed, resume = threading.Event(), threading.Event()

    def endless():
        try:
            i = 0
            while True:
                yield i
                i += 1
                resume.wait(5)
        finally:
            closed.set()

    worker = record(create_worker(endless, start=False))
    with qtbot.waitSignal(worker.yielded, timeout=WAIT_MS):
        worker.start()
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.request_stop()
        resume.set()
    assert closed.is_set(), "the generator was closed (its finally ran)"
    assert "aborted" in names(record.events) and "returned" not in names(record.events)
    assert names(record.events)[-1] == "finished"


def test_a_function_told_to_stop_through_on_stop_can_abort(qtbot, record):
    stop = threading.Event()

    def wait_for_stop():
        stop.wait(60)
        raise Aborted

    worker = record(create_worker(wait_for_stop, on_stop=stop.set, start=False))
    with qtbot.waitSignal(worker.started, timeout=WAIT_MS):
        worker.start()
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.request_stop()
    assert names(record.events) == ["started", "aborted", "finished"]


def test_an_error_becomes_one_translated_line_never_a_traceback(qtbot, record, tmp_path):
    install_translators("zh_CN")
    try:
        worker = record(create_worker(read_image, tmp_path / "missing.png", start=False))
        with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
            worker.start()
        translated = QCoreApplication.translate("", "no such file")
    finally:
        remove_translators()
    assert names(record.events) == ["started", "errored", "finished"]
    assert translated != "no such file", "the message has a Chinese translation"
    assert record.events[1][1] == translated, "in the app's language"
    assert isinstance(worker.error, ImageReadError)


def test_a_library_error_is_cut_to_its_first_line(qtbot, record):
    def fail():
        raise RuntimeError("shapes cannot be multiplied (1x10 and 20x5)\n\nTraceback (most recent call last):\n  File ...")

    worker = record(create_worker(fail, start=False))
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    message = record.events[1][1]
    assert message == "That did not work: shapes cannot be multiplied (1x10 and 20x5)"
    assert "\n" not in message and "Traceback" not in message


def test_an_error_without_words_is_named_by_its_type(qtbot, record):
    def fail():
        raise KeyError

    worker = record(create_worker(fail, describe_error=lambda error: "", start=False))
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    assert record.events[1][1] == "KeyError"


def test_quit_stops_waits_and_leaves_no_thread_and_nothing_to_deliver(qtbot, record):
    stop = threading.Event()
    values = []

    def busy():
        i = 0
        while not stop.is_set():
            i += 1
            if i % 1000 == 0:
                yield i

    worker = record(create_worker(busy, on_stop=stop.set, start=False))
    worker.yielded.connect(values.append)
    with qtbot.waitSignal(worker.yielded, timeout=WAIT_MS):
        worker.start()
    worker.quit()
    assert worker.wait(0), "quit() returns once the thread has ended"
    assert not worker.is_running and worker not in running_workers()
    delivered = len(record.events)
    qtbot.wait(50)  # whatever the thread had sent before it ended stays undelivered
    assert len(record.events) == delivered
    assert "finished" not in names(record.events)


def test_quit_from_a_stop_request_before_the_work_began_aborts_at_once(qtbot, record):
    ran = []
    worker = record(create_worker(lambda: ran.append(1), start=False))
    worker.request_stop()
    with qtbot.waitSignal(worker.finished, timeout=WAIT_MS):
        worker.start()
    assert not ran and names(record.events) == ["started", "aborted", "finished"]


def test_quit_on_a_worker_never_started_returns_at_once():
    worker = Worker(lambda: None)
    worker.quit()
    assert not worker.is_running


def test_one_line_keeps_the_first_line_with_words():
    assert one_line("\n  first  \nsecond") == "first"
    assert one_line("") == ""


def test_a_worker_thread_runs_below_the_window_thread_priority(qtbot, record):
    """The thread policy of core.threads: the window gets a core at once when it wakes."""
    if not hasattr(os, "getpriority"):
        pytest.skip("no per-thread niceness here")
    from digitdraw.core.threads import WORKER_NICENESS

    def niceness():
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    worker = record(create_worker(niceness, start=False))
    with qtbot.waitSignal(worker.returned, timeout=WAIT_MS) as returned:
        worker.start()
    assert returned.args[0] == niceness() + WORKER_NICENESS


def test_a_training_job_tests_a_model_with_its_checkpoints_own_normalisation(qapp, data_dir):
    """Evaluating (and fine-tuning) a model started from a checkpoint normalises as that checkpoint says."""
    from dataclasses import replace

    from digitdraw.core.data import cached_mnist
    from digitdraw.core.inference import Classifier, default_model_path
    from digitdraw.core.checkpoints import load_checkpoint
    from digitdraw.core.training import TrainConfig
    from digitdraw.ui.training_job import TrainingJob

    shifted = replace(load_checkpoint(default_model_path()), mean=0.5, std=0.25)
    job = TrainingJob(TrainConfig(arch=shifted.arch), data_dir, test_subset=500, initial=shifted, evaluate_only=True)
    outcome = job.run(lambda report: None)
    test = cached_mnist(data_dir)[1].subset(500)
    read = Classifier(shifted).predict_batch(test.images.float() / 255.0)
    as_the_app_reads_it = sum(p.digit == int(label) for p, label in zip(read, test.labels)) / len(test)
    assert outcome.test_accuracy == pytest.approx(as_the_app_reads_it)
    assert (outcome.checkpoint.mean, outcome.checkpoint.std) == (0.5, 0.25)
