"""Returns: part of a past sale refunded as a new document; what is returnable derives from the return
documents; points come back and points earned go back; a manager approves above the shop's limit."""

from __future__ import annotations

import datetime as dt

import pytest

from app import auth, billing, loyalty, over_returns, receipt, reports, returns, settings, stats
from app.cart import Cart, load_customer
from app.errors import NotFound, ValidationError
from db.models import Bill, BillLine, ConflictLog, Customer, CustomerStats, LoyaltyEntry, Outbox, Payment


@pytest.fixture
def shop(demo_db):
    return {"manager": auth.User.get(auth.User.name == "Manager"),
            "cashier": auth.User.get(auth.User.name == "Cashier"),
            "emily": Customer.get(Customer.name == "Emily Roberts")}


def sell(shop, entries, tenders=None, customer=True):
    cart = Cart()
    if customer:
        cart.set_customer(load_customer(shop["emily"].id))
    for entry in entries:
        cart.add_entry(entry)
    total = cart.price().total
    return billing.complete_sale(cart, tenders or [billing.Tender("card", total)], shop["cashier"])


def test_partial_return_refunds_the_lines_share_and_a_line_cannot_be_returned_twice(shop):
    sale = sell(shop, ["3*1001", "1003"])
    bill = Bill.get_by_id(sale.bill_id)
    lines = {ln.line_no: ln for ln in BillLine.select().where(BillLine.bill == bill.id)}
    found = returns.find_sale(sale.receipt_no)
    assert [(x.line_no, x.sold, x.returnable) for x in found.lines] == [(1, 3, 3), (2, 1, 1)]
    figures_before = CustomerStats.get(CustomerStats.customer == shop["emily"].id)

    done = returns.make_return(bill.id, {1: 2}, shop["cashier"])
    expected = lines[1].total * 2 // 3
    assert done.refund == expected and done.payments == (("card", expected),)
    back = Bill.get_by_id(done.bill_id)
    assert (back.kind, back.returns_id, back.total, back.customer_id) == ("return", bill.id, -expected, bill.customer_id)
    assert [(x.line_no, x.quantity, x.total) for x in back.lines] == [(1, -2, -expected)]
    assert [(p.method, p.amount) for p in back.payments] == [("card", -expected)]
    assert Outbox.select().where(Outbox.row_id == back.id).count() == 1  # it syncs like any bill
    assert returns.returned_quantities(bill.id) == {1: 2}
    figures = CustomerStats.get(CustomerStats.customer == shop["emily"].id)
    assert figures.orders == figures_before.orders and figures.spent == figures_before.spent - expected

    with pytest.raises(ValidationError, match="Only 1 of Espresso can still be returned"):
        returns.make_return(bill.id, {1: 2}, shop["cashier"])
    last = returns.make_return(bill.id, {1: 1, 2: 1}, shop["cashier"])
    assert done.refund + last.refund == bill.total  # the parts add up to exactly what was paid
    with pytest.raises(ValidationError, match="already returned"):
        returns.make_return(bill.id, {2: 1}, shop["cashier"])
    assert returns.returnable(bill.id).fully_returned
    # the customer's figures as the ledger says
    assert stats.recompute(shop["emily"].id).spent == figures_before.spent - bill.total


