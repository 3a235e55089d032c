"""Completing a sale writes exactly one bill with everything that belongs to it, in one transaction;
bad input and stale data are refused with a clear message and change nothing."""

from __future__ import annotations

import pytest

from app import auth, billing, loyalty, receipt, settings
from app.cart import Cart, CustomerInactive, NeedsApproval, load_customer
from app.errors import NotFound, PermissionDenied, ValidationError
from db.models import (
    Bill,
    BillLine,
    Customer,
    CustomerStats,
    HeldBill,
    LoyaltyEntry,
    Outbox,
    Payment,
    database,
)
from db.outbox import row_to_wire


@pytest.fixture
def shop(demo_db):
    manager = auth.User.get(auth.User.name == "Manager")
    cashier = auth.User.get(auth.User.name == "Cashier")
    emily = Customer.get(Customer.name == "Emily Roberts")
    michael = Customer.get(Customer.name == "Michael Chen")
    return {"manager": manager, "cashier": cashier, "emily": emily, "michael": michael}


def counts():
    return {m.__name__: m.select().count() for m in (Bill, BillLine, Payment, LoyaltyEntry, Outbox, HeldBill)} | {
        "receipt_seq": settings.local("receipt_seq")}


def profiles_on(shop):
    settings.update({"show_customer_profile": True}, shop["manager"])


def emily_cart(shop) -> Cart:
    cart = Cart()
    cart.set_customer(load_customer(shop["emily"].id))
    return cart


def test_sale_with_customer_and_profile_writes_one_consistent_bill(shop):
    profiles_on(shop)
    before, stats_before = counts(), CustomerStats.get(CustomerStats.customer == shop["emily"].id)
    points_before = loyalty.balance(shop["emily"].id)
    cart = emily_cart(shop)
    assert cart.profile.name == "VIP"  # follows her default profile
    cart.add_entry("2*1001")
    cart.add_entry("1003")
    priced = cart.price()
    assert [line.unit_price for line in priced.lines] == [225, 621] and priced.total == 1071
    result = billing.complete_sale(cart, [billing.Tender("card", 1071)], shop["cashier"])

    bill = Bill.get(Bill.id == result.bill_id)
    assert (bill.total, bill.kind, bill.status, bill.customer_id) == (1071, "sale", "completed", shop["emily"].id)
    assert bill.profile.name == "VIP" and bill.receipt_no == result.receipt_no
    assert bill.preferences_applied["allergies"] == ["nuts"]
    assert bill.preferences_applied["payment.preferred"] == "card"
    assert bill.preferences_applied["profile"]["name"] == "VIP"
    lines = list(bill.lines.order_by(BillLine.line_no))
    assert [(x.code, x.quantity, x.unit_price, x.price_source, x.total) for x in lines] == [
        ("1001", 2, 225, "profile", 450), ("1003", 1, 621, "profile", 621)]
    assert sum(x.total for x in lines) == bill.total
    assert [(p.method, p.amount) for p in bill.payments] == [("card", 1071)]
    assert result.points_earned == 10 and bill.points_earned == 10
    assert loyalty.balance(shop["emily"].id) == points_before + 10 == result.points_balance
    after = counts()
    assert after["Bill"] == before["Bill"] + 1 and after["BillLine"] == before["BillLine"] + 2
    assert after["Payment"] == before["Payment"] + 1 and after["LoyaltyEntry"] == before["LoyaltyEntry"] + 1
    stats = CustomerStats.get(CustomerStats.customer == shop["emily"].id)
    assert stats.orders == stats_before.orders + 1 and stats.spent == stats_before.spent + 1071
    assert stats.points == stats_before.points + 10

    # every written row is queued for sync with exactly the payload the ORM's own save would produce
    queued = list(Outbox.select().where(Outbox.seq > 0).order_by(Outbox.seq.desc()).limit(5))
    assert {o.table_name for o in queued} == {"bill", "bill_line", "payment", "loyalty_entry"}
    models = {"bill": Bill, "bill_line": BillLine, "payment": Payment, "loyalty_entry": LoyaltyEntry}
    for entry in queued:
        row = models[entry.table_name].get_by_id(entry.row_id)
        assert entry.payload == row_to_wire(row) and entry.hlc == row.updated_at and entry.state == "pending"

    # the receipt says what the database holds
    printed = receipt.build(bill.id)
    assert printed.total == 1071 and printed.customer == "Emily Roberts" and printed.profile == "VIP"
    assert [(x.name, x.quantity, x.total) for x in printed.lines] == [("Espresso", 2, 450), ("Veggie Wrap", 1, 621)]
    assert printed.points_earned == 10 and printed.points_balance == result.points_balance
    text = printed.text()
    assert "Corner Café & Deli" in text and "Emily Roberts" in text and "$10.71" in text and "VIP" in text


