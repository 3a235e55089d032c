"""Network faults through a loopback proxy the test controls (connections dropped, answers lost, cut
mid-response, late or corrupt), a snapshot download cut or corrupted mid-way: nothing is lost, nothing
is applied twice, and the till's cursor is never ahead of its data."""

from __future__ import annotations

import pytest
from sync_helpers import assert_in_step, enroll, join_new_till, opened, sell, sync, table_rows

from app import settings
from app.sync.client import CorruptPage, Offline
from db.models import CustomerStats

pytestmark = pytest.mark.postgres


@pytest.fixture
def shop_tills(central_server, shop, first_till, tmp_path, proxy):
    """The small shop's first till and a second till, both linked through the fault proxy."""
    path, known = first_till
    enroll(path, proxy.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    other = tmp_path / "T2.db"
    with opened(other):
        pass
    enroll(other, proxy.url, central_server.enroll_till(shop, "T2"))
    sync(other)
    return path, other, known


def _receipts(server, shop):
    return sorted(b["receipt_no"] for b in server.rows(shop, "bill").values())


@pytest.mark.parametrize("mode", ["drop", "lose_response", "cut", "slow"])
def test_push_faults_lose_nothing_and_duplicate_nothing(shop_tills, central_server, shop, proxy, mode):
    t1, t2, known = shop_tills
    customer = known["customers"][0]
    with opened(t1):
        sales = [sell(customer, ["1001", "1004"]) for _ in range(3)]
    if mode == "slow":
        proxy.add("/v1/push", "delay", delay=1.5)
        with pytest.raises(Offline):
            sync(t1, timeout=0.5)  # the till gives up waiting; the store applied it anyway
    else:
        proxy.add("/v1/push", mode)
        with pytest.raises(Offline):
            sync(t1)
    assert_in_step(central_server, shop, t1)
    sync(t1)
    assert _receipts(central_server, shop) == sorted(s.receipt_no for s in sales)
    with opened(t1):
        from db.outbox import pending_count

        assert pending_count() == 0
    sync(t2)
    with opened(t2):
        assert sorted(r["receipt_no"] for r in table_rows("bill").values()) == sorted(s.receipt_no for s in sales)
        stats = CustomerStats.get(CustomerStats.customer == customer)
        assert (stats.orders, stats.points) == (3, sum(s.points_earned for s in sales))
    assert_in_step(central_server, shop, t2)


@pytest.mark.parametrize("mode", ["drop", "lose_response", "cut", "corrupt"])
def test_pull_faults_never_move_the_cursor_ahead_of_the_data(shop_tills, central_server, shop, proxy, mode):
    t1, t2, known = shop_tills
    customer = known["customers"][1]
    with opened(t1):
        sales = [sell(customer, ["1003"]) for _ in range(4)]
    sync(t1)
    with opened(t2):
        before = int(settings.local("sync_cursor"))
    proxy.add("/v1/pull", mode, skip=1)  # the second page (pull limit 2) fails
    with pytest.raises(Offline):
        sync(t2, engine_kwargs={"pull_limit": 2})
    cursor = assert_in_step(central_server, shop, t2)
    assert cursor > before  # the first page and its cursor landed together
    sync(t2, engine_kwargs={"pull_limit": 2})
    with opened(t2):
        assert sorted(r["receipt_no"] for r in table_rows("bill").values()) == sorted(s.receipt_no for s in sales)
        assert CustomerStats.get(CustomerStats.customer == customer).orders == 4
    assert_in_step(central_server, shop, t2)


def test_the_client_retries_a_cut_answer_with_backoff_within_one_round(shop_tills, central_server, shop, proxy):
    t1, t2, known = shop_tills
    with opened(t1):
        sale = sell(known["customers"][2])
    proxy.add("/v1/push", "cut")
    proxy.add("/v1/pull", "drop")
    report = sync(t1, retries=3)
    # the cut answer's batch had been applied: the retry is answered "duplicate", once
    assert report.duplicates > 0 and report.pushed == 0
    assert _receipts(central_server, shop).count(sale.receipt_no) == 1
    assert [p.split("?")[0] for p in proxy.seen[-4:]] == ["/v1/push", "/v1/push", "/v1/pull", "/v1/pull"]


@pytest.mark.parametrize("mode", ["corrupt", "cut"])
def test_a_bad_snapshot_page_is_rejected_and_the_download_resumes(central_server, shop, first_till, tmp_path, proxy,
                                                                   mode):
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    new = tmp_path / "new.db"
    with opened(new):
        pass
    enroll(new, proxy.url, central_server.enroll_till(shop, "T2"))
    proxy.add("/v1/snapshot", mode, skip=2)
    small_pages = {"snapshot_limit": 3}
    with pytest.raises(CorruptPage if mode == "corrupt" else Offline):
        sync(new, engine_kwargs=small_pages)
    with opened(new):
        progress = settings.local("snapshot_progress")
        assert progress and progress["table"]  # two pages applied, the third not
        assert not settings.local("sync_bootstrapped")
        assert len(table_rows("user")) + len(table_rows("audit_log")) <= 6
    sync(new, engine_kwargs=small_pages)
    resumed = [p for p in proxy.seen if p.startswith("/v1/snapshot")]
    assert "after=" in resumed[-1] and "at=" in resumed[3]  # resumed at the version it started from
    with opened(new):
        assert set(table_rows("customer")) == set(known["customers"])
        assert settings.local("snapshot_progress") is None
    assert_in_step(central_server, shop, new)


def test_a_snapshot_that_keeps_failing_its_checksum_is_never_applied(central_server, shop, first_till, tmp_path,
                                                                     proxy):
    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    new = tmp_path / "new.db"
    with opened(new):
        pass
    enroll(new, proxy.url, central_server.enroll_till(shop, "T2"))
    proxy.add("/v1/snapshot", "corrupt", times=10)
    with pytest.raises(CorruptPage) as failed:
        sync(new, retries=2)
    assert "failed its checksum" in failed.value.message
    with opened(new):
        assert table_rows("customer") == {} and table_rows("user") == {}


def test_a_snapshot_breaking_a_unique_rule_still_completes_and_logs_it(central_server, shop, first_till, tmp_path):
    """The till drops its indexes while bootstrapping and builds them at the end; should the store ever
    hold two customers with one phone (written around its checks), one keeps it and the clash is logged."""
    import json

    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    original = central_server.rows(shop, "customer")[known["customers"][0]]
    shop_id = central_server.shop_id(shop)

    def sneak_in(conn):
        version = conn.execute("UPDATE shop SET version = version + 1 WHERE id = %s RETURNING version",
                               (shop_id,)).fetchone()[0]
        clone = dict(original, id="clone-of-a-customer", name="Clone", server_version=version)
        conn.execute("INSERT INTO sync_row (shop_id, tbl, id, version, origin, data) "
                     "VALUES (%s, 'customer', %s, %s, 'test', %s::jsonb)",
                     (shop_id, clone["id"], version, json.dumps(clone)))

    central_server.run(sneak_in)
    new = tmp_path / "new.db"
    join_new_till(central_server, shop, new)
    with opened(new):
        phones = [r["phone"] for r in table_rows("customer").values()]
        assert phones.count(original["phone"]) == 1 and phones.count(None) == 1
        from db.models import ConflictLog

        assert ConflictLog.select().where(ConflictLog.field == "phone").count() == 1
        assert settings.local("bootstrap_indexes") is None
        rebuilt = _schema()
    with opened(tmp_path / "untouched.db"):
        assert rebuilt == _schema()  # every index the migrations made is back, exactly as it was


def _schema():
    from db.models import database

    return sorted(database.execute_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").fetchall())
