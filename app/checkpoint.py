"""Moving SQLite's WAL checkpoint out of the sale's commit.

By default the connection that commits the 1,000th WAL page copies the log back into the database inside
that commit: about every 25th sale waited for it (a p99 the cashier feels between Enter and the cleared
bill). The write worker's connection turns automatic checkpoints off and runs a PASSIVE checkpoint itself
once its queue is empty, after the answer has gone to the screen. Other connections (sync, the CLI) keep
SQLite's automatic checkpoint, so the log stays bounded whoever writes.
"""

from __future__ import annotations

import threading

from db.models import database

_set_up = threading.local()


def defer_automatic() -> None:
    """This thread's connection leaves checkpoints to ``when_idle`` (idempotent per thread)."""
    if not getattr(_set_up, "done", False) and not database.is_closed():
        database.execute_sql("PRAGMA wal_autocheckpoint=0")
        _set_up.done = True


def when_idle() -> None:
    """Copy the log back into the database without waiting for readers (PASSIVE never blocks them)."""
    if database.is_closed():
        return
    defer_automatic()
    database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
