"""Reads that a failover cannot take back.

On a primary with a synchronous standby, a transaction is visible to other sessions as soon as it commits
locally, before the standby has confirmed it. A till that pulled such a change and then saw the primary die
would hold a cursor the promoted standby never reached, and later versions numbered again on the new
primary would be skipped. So a pull (or snapshot page) that hands out new versions commits a transaction
id of its own before answering: its commit waits for the standby like any write, and WAL is flushed in
order, so everything the read saw is then on the standby too. Without a synchronous standby it costs
nothing (no transaction id is taken).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import psycopg

_CURSOR = re.compile(rb'\{"cursor":(\d+),')

_WAIT = ("SELECT CASE WHEN current_setting('synchronous_standby_names') <> '' "
         "THEN pg_current_xact_id()::text END")


def confirmed(read: Callable[[psycopg.Connection], bytes], since: int | None = None
              ) -> Callable[[psycopg.Connection], bytes]:
    """``read`` in a transaction that, when it hands out versions after ``since`` (always, when ``since``
    is None), commits only once a synchronous standby holds what it read."""
    def tx(conn: psycopg.Connection) -> bytes:
        body = read(conn)
        match = _CURSOR.match(body)
        if since is None or match is None or int(match.group(1)) > since:
            conn.execute(_WAIT)
        return body

    return tx


# --- several server processes ------------------------------------------------------------------------------

URL_ENV = "POS_CENTRAL_DATABASE_URL"
POOL_ENV = "POS_CENTRAL_POOL_SIZE"


def app_from_env():
    """The app for one of ``pos-central serve --workers N``'s processes (uvicorn imports it by name): one
    Python process runs on one core, so past a few hundred requests a second the service needs several.
    Each process has its own pool: N x pool size must stay below PostgreSQL's max_connections."""
    import os

    from central import store
    from central.api import create_app
    from central.database import Central

    # each process stamps head-office edits with its own clock: a node of its own keeps two stamps made in
    # the same millisecond by two processes distinct
    store.HQ_CLOCK.node = f"{store.HQ}-{os.getpid()}"
    from central.heap import settled

    return settled(create_app(Central(os.environ[URL_ENV], max_size=int(os.environ.get(POOL_ENV, "10")))))
