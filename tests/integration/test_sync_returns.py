"""Returns across tills through a real central server on real PostgreSQL: a line returned on one till is
no longer returnable on another once synced; two tills that return the same line while apart both keep
their return (the refunds happened), and the excess is flagged for a manager on each, never dropped."""

from __future__ import annotations

import pytest
from sync_helpers import link_two_tills, opened, sell, sync

from app import returns
from app.errors import ValidationError
from db.models import Bill, ConflictLog, User

pytestmark = pytest.mark.postgres


def _two_tills(central_server, shop, first_till, tmp_path):
    return link_two_tills(central_server, shop, first_till, tmp_path)


def _manager():
    return User.get(User.name == "Manager")


def test_a_line_returned_on_one_till_cannot_be_returned_again_on_another(central_server, shop, first_till, tmp_path):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path)
    with opened(t1):
        sale = sell(known["customers"][0], ["2*1001", "1003"])
    sync(t1)
    sync(t2)
    with opened(t2):
        found = returns.find_sale(sale.receipt_no)  # T1's receipt number, typed on T2
        assert [(x.line_no, x.returnable) for x in found.lines] == [(1, 2), (2, 1)]
        done = returns.make_return(sale.bill_id, {1: 2}, _manager())
        assert done.receipt_no.startswith("T2-")
    sync(t2)
    stored = central_server.rows(shop, "bill")[done.bill_id]
    assert (stored["kind"], stored["returns_id"], stored["total"]) == ("return", sale.bill_id, -done.refund)
    sync(t1)
    with opened(t1):
        assert [(x.line_no, x.returnable) for x in returns.find_sale(sale.receipt_no).lines] == [(1, 0), (2, 1)]
        with pytest.raises(ValidationError, match="already returned"):
            returns.make_return(sale.bill_id, {1: 1}, _manager())
        returns.make_return(sale.bill_id, {2: 1}, _manager())
        assert ConflictLog.select().count() == 0
    sync(t1)
    sync(t2)
    with opened(t2):
        assert returns.returnable(sale.bill_id).fully_returned


def test_the_same_line_returned_on_two_tills_while_apart_both_stand_and_are_flagged(central_server, shop, first_till,
                                                                                     tmp_path):
    t1, t2, known = _two_tills(central_server, shop, first_till, tmp_path)
    with opened(t1):
        sale = sell(known["customers"][0], ["1003"])
    sync(t1)
    sync(t2)
    ids = []
    for path in (t1, t2):  # neither has seen the other's return
        with opened(path):
            ids.append(returns.make_return(sale.bill_id, {1: 1}, _manager()).bill_id)
    for path in (t1, t2, t1):
        report = sync(path)
        assert report.rejected == 0
    stored = central_server.rows(shop, "bill")
    assert {i for i in ids if i in stored} == set(ids)  # the central store keeps both documents
    for path in (t1, t2):
        with opened(path):
            assert Bill.select().where(Bill.returns == sale.bill_id).count() == 2
            assert returns.returned_quantities(sale.bill_id) == {1: 2}
            flagged = list(ConflictLog.select().where(ConflictLog.row_id == sale.bill_id))
            assert len(flagged) == 1 and "returned 2 of 1 sold" in flagged[0].field
            assert flagged[0].loser["over the sold quantity"] == 1
