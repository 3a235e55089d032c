"""The preference audit's triggers (contradicted payment and diet, repeated overrides, stale) and its
actions; the service record of each sale and the service report built from the trigger-kept summary."""

from __future__ import annotations

import datetime as dt

import pytest
from backoffice_helpers import make_bill

from app import billing, customers, preference_audit, preferences, service_metrics
from app.cart import Cart, load_customer
from app.errors import PermissionDenied
from db.ids import utcnow
from db.models import AuditLog, CustomerPreference, Item, PreferenceReview, User


@pytest.fixture
def shop(demo_db):
    return User.get(User.name == "Manager"), User.get(User.name == "Cashier")


def _new(manager, name, phone):
    return customers.create({"name": name, "phone": phone, "status": "active"}, manager)


def _reasons(customer_id):
    return {(e.key, e.reason) for e in preference_audit.queue() if e.customer_id == customer_id}


def test_five_bills_paid_otherwise_contradict_the_preferred_payment(shop):
    manager, cashier = shop
    kim = _new(manager, "Kim Card", "+1 555 444 0001")
    preferences.set_override(kim, "payment.preferred", "Card", manager)
    for _n in range(4):
        make_bill(cashier, customer=kim, method="cash")
    assert ("payment.preferred", "contradicted") not in _reasons(kim.id)
    make_bill(cashier, customer=kim, method="cash")
    assert ("payment.preferred", "contradicted") in _reasons(kim.id)
    entry = next(e for e in preference_audit.queue() if e.customer_id == kim.id)
    assert "last 5 bills were paid by cash" in entry.detail and entry.value == "Card"
    # confirmed: the old bills no longer count; four more cash bills are not five
    preference_audit.confirm(manager, kim.id, "payment.preferred")
    assert _reasons(kim.id) == set()
    for _n in range(4):
        make_bill(cashier, customer=kim, method="cash")
    assert _reasons(kim.id) == set()
    assert AuditLog.select().where((AuditLog.action == "preference.confirm") & (AuditLog.entity_id == kim.id)).count() == 1


def test_a_vegetarian_whose_favourites_include_meat(shop):
    manager, cashier = shop
    veg = _new(manager, "Val Veg", "+1 555 444 0002")
    preferences.set_override(veg, "diet.vegetarian", True, manager)
    ham = Item.get(Item.name == "Ham Sandwich")
    ham.tags = ["meat"]
    ham.save()
    make_bill(cashier, customer=veg, lines=((Item.get(Item.code == "1003"), 1, 690),))
    assert _reasons(veg.id) == set()
    make_bill(cashier, customer=veg, lines=((ham, 2, 500),))
    assert ("diet.vegetarian", "contradicted") in _reasons(veg.id)
    preference_audit.remove(manager, veg.id, "diet.vegetarian")
    assert _reasons(veg.id) == set()
    assert CustomerPreference.get(CustomerPreference.customer == veg.id,
                                  CustomerPreference.key == "diet.vegetarian").deleted_at is not None


def test_repeated_overrides_at_checkout_and_a_change(shop):
    manager, cashier = shop
    ola = _new(manager, "Ola Override", "+1 555 444 0003")
    preferences.set_override(ola, "payment.preferred", "Card", manager)
    for n in range(3):
        cart = Cart()
        cart.add_entry("1001")
        cart.set_customer(load_customer(ola.id))
        billing.complete_sale(cart, [billing.Tender("cash", 1000)], cashier)
        overridden = ("payment.preferred", "overridden") in _reasons(ola.id)
        assert overridden == (n == 2), n
    with pytest.raises(PermissionDenied):
        preference_audit.change(cashier, ola.id, "payment.preferred", "Cash")
    preference_audit.change(manager, ola.id, "payment.preferred", "Cash")
    assert _reasons(ola.id) == set() and preferences.effective_map(ola)["payment.preferred"] == "Cash"


def test_stale_preferences_come_from_the_updated_index_not_a_scan(shop):
    manager, _ = shop
    old = _new(manager, "Olive Old", "+1 555 444 0004")
    preferences.set_override(old, "seating.preferred", "Window", manager)
    later = utcnow() + dt.timedelta(days=preference_audit.STALE_DAYS + 1)
    entries = [e for e in preference_audit.queue(limit=10_000, now=later) if e.customer_id == old.id]
    assert [(e.key, e.reason) for e in entries] == [("seating.preferred", "stale")]
    plan = " ".join(str(r) for r in PreferenceReview._meta.database.execute_sql(
        "EXPLAIN QUERY PLAN SELECT p.customer_id FROM customer_preference p INDEXED BY customer_preference_updated "
        "WHERE p.updated_at < ? AND p.deleted_at IS NULL ORDER BY p.updated_at LIMIT 10", ("x",)))
    assert "customer_preference_updated" in plan and "SCAN p " not in plan.replace("USING", "")
    assert not [e for e in preference_audit.queue(limit=10_000) if e.customer_id == old.id]


def test_each_sale_records_its_service_and_the_report_sums_it(shop):
    manager, cashier = shop
    from db.models import Customer

    emily = Customer.get(Customer.name == "Emily Roberts")
    fresh = _new(manager, "Fay First", "+1 555 444 0005")
    opened = utcnow()
    cases = [(emily.id, "card", 30), (emily.id, "cash", 50), (fresh.id, "cash", 90), (None, "cash", 10)]
    for customer_id, method, seconds in cases:
        cart = Cart()
        cart.add_entry("1001")
        cart.first_line_at = opened
        if customer_id:
            cart.set_customer(load_customer(customer_id))
        paid = cart.price().total if method == "card" else 1000
        billing.complete_sale(cart, [billing.Tender(method, paid)], cashier,
                              now=opened + dt.timedelta(seconds=seconds))
    today = dt.date.today()
    rows = service_metrics.report(today - dt.timedelta(days=1), today + dt.timedelta(days=1), "cashier")
    total = rows[-1]
    assert total.label == "Total" and total.returning_bills == 2 and total.new_bills == 1 and total.walk_in_bills == 1
    assert total.returning_avg_s == 40 and total.new_avg_s == 90
    # Emily: preferred Card applied twice (allergy alert too), overridden once (paid cash)
    assert total.applied >= 4 and total.overridden == 1
    assert total.application_rate == 2 / 3  # Fay has no preferences to apply
    assert 0 < total.accuracy < 1
    assert [r.label for r in rows[:-1]] == ["Cashier"]
    by_day = service_metrics.report(today - dt.timedelta(days=1), today + dt.timedelta(days=1), "day")
    assert sum(r.new_bills + r.returning_bills for r in by_day[:-1]) == 3


def test_a_held_bill_keeps_the_time_of_its_first_line(shop):
    from app.cart import Cart

    cart = Cart()
    cart.add_entry("1001")
    first = cart.first_line_at
    assert first is not None
    cart.add_entry("1003")
    assert cart.first_line_at == first
    recalled, problems = Cart.from_data(cart.to_data())
    assert not problems and recalled.first_line_at == first
    record = service_metrics.record(recalled, [billing.Tender("cash", 1000)], first + dt.timedelta(seconds=42))
    assert record == {"checkout_ms": 42_000, "visitor": "walk_in", "applied": [], "overridden": []}
    assert service_metrics.record(recalled, [], first - dt.timedelta(days=1)) == {}  # seeded history
