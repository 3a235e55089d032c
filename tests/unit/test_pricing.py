"""The pricing function: each rule in its place, exact money, and properties that hold for any bill."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from app.money import percent_of
from app.pricing import (
    CustomerTerms,
    LineInput,
    PricingSettings,
    ProfileRule,
    div_half_up,
    percent,
    price_bill,
)

VIP = ProfileRule(rule="discount", discount_bp=1000)
WHOLESALE_LIST = ProfileRule(rule="price_list", prices={"croissant": 250})


def line(item="espresso", price=250, qty=1, **kw):
    return LineInput(item_id=item, base_price=price, quantity=qty, tax_rate_bp=kw.pop("rate", 800), **kw)


def test_base_price_with_tax_included():
    bill = price_bill([line(qty=2)])
    assert bill.total == 500 and bill.subtotal == 500 and bill.discount_total == 0
    assert bill.lines[0].price_source == "base"
    assert bill.tax_total == 37  # 500 * 800 / 10800 = 37.04
    assert bill.tax_added == 0


def test_tax_added_on_top_when_prices_exclude_tax_per_item_or_by_setting():
    exclusive = price_bill([line(price=1000, tax_inclusive=False)])
    assert exclusive.lines[0].tax == 80 and exclusive.total == 1080
    by_setting = price_bill([line(price=1000)], settings=PricingSettings(prices_include_tax=False))
    assert by_setting.total == 1080
    overridden = price_bill([line(price=1000, tax_inclusive=True)], settings=PricingSettings(prices_include_tax=False))
    assert overridden.total == 1000 and overridden.lines[0].tax == 74


def test_profile_discount_reprices_the_unit_price():
    bill = price_bill([line(price=320)], profile=VIP)
    assert bill.lines[0].unit_price == 288 and bill.lines[0].price_source == "profile"
    assert bill.total == 288


def test_price_list_applies_to_listed_items_only():
    bill = price_bill([line("croissant", 320), line("espresso", 250)], profile=WHOLESALE_LIST)
    assert [(p.unit_price, p.price_source) for p in bill.lines] == [(250, "price_list"), (250, "base")]


def test_customer_price_beats_the_price_list_and_takes_the_profile_discount_on_top():
    customer = CustomerTerms(item_prices={"croissant": (200, None), "espresso": (None, 2000)})
    listed = price_bill([line("croissant", 320)], customer, WHOLESALE_LIST)
    assert (listed.lines[0].unit_price, listed.lines[0].price_source) == (200, "customer")
    vip = price_bill([line("croissant", 320), line("espresso", 250)], customer, VIP)
    assert [(p.unit_price, p.price_source) for p in vip.lines] == [(180, "profile"), (180, "profile")]


def test_the_better_of_category_and_tier_discount_applies_not_both():
    tier = price_bill([line(price=1000)], CustomerTerms(category_discount_bp=200, tier_discount_bp=500))
    assert tier.lines[0].auto_discount == 50 and tier.lines[0].auto_discount_source == "tier"
    category = price_bill([line(price=1000)], CustomerTerms(category_discount_bp=700, tier_discount_bp=500))
    assert category.lines[0].auto_discount == 70 and category.lines[0].auto_discount_source == "category"
    assert category.total == 930


def test_manual_price_is_final_for_automatic_rules_but_takes_the_cashiers_discounts():
    customer = CustomerTerms(item_prices={"espresso": (100, None)}, tier_discount_bp=500)
    bill = price_bill([line(manual_price=300, discount_bp=1000)], customer, VIP, bill_discount_amount=70)
    priced = bill.lines[0]
    assert (priced.unit_price, priced.price_source, priced.auto_discount) == (300, "manual", 0)
    assert priced.line_discount == 30 and priced.bill_discount == 70 and bill.total == 200


def test_line_then_bill_discount_shared_across_lines_exactly():
    bill = price_bill([line("a", 333), line("b", 333), line("c", 334)], bill_discount_amount=100)
    assert [p.bill_discount for p in bill.lines] == [33, 33, 34]
    assert bill.total == 900 and bill.bill_discount_amount == 100
    pct = price_bill([line("a", 1000, discount_amount=200), line("b", 1000)], bill_discount_bp=1000)
    assert pct.bill_discount_amount == 180 and pct.total == 1620


def test_discounts_never_take_a_line_below_zero():
    bill = price_bill([line(price=100, discount_amount=500)], bill_discount_amount=10_000)
    assert bill.lines[0].net == 0 and bill.total == 0


def test_cash_rounding_only_when_paying_cash():
    shop = PricingSettings(cash_rounding=5)
    assert price_bill([line(price=253)], settings=shop).total == 253
    cash = price_bill([line(price=252)], settings=shop, cash=True)
    assert cash.rounding == -2 and cash.total == 250
    assert price_bill([line(price=253)], settings=shop, cash=True).total == 255


def test_invalid_input_is_refused():
    for bad in [line(qty=0), line(qty=-1), line(price=-1), line(manual_price=-5), line(discount_bp=10001),
                line(discount_amount=-1)]:
        with pytest.raises(ValueError):
            price_bill([bad])
    with pytest.raises(ValueError):
        price_bill([line()], bill_discount_bp=-1)


def test_integer_helpers_match_decimal_half_up():
    for amount in range(0, 2000, 7):
        for bp in (0, 1, 333, 800, 1000, 1500, 9999, 10000):
            assert percent(amount, bp) == percent_of(amount, bp)
    assert div_half_up(5, 10) == 1 and div_half_up(4, 10) == 0


# --- properties -----------------------------------------------------------------------------------------------

ITEMS = ["a", "b", "c", "d", "e"]
lines_st = st.lists(
    st.builds(
        LineInput,
        item_id=st.sampled_from(ITEMS),
        base_price=st.integers(0, 500_000),
        quantity=st.integers(1, 999),
        tax_rate_bp=st.sampled_from([0, 500, 800, 2000, 2500]),
        tax_inclusive=st.sampled_from([None, True, False]),
        manual_price=st.one_of(st.none(), st.integers(0, 500_000)),
        discount_bp=st.sampled_from([0, 0, 500, 1000, 10000]),
        discount_amount=st.integers(0, 5000),
    ),
    min_size=0, max_size=12,
)
customer_st = st.builds(
    CustomerTerms,
    item_prices=st.dictionaries(st.sampled_from(ITEMS), st.tuples(st.one_of(st.none(), st.integers(0, 500_000)),
                                                                   st.one_of(st.none(), st.integers(0, 10000)))),
    category_discount_bp=st.integers(0, 5000),
    tier_discount_bp=st.integers(0, 5000),
)
profile_st = st.one_of(
    st.none(),
    st.builds(ProfileRule, rule=st.just("discount"), discount_bp=st.integers(0, 10000)),
    st.builds(ProfileRule, rule=st.just("price_list"),
              prices=st.dictionaries(st.sampled_from(ITEMS), st.integers(0, 500_000))),
)
settings_st = st.builds(PricingSettings, prices_include_tax=st.booleans(), cash_rounding=st.sampled_from([0, 5, 10, 25]))


@settings(max_examples=150, deadline=None)
@given(lines_st, customer_st, profile_st, settings_st, st.integers(0, 10000), st.integers(0, 100_000), st.booleans())
def test_totals_are_the_sum_of_lines_discounts_and_tax(lines, customer, profile, shop, bill_bp, bill_amount, cash):
    bill = price_bill(lines, customer, profile, shop, bill_discount_bp=bill_bp, bill_discount_amount=bill_amount,
                      cash=cash)
    assert bill.total == sum(p.total for p in bill.lines) + bill.rounding
    assert bill.total == bill.subtotal - bill.discount_total + bill.tax_added + bill.rounding
    assert bill.subtotal == sum(p.unit_price * p.quantity for p in bill.lines)
    assert bill.bill_discount_amount == sum(p.bill_discount for p in bill.lines)
    assert bill.tax_total == sum(p.tax for p in bill.lines)
    assert bill.total >= 0 and all(p.net >= 0 and p.tax >= 0 and p.discount >= 0 for p in bill.lines)
    if shop.cash_rounding > 1 and cash:
        assert abs(bill.rounding) * 2 <= shop.cash_rounding and bill.total % shop.cash_rounding == 0
    else:
        assert bill.rounding == 0
    for p in bill.lines:
        # each line's tax is the exact tax of its net amount, rounded to the nearest minor unit
        rate = Decimal(p.tax_rate_bp)
        exact = Decimal(p.net) * rate / (10000 + rate) if p.tax_inclusive else Decimal(p.net) * rate / 10000
        assert p.tax == int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert p.total == (p.net if p.tax_inclusive else p.net + p.tax)
    # and the bill's tax is within half a cent per line of the exact tax of the whole bill
    exact_total = sum(
        (Decimal(p.net) * p.tax_rate_bp / ((10000 + p.tax_rate_bp) if p.tax_inclusive else 10000)) for p in bill.lines)
    assert abs(bill.tax_total - exact_total) <= Decimal(len(bill.lines)) / 2


@settings(max_examples=100, deadline=None)
@given(lines_st, customer_st, profile_st, profile_st, settings_st)
def test_prices_typed_by_hand_survive_a_profile_or_customer_change(lines, customer, before, after, shop):
    assume(any(line.manual_price is not None for line in lines))
    first = price_bill(lines, customer, before, shop)
    second = price_bill(lines, None, after, shop)
    for entry, a, b in zip(lines, first.lines, second.lines, strict=True):
        if entry.manual_price is not None:
            assert a.unit_price == b.unit_price == entry.manual_price
            assert a.price_source == b.price_source == "manual"
            assert a.auto_discount == b.auto_discount == 0


@settings(max_examples=100, deadline=None)
@given(lines_st, customer_st, profile_st, settings_st)
def test_pricing_is_pure_and_order_of_lines_only_moves_lines(lines, customer, profile, shop):
    once = price_bill(lines, customer, profile, shop)
    assert price_bill(lines, customer, profile, shop) == once
    reversed_bill = price_bill(list(reversed(lines)), customer, profile, shop)
    assert reversed_bill.subtotal == once.subtotal and reversed_bill.total == once.total
