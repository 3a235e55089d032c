"""Service metrics: does personal service work?

Each sale records (``preferences_applied["service"]``): the time from its first line to payment, whether
its customer was new (no earlier visit), returning, or a walk-in, which of the customer's preferences the
till applied by itself (the default profile, the preferred payment preselected, allergy alerts, standing
instructions) and which of those the cashier overrode (another profile, another payment method). A
trigger (migration 15) adds each sale, local or pulled from another till, to ``service_summary`` per day,
profile, cashier and visitor, so the report reads a few hundred summary rows, never the bills.

The report: checkout time for returning vs new customers; application rate (customer bills on which a
preference was applied) and accuracy (applied preferences not overridden), by day, profile or cashier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.payment_methods import MONEY_METHODS, PaymentMethod
from db.models import database

NEW, RETURNING, WALK_IN = "new", "returning", "walk_in"
BY = {"day": "day", "profile": "profile_id", "cashier": "cashier_id"}
OVERRIDABLE = ("profile", "payment.preferred")


def record(cart, tenders, now: dt.datetime) -> dict:
    """The service record of a sale being completed (pure: reads only the cart and the tenders); empty for
    a sale dated before its cart was opened (seeded history)."""
    customer = cart.customer
    start = cart.first_line_at or cart.opened_at
    if now < start:  # a past sale being seeded (complete_sale's ``now``): no service was timed
        return {}
    checkout_ms = int((now - start).total_seconds() * 1000)
    if customer is None:
        return {"checkout_ms": checkout_ms, "visitor": WALK_IN, "applied": [], "overridden": []}
    applied, overridden = [], []
    if customer.default_profile_id and cart.profiles_enabled:
        applied.append("profile")
        if (cart.profile.id if cart.profile else None) != customer.default_profile_id:
            overridden.append("profile")
    preferred = customer.preferred_payment
    if preferred in MONEY_METHODS:
        applied.append("payment.preferred")
        paid = [t.method for t in tenders if t.method != PaymentMethod.LOYALTY]
        if paid and preferred not in paid:
            overridden.append("payment.preferred")
    if customer.allergies:
        applied.append("allergies")
    if customer.instructions:
        applied.append("instructions.special")
    return {"checkout_ms": checkout_ms, "visitor": NEW if customer.orders == 0 else RETURNING,
            "applied": applied, "overridden": overridden}


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    new_bills: int = 0
    new_ms: int = 0  # total checkout milliseconds of new customers' bills
    returning_bills: int = 0
    returning_ms: int = 0
    walk_in_bills: int = 0
    walk_in_ms: int = 0
    applied: int = 0
    overridden: int = 0
    prefs_bills: int = 0

    @staticmethod
    def _avg(total: int, count: int) -> float | None:
        return total / count / 1000 if count else None

    @property
    def new_avg_s(self) -> float | None:
        return self._avg(self.new_ms, self.new_bills)

    @property
    def returning_avg_s(self) -> float | None:
        return self._avg(self.returning_ms, self.returning_bills)

    @property
    def application_rate(self) -> float | None:
        """Share of customer bills on which the till applied at least one preference."""
        bills = self.new_bills + self.returning_bills
        return self.prefs_bills / bills if bills else None

    @property
    def accuracy(self) -> float | None:
        """Share of applied preferences the cashier kept."""
        return (self.applied - self.overridden) / self.applied if self.applied else None


def report(start: dt.date, end: dt.date, by: str = "day", profile_id: str | None = None) -> list[Row]:
    """Rows by ``by`` (day | profile | cashier) for local days start..end, plus a last row "Total"."""
    column = BY[by]
    where, params = "day >= ? AND day <= ?", [start.isoformat(), end.isoformat()]
    if profile_id is not None:
        where += " AND profile_id = ?"
        params.append(profile_id)
    rows = database.execute_sql(
        f"SELECT {column}, visitor, SUM(bills), SUM(checkout_ms), SUM(applied), SUM(overridden), SUM(prefs_bills) "
        f"FROM service_summary WHERE {where} GROUP BY {column}, visitor ORDER BY {column}", params).fetchall()
    groups: dict[str, dict] = {}
    total: dict = {}
    for key, visitor, bills, ms, applied, overridden, prefs in rows:
        for target in (groups.setdefault(key, {}), total):
            target[f"{visitor}_bills"] = target.get(f"{visitor}_bills", 0) + bills
            target[f"{visitor}_ms"] = target.get(f"{visitor}_ms", 0) + ms
            for name, value in (("applied", applied), ("overridden", overridden), ("prefs_bills", prefs)):
                target[name] = target.get(name, 0) + value
    names = _labels(by, list(groups))
    out = [Row(key, names.get(key, key), **values) for key, values in groups.items()]
    out.append(Row("", "Total", **total))
    return out


def _labels(by: str, keys: list[str]) -> dict[str, str]:
    if by == "day":
        return {k: k for k in keys}
    table = "customer_profile" if by == "profile" else "user"
    found = {"": "No profile" if by == "profile" else "—"}
    ids = [k for k in keys if k]
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for rid, name in database.execute_sql(
                f'SELECT id, name FROM "{table}" WHERE id IN ({",".join("?" * len(chunk))})', chunk):
            found[rid] = name
    return found