def test_without_the_setting_the_profile_is_not_applied(shop):
    cart = emily_cart(shop)
    cart.add_entry("1002")
    assert cart.profile is None and cart.price().total == 320
    with pytest.raises(ValidationError):
        cart.set_profile(_vip())


def _vip():
    from app.cart import active_profiles

    return next(p for p in active_profiles() if p.name == "VIP")


def test_split_tender_with_cash_change(shop):
    cart = Cart()
    cart.add_entry("1003")  # 6.90
    result = billing.complete_sale(cart, [billing.Tender("card", 400), billing.Tender("cash", 500)], shop["cashier"])
    assert result.change == 210
    pays = sorted((p.method, p.amount, p.tendered, p.change) for p in Payment.select().where(Payment.bill == result.bill_id))
    assert pays == [("card", 400, 400, 0), ("cash", 290, 500, 210)]
    assert Bill.get_by_id(result.bill_id).customer_id is None


def test_paying_less_or_a_card_over_the_total_is_refused_and_nothing_changes(shop):
    cart = Cart()
    cart.add_entry("1003")
    before = counts()
    for tenders, message in [
        ([billing.Tender("cash", 500)], r"\$1\.90 is still due"),
        ([billing.Tender("card", 1000)], "cannot be more than"),
        ([billing.Tender("card", 0)], "more than zero"),
        ([billing.Tender("card", -5)], "more than zero"),
        ([], "Choose how"),
        ([billing.Tender("cheque", 690)], "Unknown payment method"),
        ([billing.Tender("loyalty", 690)], "customer is on the bill"),
    ]:
        with pytest.raises(ValidationError, match=message):
            billing.complete_sale(cart, tenders, shop["cashier"])
    assert counts() == before


def test_loyalty_points_pay_as_a_tender_and_cannot_overdraw(shop):
    cart = emily_cart(shop)
    balance = loyalty.balance(shop["emily"].id)
    assert 100 < balance < 690  # from the demo's past sales
    cart.add_entry("1003")
    before = counts()
    with pytest.raises(ValidationError, match=f"The customer has {balance} points, not 690"):
        billing.complete_sale(cart, [billing.Tender("loyalty", 690)], shop["cashier"])
    assert counts() == before
    result = billing.complete_sale(cart, [billing.Tender("loyalty", 100), billing.Tender("card", 590)], shop["cashier"])
    assert result.points_redeemed == 100 and result.points_earned == 5  # earns on the 5.90 paid with money
    assert loyalty.balance(shop["emily"].id) == balance - 100 + 5
    kinds = sorted((e.kind, e.points) for e in LoyaltyEntry.select().where(LoyaltyEntry.bill == result.bill_id))
    assert kinds == [("earn", 5), ("redeem", -100)]
    assert {e.id for e in LoyaltyEntry.select().where(LoyaltyEntry.bill == result.bill_id)} == {
        loyalty.entry_id(result.bill_id, "earn"), loyalty.entry_id(result.bill_id, "redeem")}


def test_completing_the_same_bill_twice_cannot_double_it(shop):
    cart = emily_cart(shop)
    cart.add_entry("1001")
    first = billing.complete_sale(cart, [billing.Tender("cash", 500)], shop["cashier"])
    before = counts()
    with pytest.raises(billing.SaleAlreadyCompleted, match=first.receipt_no):
        billing.complete_sale(cart, [billing.Tender("cash", 500)], shop["cashier"])
    assert counts() == before


def test_customer_made_inactive_meanwhile_stops_the_sale_and_changes_nothing(shop):
    cart = emily_cart(shop)
    cart.add_entry("1001")
    # another till (here: a direct write) deactivates her while the bill is open
    database.execute_sql("UPDATE customer SET status = 'inactive' WHERE id = ?", (shop["emily"].id,))
    before = counts()
    stats_before = CustomerStats.get(CustomerStats.customer == shop["emily"].id).orders
    with pytest.raises(CustomerInactive, match="made inactive on another till"):
        billing.complete_sale(cart, [billing.Tender("card", 250)], shop["cashier"])
    assert counts() == before
    assert CustomerStats.get(CustomerStats.customer == shop["emily"].id).orders == stats_before


