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


def test_idle_work_runs_after_the_answer_and_only_when_nothing_waits(qtbot):
    """The write worker's WAL checkpoint: after the sale's answer is sent, never between two queued jobs."""
    events = []
    release = threading.Event()
    runner = TaskRunner(threads=1, when_idle=lambda: events.append("idle"))
    runner.submit(release.wait, 10, on_done=lambda _: events.append("first answered"))
    runner.submit(lambda: events.append("second ran"))  # queued behind the first
    release.set()
    assert runner.wait(5000)
    qtbot.waitUntil(lambda: "first answered" in events)
    assert events.count("idle") == 1 and events.index("second ran") < events.index("idle")


def test_the_write_worker_checkpoints_after_a_sale_not_inside_it(qtbot, till_window):
    """The write worker's own connection leaves the checkpoint out of its commits and runs it when idle."""
    from sale_steps import finish, pay, scan, start

    from db.models import database

    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    assert till_window.writes.wait(5000)
    got = []
    till_window.writes.submit(lambda: database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0],
                              on_done=got.append)
    qtbot.waitUntil(lambda: bool(got))
    assert got == [0]  # the sale's commit did not copy the log back: the idle checkpoint does
    assert database.execute_sql("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # other connections keep it


def test_a_slow_checkpoint_never_holds_up_the_next_sale(qtbot, till_window):
    """The WAL is copied back on a thread of its own: with that thread held, sales still complete (their
    changes wait in the log, the database file itself untouched); let go, the file takes them."""
    import hashlib

    from sale_steps import finish, pay, scan, start

    def file_hash() -> str:
        return hashlib.sha256(till_window.till.path.read_bytes()).hexdigest()

    start(qtbot, till_window)
    scan(qtbot, till_window, "1001")
    finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    assert till_window.writes.wait(5000)
    release = threading.Event()
    till_window.checkpointer._pool.submit(release.wait, 20)  # a checkpoint that takes its time
    before = file_hash()
    for _ in range(2):
        scan(qtbot, till_window, "1001")
        finish(qtbot, till_window, pay(qtbot, till_window, "cash", "5"))
    assert till_window.writes.wait(5000)
    assert file_hash() == before  # both sales done, their pages still only in the log
    release.set()
    qtbot.waitUntil(lambda: file_hash() != before, timeout=5000)
