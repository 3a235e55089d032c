"""pos-central's own schema and command line: migrations run once and refuse a newer schema, commands
answer in one clear line."""

from __future__ import annotations

import subprocess
import sys
import uuid

import psycopg
import pytest
from sync_helpers import TESTS

from central.database import SCHEMA_VERSION, CentralSchemaError, migrate

pytestmark = pytest.mark.postgres


@pytest.fixture
def blank_database(pg_url):
    """A database of its own on the test server, dropped afterwards."""
    name = f"central_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    url = psycopg.conninfo.make_conninfo(pg_url, dbname=name)
    yield url
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "central.cli", *args], capture_output=True, text=True,
                          timeout=120, cwd=TESTS.parent)


def test_migrations_run_once_and_a_newer_schema_is_refused(blank_database):
    assert migrate(blank_database) == SCHEMA_VERSION
    assert migrate(blank_database) == SCHEMA_VERSION  # nothing to do the second time
    with psycopg.connect(blank_database, autocommit=True) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
        assert {"shop", "till", "access_token", "sync_row", "sync_key", "sync_op"} <= tables
        conn.execute("UPDATE central_meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(CentralSchemaError, match="schema 99"):
        migrate(blank_database)
    refused = _cli("list-tills", "--database-url", blank_database, "--store", "Any")
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1 and "newer pos-central" in refused.stderr


def test_commands_answer_in_one_line(blank_database):
    missing = _cli("list-tills", "--database-url", blank_database, "--store", "Nowhere")
    assert missing.returncode == 2 and missing.stderr.strip() == "pos-central: There is no shop named 'Nowhere'."
    bind = _cli("serve", "--database-url", blank_database, "--bind", "8700")
    assert bind.returncode == 2 and "HOST:PORT" in bind.stderr
    token = _cli("enroll-till", "--database-url", blank_database, "--store", "Corner", "--till", "T1")
    assert token.returncode == 0 and token.stdout.startswith("tt_")
    listed = _cli("list-tills", "--database-url", blank_database, "--store", "Corner")
    assert listed.stdout.startswith("T1\t") and "1 token(s)" in listed.stdout
    revoked = _cli("revoke-till", "--database-url", blank_database, "--store", "Corner", "--till", "T1")
    assert revoked.stdout.strip() == "revoked 1 token(s) of till T1"
    bad_json = _cli("put", "--database-url", blank_database, "--store", "Corner", "item", "{not json")
    assert bad_json.returncode == 2 and "not valid JSON" in bad_json.stderr
    unreachable = _cli("list-tills", "--database-url", "postgresql://nobody@127.0.0.1:1/none", "--store", "x")
    assert unreachable.returncode == 2 and unreachable.stderr.count("\n") == 1