def test_inactive_customer_cannot_be_put_on_a_bill(shop):
    with pytest.raises(CustomerInactive, match="Michael Chen is inactive"):
        load_customer(shop["michael"].id)


def test_empty_bill_and_unconfirmed_allergen_cannot_be_paid(shop):
    before = counts()
    with pytest.raises(ValidationError, match="empty"):
        billing.complete_sale(Cart(), [billing.Tender("cash", 100)], shop["cashier"])
    cart = emily_cart(shop)
    added = cart.add_entry("1002")
    assert added.needs_confirmation == ("nuts",)
    with pytest.raises(ValidationError, match="allergy"):
        billing.complete_sale(cart, [billing.Tender("cash", 400)], shop["cashier"])
    assert counts() == before
    cart.confirm_allergens(added.line.id)
    result = billing.complete_sale(cart, [billing.Tender("cash", 400)], shop["cashier"])
    line = BillLine.get(BillLine.bill == result.bill_id)
    assert line.allergens_confirmed == ["nuts"]
    assert Bill.get_by_id(result.bill_id).preferences_applied["allergens_confirmed"] == {"1002": ["nuts"]}


@pytest.mark.parametrize("entry, message", [
    ("", "Type or scan"), ("9999999", "No item has the code"), ("0*1001", "at least 1"),
    ("-2*1001", "at least 1"), ("99999*1001", "more than the 9999"), ("2.5*1001", "not a whole quantity"),
    ("x*1001", "not a whole quantity"), ("3*", "no item code"), ("2*3*1001", "not an item code"),
])
def test_bad_item_entries_are_refused_and_leave_the_bill_alone(shop, entry, message):
    cart = Cart()
    cart.add_entry("1001")
    with pytest.raises(ValidationError, match=message):
        cart.add_entry(entry)
    assert [(x.item.code, x.quantity) for x in cart.lines] == [("1001", 1)]


def test_barcode_and_quantity_entry_and_merging(shop):
    from db.models import Barcode, Item

    code = Barcode.get(Barcode.item == Item.get(Item.code == "1003")).code
    cart = Cart()
    cart.add_entry(code)
    cart.add_entry("3*1003")
    assert [(x.item.code, x.quantity) for x in cart.lines] == [("1003", 4)]
    with pytest.raises(ValidationError):
        cart.set_quantity(cart.lines[0].id, 0)
    with pytest.raises(ValidationError):
        cart.change_quantity(cart.lines[0].id, -4)
    assert cart.lines[0].quantity == 4


def test_manual_prices_and_discounts_need_a_manager_above_the_limit(shop):
    cart = Cart()
    line = cart.add_entry("1003").line  # 6.90
    cart.set_line_discount(line.id, bp=1000)  # 10%: within the limit
    with pytest.raises(NeedsApproval) as asked:
        cart.set_line_discount(line.id, bp=2500)
    assert "Veggie Wrap" in asked.value.what
    with pytest.raises(PermissionDenied):
        cart.set_line_discount(line.id, bp=2500, approver=shop["cashier"])
    assert cart.price().total == 621
    cart.set_line_discount(line.id, bp=2500, approver=shop["manager"])
    assert cart.price().total == 517  # 25% of 6.90 is 1.725: rounded half up to 1.73
    with pytest.raises(ValidationError, match="more than the line"):
        cart.set_line_discount(line.id, amount=10_000)
    with pytest.raises(ValidationError, match="believable"):
        cart.set_manual_price(line.id, 999_999_999)
    with pytest.raises(ValidationError, match="negative"):
        cart.set_manual_price(line.id, -1)
    with pytest.raises(NeedsApproval):
        cart.set_manual_price(line.id, 100)
    cart.set_manual_price(line.id, 650)
    assert cart.price().lines[0].price_source == "manual"
    with pytest.raises(NeedsApproval):
        cart.set_bill_discount(bp=5000)
    with pytest.raises(ValidationError, match="empty"):
        Cart().set_bill_discount(bp=500)


