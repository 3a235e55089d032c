"""Promotions: eligibility per rule (who, when, consent, channel), the pricing step, the bill's record and
bonus points, the manager's rules and the consented contact lists."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from app import billing, customers, preferences, promotions, segments
from app.cart import Cart, load_customer
from app.errors import PermissionDenied, ValidationError
from app.pricing import LineInput, PromotionInput, price_bill
from app.promotions import Rule, Who, eligible
from db.models import AuditLog, Bill, Customer, LoyaltyEntry, User

TODAY = dt.date(2026, 6, 17)
CONSENTED = Who(segments=("regular",), profile_id="p1", category_id="k1", marketing_consent=True, channel="Email")


def rule(**kw) -> Rule:
    return Rule(**{"id": "r", "name": "Offer", "kind": "percent", "value": 1000, "needs_consent": False, **kw})


def test_who_each_condition_must_hold():
    assert eligible(rule(segment="regular"), CONSENTED, TODAY)
    assert not eligible(rule(segment="vip"), CONSENTED, TODAY)
    assert eligible(rule(profile_id="p1", category_id="k1"), CONSENTED, TODAY)
    assert not eligible(rule(profile_id="p2"), CONSENTED, TODAY)
    assert not eligible(rule(category_id="k2"), CONSENTED, TODAY)
    assert not eligible(rule(birthday_week=True), CONSENTED, TODAY)
    assert eligible(rule(birthday_week=True), Who(segments=("birthday",)), TODAY)


def test_when_dates_are_inclusive_and_inactive_never_applies():
    assert eligible(rule(starts_on="2026-06-17", ends_on="2026-06-17"), CONSENTED, TODAY)
    assert not eligible(rule(starts_on="2026-06-18"), CONSENTED, TODAY)
    assert not eligible(rule(ends_on="2026-06-16"), CONSENTED, TODAY)
    assert not eligible(rule(active=False), CONSENTED, TODAY)


def test_consent_is_required_for_marked_promotions_and_for_email_or_sms():
    no_consent = Who(segments=("regular",), marketing_consent=False, channel="Email")
    assert not eligible(rule(needs_consent=True), no_consent, TODAY)
    assert eligible(rule(needs_consent=True), CONSENTED, TODAY)
    assert not eligible(rule(channel="email"), no_consent, TODAY)  # email always needs consent
    assert eligible(rule(channel="email"), CONSENTED, TODAY)
    assert not eligible(rule(channel="sms"), CONSENTED, TODAY)  # consented to email, not to SMS


def test_walk_ins_get_only_untargeted_till_offers_without_consent():
    assert eligible(rule(), None, TODAY)
    assert not eligible(rule(segment="new"), None, TODAY)
    assert not eligible(rule(needs_consent=True), None, TODAY)
    assert not eligible(rule(channel="email"), None, TODAY)


def test_the_pricing_step_shares_promotions_and_spares_hand_prices():
    lines = [LineInput("a", 1000, 1), LineInput("b", 3000, 1), LineInput("c", 500, 1, manual_price=500)]
    priced = price_bill(lines, promotions=[PromotionInput("p", discount_bp=1000), PromotionInput("q", amount=100)])
    assert priced.promotions == (("p", 400), ("q", 100))
    assert [p.promotion_discount for p in priced.lines] == [125, 375, 0]
    assert priced.total == 4500 - 500 and priced.discount_total == 500
    assert sum(p.total for p in priced.lines) == priced.total
    with_bill = price_bill(lines, promotions=[PromotionInput("p", discount_bp=1000)], bill_discount_bp=1000)
    assert with_bill.bill_discount_amount == 410  # 10% of what is left after the promotion
    capped = price_bill([LineInput("a", 100, 1)], promotions=[PromotionInput("big", amount=10_000)])
    assert capped.total == 0 and capped.promotions == (("big", 100),)


@pytest.fixture
def shop(demo_db):
    return User.get(User.name == "Manager"), User.get(User.name == "Cashier")


def test_managers_keep_the_rules_audited(shop):
    manager, cashier = shop
    with pytest.raises(PermissionDenied):
        promotions.save(cashier, {"name": "X", "kind": "percent", "value": 500})
    for bad, match in (({"name": ""}, "name"), ({"name": "X", "value": 0}, "more than zero"),
                       ({"name": "X", "value": 20000}, "at most 100%"),
                       ({"name": "X", "value": 5, "starts_on": "17/06"}, "not a date"),
                       ({"name": "X", "value": 5, "segment": "rich"}, "Unknown segment"),
                       ({"name": "X", "value": 5, "starts_on": "2026-06-02", "ends_on": "2026-06-01"}, "ends before")):
        with pytest.raises(ValidationError, match=match):
            promotions.save(manager, {"kind": "percent", **bad})
    row = promotions.save(manager, {"name": "Email week", "kind": "amount", "value": 100, "channel": "email",
                                    "needs_consent": False})
    assert row.needs_consent  # email and SMS offers always need consent
    assert AuditLog.select().where((AuditLog.action == "promotion.create") & (AuditLog.entity_id == row.id)).count() == 1


def test_checkout_applies_records_and_earns_bonus_points_only_with_consent(shop):
    manager, cashier = shop
    promotions.save(manager, {"name": "Regulars 10%", "kind": "percent", "value": 1000, "segment": "regular"})
    promotions.save(manager, {"name": "Bonus 50", "kind": "points", "value": 50, "needs_consent": True})
    emily_row = Customer.get(Customer.name == "Emily Roberts")
    emily = load_customer(emily_row.id)
    assert "regular" in emily.segments and emily.marketing_consent
    cart = Cart()
    cart.add_entry("1003")  # Veggie Wrap 6.90
    cart.set_customer(emily)
    assert [r.name for r in cart.promotions] == ["Bonus 50", "Regulars 10%"]
    total = cart.price().total
    assert cart.price().promotions and cart.price().lines[0].promotion_discount > 0
    sale = billing.complete_sale(cart, [billing.Tender("card", total)], cashier)
    bill = Bill.get(Bill.id == sale.bill_id)
    recorded = {p["name"]: p for p in bill.preferences_applied["promotions"]}
    assert recorded["Regulars 10%"]["amount"] == cart.price().lines[0].promotion_discount
    assert recorded["Bonus 50"]["points"] == 50
    earn = LoyaltyEntry.get((LoyaltyEntry.bill == bill.id) & (LoyaltyEntry.kind == "earn"))
    assert earn.points == sale.points_earned and sale.points_earned >= 50

    # without consent: neither the consent-only bonus nor any email offer, but an open till offer stays
    customers.update(emily_row.id, {"marketing_consent": False}, manager)
    no_consent = Cart()
    no_consent.add_entry("1003")
    no_consent.set_customer(load_customer(emily_row.id))
    assert [r.name for r in no_consent.promotions] == []
    promotions.save(manager, {"name": "Regulars 10%", "kind": "percent", "value": 1000, "segment": "regular",
                              "needs_consent": False},
                    next(r.id for r in promotions.all_rules() if r.name == "Regulars 10%"))
    no_consent.set_customer(load_customer(emily_row.id))
    assert [r.name for r in no_consent.promotions] == ["Regulars 10%"]


def test_walk_in_bill_gets_open_offer_but_no_points(shop):
    manager, cashier = shop
    promotions.save(manager, {"name": "Everyone 1.00 off", "kind": "amount", "value": 100, "needs_consent": False})
    promotions.save(manager, {"name": "Points", "kind": "points", "value": 10, "needs_consent": False})
    cart = Cart()
    cart.add_entry("1003")
    assert cart.price().total == 590 and cart.promotion_points() == 0
    sale = billing.complete_sale(cart, [billing.Tender("cash", 1000)], cashier)
    recorded = Bill.get(Bill.id == sale.bill_id).preferences_applied["promotions"]
    assert [p["name"] for p in recorded] == ["Everyone 1.00 off"]


def test_contact_lists_hold_only_customers_who_consented_to_that_channel(shop, tmp_path):
    manager, _ = shop
    today = dt.date.today()
    dob = today.replace(year=1990, day=min(today.day, 28)).isoformat()
    yes = customers.create({"name": "Yes Email", "phone": "+1 555 999 0001", "email": "yes@example.com",
                            "status": "active", "marketing_consent": True, "date_of_birth": dob}, manager)
    sms = customers.create({"name": "Yes Sms", "phone": "+1 555 999 0002", "status": "active",
                            "marketing_consent": True, "date_of_birth": dob}, manager)
    preferences.set_override(sms, "communication.channel", "SMS", manager)
    customers.create({"name": "No Consent", "phone": "+1 555 999 0003", "email": "no@example.com",
                      "status": "active", "marketing_consent": False, "date_of_birth": dob}, manager)
    emails = dict(promotions.contacts("email"))
    assert emails.get("Yes Email") == "yes@example.com" and "No Consent" not in emails and "Yes Sms" not in emails
    assert dict(promotions.contacts("sms")).get("Yes Sms") == "+15559990002"
    birthday = [r[1] for r in promotions.birthdays_this_week(today)]
    if dob[5:] in segments.birthday_keys(today):
        assert "Yes Email" in birthday and "Yes Sms" in birthday and "No Consent" not in birthday
    path = tmp_path / "email.csv"
    count = promotions.contact_csv(path, "email", None, manager)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert count == len(rows) and {"name": "Yes Email", "email": "yes@example.com", "channel": "email"} in rows
    assert all(r["name"] != "No Consent" for r in rows) and yes.id


def test_a_malformed_promotion_from_another_node_is_never_applied(shop):
    from db.models import Promotion

    for kind, value, channel in (("percent", -500, "till"), ("percent", 20000, "till"), ("gift", 5, "till"),
                                 ("amount", 100, "pigeon")):
        Promotion(name=f"bad {kind} {value} {channel}", kind=kind, value=value, channel=channel,
                  needs_consent=False).save(sync=False)
    assert promotions.all_rules() == []
    cart = Cart()
    cart.add_entry("1003")
    assert cart.price().total == 690 and cart.promotions == []