def test_points_paid_come_back_and_points_earned_on_the_returned_part_go(shop):
    emily = shop["emily"].id
    first = sell(shop, ["4*1001"])  # earns points
    balance = loyalty.balance(emily)
    assert balance >= 5
    cart = Cart()
    cart.set_customer(load_customer(emily))
    cart.add_entry("2*1003")
    total = cart.price().total
    sale = billing.complete_sale(cart, [billing.Tender("loyalty", 100), billing.Tender("card", total - 100)],
                                 shop["cashier"])
    bill = Bill.get_by_id(sale.bill_id)
    assert (bill.points_redeemed, bill.points_earned) == (100, (total - 100) // 100)
    after_sale = loyalty.balance(emily)

    done = returns.make_return(bill.id, {1: 2}, shop["manager"])  # everything: a manager needs no approval
    assert done.refund == total and done.points_back == 100 and done.points_taken == bill.points_earned
    assert dict(done.payments) == {"loyalty": 100, "card": total - 100}
    assert loyalty.balance(emily) == after_sale + 100 - bill.points_earned == done.points_balance
    kinds = sorted(e.points for e in LoyaltyEntry.select().where(LoyaltyEntry.bill == done.bill_id))
    assert kinds == sorted([100, -bill.points_earned])
    assert first.points_earned > 0


def test_refund_in_cash_and_the_approval_limit(shop):
    settings.update({"return_approval_limit": 500}, shop["manager"])
    sale = sell(shop, ["1003", "1001"])  # 6.90 + 2.50 by card
    with pytest.raises(returns.NeedsApproval, match="above the shop's limit of"):
        returns.make_return(sale.bill_id, {1: 1}, shop["cashier"], method=returns.CASH)
    assert returns.returned_quantities(sale.bill_id) == {}
    with pytest.raises(Exception, match="Only a manager"):
        returns.make_return(sale.bill_id, {1: 1}, shop["cashier"], approver=shop["cashier"])
    done = returns.make_return(sale.bill_id, {1: 1}, shop["cashier"], method=returns.CASH, approver=shop["manager"])
    assert done.payments == (("cash", 690),) and done.approved_by == "Manager"
    small = returns.make_return(sale.bill_id, {2: 1}, shop["cashier"])  # under the limit: no manager
    assert small.approved_by is None and small.payments == (("card", 250),)


def test_a_retried_return_is_recorded_once(shop):
    sale = sell(shop, ["2*1001"])
    returns.make_return(sale.bill_id, {1: 1}, shop["cashier"], return_id="r-fixed")
    with pytest.raises(ValidationError, match="already recorded"):
        returns.make_return(sale.bill_id, {1: 1}, shop["cashier"], return_id="r-fixed")
    assert returns.returned_quantities(sale.bill_id) == {1: 1}


def test_receipt_number_typed_or_scanned_resolves(shop):
    sale = sell(shop, ["1001"])
    number = sale.receipt_no.split("-")[-1]
    printed = receipt.build(sale.bill_id)
    for typed in (sale.receipt_no, sale.receipt_no.lower(), f"  {printed.scan_code}\r\n", number,
                  f"RCPT:{sale.receipt_no}"):
        assert returns.find_sale(typed).id == sale.bill_id
    with pytest.raises(NotFound):
        returns.find_sale("T9-99999")
    with pytest.raises(ValidationError):
        returns.find_sale("  ")
    done = returns.make_return(sale.bill_id, {1: 1}, shop["cashier"])
    with pytest.raises(ValidationError, match="itself a return"):
        returns.find_sale(done.receipt_no)
    text = receipt.build(done.bill_id).text()
    assert f"RETURN of {sale.receipt_no}" in text


def test_a_voided_sale_cannot_be_returned_and_a_returned_sale_cannot_be_voided(shop):
    voided = sell(shop, ["1001"])
    billing.void_sale(voided.bill_id, shop["manager"])
    with pytest.raises(ValidationError, match="voided"):
        returns.find_sale(voided.receipt_no)
    part = sell(shop, ["2*1001"])
    returns.make_return(part.bill_id, {1: 1}, shop["cashier"])
    with pytest.raises(ValidationError, match="return the rest"):
        billing.void_sale(part.bill_id, shop["manager"])


def test_reports_net_returns_on_the_sales_day_and_match_a_rebuild(shop):
    today = dt.date.today()
    before = reports.sales_report(today, today)
    sale = sell(shop, ["3*1001"], [billing.Tender("cash", 1000)])
    done = returns.make_return(sale.bill_id, {1: 1}, shop["cashier"])
    report = reports.sales_report(today, today)
    assert report.total == before.total + sale.total - done.refund
    assert report.bills == before.bills + 1
    assert reports.bills_total(today, today)[1] == report.total
    cash = {r.key: r.total for r in report.by_payment}["cash"]
    assert cash == {r.key: r.total for r in before.by_payment}.get("cash", 0) + sale.total - done.refund
    rows = reports.summary_rows()
    reports.rebuild_summaries()
    assert reports.summary_rows() == rows
    emily = [r for r in reports.top_customers_by_scan(today, today) if r.key == shop["emily"].id]
    lifetime = reports.top_customers_by_lifetime(today, today)
    assert emily and [r for r in lifetime if r.key == shop["emily"].id] == emily


def test_returns_crossing_on_two_tills_both_stand_and_the_excess_is_flagged(shop):
    """As if another till returned the same line before the two synced: its return document arrives as a
    pulled bill; nothing is dropped, the excess is flagged for a manager once."""
    sale = sell(shop, ["1001"])
    returns.make_return(sale.bill_id, {1: 1}, shop["cashier"])
    other = returns.make_return  # the other till's document, written as a pulled row would be
    line = BillLine.get((BillLine.bill == sale.bill_id) & (BillLine.line_no == 1))
    Bill.insert(id="other-return", receipt_no="T2-7", till_code="T2", cashier=shop["cashier"].id,
                customer=shop["emily"].id, status="completed", kind="return", returns=sale.bill_id,
                completed_at=Bill.get_by_id(sale.bill_id).completed_at, total=-line.total,
                updated_at="x").execute()
    BillLine.insert(id="other-line", bill="other-return", line_no=1, item=line.item_id, code=line.code,
                    name=line.name, quantity=-1, unit_price=line.unit_price, total=-line.total,
                    updated_at="x").execute()
    Payment.insert(id="other-pay", bill="other-return", method="cash", amount=-line.total, updated_at="x").execute()
    assert returns.returned_quantities(sale.bill_id) == {1: 2}
    found = over_returns.over_returns()
    assert [(f.receipt_no, f.sold, f.returned, f.excess) for f in found] == [(sale.receipt_no, 1, 2, 1)]
    assert over_returns.flag_over_returns() == 1 and over_returns.flag_over_returns() == 0
    flagged = ConflictLog.get(ConflictLog.row_id == sale.bill_id)
    assert "returned 2 of 1 sold" in flagged.field
    assert flagged.winner == {"both stand": sorted([Bill.get_by_id("other-return").receipt_no,
                                                    Bill.select().where((Bill.returns == sale.bill_id)
                                                                        & (Bill.id != "other-return")).get().receipt_no])}
    assert other is returns.make_return
    rows = reports.summary_rows()
    reports.rebuild_summaries()
    assert reports.summary_rows() == rows


def test_a_void_from_another_till_after_a_return_nets_once_and_is_flagged(shop):
    """Till B voided the sale while till A returned part of it: the void takes the whole sale off the
    summaries (the return is not taken off twice), whatever order the two arrive in; flagged once."""
    today = dt.date.today()
    before = reports.sales_report(today, today).total
    spent_before = CustomerStats.get(CustomerStats.customer == shop["emily"].id).spent
    sale = sell(shop, ["2*1001"], [billing.Tender("cash", 1000)])
    returns.make_return(sale.bill_id, {1: 1}, shop["cashier"])
    original = Bill.get_by_id(sale.bill_id)
    Bill.insert(id="other-void", receipt_no="T2-9", till_code="T2", cashier=shop["manager"].id,
                customer=original.customer_id, status="void", kind="void", voids=sale.bill_id,
                completed_at=original.completed_at, total=original.total, updated_at="x").execute()
    assert reports.sales_report(today, today).total == before
    rows = reports.summary_rows()
    reports.rebuild_summaries()
    assert reports.summary_rows() == rows
    assert over_returns.flag_over_returns() == 1
    flagged = ConflictLog.get(ConflictLog.row_id == sale.bill_id)
    assert "after the sale was voided" in flagged.field
    # the flag rebuilt her figures from the ledger: the voided sale and its return count for nothing
    assert CustomerStats.get(CustomerStats.customer == shop["emily"].id).spent == spent_before


def test_random_partial_returns_add_up_to_exactly_what_was_paid(shop):
    """Sales with bill discounts, points and card, returned in random pieces by the original method or in
    cash: each refund is paid out exactly, the pieces add up to the total, the points paid come back whole
    and every point earned goes back."""
    import random

    rng = random.Random(12)
    emily = shop["emily"].id
    for _ in range(12):
        cart = Cart()
        cart.set_customer(load_customer(emily))
        for code in rng.sample(["1001", "1003", "1004", "1005"], rng.randint(1, 4)):
            cart.add_entry(f"{rng.randint(1, 4)}*{code}")
        cart.set_bill_discount(rng.choice([0, 500, 1000]), 0, approver=shop["manager"])
        total = cart.price().total
        points = min(loyalty.balance(emily), total // 3)
        tenders = ([billing.Tender("loyalty", points)] if points else []) + [billing.Tender("card", total - points)]
        sale = billing.complete_sale(cart, tenders, shop["cashier"])
        refunded, by_method = 0, {}
        while not returns.returnable(sale.bill_id).fully_returned:
            left = [x for x in returns.returnable(sale.bill_id).lines if x.returnable]
            pick = rng.sample(left, rng.randint(1, len(left)))
            done = returns.make_return(sale.bill_id, {x.line_no: rng.randint(1, x.returnable) for x in pick},
                                       shop["manager"], method=rng.choice([returns.ORIGINAL, returns.CASH]))
            assert done.refund >= 0 and sum(a for _, a in done.payments) == done.refund
            refunded += done.refund
            for method, amount in done.payments:
                by_method[method] = by_method.get(method, 0) + amount
        assert refunded == total
        assert by_method.get("loyalty", 0) == points  # points paid come back whole, as points
        bill = Bill.get_by_id(sale.bill_id)
        taken = -sum(e.points for e in LoyaltyEntry.select().join(Bill, on=(LoyaltyEntry.bill == Bill.id)).where(
            (Bill.returns == sale.bill_id) & (LoyaltyEntry.points < 0)))
        assert taken == bill.points_earned  # every point earned on the sale went back
