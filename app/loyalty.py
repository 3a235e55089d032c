"""Loyalty points: an append-only ledger of earn and redeem events tied to bills; the balance is its sum.

Earning: ``loyalty_points_per_unit`` points per whole currency unit paid (points paid with points earn
nothing), times the customer's tier multiplier; customers whose category does not earn get none.
Redeeming: points are a tender worth ``loyalty_point_value`` minor units each.
Ledger ids derive from the bill (``entry_id``), so a retried sale or a replayed sync cannot count twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.errors import ValidationError
from app.money import format_money, minor_digits
from db.ids import derived_id
from db.models import database

if TYPE_CHECKING:
    from app.settings import ShopSettings


@dataclass(frozen=True)
class LoyaltyTerms:
    """What the customer's category and tier mean for loyalty (kept on the bill being rung up)."""

    earns: bool = True
    tier_name: str = ""
    tier_discount_bp: int = 0
    earn_multiplier_pct: int = 100


def entry_id(bill_id: str, kind: str) -> str:
    return derived_id("loyalty_entry", bill_id, kind)


def balance(customer_id: str) -> int:
    """The sum of the ledger of the customer's merge group: itself and every customer merged into it (points
    earned on a duplicate by a till that did not know of the merge yet count for the survivor); 0 for a
    customer merged into another."""
    from app.stats import bill_owners

    owners = bill_owners(customer_id)
    if not owners:
        return 0
    marks = ", ".join("?" * len(owners))
    row = database.execute_sql(
        f"SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE customer_id IN ({marks}) AND deleted_at IS NULL",
        owners,
    ).fetchone()
    return int(row[0])


def balance_at(customer_id: str, at_text: str) -> int:
    """The balance as it stood at a moment (UTC text as stored): for a receipt printed again later."""
    row = database.execute_sql(
        "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE customer_id = ? AND deleted_at IS NULL "
        "AND at <= ?",
        (customer_id, at_text),
    ).fetchone()
    return int(row[0])


def points_earned(paid: int, terms: LoyaltyTerms, settings: ShopSettings) -> int:
    """Points for ``paid`` minor units paid with money (not with points)."""
    if not terms.earns or paid <= 0:
        return 0
    whole_units = paid // (10 ** minor_digits(settings.currency))
    per_unit = settings.loyalty_points_per_unit
    return whole_units * per_unit * max(terms.earn_multiplier_pct, 0) // 100


def points_for_amount(amount: int, settings: ShopSettings) -> int:
    """How many points pay ``amount`` minor units; the amount must be a whole number of points."""
    value = settings.loyalty_point_value
    if value <= 0:
        raise ValidationError("This shop does not take loyalty points as payment.")
    if amount % value:
        currency = settings.currency
        raise ValidationError(f"Points pay in steps of {format_money(value, currency)}.")
    return amount // value


def value_of(points: int, settings: ShopSettings) -> int:
    return points * settings.loyalty_point_value


# --- over-redeeming (issue 17, item 8) --------------------------------------------------------------------
# Two offline tills can each take a customer's whole balance: refusing the second would refuse a customer
# at the counter, so the rule is: the sales stand, the balance goes negative (shown on the customer and in
# the manager's list below), later earnings repay it (the balance is a sum), and the cashier is warned
# when the balance a redeem uses was not confirmed with the central store recently.

CONFIRMED_WITHIN = dt.timedelta(minutes=15)


def redeem_warning(now: dt.datetime | None = None) -> str | None:
    """A line for the cashier when this till's balances may be stale (None when they are confirmed, or the
    till is not linked to a central store)."""
    from app.sync import state

    known = state.load()
    if not known.central_url:
        return None
    now = now or dt.datetime.now(dt.UTC)
    when = known.last_sync_at
    if when is not None and now - when <= CONFIRMED_WITHIN:
        return None
    since = "never" if when is None else f"{int((now - when).total_seconds() // 60)} min ago"
    return (f"Balance not confirmed with the central store (last sync: {since}): these points may have been "
            "spent on another till. The sale stands; a balance that goes negative is listed for the manager.")


@dataclass(frozen=True)
class Owing:
    customer_id: str
    name: str
    balance: int


def negative_balances(limit: int = 500) -> list[Owing]:
    """Customers whose points balance is below zero (over-redeemed on two tills offline): the manager's
    list. Later earnings repay it."""
    rows = database.execute_sql(
        "SELECT c.id, c.name FROM customer c JOIN customer_stats s ON s.customer_id = c.id "
        "WHERE s.points < 0 AND c.merged_into_id IS NULL AND c.deleted_at IS NULL ORDER BY s.points LIMIT ?",
        (limit,)).fetchall()
    out = [Owing(cid, name, balance(cid)) for cid, name in rows]
    return [o for o in out if o.balance < 0]
