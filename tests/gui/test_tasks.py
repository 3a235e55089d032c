"""The UI's worker runner: answers reach the UI thread, and never a widget that was closed meanwhile."""

from __future__ import annotations

import threading

import shiboken6
from PySide6.QtWidgets import QLabel

from ui.tasks import TaskRunner


def test_answer_arrives_on_the_ui_thread(qtbot):
    runner = TaskRunner(threads=2)
    got = []
    runner.submit(lambda a, b: (a + b, threading.current_thread().name), 2, 3,
                  on_done=lambda r: got.append((r, threading.current_thread() is threading.main_thread())))
    qtbot.waitUntil(lambda: bool(got))
    (total, worker), on_ui_thread = got[0]
    assert total == 5 and worker.startswith("till-task") and on_ui_thread


def test_answer_for_a_deleted_owner_is_dropped(qtbot):
    """The customer picker closed while a keystroke's search ran; its answer must not touch the dead model
    (this raised 'Internal C++ object already deleted' inside the event loop)."""
    runner = TaskRunner(threads=1)
    release = threading.Event()
    owner = QLabel("picker")
    calls = []
    runner.submit(release.wait, 10, owner=owner, on_done=lambda _: calls.append(owner.text()),
                  on_error=lambda exc: calls.append(exc))
    owner.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(owner))
    release.set()
    assert runner.wait(5000)
    later = []
    runner.submit(lambda: "after", on_done=later.append)  # answers are delivered in order
    qtbot.waitUntil(lambda: bool(later))
    assert calls == []


def test_errors_reach_a_live_owner(qtbot):
    runner = TaskRunner()
    owner = QLabel()
    errors = []
    runner.submit(lambda: 1 / 0, owner=owner, on_error=errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert isinstance(errors[0], ZeroDivisionError)


def test_thousands_of_jobs_leave_nothing_behind(qtbot):
    """A till runs a job per sale, search and refresh all day: finished jobs must leave no objects behind
    (one QObject per job once leaked 7 Python blocks a job, 126,000 over a 20,000-sale shift)."""
    import gc
    import sys

    runner = TaskRunner(threads=2)
    done = []

    def run(jobs: int) -> None:
        for n in range(jobs):
            runner.submit(abs, -n, owner=runner, on_done=done.append, on_error=done.append)
        assert runner.wait(10_000)
        qtbot.waitUntil(lambda: len(done) >= jobs)
        done.clear()

    run(500)  # warm-up: caches, the pool's threads
    gc.collect()
    before = sys.getallocatedblocks()
    run(5000)
    gc.collect()
    grown = sys.getallocatedblocks() - before
    assert grown < 2500, f"{grown} blocks still held after 5,000 finished jobs"
    assert runner._callbacks == {}
