"""Pricing a bill: one pure function of its lines, customer, profile and the shop's settings.

The steps, in order (ARCHITECTURE.md "the logic engine"):

1. unit price: the item's base price, then the customer's own price for the item (CustomerItemPrice: a
   fixed price or a % off), then the bill's Customer Profile rule: a price-list entry (only for items with
   no customer-specific price: the more specific deal wins) or a % discount on the unit price;
2. the customer's category or loyalty-tier discount (the better of the two, not both) on the line;
3. the cashier's line discount (% or amount);
3b. the customer's promotions (app/promotions.py: % or amount off, in the order given), each shared across
   the lines like the bill discount (lines priced by hand take no part);
4. the bill discount (% or amount), shared across the lines in proportion to what they still cost, so
   every line carries its part and the lines always add up to the bill;
5. tax per line: included in the price or added on top (per item; ``None`` means the shop's setting);
6. cash rounding, when the bill is paid (partly) in cash and the shop rounds cash totals.

A price typed by hand (``manual_price``) is final: profile, customer and automatic discounts leave it
alone; only the cashier's own line and bill discounts apply to it. Every line records which rule set its
unit price (``price_source``: base | customer | price_list | profile | manual).

All money is integer minor units, all rates basis points; rounding is half up, exact, never float.
No database, no clock, no Qt: the same inputs always give the same bill.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

BASE, CUSTOMER, PRICE_LIST, PROFILE, MANUAL = "base", "customer", "price_list", "profile", "manual"


@dataclass(frozen=True)
class LineInput:
    item_id: str | None
    base_price: int
    quantity: int
    tax_rate_bp: int = 0
    tax_inclusive: bool | None = None  # None: the shop's prices_include_tax decides
    manual_price: int | None = None
    discount_bp: int = 0  # the cashier's line discount, percent in basis points
    discount_amount: int = 0  # or (and then) a fixed amount off the line


@dataclass(frozen=True)
class CustomerTerms:
    """What a customer brings to pricing."""

    item_prices: Mapping[str, tuple[int | None, int | None]] = field(default_factory=dict)  # item -> (price, bp)
    category_discount_bp: int = 0
    tier_discount_bp: int = 0


@dataclass(frozen=True)
class ProfileRule:
    """The bill's Customer Profile: rule none | price_list | discount."""

    rule: str = "none"
    discount_bp: int = 0
    prices: Mapping[str, int] = field(default_factory=dict)  # price-list entries for the bill's items


@dataclass(frozen=True)
class PromotionInput:
    """A promotion the customer qualifies for: percent (basis points) and/or an amount off the bill."""

    id: str
    discount_bp: int = 0
    amount: int = 0


@dataclass(frozen=True)
class PricingSettings:
    prices_include_tax: bool = True
    cash_rounding: int = 0  # round cash totals to this many minor units (0 = no rounding)


@dataclass(frozen=True)
class PricedLine:
    base_price: int
    unit_price: int
    price_source: str
    quantity: int
    gross: int  # unit_price * quantity
    auto_discount: int  # category or tier discount
    auto_discount_source: str | None  # "category" | "tier" | None
    line_discount: int
    bill_discount: int  # this line's share of the bill discount
    net: int  # gross - all discounts (what the line costs, tax included or not per tax_inclusive)
    tax_rate_bp: int
    tax_inclusive: bool
    tax: int
    total: int  # what the line adds to the bill: net, plus tax when tax is added on top
    promotion_discount: int = 0  # this line's share of the promotions

    @property
    def discount(self) -> int:
        return self.auto_discount + self.line_discount + self.promotion_discount + self.bill_discount


@dataclass(frozen=True)
class BillPrice:
    lines: tuple[PricedLine, ...]
    subtotal: int  # sum of gross
    discount_total: int  # every discount, the bill discount included
    bill_discount_amount: int
    tax_total: int
    tax_added: int  # the part of tax_total added on top of prices (tax-exclusive items)
    rounding: int
    total: int  # subtotal - discount_total + tax_added + rounding
    promotions: tuple[tuple[str, int], ...] = ()  # (promotion id, amount off) in the order applied

    @property
    def unrounded_total(self) -> int:
        return self.total - self.rounding


NO_CUSTOMER = CustomerTerms()
NO_PROFILE = ProfileRule()


