"""Restores lose nothing (issue 17, items 10-12): a till restored from its own backup, the central store
restored from an older backup, a till whose -wal file was deleted. Real tills (SQLCipher files), a real
central server on a real PostgreSQL; after each restore every node holds every sale any node held."""

from __future__ import annotations

import contextlib
import shutil

import psycopg
import pytest
from convergence import assert_converged, quiesce, receipts
from psycopg import conninfo
from sync_helpers import CentralServer, copy_till, enroll, opened, sell, set_central_url, sync

pytestmark = pytest.mark.postgres


def _backup(path, target, keyring):
    """The till's database copied as packaging/INSTALL.md says: with the till closed."""
    return copy_till(path, target, keyring)


def _restore(backup, path):
    """INSTALL.md's restore: the till closed, its -wal and -shm deleted, the backup put in place."""
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    shutil.copyfile(backup, path)


def _new_till(server, shop, tmp_path, code, url=None):
    path = tmp_path / f"{code}.db"
    with opened(path):
        pass
    enroll(path, url or server.url, server.enroll_till(shop, code))
    sync(path)
    return path


def _shop(server, shop, first_till, tmp_path, url=None):
    path, known = first_till
    enroll(path, url or server.url, server.enroll_till(shop, "T1"))
    sync(path)
    return path, _new_till(server, shop, tmp_path, "T2", url), known["customers"]


def _sales(path, customers, n):
    with opened(path):
        return [sell(customers[i % len(customers)], ("1001", "1004")).receipt_no for i in range(n)]


def test_a_till_restored_from_its_own_backup_loses_no_sale_and_reuses_no_number(
        central_server, shop, first_till, tmp_path, memory_keyring):
    t1, t2, customers = _shop(central_server, shop, first_till, tmp_path)
    made = _sales(t1, customers, 3)
    sync(t1)
    backup = _backup(t1, tmp_path / "t1-backup.db", memory_keyring)
    made += _sales(t1, customers, 3)  # T1-4..T1-6: synced, then lost locally by the restore
    sync(t1)
    made += _sales(t2, customers, 2)
    _restore(backup, t1)

    # the restored till sells before it syncs: it cannot know, and reuses T1-4
    again = _sales(t1, customers, 1)
    assert again == ["T1-4"]
    report = sync(t1)
    assert report.rejected == 0 and report.recovered == 3
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    bills = central["bill"]
    # nothing refused, nothing lost: the clashing sale is kept under a marked receipt number
    assert len(bills) == len(made) + 1
    assert set(made) <= set(receipts(bills))
    renamed = [b for b in bills.values() if b["receipt_no"].startswith("T1-4~")]
    assert len(renamed) == 1
    logged = central_server.rows(shop, "conflict_log")
    assert any(c["row_id"] == renamed[0]["id"] and c["field"] == "receipt_no" for c in logged.values())
    with opened(t1):
        from app.sync import recovery

        assert "lost 3 sales of its own" in recovery.notices()[-1]["text"]
        # the next sale continues after the highest number the store holds
        assert sell(customers[0]).receipt_no == "T1-7"


def test_a_till_restored_from_a_backup_learns_its_receipt_numbers_at_the_first_sync(
        central_server, shop, first_till, tmp_path, memory_keyring):
    t1, t2, customers = _shop(central_server, shop, first_till, tmp_path)
    _sales(t1, customers, 2)
    sync(t1)
    backup = _backup(t1, tmp_path / "t1-backup.db", memory_keyring)
    _sales(t1, customers, 2)
    sync(t1)
    _restore(backup, t1)
    sync(t1)  # the till window syncs as it starts; its first sale comes after this round
    assert _sales(t1, customers, 1) == ["T1-5"]
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert receipts(central["bill"]) == ["T1-1", "T1-2", "T1-3", "T1-4", "T1-5"]


def test_a_document_is_accepted_whole_lines_wait_for_their_bill(central_server, shop, first_till, tmp_path):
    """A bill's lines and payments pushed without their bill (the bill's batch failed) are refused for now,
    never stored pointing at no bill, and go again by themselves once the bill is there."""
    t1, t2, customers = _shop(central_server, shop, first_till, tmp_path)
    _sales(t1, customers, 2)
    with opened(t1):
        from db.models import Outbox

        # the first sale's bill row left out of the first push (as if its batch had been answered "retry")
        first_bill = Outbox.select().where(Outbox.table_name == "bill").order_by(Outbox.seq).first()
        held = first_bill.seq
        Outbox.update(state="held").where(Outbox.seq == held).execute()
    report = sync(t1)
    assert report.rejected > 0
    lines = central_server.rows(shop, "bill_line")
    bills = central_server.rows(shop, "bill")
    assert all(line["bill_id"] in bills for line in lines.values())
    with opened(t1):
        Outbox.update(state="pending").where(Outbox.seq == held).execute()
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert receipts(central["bill"]) == ["T1-1", "T1-2"]


