"""Run slow work off the UI thread and get the result back on it by signal.

``writes`` is a single worker thread, so writes the UI starts happen one at a time and in order;
``reads`` may run several queries at once. Worker code never touches widgets.

The workers are Python threads (concurrent.futures), not QThreadPool threads: peewee keeps one database
connection per thread in a thread-local, and on a Qt pool thread Python's thread state is torn down after
every job, closing that connection at a moment CPython cannot release the GIL ("PyThreadState_Get: the
function must be called with the GIL held"). A Python thread keeps its state, and its connection, for its
whole life. Results come back through a QObject living on the UI thread (a queued signal).
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading
import traceback

import shiboken6
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class _Relay(QObject):
    done = Signal(object)
    failed = Signal(object)


def _while_alive(owner, fn):
    if fn is None:
        return None

    def call(*args):
        if shiboken6.isValid(owner) and not getattr(owner, "_closing", False):
            fn(*args)

    return call


class TaskRunner(QObject):
    def __init__(self, parent=None, threads: int = 1):
        super().__init__(parent)
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="till-task")
        self._relays: set[_Relay] = set()
        self._pending: set[concurrent.futures.Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, *args, on_done=None, on_error=None, owner=None, **kwargs) -> _Relay:
        """Run ``fn(*args, **kwargs)`` on a worker; ``on_done(result)`` / ``on_error(exc)`` run on the UI
        thread afterwards. With an ``owner`` widget they run only while it still exists: a dialog closed
        while its query ran must not be touched when the answer arrives."""
        if owner is not None:
            on_done = _while_alive(owner, on_done)
            on_error = _while_alive(owner, on_error)
        relay = _Relay()  # created here, so it lives on the UI thread and its slots run there
        self._relays.add(relay)

        def finish(_=None):
            self._relays.discard(relay)

        if on_done is not None:
            relay.done.connect(on_done)
        if on_error is not None:
            relay.failed.connect(on_error)
        relay.done.connect(finish)
        relay.failed.connect(finish)

        def job():
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # delivered to the UI, which shows it
                log.debug("task failed: %s", traceback.format_exc())
                relay.failed.emit(exc)
            else:
                relay.done.emit(result)

        future = self._pool.submit(job)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)
        return relay

    def _forget(self, future) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait(self, msecs: int = 30000) -> bool:
        """Wait until every submitted job has run (their results are delivered by the event loop)."""
        with self._lock:
            pending = set(self._pending)
        done, not_done = concurrent.futures.wait(pending, timeout=msecs / 1000)
        return not not_done
