"""The central store's database calls are tried again (tenacity) when PostgreSQL says another transaction
got in the way, and give up with a clear 'try again' after the set number of attempts; real PostgreSQL."""

from __future__ import annotations

import pytest
from psycopg import errors as pg_errors

from central.database import Central, CentralUnavailable

pytestmark = pytest.mark.postgres


@pytest.fixture
def database(pg_url):
    db = Central(pg_url, max_size=2)
    db.open()
    yield db
    db.close()


def test_a_serialization_failure_is_tried_again_in_a_new_transaction(database):
    calls = []

    def work(conn):
        calls.append(conn.execute("SELECT txid_current()").fetchone()[0])
        if len(calls) < 3:
            raise pg_errors.SerializationFailure("could not serialize access")
        return "done"

    assert database.run(work) == "done"
    assert len(calls) == 3 and len(set(calls)) == 3  # each try its own transaction


def test_a_conflict_that_never_clears_gives_up_after_the_attempts(database):
    calls = []

    def work(conn):
        calls.append(1)
        raise pg_errors.DeadlockDetected("deadlock detected")

    with pytest.raises(CentralUnavailable, match="stayed busy"):
        database.run(work, attempts=4)
    assert len(calls) == 4


def test_a_refusal_is_not_tried_again(database):
    calls = []

    def work(conn):
        calls.append(1)
        raise pg_errors.UniqueViolation("duplicate key")

    with pytest.raises(pg_errors.UniqueViolation):
        database.run(work)
    assert calls == [1]
