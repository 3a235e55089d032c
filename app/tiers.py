"""Loyalty tiers reached by spend, the same on every till.

A customer's tier is derived, never stored by a till: the highest tier whose threshold their qualifying
spend reaches, computed from synced data alone (their bills and the shop's tiers and settings), so two
tills with the same bills give the same tier and no two tills ever write conflicting tiers. A tier a
manager assigned by hand (``customer.loyalty_tier``) is a floor: spend can lift the customer above it,
never below it.

The shop rule (``tier_basis``):
- ``lifetime``: all live spend (voids taken off): tiers only go up, unless a sale is voided;
- ``rolling``: the spend of the last ``tier_window_days`` days: a customer who stops spending drops to the
  tier their recent spend still reaches.

The bill uses the tier the customer has when the bill is rung up (app/cart.load_customer) and records
its name (``preferences_applied["loyalty_tier"]``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from app import settings as shop_settings
from db.fields import UTCDateTimeField
from db.ids import utcnow
from db.models import database

LIFETIME, ROLLING = "lifetime", "rolling"
_time = UTCDateTimeField()


@dataclass(frozen=True)
class Tier:
    id: str
    name: str
    min_spend: int
    discount_bp: int = 0
    earn_multiplier_pct: int = 100


@dataclass(frozen=True)
class Rule:
    basis: str = LIFETIME
    window_days: int = 365


def rule(values: dict | None = None) -> Rule:
    shop = shop_settings.ShopSettings.of(values) if values is not None else shop_settings.shop()
    basis, days = shop.tier_basis, shop.tier_window_days
    days = days if days > 0 else 365
    return Rule(basis if basis in (LIFETIME, ROLLING) else LIFETIME, days)


def ordered(tiers: Sequence[Tier]) -> list[Tier]:
    """Thresholds ascending; ties decided by name then id, so every till orders them alike."""
    return sorted(tiers, key=lambda t: (t.min_spend, t.name, t.id))


def reached(spend: int, tiers: Sequence[Tier], floor: Tier | None = None) -> Tier | None:
    """The highest tier ``spend`` reaches, never below ``floor`` (a tier a manager assigned)."""
    best = None
    for tier in ordered(tiers):
        if tier.min_spend <= spend:
            best = tier
    if floor is not None and (best is None or ordered([best, floor])[-1] is floor):
        return floor
    return best


def all_tiers() -> list[Tier]:
    return ordered([Tier(*row) for row in database.execute_sql(
        "SELECT id, name, min_spend, discount_bp, earn_multiplier_pct FROM loyalty_tier WHERE deleted_at IS NULL")])


def qualifying_spend(customer_id: str, now: dt.datetime | None = None, basis: Rule | None = None) -> int:
    """The spend the tier is decided on (this customer's bills and those of customers merged into it)."""
    from app.stats import bill_owners

    basis = basis or rule()
    owners = bill_owners(customer_id)
    if not owners:
        return 0
    marks = ",".join("?" * len(owners))
    where, params = "", list(owners)
    if basis.basis == ROLLING:
        now = now or utcnow()
        where = " AND b.completed_at >= ? AND b.completed_at <= ?"
        params += [_time.db_value(now - dt.timedelta(days=basis.window_days)), _time.db_value(now)]
    row = database.execute_sql(
        f"SELECT COALESCE(SUM(b.total), 0) FROM bill b WHERE b.customer_id IN ({marks}) AND b.kind = 'sale' "
        f"AND b.deleted_at IS NULL{where} AND NOT EXISTS (SELECT 1 FROM bill v WHERE v.voids_id = b.id "
        "AND v.deleted_at IS NULL)", params).fetchone()
    return int(row[0])


def current(customer_id: str, now: dt.datetime | None = None, *, tiers: Sequence[Tier] | None = None,
            basis: Rule | None = None) -> Tier | None:
    """The customer's tier now: reached by spend, at least the one a manager assigned."""
    tiers = list(tiers) if tiers is not None else all_tiers()
    row = database.execute_sql("SELECT loyalty_tier_id FROM customer WHERE id = ?", (customer_id,)).fetchone()
    floor = next((t for t in tiers if row and t.id == row[0]), None)
    return reached(qualifying_spend(customer_id, now, basis), tiers, floor)
