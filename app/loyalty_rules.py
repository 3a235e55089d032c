"""The loyalty rules a manager sets: points per currency unit, what a point is worth, when points expire,
and the tiers customers reach by lifetime spend (each with a discount and an earning multiplier).

Earning and redeeming at the till are in app/loyalty.py; this module only keeps the rules, and expires
old points by writing ``expire`` entries to the append-only ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app import audit, settings
from app.auth import require_manager
from app.changes import writes
from app.errors import NotFound, ValidationError
from app.text import normalise_name
from db.ids import derived_id, utcnow
from db.models import LoyaltyEntry, LoyaltyTier, User, database


@dataclass(frozen=True)
class Rules:
    points_per_unit: int
    point_value: int  # minor units one point pays
    expiry_days: int  # 0 = points never expire


def rules() -> Rules:
    shop = settings.shop()
    return Rules(shop.loyalty_points_per_unit, shop.loyalty_point_value, shop.loyalty_expiry_days)


@writes("setting")
def update_rules(by: User | None, new: Rules) -> dict:
    require_manager(by, "change the loyalty rules")
    for name, value, top in (("points per unit", new.points_per_unit, 1000), ("point value", new.point_value, 100000),
                             ("expiry days", new.expiry_days, 3650)):
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
            raise ValidationError(f"The {name} is a whole number from 0 to {top}.", name.replace(" ", "_"))
    return settings.update({"loyalty_points_per_unit": new.points_per_unit, "loyalty_point_value": new.point_value,
                            "loyalty_expiry_days": new.expiry_days}, by)


def all_tiers() -> list[LoyaltyTier]:
    return list(LoyaltyTier.live().order_by(LoyaltyTier.min_spend, LoyaltyTier.name))


def tier_for_spend(spent: int) -> LoyaltyTier | None:
    """The highest tier whose threshold ``spent`` (lifetime, minor units) reaches."""
    reached = [t for t in all_tiers() if t.min_spend <= spent]
    return reached[-1] if reached else None


@writes("loyalty_tier")
def save_tier(by: User | None, *, name: str, min_spend: int, discount_bp: int, earn_multiplier_pct: int = 100,
              tier_id: str | None = None) -> LoyaltyTier:
    require_manager(by, "change the loyalty tiers")
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError("A tier needs a name.", "name")
    for other in LoyaltyTier.live():
        if other.id != tier_id and normalise_name(other.name) == normalise_name(name):
            raise ValidationError(f"There is already a tier called {other.name}.", "name")
    if isinstance(min_spend, bool) or not isinstance(min_spend, int) or min_spend < 0:
        raise ValidationError("The spend to reach a tier is an amount, not negative.", "min_spend")
    if isinstance(discount_bp, bool) or not isinstance(discount_bp, int) or not 0 <= discount_bp <= 10000:
        raise ValidationError("The tier discount is between 0% and 100%.", "discount")
    if not isinstance(earn_multiplier_pct, int) or not 0 <= earn_multiplier_pct <= 1000:
        raise ValidationError("The earning multiplier is between 0% and 1000%.", "earn_multiplier")
    with database.atomic():
        tier = LoyaltyTier.get_or_none(LoyaltyTier.id == tier_id) if tier_id else LoyaltyTier()
        if tier is None:
            raise NotFound("That tier no longer exists.")
        before = {"name": tier.name, "min_spend": tier.min_spend, "discount_bp": tier.discount_bp,
                  "earn_multiplier_pct": tier.earn_multiplier_pct} if tier_id else {}
        after = {"name": name, "min_spend": min_spend, "discount_bp": discount_bp,
                 "earn_multiplier_pct": earn_multiplier_pct}
        if before == after:
            return tier
        for key, value in after.items():
            setattr(tier, key, value)
        tier.save()
        audit.record(by, "loyalty.tier_update" if tier_id else "loyalty.tier_create", "loyalty_tier", tier.id,
                     {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return tier


@writes("loyalty_entry", "customer")
def expire_points(by: User | None, now: dt.datetime | None = None) -> int:
    """Expire the points of every earn entry older than the expiry cut-off that are not spent yet (spent
    points are taken from the oldest first). Returns the points expired.

    Each earn entry expires at most once shop-wide, whoever runs this and whenever: the ``expire`` entry's
    id derives from the earn entry. Two tills that expire the same entry offline write the same id; the
    central store keeps the first to arrive and the other till takes its version (the balance is the sum of
    identical rows everywhere)."""
    from app import stats

    require_manager(by, "expire loyalty points")
    days = rules().expiry_days
    if days <= 0:
        return 0
    now = now or utcnow()
    cutoff = (now - dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    expired_total = 0
    with database.atomic():
        by_customer: dict[str, list] = {}
        for row in database.execute_sql(
                "SELECT customer_id, id, kind, points, at < ? FROM loyalty_entry WHERE deleted_at IS NULL "
                "ORDER BY customer_id, at, id", (cutoff,)):
            by_customer.setdefault(row[0], []).append(row[1:])
        touched = []
        for customer_id, entries in by_customer.items():
            expiries = {entry_id for entry_id, kind, *_ in entries if kind == "expire"}
            owned = {derived_id("loyalty_entry", e[0], "expire") for e in entries if e[1] == "earn"}
            # every negative entry but the expiry of a known earn entry consumes the oldest points first
            spent = -sum(points for entry_id, kind, points, _ in entries
                         if points < 0 and not (kind == "expire" and entry_id in owned))
            due_total = 0
            for entry_id, kind, points, old in entries:
                if points <= 0 or kind == "expire":
                    continue
                used = min(points, spent)
                spent -= used
                due = points - used
                expiry_id = derived_id("loyalty_entry", entry_id, "expire")
                if kind != "earn" or not old or due <= 0 or expiry_id in expiries:
                    continue
                LoyaltyEntry(id=expiry_id, customer=customer_id, kind="expire", points=-due, at=now,
                             note=f"Points earned before {cutoff[:10]} expired").save()
                due_total += due
            if due_total:
                expired_total += due_total
                touched.append(customer_id)
        for customer_id in touched:
            stats.refresh(customer_id)
        if expired_total:
            audit.record(by, "loyalty.expire", "loyalty_entry", None, {"points": expired_total, "cutoff": cutoff})
    return expired_total
