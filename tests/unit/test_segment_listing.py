"""How a customer is listed (status and default profile) is kept in customer_stats by triggers (migration
18), on every write path: the form, merge and its undo, erasure, and rows pulled by sync. Segment lists
with a status tab or a profile read only that covering index, and agree with the customer table."""

from __future__ import annotations

import datetime as dt

import pytest
from backoffice_helpers import make_bill

from app import customers, merge, privacy, segment_lists, segments
from app.segments import LAPSED, NEW, REGULAR, VIP
from app.sync.apply import apply_groups
from db.hlc import format_stamp
from db.ids import new_id, utcnow
from db.models import Customer, CustomerProfile, User, database


@pytest.fixture
def shop(demo_db):
    return User.get(User.name == "Manager"), User.get(User.name == "Cashier")


def _listing(customer_id: str):
    return database.execute_sql(
        "SELECT s.list_status, p.id, s.customer_rowid = c.rowid FROM customer_stats s JOIN customer c "
        "ON c.id = s.customer_id LEFT JOIN customer_profile p ON p.rowid = s.profile_rowid "
        "WHERE s.customer_id = ?", (customer_id,)).fetchone()


def _expected_everywhere() -> None:
    """Every figures row's listing matches its customer (the rule the triggers keep)."""
    wrong = database.execute_sql(
        "SELECT c.name FROM customer_stats s JOIN customer c ON c.id = s.customer_id "
        "LEFT JOIN customer_profile p ON p.id = c.default_profile_id "
        "WHERE s.customer_rowid IS NOT c.rowid OR s.profile_rowid IS NOT p.rowid OR s.list_status IS NOT "
        "(CASE WHEN c.deleted_at IS NOT NULL OR c.merged_into_id IS NOT NULL THEN NULL "
        "WHEN c.erased_at IS NOT NULL THEN 'erased' ELSE c.status END)").fetchall()
    assert wrong == []


def _ids(rowids) -> set[str]:
    rowids = list(rowids)
    if not rowids:
        return set()
    marks = ",".join("?" * len(rowids))
    return {r[0] for r in database.execute_sql(f"SELECT id FROM customer WHERE rowid IN ({marks})", rowids)}


def _lapsed_customer(manager, cashier, name: str, phone: str, **extra) -> Customer:
    customer = customers.create({"name": name, "phone": phone, "status": "active", **extra}, manager)
    make_bill(cashier, customer=customer, when=utcnow() - dt.timedelta(days=300))
    return Customer.get(Customer.id == customer.id)


def test_the_first_bill_and_form_edits_keep_the_listing(shop):
    manager, cashier = shop
    staff = CustomerProfile.get(CustomerProfile.name == "Staff")
    retail = CustomerProfile.get(CustomerProfile.name == "Retail")
    lara = _lapsed_customer(manager, cashier, "Lara Listing", "+1 555 888 0001", default_profile=staff.id)
    assert _listing(lara.id) == ("active", staff.id, 1)
    assert lara.id in _ids(segments.ids(LAPSED, staff.id, "active"))

    customers.update(lara.id, {"status": "inactive", "default_profile": retail.id}, manager)
    assert _listing(lara.id) == ("inactive", retail.id, 1)
    assert lara.id not in _ids(segments.ids(LAPSED, None, "active"))
    assert lara.id not in _ids(segments.ids(LAPSED, staff.id))
    assert lara.id in _ids(segments.ids(LAPSED, retail.id, "inactive"))
    customers.update(lara.id, {"default_profile": None}, manager)
    assert _listing(lara.id) == ("inactive", None, 1)
    _expected_everywhere()


def test_merge_undo_and_erasure_take_customers_out_of_segment_lists(shop):
    manager, cashier = shop
    keep = _lapsed_customer(manager, cashier, "Kim Keeper", "+1 555 888 0011")
    gone = _lapsed_customer(manager, cashier, "Kim Kept", "+1 555 888 0012")
    erased = _lapsed_customer(manager, cashier, "Ezra Erased", "+1 555 888 0013")
    merge_id = merge.merge(keep.id, gone.id, manager)
    assert _listing(gone.id)[0] is None and _listing(keep.id)[0] == "active"
    lapsed = _ids(segments.ids(LAPSED))
    assert keep.id in lapsed and gone.id not in lapsed
    merge.undo(merge_id, manager)
    assert _listing(gone.id)[0] == "active" and gone.id in _ids(segments.ids(LAPSED))

    privacy.erase(erased.id, manager)
    assert _listing(erased.id)[0] == "erased"
    for status in (None, "active", "inactive"):
        assert erased.id not in _ids(segments.ids(LAPSED, None, status))
    _expected_everywhere()


def _pull_customer(customer_id: str, **changes) -> None:
    """The customer's row as the central store would send it, changed and newer (this till's own changes
    already pushed)."""
    database.execute_sql("DELETE FROM outbox")
    columns = [f.column_name for f in Customer._meta.sorted_fields]
    row = list(database.execute_sql(f"SELECT {', '.join(columns)} FROM customer WHERE id = ?",
                                    (customer_id,)).fetchone())
    for column, value in changes.items():
        row[columns.index(column)] = value
    row[columns.index("updated_at")] = format_stamp(int(utcnow().timestamp() * 1000) + 60_000, 0, "other-till")
    with database.atomic():
        apply_groups([{"table": "customer", "columns": columns, "rows": [row]}])


