"""Loading what a bill is built from: the customer on the bill (figures, preferences, favourites) and
customer profiles. Read-only; app/cart.py re-exports these for its many callers."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from app import catalogue, loyalty, preferences, pricing, stats
from app.catalogue import CatalogueItem
from app.errors import NotFound, ValidationError
from db.models import (
    CustomerProfile,
    CustomerStats,
    database,
)


class CustomerInactive(ValidationError):
    def __init__(self, name: str):
        super().__init__(
            f"{name} is inactive and cannot be put on a bill. A manager can reactivate the customer in "
            "Manage › Customers.", "customer")
        self.customer_name = name


@dataclass(frozen=True)
class ProfileOnBill:
    id: str
    name: str
    rule: str
    discount_bp: int
    price_list_id: str | None
    description: str = ""

    @classmethod
    def of(cls, row: CustomerProfile) -> ProfileOnBill:
        return cls(row.id, row.name, row.rule, row.discount_bp, row.price_list_id, row.description)

    def describe(self) -> str:
        if self.rule == "discount" and self.discount_bp:
            return f"{self.discount_bp / 100:g}% off"
        if self.rule == "price_list":
            return "price list"
        return "shelf prices"


@dataclass(frozen=True)
class CustomerOnBill:
    """Everything the bill needs to know about its customer, read once when the customer is picked."""

    id: str
    name: str
    phone: str | None
    email: str | None
    status: str
    default_profile_id: str | None
    terms: pricing.CustomerTerms
    loyalty: loyalty.LoyaltyTerms
    category_name: str = ""
    allergies: tuple[str, ...] = ()
    diets: tuple[str, ...] = ()
    preferences: dict = field(default_factory=dict)
    orders: int = 0
    spent: int = 0
    last_visit: dt.datetime | None = None
    points: int = 0
    favourites: tuple[CatalogueItem, ...] = ()
    most_used_payment: str | None = None
    segments: tuple[str, ...] = ()  # app/segments: new, regular, lapsed, vip, birthday
    category_id: str | None = None
    marketing_consent: bool = False

    @property
    def preferred_payment(self) -> str | None:
        """'cash' | 'card' | 'other': the customer's stated preference, else what they use most."""
        stated = self.preferences.get("payment.preferred")
        if isinstance(stated, str) and stated:
            return stated.lower()
        return self.most_used_payment

    @property
    def instructions(self) -> str:
        value = self.preferences.get("instructions.special")
        return value.strip() if isinstance(value, str) else ""

    @property
    def seating(self) -> str:
        value = self.preferences.get("seating.preferred")
        return value if isinstance(value, str) else ""


_CUSTOMER_SQL = (
    "SELECT c.id, c.name, c.phone, c.email, c.status, c.default_profile_id, c.deleted_at, c.erased_at, "
    "cat.name, cat.discount_bp, cat.earns_loyalty, tier.name, tier.discount_bp, tier.earn_multiplier_pct, "
    "s.orders, s.spent, s.last_visit, s.item_counts, s.payment_counts "
    "FROM customer c "
    "LEFT JOIN customer_category cat ON cat.id = c.category_id AND cat.deleted_at IS NULL AND cat.active "
    "LEFT JOIN loyalty_tier tier ON tier.id = c.loyalty_tier_id AND tier.deleted_at IS NULL "
    "LEFT JOIN customer_stats s ON s.customer_id = c.id "
    "WHERE c.id = ?"
)
# The effective preferences (the customer's override, else the definition's default): the rule of
# app/preferences.effective in one query (tests/unit/test_billing.py checks they agree).
_PREFERENCES_SQL = (
    'SELECT d.key, d.label, d.category, d."default", p.value, p.id IS NOT NULL '
    "FROM preference_definition d LEFT JOIN customer_preference p "
    "ON p.customer_id = ? AND p.key = d.key AND p.deleted_at IS NULL "
    "WHERE d.deleted_at IS NULL AND d.active ORDER BY d.category, d.sort_order, d.label"
)


def _json(text, default=None):
    return default if text is None else json.loads(text)