def div_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half up, for numerator >= 0 and denominator > 0."""
    return (2 * numerator + denominator) // (2 * denominator)


def percent(amount: int, bp: int) -> int:
    """bp basis points of a non-negative amount, rounded half up (same as app.money.percent_of)."""
    return div_half_up(amount * bp, 10000)


def _unit_price(line: LineInput, customer: CustomerTerms, profile: ProfileRule) -> tuple[int, str]:
    if line.manual_price is not None:
        return line.manual_price, MANUAL
    price, source = line.base_price, BASE
    special = customer.item_prices.get(line.item_id) if line.item_id else None
    if special is not None:
        fixed, bp = special
        if fixed is not None:
            price, source = fixed, CUSTOMER
        elif bp:
            price, source = price - percent(price, bp), CUSTOMER
    if profile.rule == "price_list" and source == BASE and line.item_id in profile.prices:
        price, source = profile.prices[line.item_id], PRICE_LIST
    elif profile.rule == "discount" and profile.discount_bp:
        price, source = price - percent(price, profile.discount_bp), PROFILE
    return max(price, 0), source


def _share(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` exactly (largest remainder, ties to the first)."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares


def check_line(line: LineInput) -> None:
    if line.quantity <= 0:
        raise ValueError("quantity must be positive")
    if line.base_price < 0 or (line.manual_price is not None and line.manual_price < 0):
        raise ValueError("prices cannot be negative")
    if not 0 <= line.discount_bp <= 10000 or line.discount_amount < 0:
        raise ValueError("a discount is between 0 and 100% and never negative")


def price_bill(
    lines: Sequence[LineInput],
    customer: CustomerTerms | None = None,
    profile: ProfileRule | None = None,
    settings: PricingSettings | None = None,
    *,
    bill_discount_bp: int = 0,
    bill_discount_amount: int = 0,
    cash: bool = False,
    promotions: Sequence[PromotionInput] = (),
) -> BillPrice:
    """Price a whole bill. ``cash``: the bill is (partly) paid in cash, so cash rounding applies."""
    customer = customer or NO_CUSTOMER
    profile = profile or NO_PROFILE
    settings = settings or PricingSettings()
    if not 0 <= bill_discount_bp <= 10000 or bill_discount_amount < 0:
        raise ValueError("a bill discount is between 0 and 100% and never negative")
    auto_bp, auto_source = 0, None
    if customer.category_discount_bp or customer.tier_discount_bp:
        if customer.tier_discount_bp > customer.category_discount_bp:
            auto_bp, auto_source = customer.tier_discount_bp, "tier"
        else:
            auto_bp, auto_source = customer.category_discount_bp, "category"

    staged = []  # (line, unit, source, gross, auto, line_discount, net_before_bill)
    for line in lines:
        check_line(line)
        unit, source = _unit_price(line, customer, profile)
        gross = unit * line.quantity
        auto = percent(gross, auto_bp) if source != MANUAL and auto_bp else 0
        remaining = gross - auto
        line_off = percent(remaining, line.discount_bp) if line.discount_bp else 0
        line_off = min(line_off + line.discount_amount, remaining)
        staged.append((line, unit, source, gross, auto, line_off, remaining - line_off))

    promo_shares = [0] * len(staged)
    promo_amounts = []
    for promo in promotions:
        if not 0 <= promo.discount_bp <= 10000 or promo.amount < 0:
            raise ValueError("a promotion is between 0 and 100% and never negative")
        weights = [s[6] - promo_shares[i] if s[2] != MANUAL else 0 for i, s in enumerate(staged)]
        base = sum(weights)
        off = min(percent(base, promo.discount_bp) + promo.amount, base)
        for i, share in enumerate(_share(off, weights)):
            promo_shares[i] += share
        promo_amounts.append((promo.id, off))
    before_bill = [s[6] - promo_shares[i] for i, s in enumerate(staged)]
    payable = sum(before_bill)
    bill_off = percent(payable, bill_discount_bp) if bill_discount_bp else 0
    bill_off = min(bill_off + bill_discount_amount, payable)
    shares = _share(bill_off, before_bill)

    priced = []
    for (line, unit, source, gross, auto, line_off, net_before), share, promo in zip(
            staged, shares, promo_shares, strict=True):
        net = net_before - promo - share
        inclusive = settings.prices_include_tax if line.tax_inclusive is None else line.tax_inclusive
        rate = line.tax_rate_bp
        if rate <= 0:
            tax = 0
        elif inclusive:
            tax = div_half_up(net * rate, 10000 + rate)
        else:
            tax = percent(net, rate)
        priced.append(PricedLine(
            base_price=line.base_price, unit_price=unit, price_source=source, quantity=line.quantity,
            gross=gross, auto_discount=auto, auto_discount_source=auto_source if auto else None,
            line_discount=line_off, bill_discount=share, net=net, tax_rate_bp=rate, tax_inclusive=inclusive,
            tax=tax, total=net if inclusive else net + tax, promotion_discount=promo,
        ))

    unrounded = sum(p.total for p in priced)
    rounding = 0
    step = settings.cash_rounding
    if cash and step > 1 and unrounded > 0:
        rounding = div_half_up(unrounded, step) * step - unrounded
    return BillPrice(
        lines=tuple(priced),
        subtotal=sum(p.gross for p in priced),
        discount_total=sum(p.discount for p in priced),
        bill_discount_amount=bill_off,
        tax_total=sum(p.tax for p in priced),
        tax_added=sum(p.tax for p in priced if not p.tax_inclusive),
        rounding=rounding,
        total=unrounded + rounding,
        promotions=tuple(promo_amounts),
    )