def test_pulled_changes_of_status_and_profile(shop):
    manager, cashier = shop
    pia = _lapsed_customer(manager, cashier, "Pia Pulled", "+1 555 888 0021")
    _pull_customer(pia.id, status="inactive")
    assert Customer.get(Customer.id == pia.id).status == "inactive"
    assert _listing(pia.id)[0] == "inactive"
    assert pia.id in _ids(segments.ids(LAPSED, None, "inactive"))

    # a profile new to this till and the customer's change naming it, pulled together
    profile_id = new_id()
    stamp = format_stamp(int(utcnow().timestamp() * 1000) + 120_000, 0, "other-till")
    profile_columns = [f.column_name for f in CustomerProfile._meta.sorted_fields]
    profile = CustomerProfile(id=profile_id, updated_at=stamp, name="Wholesale North")
    profile_row = [f.db_value(getattr(profile, f.name)) for f in CustomerProfile._meta.sorted_fields]
    with database.atomic():
        apply_groups([{"table": "customer_profile", "columns": profile_columns, "rows": [profile_row]}])
    _pull_customer(pia.id, default_profile_id=profile_id)
    assert _listing(pia.id) == ("inactive", profile_id, 1)
    assert _ids(segments.ids(LAPSED, profile_id)) == {pia.id}
    assert pia.id not in _ids(segments.ids(LAPSED, profile_id, "active"))
    _expected_everywhere()


def test_every_filtered_segment_list_reads_one_covering_index(shop):
    manager, cashier = shop
    staff = CustomerProfile.get(CustomerProfile.name == "Staff")
    now = utcnow()
    rule = segments.rules()
    for segment in (NEW, REGULAR, LAPSED, VIP):
        for status in (None, "active", "inactive"):
            for profile in (None, staff.id):
                query = segment_lists._stats_where(segment, status, profile, now, rule)
                if query is None:
                    continue
                plan = " ".join(str(r) for r in database.execute_sql(
                    f"EXPLAIN QUERY PLAN SELECT s.customer_rowid {query[0]}{segment_lists._order(segment)}",
                    query[1]))
                assert "COVERING INDEX" in plan and "TEMP B-TREE" not in plan, (segment, plan)


def test_the_head_is_the_start_of_the_whole_list(shop):
    manager, cashier = shop
    staff = CustomerProfile.get(CustomerProfile.name == "Staff")
    for n in range(6):
        _lapsed_customer(manager, cashier, f"Hal Head {n}", f"+1 555 888 01{n:02d}",
                         default_profile=staff.id if n % 2 else None)
    for n in range(2):  # deleted customers (no sales) are in no list
        customers.delete(customers.create({"name": f"Del Deleted {n}", "phone": f"+1 555 888 02{n:02d}",
                                           "status": "active" if n else "inactive"}, manager).id, manager)
    for segment in (None, LAPSED, VIP, NEW):
        for status in (None, "active", "inactive"):
            for profile in (None, staff.id):
                whole = segments.ids(segment, profile, status)
                head = segment_lists.head(segment, profile, status, limit=3)
                assert head.count == len(whole), (segment, status, profile)
                assert list(head.rowids) == list(whole[:3]), (segment, status, profile)
    assert segment_lists.head(LAPSED, search="hal") is None


def test_migration_18_upgrades_the_schema_before_it(demo_db_path):
    """A till at schema 16 (or 17: the listing columns, their triggers and the wider indexes not there yet) opens,
    is upgraded, and lists its customers by status and profile."""
    from db import migrations
    from db.connection import open_database

    opened = open_database(demo_db_path)
    manager, cashier = User.get(User.name == "Manager"), User.get(User.name == "Cashier")
    staff = CustomerProfile.get(CustomerProfile.name == "Staff")
    old = _lapsed_customer(manager, cashier, "Olive Older", "+1 555 888 0031", default_profile=staff.id)
    customers.set_status(old.id, "inactive", manager)
    db = opened.db
    for trigger in ("customer_stats_listing_new", "customer_stats_listing_customer_insert",
                    "customer_stats_listing_customer_update"):
        db.execute_sql(f'DROP TRIGGER "{trigger}"')
    for name, column in (("first_visit", "first_visit"), ("last_visit", "last_visit"),
                         ("regular_since", "regular_since"), ("spent_rowid", "spent")):
        db.execute_sql(f'DROP INDEX "customer_stats_{name}"')
        db.execute_sql(f'CREATE INDEX "customer_stats_{name}" ON customer_stats ("{column}", "customer_rowid")')
    db.execute_sql('DROP INDEX "customer_deleted"')
    db.execute_sql("UPDATE customer_stats SET customer_rowid = NULL WHERE rowid % 2 = 0")  # filled by id then
    db.execute_sql('ALTER TABLE customer_stats DROP COLUMN "list_status"')
    db.execute_sql('ALTER TABLE customer_stats DROP COLUMN "profile_rowid"')
    before = max(n for n, _, _ in migrations.MIGRATIONS if n < 18)  # 16, or 17 once that one is merged
    db.execute_sql(f"PRAGMA user_version = {before}")
    opened.close()

    opened = open_database(demo_db_path)
    try:
        assert opened.db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.LATEST
        assert _listing(old.id) == ("inactive", staff.id, 1)
        _expected_everywhere()
        assert old.id in _ids(segments.ids(LAPSED, staff.id, "inactive"))
        assert old.id not in _ids(segments.ids(LAPSED, staff.id, "active"))
    finally:
        opened.close()