def effective_preferences(customer_id: str) -> list[preferences.Effective]:
    return [
        preferences.Effective(key, label, category, _json(value) if overridden else _json(default), bool(overridden))
        for key, label, category, default, value, overridden in database.execute_sql(_PREFERENCES_SQL, (customer_id,))
    ]


def load_customer(customer_id: str) -> CustomerOnBill:
    """Read a customer with their pricing terms, preferences and figures. Refuses inactive customers.
    A handful of indexed reads in raw SQL: it runs on the UI thread when the cashier picks a customer."""
    row = database.execute_sql(_CUSTOMER_SQL, (customer_id,)).fetchone()
    if row is None or row[6] is not None or row[7] is not None:
        raise NotFound("That customer no longer exists.")
    (cid, name, phone, email, status, default_profile_id, _, _, category_name, category_bp, earns, tier_name,
     tier_bp, multiplier, orders, spent, last_visit, item_counts, payment_counts) = row
    if status != "active":
        raise CustomerInactive(name)
    item_prices = {
        item_id: (price, bp)
        for item_id, price, bp in database.execute_sql(
            "SELECT item_id, price, discount_bp FROM customer_item_price WHERE customer_id = ? AND deleted_at IS NULL",
            (cid,))
    }
    from app import segments, tiers  # the tier reached by spend now, and the customer's segments

    tier = tiers.current(cid)
    tier_name, tier_bp, multiplier = (tier.name, tier.discount_bp, tier.earn_multiplier_pct) if tier else (
        None, None, None)
    terms = pricing.CustomerTerms(item_prices=item_prices, category_discount_bp=category_bp or 0,
                                  tier_discount_bp=tier_bp or 0)
    loyalty_terms = loyalty.LoyaltyTerms(
        earns=bool(earns) if category_name is not None else True,
        tier_name=tier_name or "",
        tier_discount_bp=tier_bp or 0,
        earn_multiplier_pct=multiplier if multiplier is not None else 100,
    )
    effective = effective_preferences(cid)
    prefs = {e.key: e.value for e in effective}
    allergies = tuple(e.key.split(".", 1)[1] for e in effective if e.category == "allergy" and e.value is True)
    diets = tuple(e.label for e in effective if e.category == "dietary" and e.value is True)
    figures = None
    if orders is not None:
        figures = CustomerStats(customer=cid, orders=orders, spent=spent, points=0,
                                item_counts=_json(item_counts, {}), payment_counts=_json(payment_counts, {}))
    favourite_ids = stats.favourite_items(figures, limit=5)
    found = catalogue.get_many(favourite_ids)
    favourites = tuple(found[i] for i in favourite_ids if i in found and found[i].active)
    return CustomerOnBill(
        id=cid, name=name, phone=phone, email=email, status=status, default_profile_id=default_profile_id,
        terms=terms, loyalty=loyalty_terms, category_name=category_name or "", allergies=allergies, diets=diets,
        preferences=prefs, orders=orders or 0, spent=spent or 0,
        last_visit=CustomerStats.last_visit.python_value(last_visit), points=loyalty.balance(cid),
        favourites=favourites, most_used_payment=stats.preferred_payment(figures),
        segments=segments.of_customer(cid),
        **_consent_and_category(cid),
    )


def _consent_and_category(customer_id: str) -> dict:
    row = database.execute_sql("SELECT category_id, marketing_consent FROM customer WHERE id = ?",
                               (customer_id,)).fetchone()
    return {"category_id": row[0], "marketing_consent": bool(row[1])} if row else {}


def active_profiles() -> list[ProfileOnBill]:
    rows = CustomerProfile.live().where(CustomerProfile.active == True).order_by(CustomerProfile.name)  # noqa: E712
    return [ProfileOnBill.of(row) for row in rows]


def load_profile(profile_id: str | None) -> ProfileOnBill | None:
    """The profile if it is active (else None). Raw SQL: it runs whenever a customer is picked."""
    if not profile_id:
        return None
    row = database.execute_sql(
        "SELECT id, name, rule, discount_bp, price_list_id, description FROM customer_profile "
        "WHERE id = ? AND deleted_at IS NULL AND active", (profile_id,)).fetchone()
    return None if row is None else ProfileOnBill(*row)
