"""Segments and life-cycle status: each rule at its boundary (pure), then kept current by real sales and
voids in a real database, and the Customers window's filters (segment, profile) on the same queries."""

from __future__ import annotations

import datetime as dt

import pytest
from backoffice_helpers import make_bill, void_bill

from app import customers, segments, settings
from app.segments import LAPSED, NEW, REGULAR, VIP, Rules, Visits, classify
from db.ids import utcnow
from db.models import Customer, CustomerCategory, CustomerProfile, CustomerStats, User

NOW = dt.datetime(2026, 6, 17, 12, 0, tzinfo=dt.UTC)  # a Wednesday
RULE = Rules(new_days=30, regular_visits=3, regular_days=60, lapsed_days=90, vip_top_pct=5)


def days_ago(n: float) -> dt.datetime:
    return NOW - dt.timedelta(days=n)


def test_new_is_a_first_visit_within_n_days():
    assert NEW in classify(Visits(days_ago(30), days_ago(30), (days_ago(30),)), RULE, NOW)
    assert NEW not in classify(Visits(days_ago(30.01), days_ago(1), (days_ago(1), days_ago(30.01))), RULE, NOW)
    assert NEW not in classify(Visits(), RULE, NOW)


def test_regular_needs_k_visits_within_m_days():
    three = (days_ago(1), days_ago(20), days_ago(60))
    assert REGULAR in classify(Visits(days_ago(60), days_ago(1), three), RULE, NOW)
    late = (days_ago(1), days_ago(20), days_ago(60.01))
    assert REGULAR not in classify(Visits(days_ago(60.01), days_ago(1), late), RULE, NOW)
    assert REGULAR not in classify(Visits(days_ago(2), days_ago(1), three[:2]), RULE, NOW)
    assert REGULAR in classify(Visits(days_ago(2), days_ago(1), three[:2]), Rules(regular_visits=2), NOW)


def test_lapsed_had_visits_but_none_in_l_days():
    assert LAPSED in classify(Visits(days_ago(200), days_ago(90.01), (days_ago(90.01),)), RULE, NOW)
    assert LAPSED not in classify(Visits(days_ago(200), days_ago(90), (days_ago(90),)), RULE, NOW)
    assert LAPSED not in classify(Visits(), RULE, NOW)  # never came: not lapsed


def test_vip_by_category_or_top_share_of_spend():
    assert VIP in classify(Visits(), RULE, NOW, category_name=" vip ")
    assert VIP in classify(Visits(spent=5000), RULE, NOW, vip_threshold=5000)
    assert VIP not in classify(Visits(spent=4999), RULE, NOW, vip_threshold=5000)
    assert VIP not in classify(Visits(spent=0), RULE, NOW, vip_threshold=0)
    spends = list(range(100, 0, -1))  # 100 spenders: the top 5% is 5 customers, the 5th spent 96
    assert segments.top_share_threshold(spends, 5) == 96
    assert segments.top_share_threshold(spends[:3], 5) == 100  # rounded up: at least one VIP
    assert segments.top_share_threshold([0, 0], 5) is None
    assert segments.top_share_threshold(spends, 0) is None


def test_birthday_this_week_is_monday_to_sunday_and_keeps_29_february():
    today = NOW.date()  # Wed 17 June 2026: the week is 15-21 June
    assert segments.has_birthday_this_week("1990-06-15", today)
    assert segments.has_birthday_this_week("1990-06-21", today)
    assert not segments.has_birthday_this_week("1990-06-14", today)
    assert not segments.has_birthday_this_week("1990-06-22", today)
    assert not segments.has_birthday_this_week(None, today)
    assert segments.has_birthday_this_week("2000-02-29", dt.date(2027, 2, 28))  # no 29th in 2027
    assert not segments.has_birthday_this_week("2000-02-29", dt.date(2028, 2, 21))


@pytest.fixture
def shop(demo_db):
    cashier = User.get(User.name == "Cashier")
    manager = User.get(User.name == "Manager")
    return manager, cashier


def _customer(manager, name: str, phone: str, **extra) -> Customer:
    return customers.create({"name": name, "phone": phone, "status": "active", **extra}, manager)


def test_sales_keep_visits_current_and_a_void_takes_its_visit_back(shop):
    manager, cashier = shop
    anna = _customer(manager, "Anna Segment", "+1 555 777 0001")
    now = utcnow()
    for n in (40, 10, 5):
        make_bill(cashier, customer=anna, when=now - dt.timedelta(days=n))
    last = make_bill(cashier, customer=anna, when=now - dt.timedelta(days=1))
    stats = CustomerStats.get(CustomerStats.customer == anna.id)
    assert stats.first_visit == now - dt.timedelta(days=40)
    assert len(stats.recent_visits) == 4 and stats.recent_visits[0] > stats.recent_visits[-1]
    rule = Rules()
    assert set(segments.of_customer(anna.id, now, rule)) >= {REGULAR}
    assert NEW not in segments.of_customer(anna.id, now, rule)
    void_bill(last, manager)
    stats = CustomerStats.get(CustomerStats.customer == anna.id)
    assert len(stats.recent_visits) == 3 and stats.last_visit == now - dt.timedelta(days=5)
    assert REGULAR in segments.of_customer(anna.id, now, rule)  # 40, 10 and 5 days ago: 3 within 60 days
    assert REGULAR not in segments.of_customer(anna.id, now, Rules(regular_days=20))


