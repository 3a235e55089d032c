"""Moving SQLite's WAL checkpoint out of the sale's way.

By default the connection that commits the 1,000th WAL page copies the log back into the database inside
that commit: about every 25th sale waited for it (a p99 the cashier feels between Enter and the cleared
bill). The write worker's connection turns automatic checkpoints off; once its queue is empty it asks a
``Checkpointer``, which runs a PASSIVE checkpoint on a thread and connection of its own, so a write queued
meanwhile does not wait behind it (SQLite lets a PASSIVE checkpoint run beside a writer: it copies only
what no reader still needs and never takes the write lock). A sale committing during a large checkpoint
still waits for the disk (its flush queues behind the checkpoint's); the large one is the first after the
start-up integrity check, which keeps one read open for half a minute at a million customers. Other
connections (sync, the CLI) keep SQLite's automatic checkpoint, so the log stays bounded whoever writes.
"""

from __future__ import annotations

import concurrent.futures
import logging
import threading

from db.integrity import yield_to_the_counter
from db.models import database

log = logging.getLogger(__name__)

_set_up = threading.local()


def defer_automatic() -> None:
    """This thread's connection leaves checkpoints to a ``Checkpointer`` (idempotent per thread)."""
    if not getattr(_set_up, "done", False) and not database.is_closed():
        database.execute_sql("PRAGMA wal_autocheckpoint=0")
        _set_up.done = True


def run_passive() -> None:
    """Copy the log back into the database without waiting for readers or writers (PASSIVE blocks nobody)."""
    database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")


class Checkpointer:
    """PASSIVE checkpoints on one thread of their own, asked for by the write worker when it goes idle.

    Requests coalesce: while one waits to run, more asks add nothing. The thread keeps its connection (a
    new one would derive the key again) until ``shutdown``, which closes it on that thread before the till
    lets go of the file."""

    def __init__(self):
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="till-checkpoint")
        self._lock = threading.Lock()
        self._queued = False
        self._closed = False
        self._pool.submit(yield_to_the_counter)  # housekeeping: the counter's threads come first

    def request(self) -> None:
        """Called on the write worker once its queue is empty (``TaskRunner(when_idle=...)``)."""
        defer_automatic()
        with self._lock:
            if self._queued or self._closed:
                return
            self._queued = True
        self._pool.submit(self._run)

    def _run(self) -> None:
        with self._lock:
            self._queued = False
            if self._closed:
                return
        try:
            run_passive()
        except Exception as exc:  # housekeeping: the next idle moment tries again
            log.info("checkpoint skipped: %s", exc)

    def shutdown(self) -> None:
        """Let a running checkpoint finish, then close this thread's connection."""
        with self._lock:
            self._closed = True
        self._pool.submit(_close_connection)
        self._pool.shutdown(wait=True)


def _close_connection() -> None:
    try:
        if database.obj is not None and not database.is_closed():
            database.close()
    except Exception as exc:  # the database went first: nothing left to close
        log.info("checkpoint connection not closed: %s", exc)

