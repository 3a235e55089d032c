"""Run slow work off the UI thread and get the result back on it by signal.

``writes`` is a single worker thread, so writes the UI starts happen one at a time and in order;
``reads`` may run several queries at once. Worker code never touches widgets.

The workers are Python threads (concurrent.futures), not QThreadPool threads: peewee keeps one database
connection per thread in a thread-local, and on a Qt pool thread Python's thread state is torn down after
every job, closing that connection at a moment CPython cannot release the GIL ("PyThreadState_Get: the
function must be called with the GIL held"). A Python thread keeps its state, and its connection, for its
whole life. Results come back through one signal of the runner, which lives on the UI thread (so the
connection is queued); the callbacks wait in a dict keyed by a job number. One QObject per job would leak:
its connection to a closure naming it is a cycle through C++ that Python's collector cannot see (the
shift soak found 18,000 of them after 20,000 sales).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import threading
import traceback

import shiboken6
from PySide6.QtCore import QObject, Signal

from app.errors import TillError

log = logging.getLogger(__name__)


class TaskRunner(QObject):
    _finished = Signal(int, bool, object)  # job number, succeeded, result or exception

    def __init__(self, parent=None, threads: int = 1, when_idle=None):
        """``when_idle``: run on the worker after a job's answer has been sent, when no other job waits
        (housekeeping the user must not wait for, e.g. the database's WAL checkpoint)."""
        super().__init__(parent)
        self._when_idle = when_idle
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="till-task")
        self._callbacks: dict[int, tuple] = {}  # job number -> (on_done, on_error, owner); UI thread only
        self._numbers = itertools.count(1)
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()
        self._shut_down = False
        self._finished.connect(self._deliver)

    def submit(self, fn, *args, on_done=None, on_error=None, owner=None, **kwargs) -> None:
        """Run ``fn(*args, **kwargs)`` on a worker; ``on_done(result)`` / ``on_error(exc)`` run on the UI
        thread afterwards, in the order the jobs finished. With an ``owner`` widget they run only while it
        still exists: a dialog closed while its query ran must not be touched when the answer arrives."""
        if self._shut_down:  # a late answer delivered after the window closed must not start new work
            log.info("task dropped: the runner is shut down")
            return
        number = next(self._numbers)
        self._callbacks[number] = (on_done, on_error, owner)

        def job():
            try:
                answer = (True, fn(*args, **kwargs))
            except TillError as exc:  # a rule said no: the UI shows why (its message may name a customer)
                log.info("task refused: %s", type(exc).__name__)
                answer = (False, exc)
            except Exception as exc:  # unexpected: delivered to the UI, which shows it, and logged in full
                log.warning("task failed: %s", traceback.format_exc())
                answer = (False, exc)
            if shiboken6.isValid(self):  # the window (and this runner) may be gone by now
                self._finished.emit(number, *answer)
            if self._when_idle is not None and not self._shut_down:
                with self._lock:
                    idle = len(self._pending) <= 1  # only this job: nothing else is queued
                if idle:
                    try:
                        self._when_idle()
                    except Exception:  # housekeeping: the next idle moment tries again
                        log.warning("idle task failed: %s", traceback.format_exc())

        future = self._pool.submit(job)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _deliver(self, number: int, succeeded: bool, value) -> None:
        on_done, on_error, owner = self._callbacks.pop(number, (None, None, None))
        if owner is not None and (not shiboken6.isValid(owner) or getattr(owner, "_closing", False)):
            return  # its window was closed while the job ran
        callback = on_done if succeeded else on_error
        if callback is not None:
            callback(value)

    def _forget(self, future) -> None:
        with self._lock:
            self._pending.discard(future)

    def shutdown(self, msecs: int = 10000) -> None:
        """Let the submitted jobs finish, then end the worker threads; a thread's database connection
        (peewee keeps one per thread) is closed as the thread ends."""
        self.wait(msecs)
        self._shut_down = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait until every submitted job has run (their results are delivered by the event loop)."""
        with self._lock:
            pending = set(self._pending)
        done, not_done = concurrent.futures.wait(pending, timeout=msecs / 1000)
        return not not_done