def test_segment_lists_match_the_rule_for_every_customer(shop):
    manager, cashier = shop
    now = utcnow()
    vip = CustomerCategory.get(CustomerCategory.name == "VIP")
    staff_profile = CustomerProfile.get(CustomerProfile.name == "Staff")
    made = {
        "new": _customer(manager, "Nina New", "+1 555 777 0101"),
        "regular": _customer(manager, "Rita Regular", "+1 555 777 0102", default_profile=staff_profile.id),
        "lapsed": _customer(manager, "Larry Lapsed", "+1 555 777 0103"),
        "vip": _customer(manager, "Vera Vip", "+1 555 777 0104", category=vip.id),
        "birthday": _customer(manager, "Bert Birthday", "+1 555 777 0105",
                              date_of_birth=now.astimezone().date().replace(year=1990).isoformat()),
    }
    make_bill(cashier, customer=made["new"], when=now - dt.timedelta(days=2))
    for n in (3, 12, 30):
        make_bill(cashier, customer=made["regular"], when=now - dt.timedelta(days=n))
    make_bill(cashier, customer=made["lapsed"], when=now - dt.timedelta(days=400))
    make_bill(cashier, customer=_customer(manager, "Lena Longgone", "+1 555 777 0106"),
              when=now - dt.timedelta(days=200))
    settings.update({"segment_vip_top_pct": 1}, manager)
    rule = segments.rules()
    every = list(Customer.select().where(Customer.deleted_at.is_null() & Customer.erased_at.is_null()
                                         & Customer.merged_into.is_null()))
    for segment in segments.SEGMENTS:
        listed = set(segments.ids(segment, now=now, rule=rule))
        expected = {rowid for rowid, c in _rowids(every) if segment in segments.of_customer(c.id, now, rule)}
        assert listed == expected, segment
        assert made[segment].id in {c.id for rowid, c in _rowids(every) if rowid in listed}, segment
    # the profile filter, alone and with a segment, and a search inside a segment
    staff_ids = set(segments.ids(None, staff_profile.id))
    assert staff_ids == {rowid for rowid, c in _rowids(every) if c.default_profile_id == staff_profile.id}
    assert [_name(r) for r in segments.ids(REGULAR, staff_profile.id, now=now, rule=rule)] == ["Rita Regular"]
    assert [_name(r) for r in segments.ids(REGULAR, None, search="rita", now=now, rule=rule)] == ["Rita Regular"]
    assert list(segments.ids(LAPSED, None, status="inactive", search="larry", now=now, rule=rule)) == []
    # each segment in its own order: Lapsed by last visit, newest first; the same with a filter
    lapsed = list(segments.ids(LAPSED, now=now, rule=rule))
    last = [_last_visit(r) for r in lapsed]
    assert last == sorted(last, reverse=True) and len(lapsed) > 1
    active = list(segments.ids(LAPSED, status="active", now=now, rule=rule))
    assert active == [r for r in lapsed if r in set(active)]
    threshold = segments.vip_threshold(rule.vip_top_pct, fresh=True)
    spent = [_spent(r) or 0 for r in segments.ids(VIP, now=now, rule=rule)]
    top = [x for x in spent if x >= threshold]
    assert spent[:len(top)] == sorted(top, reverse=True)  # top spenders first, then the VIP category


def test_changing_k_rebuilds_the_regular_index(shop):
    manager, cashier = shop
    now = utcnow()
    two = _customer(manager, "Tess Twice", "+1 555 777 0201")
    for n in (1, 2):
        make_bill(cashier, customer=two, when=now - dt.timedelta(days=n))
    assert two.id not in _ids_of(segments.ids(REGULAR, now=now))
    settings.update({"segment_regular_visits": 2}, manager)
    assert two.id in _ids_of(segments.ids(REGULAR, now=now))
    assert segments.regular_k_built() == 2


def _rowids(rows):
    from db.models import database

    out = []
    for c in rows:
        rowid = database.execute_sql("SELECT rowid FROM customer WHERE id = ?", (c.id,)).fetchone()[0]
        out.append((rowid, c))
    return out


def _name(rowid: int) -> str:
    from db.models import database

    return database.execute_sql("SELECT name FROM customer WHERE rowid = ?", (rowid,)).fetchone()[0]


def _last_visit(rowid: int) -> str:
    from db.models import database

    return database.execute_sql("SELECT s.last_visit FROM customer_stats s JOIN customer c ON c.id = s.customer_id "
                                "WHERE c.rowid = ?", (rowid,)).fetchone()[0]


def _spent(rowid: int):
    from db.models import database

    row = database.execute_sql("SELECT s.spent FROM customer_stats s JOIN customer c ON c.id = s.customer_id "
                               "WHERE c.rowid = ?", (rowid,)).fetchone()
    return row[0] if row else None


def _ids_of(rowids) -> set[str]:
    from db.models import database

    return {database.execute_sql("SELECT id FROM customer WHERE rowid = ?", (r,)).fetchone()[0] for r in rowids}
