"""Crashes: the till process killed (SIGKILL) mid-push and mid-pull, and PostgreSQL restarted under the
central server: nothing lost, nothing duplicated, the cursor never ahead of the data."""

from __future__ import annotations

import signal

import pytest
from sync_helpers import (
    FaultProxy,
    assert_in_step,
    enroll,
    keyring_file_for,
    opened,
    sell,
    sync,
    table_rows,
    till_process,
    wait_for,
)

from app import settings
from app.sync.client import Offline
from db.models import CustomerStats

pytestmark = pytest.mark.postgres


def _two_tills(server, shop, first_till, tmp_path, url):
    path, known = first_till
    enroll(path, url, server.enroll_till(shop, "T1"))
    sync(path)
    other = tmp_path / "T2.db"
    with opened(other):
        pass
    enroll(other, url, server.enroll_till(shop, "T2"))
    sync(other)
    return path, other, known


def _restart(pg, server, mode="fast", stop=True):
    """(Stop and) start PostgreSQL; return once the central server reports its database back."""
    import httpx

    if stop:
        pg.stop(mode)
    pg.start()
    with httpx.Client(base_url=server.url) as http:
        wait_for(lambda: http.get("/health").status_code == 200, timeout=60, what="the database to be back")


def _kill_when_held(process, proxy):
    assert proxy.held.wait(60), "the till never reached the held request"
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    process.stdout.close()
    process.stderr.close()
    proxy.release()
    assert process.returncode == -signal.SIGKILL


def test_a_till_killed_mid_push_loses_and_duplicates_nothing(central_server, shop, first_till, tmp_path, proxy,
                                                             memory_keyring):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path, proxy.url)
    customer = known["customers"][0]
    with opened(t1):
        sales = [sell(customer, ["1003"]) for _ in range(3)]
    proxy.add("/v1/push", "hold")  # the store applies the batch; the answer never reaches the till
    process = till_process(t1, keyring_file_for(memory_keyring, t1), "sync")
    _kill_when_held(process, proxy)
    with opened(t1):
        from db.outbox import pending_count

        assert pending_count() > 0  # killed before it heard back: everything still queued
    report = sync(t1)
    assert report.pushed == 0 and report.duplicates > 0
    receipts = [b["receipt_no"] for b in central_server.rows(shop, "bill").values()]
    assert sorted(receipts) == sorted(s.receipt_no for s in sales)
    sync(t2)
    with opened(t2):
        stats = CustomerStats.get(CustomerStats.customer == customer)
        assert (stats.orders, stats.points) == (3, sum(s.points_earned for s in sales))
    assert_in_step(central_server, shop, t1)


def test_a_till_killed_mid_pull_keeps_its_cursor_behind_its_data(central_server, shop, first_till, tmp_path, proxy,
                                                                 memory_keyring):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path, proxy.url)
    customer = known["customers"][1]
    with opened(t1):
        sales = [sell(customer, ["1001"]) for _ in range(3)]
    sync(t1)
    with opened(t2):
        before = settings.local("sync_cursor")
    proxy.add("/v1/pull", "hold")
    process = till_process(t2, keyring_file_for(memory_keyring, t2), "sync")
    _kill_when_held(process, proxy)
    assert_in_step(central_server, shop, t2)
    with opened(t2):
        assert settings.local("sync_cursor") == before
    sync(t2)
    with opened(t2):
        assert sorted(r["receipt_no"] for r in table_rows("bill").values()) == sorted(s.receipt_no for s in sales)
        assert CustomerStats.get(CustomerStats.customer == customer).orders == 3
    assert_in_step(central_server, shop, t2)


def test_the_till_subprocess_reports_an_offline_store_in_one_line(central_server, shop, first_till, tmp_path, proxy,
                                                                  memory_keyring):
    t1, _, _ = _two_tills(central_server, shop, first_till, tmp_path, proxy.url)
    proxy.down = True
    process = till_process(t1, keyring_file_for(memory_keyring, t1), "sync")
    out, err = process.communicate(timeout=120)
    assert process.returncode == 5
    assert err.count("\n") == 1 and "offline" in err and "Nothing was lost" in err


@pytest.fixture
def restartable(embedded_pg, central_server):
    if embedded_pg is None:
        pytest.skip("restarting PostgreSQL needs the embedded server (POS_TEST_DATABASE_URL is set)")
    yield embedded_pg, central_server
    if not embedded_pg.running:  # the test failed half-way: the other tests need their database
        _restart(embedded_pg, central_server, stop=False)


def test_restarting_postgresql_loses_nothing_and_duplicates_nothing(restartable, first_till, tmp_path):
    pg, server = restartable
    shop = server.new_shop()
    proxy = FaultProxy(server.port)
    try:
        t1, t2, known = _two_tills(server, shop, first_till, tmp_path, proxy.url)
        customer = known["customers"][2]
        with opened(t1):
            first = sell(customer, ["1004"])

        # PostgreSQL down: the store answers 503, the till keeps its sale
        pg.stop()
        with pytest.raises(Offline) as offline:
            sync(t1)
        assert offline.value.message.startswith("The central store is unavailable")
        _restart(pg, server, stop=False)
        sync(t1)

        # PostgreSQL killed (immediate stop: no clean shutdown) after the store applied a push whose answer
        # was lost, and while the other till was pulling
        with opened(t1):
            second = sell(customer, ["1004"])
        proxy.add("/v1/push", "lose_response")
        with pytest.raises(Offline):
            sync(t1)
        proxy.add("/v1/pull", "lose_response")
        with pytest.raises(Offline):
            sync(t2)
        _restart(pg, server, "immediate")
        assert_in_step(server, shop, t2)
        assert sync(t1).duplicates > 0
        sync(t2)
        receipts = sorted(b["receipt_no"] for b in server.rows(shop, "bill").values())
        assert receipts == sorted([first.receipt_no, second.receipt_no])
        with opened(t2):
            assert sorted(r["receipt_no"] for r in table_rows("bill").values()) == receipts
            assert CustomerStats.get(CustomerStats.customer == customer).orders == 2
        assert_in_step(server, shop, t2)
    finally:
        proxy.close()
