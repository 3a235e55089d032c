"""Loyalty tiers reached by spend: up as spend grows, down by the shop rule (a void, or the rolling window),
a manager's tier as a floor, and the bill priced and recorded with the tier at the time of sale."""

from __future__ import annotations

import datetime as dt

import pytest
from backoffice_helpers import make_bill, void_bill

from app import billing, customers, settings, tiers
from app.cart import Cart, load_customer
from app.tiers import Tier
from db.ids import utcnow
from db.models import Bill, LoyaltyTier, User

BRONZE, SILVER, GOLD = Tier("b", "Bronze", 0), Tier("s", "Silver", 50_000, 200), Tier("g", "Gold", 200_000, 500)


def test_the_highest_threshold_reached_wins_whatever_the_order():
    shuffled = [GOLD, BRONZE, SILVER]
    assert tiers.reached(0, shuffled) == BRONZE
    assert tiers.reached(49_999, shuffled) == BRONZE
    assert tiers.reached(50_000, shuffled) == SILVER
    assert tiers.reached(10**9, shuffled) == GOLD
    assert tiers.reached(10, [SILVER, GOLD]) is None


def test_a_managers_tier_is_a_floor_spend_can_lift_above_it():
    assert tiers.reached(0, [BRONZE, SILVER, GOLD], floor=SILVER) == SILVER
    assert tiers.reached(300_000, [BRONZE, SILVER, GOLD], floor=SILVER) == GOLD


def test_equal_thresholds_are_ordered_by_name_then_id_on_every_till():
    a, b = Tier("2", "Alpha", 100), Tier("1", "Beta", 100)
    assert tiers.reached(100, [a, b]) == tiers.reached(100, [b, a]) == b


def test_rule_reads_the_shop_settings_with_safe_fallbacks():
    assert tiers.rule({"tier_basis": "rolling", "tier_window_days": 30}) == tiers.Rule("rolling", 30)
    assert tiers.rule({"tier_basis": "weird", "tier_window_days": -1}) == tiers.Rule("lifetime", 365)


@pytest.fixture
def shop(demo_db):
    return User.get(User.name == "Manager"), User.get(User.name == "Cashier")


def test_spend_moves_a_customer_up_and_a_void_down(shop):
    manager, cashier = shop
    zoe = customers.create({"name": "Zoe Tier", "phone": "+1 555 888 0001", "status": "active"}, manager)
    assert tiers.current(zoe.id).name == "Bronze"
    first = make_bill(cashier, customer=zoe, lines=((None, 1, 30_000),))
    make_bill(cashier, customer=zoe, lines=((None, 1, 20_000),))
    assert tiers.current(zoe.id).name == "Silver"  # 500.00: Silver's threshold exactly
    void_bill(first, manager)
    assert tiers.current(zoe.id).name == "Bronze"


def test_rolling_rule_drops_a_tier_when_recent_spend_falls_below(shop):
    manager, cashier = shop
    zoe = customers.create({"name": "Zoe Rolling", "phone": "+1 555 888 0002", "status": "active"}, manager)
    make_bill(cashier, customer=zoe, lines=((None, 1, 250_000),), when=utcnow() - dt.timedelta(days=400))
    assert tiers.current(zoe.id).name == "Gold"  # lifetime
    settings.update({"tier_basis": "rolling", "tier_window_days": 365}, manager)
    assert tiers.current(zoe.id).name == "Bronze"
    make_bill(cashier, customer=zoe, lines=((None, 1, 60_000),))
    assert tiers.current(zoe.id).name == "Silver"
    later = utcnow() + dt.timedelta(days=366)
    assert tiers.current(zoe.id, later).name == "Bronze"


def test_the_bill_uses_and_records_the_tier_at_the_time_of_sale(shop):
    manager, cashier = shop
    zoe = customers.create({"name": "Zoe Bill", "phone": "+1 555 888 0003", "status": "active"}, manager)
    make_bill(cashier, customer=zoe, lines=((None, 1, 200_000),))
    cart = Cart()
    cart.add_entry("1001")  # Espresso 2.50
    cart.set_customer(load_customer(zoe.id))
    assert cart.customer.loyalty.tier_name == "Gold"
    assert cart.price().lines[0].auto_discount == 13  # 5% of 2.50, half up
    sale = billing.complete_sale(cart, [billing.Tender("card", cart.price().total)], cashier)
    bill = Bill.get(Bill.id == sale.bill_id)
    assert bill.preferences_applied["loyalty_tier"] == "Gold"
    assert bill.preferences_applied["tier_discount_bp"] == 500
    # the threshold rises later: the bill keeps what it was sold with, the next bill follows the rule
    gold = LoyaltyTier.get(LoyaltyTier.name == "Gold")
    from app import loyalty_rules

    loyalty_rules.save_tier(manager, name="Gold", min_spend=10**9, discount_bp=500, tier_id=gold.id)
    assert Bill.get(Bill.id == sale.bill_id).preferences_applied["loyalty_tier"] == "Gold"
    assert load_customer(zoe.id).loyalty.tier_name == "Silver"