def test_manual_price_survives_customer_and_profile_changes(shop):
    profiles_on(shop)
    cart = Cart()
    line = cart.add_entry("1002").line
    cart.set_manual_price(line.id, 300)
    cart.set_customer(load_customer(shop["emily"].id))
    assert cart.profile.name == "VIP"
    assert cart.price().lines[0].unit_price == 300 and cart.price().lines[0].price_source == "manual"
    cart.set_profile(None)
    assert cart.price().lines[0].unit_price == 300


def test_void_needs_a_manager_and_reverses_everything_once(shop):
    cart = emily_cart(shop)
    cart.add_entry("2*1003")
    sale = billing.complete_sale(cart, [billing.Tender("card", 1380)], shop["cashier"])
    stats_after_sale = CustomerStats.get(CustomerStats.customer == shop["emily"].id)
    points_after_sale = loyalty.balance(shop["emily"].id)
    with pytest.raises(PermissionDenied):
        billing.void_sale(sale.bill_id, shop["cashier"])
    void = billing.void_sale(sale.bill_id, shop["manager"], "customer changed their mind")
    record = Bill.get_by_id(void.bill_id)
    assert (record.kind, record.status, record.voids_id, record.total) == ("void", "void", sale.bill_id, 1380)
    assert Bill.get_by_id(sale.bill_id).kind == "sale"  # the original is never edited
    assert [(p.method, p.amount) for p in record.payments] == [("card", -1380)]
    assert loyalty.balance(shop["emily"].id) == points_after_sale - 13
    stats = CustomerStats.get(CustomerStats.customer == shop["emily"].id)
    assert stats.orders == stats_after_sale.orders - 1 and stats.spent == stats_after_sale.spent - 1380
    with pytest.raises(ValidationError, match="already void"):
        billing.void_sale(sale.bill_id, shop["manager"])
    with pytest.raises(ValidationError, match="itself a void"):
        billing.void_sale(void.bill_id, shop["manager"])
    with pytest.raises(NotFound):
        billing.void_sale("no-such-bill", shop["manager"])
    printed = receipt.build(void.bill_id)
    assert printed.kind == "void" and printed.voids_receipt_no == sale.receipt_no and "VOID" in printed.text()
    assert billing.recent_bills(5)[0].receipt_no == void.receipt_no


def test_hold_and_recall_keep_the_bill_until_it_is_paid(shop):
    cart = emily_cart(shop)
    line = cart.add_entry("1002").line
    cart.confirm_allergens(line.id)
    cart.add_entry("2*1001")
    cart.note = "no sugar"
    held = billing.hold(cart, shop["cashier"])
    assert "Emily Roberts" in held.label and HeldBill.select().count() == 1
    recalled, problems = billing.recall(held.id)
    assert problems == [] and recalled.customer.name == "Emily Roberts" and recalled.note == "no sugar"
    assert [(x.item.code, x.quantity, x.allergens_confirmed) for x in recalled.lines] == [
        ("1002", 1, ["nuts"]), ("1001", 2, [])]
    assert recalled.price().total == cart.price().total
    billing.complete_sale(recalled, [billing.Tender("card", recalled.price().total)], shop["cashier"])
    assert HeldBill.select().count() == 0
    with pytest.raises(ValidationError, match="nothing to hold"):
        billing.hold(Cart(), shop["cashier"])


def test_customer_on_the_bill_reads_the_same_preferences_and_terms_as_the_back_office(shop):
    from app import preferences
    from app.cart import effective_preferences
    from db.models import CustomerCategory, LoyaltyTier

    preferences.set_override(shop["emily"], "allergy.nuts", None, shop["manager"])  # an explicit null override
    for customer in Customer.select().where(Customer.status == "active").limit(60):
        assert effective_preferences(customer.id) == preferences.effective(customer)
        loaded = load_customer(customer.id)
        category = CustomerCategory.get_or_none(CustomerCategory.id == customer.category_id)
        tier = LoyaltyTier.get_or_none(LoyaltyTier.id == customer.loyalty_tier_id)
        assert loaded.terms.category_discount_bp == (category.discount_bp if category else 0)
        assert loaded.terms.tier_discount_bp == (tier.discount_bp if tier else 0)
        assert loaded.allergies == tuple(preferences.allergies(customer))
        assert loaded.points == loyalty.balance(customer.id)
    assert load_customer(shop["emily"].id).allergies == ()