# --- the central store restored from an older backup ------------------------------------------------------


@contextlib.contextmanager
def _own_central(pg_url, name):
    """A central store on a database of its own (so it can be backed up and restored as a whole)."""
    admin = psycopg.connect(pg_url, autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'DROP DATABASE IF EXISTS "{name}_bak"')
    admin.execute(f'CREATE DATABASE "{name}"')
    url = conninfo.make_conninfo(pg_url, dbname=name)
    state = {"server": CentralServer(url, pool_size=4)}

    def backup():
        state["server"].close()
        admin.execute(f'CREATE DATABASE "{name}_bak" TEMPLATE "{name}"')
        state["server"] = CentralServer(url, pool_size=4)
        return state["server"]

    def restore():
        state["server"].close()
        admin.execute(f'DROP DATABASE "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{name}_bak"')
        state["server"] = CentralServer(url, pool_size=4)
        return state["server"]

    try:
        yield state, backup, restore
    finally:
        state["server"].close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'DROP DATABASE IF EXISTS "{name}_bak"')
        admin.close()


def test_the_central_store_restored_from_an_older_backup_is_refilled_by_the_tills(
        pg_url, first_till, tmp_path):
    with _own_central(pg_url, "till_restore_central") as (state, backup, restore):
        server = state["server"]
        shop = server.new_shop()
        t1, t2, customers = _shop(server, shop, first_till, tmp_path)
        held = _sales(t1, customers, 3) + _sales(t2, customers, 3)
        quiesce([t1, t2], rounds=2)
        server = backup()
        for path in (t1, t2):
            set_central_url(path, server.url)
        held += _sales(t1, customers, 20) + _sales(t2, customers, 20)
        with opened(t1):
            from app import customers as rules

            added = rules.create({"name": "After The Backup", "phone": "+1 555 010 7777"}, None).id
        quiesce([t1, t2], rounds=2)  # both tills' cursors are now past what the backup holds
        server = restore()
        for path in (t1, t2):
            set_central_url(path, server.url)
        # T2 keeps selling and syncs first: the store's version passes T1's cursor again
        held += _sales(t2, customers, 30)
        sync(t2)
        sync(t2)
        report = sync(t1)
        assert report.resent > 0
        quiesce([t1, t2])
        central = assert_converged(server, shop, [t1, t2])
        assert receipts(central["bill"]) == sorted(held), "every sale any till held is in the store"
        assert added in central["customer"]
        with opened(t1):
            from app.sync import recovery

            assert "restored from an older backup" in recovery.notices()[-1]["text"]


# --- a till whose -wal file was deleted ----------------------------------------------------------------


def test_a_till_whose_wal_was_deleted_recovers_its_own_sales_from_the_central_store(
        central_server, shop, first_till, tmp_path):
    from app.sync import engine

    t1, t2, customers = _shop(central_server, shop, first_till, tmp_path)
    _sales(t1, customers, 3)
    sync(t1)
    lost_main = tmp_path / "t1-main-only.db"
    with opened(t1) as till:
        till.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        lost = [sell(customers[1], ("1003",)).receipt_no for _ in range(2)]
        with engine.client_for(t1, retries=0) as client:
            report = engine.SyncEngine(client).run_round()
        assert report.pushed > 0
        # the main file as it is now: the two sales and the sync round live only in till.db-wal
        shutil.copyfile(t1, lost_main)
    shutil.copyfile(lost_main, t1)
    for suffix in ("-wal", "-shm"):
        t1.with_name(t1.name + suffix).unlink(missing_ok=True)
    with opened(t1):
        from db.models import Bill

        assert not Bill.select().where(Bill.receipt_no.in_(lost)).exists(), "the -wal held those sales"
    report = sync(t1)
    assert report.recovered == 2
    with opened(t1):
        from app.sync import recovery

        assert Bill.select().where(Bill.receipt_no.in_(lost)).count() == 2
        assert "-wal" in recovery.notices()[-1]["text"]
        assert sell(customers[0]).receipt_no == "T1-6"
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert receipts(central["bill"]) == ["T1-1", "T1-2", "T1-3", "T1-4", "T1-5", "T1-6"]
