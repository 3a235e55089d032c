"""Conflict rules: customers merge field by field by hybrid clock (ties by till id), the loser is logged on
every till; a merge or a delete on one till and an edit on another end the same everywhere; a till clock
six hours wrong does not break the order of edits."""

from __future__ import annotations

import json

import pytest
from sync_helpers import enroll, opened, sync, table_rows

from app import customers
from db.models import ConflictLog

pytestmark = pytest.mark.postgres


@pytest.fixture
def tills(central_server, shop, first_till, tmp_path):
    """Three linked tills of one shop, all in step."""
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    paths = [path]
    for code in ("T2", "T3"):
        other = tmp_path / f"{code}.db"
        with opened(other):
            pass
        enroll(other, central_server.url, central_server.enroll_till(shop, code))
        sync(other)
        paths.append(other)
    return paths, known


def _edit(path, customer_id, values, **open_kwargs):
    with opened(path, **open_kwargs):
        customers.update(customer_id, values, None)


def _customer(path, customer_id):
    with opened(path):
        return table_rows("customer")[customer_id]


def _sync_all(paths, rounds=2):
    for _ in range(rounds):
        for path in paths:
            sync(path)


def test_different_fields_edited_offline_on_two_tills_both_survive(tills, central_server, shop):
    (t1, t2, t3), known = tills
    customer = known["customers"][0]
    _edit(t1, customer, {"name": "Renamed On One"})
    _edit(t2, customer, {"email": "two@example.com"})
    _sync_all([t1, t2, t3])
    for path in (t1, t2, t3):
        row = _customer(path, customer)
        assert (row["name"], row["email"]) == ("Renamed On One", "two@example.com")
    server = central_server.rows(shop, "customer")[customer]
    assert (server["name"], server["email"]) == ("Renamed On One", "two@example.com")
    with opened(t3):
        assert ConflictLog.select().count() == 0  # different fields: no conflict


@pytest.mark.parametrize("loser_pushes_last", [True, False])
def test_the_same_field_ends_with_one_winner_everywhere_and_the_loser_is_logged(tills, loser_pushes_last):
    (t1, t2, t3), known = tills
    customer = known["customers"][1]
    _edit(t1, customer, {"notes": "earlier edit on T1"})
    _edit(t2, customer, {"notes": "later edit on T2"})  # a later hybrid-clock stamp: it wins
    order = [t2, t1, t3] if loser_pushes_last else [t1, t2, t3]
    _sync_all(order)
    for path in (t1, t2, t3):
        assert _customer(path, customer)["notes"] == "later edit on T2"
        with opened(path):
            logged = [c for c in ConflictLog.select() if c.row_id == customer and c.field == "notes"]
            assert len(logged) == 1
            assert (logged[0].winner, logged[0].loser) == ("later edit on T2", "earlier edit on T1")
            assert logged[0].winner_stamp > logged[0].loser_stamp


def test_an_edit_after_seeing_another_tills_value_is_not_a_conflict(tills):
    (t1, t2, t3), known = tills
    customer = known["customers"][1]
    _edit(t1, customer, {"notes": "first"})
    sync(t1)
    sync(t2)
    _edit(t2, customer, {"notes": "second, having seen the first"})
    _sync_all([t2, t1, t3])
    assert {_customer(p, customer)["notes"] for p in (t1, t2, t3)} == {"second, having seen the first"}
    with opened(t1):
        assert ConflictLog.select().count() == 0


@pytest.mark.parametrize("skew_hours", [6, -6])
def test_a_till_clock_six_hours_wrong_does_not_break_ordering(tills, skew_hours):
    (t1, t2, t3), known = tills
    customer = known["customers"][2]
    # the wrong clock edits first; another till then sees that edit and edits after it
    _edit(t1, customer, {"name": "Edited On The Wrong Clock"}, clock_skew_hours=skew_hours)
    with opened(t1, clock_skew_hours=skew_hours):
        from app.sync import engine

        engine.sync_round(t1, retries=0)
    sync(t2)
    _edit(t2, customer, {"name": "Edited After It"})
    _sync_all([t2, t1, t3])
    assert {_customer(p, customer)["name"] for p in (t1, t2, t3)} == {"Edited After It"}
    # and back: the wrong clock, having seen that, edits again and its edit is the latest
    _edit(t1, customer, {"name": "Wrong Clock Again"}, clock_skew_hours=skew_hours)
    with opened(t1, clock_skew_hours=skew_hours):
        from app.sync import engine

        engine.sync_round(t1, retries=0)
    _sync_all([t2, t3])
    assert {_customer(p, customer)["name"] for p in (t1, t2, t3)} == {"Wrong Clock Again"}
    with opened(t1):
        assert ConflictLog.select().count() == 0  # causal order, no concurrent edits


def test_a_customer_deleted_on_one_till_while_edited_on_another_ends_the_same_everywhere(tills, central_server,
                                                                                           shop):
    (t1, t2, t3), known = tills
    customer = known["customers"][0]
    with opened(t1):
        from db.models import Customer

        Customer.get_by_id(customer).delete_instance()
    _edit(t2, customer, {"name": "Edited While Deleted"})
    _sync_all([t2, t1, t3])
    rows = [_customer(p, customer) for p in (t1, t2, t3)]
    assert all(r["deleted_at"] is not None and r["name"] == "Edited While Deleted" for r in rows)
    assert len({json.dumps(r, sort_keys=True, default=str) for r in rows}) == 1
    assert central_server.rows(shop, "customer")[customer]["deleted_at"] is not None


def test_a_customer_merged_on_one_till_while_edited_on_another_ends_the_same_everywhere(tills):
    (t1, t2, t3), known = tills
    survivor, merged = known["customers"][0], known["customers"][1]
    with opened(t1):
        from app import merge
        from db.models import User

        merge.merge(survivor, merged, User.get(User.name == "Manager"))
    _edit(t2, merged, {"email": "merged.person@example.com"})
    _sync_all([t1, t2, t3])
    rows = [_customer(p, merged) for p in (t1, t2, t3)]
    assert all(r["merged_into_id"] == survivor and r["status"] == "inactive" for r in rows)
    assert {r["email"] for r in rows} == {"merged.person@example.com"}
    assert len({json.dumps(r, sort_keys=True, default=str) for r in rows}) == 1


def test_the_same_phone_added_on_two_tills_offline_is_merged_into_one_customer(tills, central_server, shop):
    (t1, t2, t3), known = tills
    with opened(t1):
        first = customers.create({"name": "Pat Same", "phone": "+1 555 030 1234"}, None).id
    with opened(t2):
        second = customers.create({"name": "Pat Same", "phone": "+1 555 030 1234"}, None).id
    _sync_all([t1, t2, t3])
    for path in (t1, t2, t3):
        with opened(path):
            rows = table_rows("customer")
            assert rows[first]["phone"] == "+15550301234"
            assert rows[second]["phone"] is None and rows[second]["merged_into_id"] == first
            assert any(c.row_id == second and c.field == "phone" for c in ConflictLog.select())
    assert central_server.rows(shop, "customer")[second]["merged_into_id"] == first
