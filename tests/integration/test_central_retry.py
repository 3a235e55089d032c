"""Central.run retries what a distributed PostgreSQL asks to be retried: SQLSTATE 40001 (CockroachDB
answers every SERIALIZABLE conflict with it; PostgreSQL with serialization failures) and 40P01 (deadlock),
each time in a new transaction, and gives up with a clear 'try again' after the set number of attempts; a
refusal is not tried again. The errors are raised by a real PostgreSQL server."""

from __future__ import annotations

import pytest
from psycopg import errors as pg_errors

from central.database import Central, CentralUnavailable

pytestmark = pytest.mark.postgres

RAISE = "DO $$ BEGIN RAISE EXCEPTION 'restart transaction' USING ERRCODE = '{}'; END $$"


@pytest.fixture
def central(pg_url):
    c = Central(pg_url, max_size=2)
    c.open()
    yield c
    c.close()


@pytest.mark.parametrize("sqlstate", ["40001", "40P01"])
def test_a_retryable_failure_runs_the_transaction_again(central, sqlstate):
    calls = []

    def tx(conn):
        calls.append(conn.execute("SELECT txid_current()").fetchone()[0])
        conn.execute("CREATE TEMP TABLE IF NOT EXISTS retry_probe (n int) ON COMMIT DROP")
        conn.execute("INSERT INTO retry_probe VALUES (1)")
        if len(calls) < 3:
            conn.execute(RAISE.format(sqlstate))
        return conn.execute("SELECT count(*) FROM retry_probe").fetchone()[0]

    assert central.run(tx) == 1  # the failed attempts were rolled back, not added to
    assert len(calls) == 3 and len(set(calls)) == 3  # each try its own transaction


def test_a_failure_that_never_clears_is_unavailable_not_a_crash(central):
    calls = []

    def tx(conn):
        calls.append(1)
        conn.execute(RAISE.format("40001"))

    with pytest.raises(CentralUnavailable, match="40001"):
        central.run(tx, attempts=3)
    assert len(calls) == 3


def test_a_refusal_is_not_tried_again(central):
    calls = []

    def tx(conn):
        calls.append(1)
        conn.execute(RAISE.format("23505"))  # unique_violation: the answer will not change

    with pytest.raises(pg_errors.UniqueViolation):
        central.run(tx)
    assert calls == [1]
