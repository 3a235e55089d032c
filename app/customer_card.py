"""What the customer view shows, read in one go on a read worker: plain values, no rows to lazy-load on the
UI thread (ui/customer_view.py builds its tabs from a ``Card``; ``bill_detail`` serves its bill window)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from app import audit, customers, merge, preferences, stats
from db.models import (
    Bill,
    BillLine,
    Customer,
    CustomerItemPrice,
    CustomerProfile,
    CustomerStats,
    Item,
    LoyaltyEntry,
    Payment,
    User,
)

ORDER_LIMIT = 500


@dataclass
class Figures:
    orders: int = 0
    spent: int = 0
    last_visit: object = None
    item_counts: dict = field(default_factory=dict)
    payment_counts: dict = field(default_factory=dict)

    @classmethod
    def of(cls, row) -> Figures:
        return cls(row.orders, row.spent, row.last_visit, dict(row.item_counts or {}), dict(row.payment_counts or {}))


@dataclass
class Order:
    id: str
    completed_at: object
    receipt_no: str
    cashier: str
    profile: str
    total: int
    status: str  # "voided", "returns" or "completed"


@dataclass
class Card:
    customer: Customer
    profile_name: str | None
    category_name: str | None
    merged_into_name: str | None
    tier_name: str | None
    segments: str
    figures: Figures | None  # None: no cached figures yet (stats.recompute fills them)
    points: int
    orders: list[Order]
    orders_total: int
    favourites: list[tuple[str, str, int]]  # code, name, times bought
    payment_methods: list[tuple[str, int]]
    prices: list[tuple[str, str, int | None, int]]  # code, name, own price or None, discount (basis points)
    loyalty: list[tuple]  # at, kind, points, receipt, note
    preferences: list[tuple]  # category, label, value, their own?, shop default
    addresses: list[tuple]  # kind, default?, address
    audit: list[tuple]  # at, who, action, detail
    reservations: object = None  # app/reservations.History: bookings, visits, no-shows, cancellations


def _users() -> dict[str, str]:
    return {u.id: u.name for u in User.select(User.id, User.name)}


def card(customer_id: str) -> Card:
    """Everything the customer view shows (NotFound when the customer is gone)."""
    from app import reservations, segments, tiers

    customer = customers.get(customer_id)
    retired = bool(customer.erased_at or customer.merged_into_id)
    tier = tiers.current(customer.id) if not customer.erased_at else None
    found = segments.of_customer(customer.id) if not retired else ()
    row = CustomerStats.get_or_none(CustomerStats.customer == customer.id)
    figures = Figures.of(row) if row is not None else None
    users = _users()
    orders, total = _orders(customer.id, users)
    return Card(
        customer=customer,
        profile_name=customer.default_profile.name if customer.default_profile_id else None,
        category_name=customer.category.name if customer.category_id else None,
        merged_into_name=customer.merged_into.name if customer.merged_into_id else None,
        tier_name=tier.name if tier is not None else None,
        segments=segments.describe(found) if found else "",
        figures=figures, points=merge.points_of(customer.id), orders=orders, orders_total=total,
        favourites=favourites(figures), payment_methods=Counter(figures.payment_counts).most_common() if figures else [],
        prices=[(p.item.code, p.item.name, p.price, p.discount_bp)
                for p in CustomerItemPrice.live().where(CustomerItemPrice.customer == customer.id)],
        loyalty=_loyalty(customer.id), preferences=_preferences(customer),
        addresses=[(a.kind, a.is_default, ", ".join(x for x in [a.line1, a.line2, a.city, a.region, a.postcode,
                                                                 a.country] if x))
                   for a in customers.addresses(customer.id)],
        audit=audit_rows(customer.id, users),
        reservations=reservations.for_customer(customer.id),
    )


def audit_rows(customer_id: str, users: dict[str, str] | None = None) -> list[tuple]:
    """Who looked at or changed this customer, newest first: (at, who, action, detail)."""
    users = users if users is not None else _users()
    return [(e.at, users.get(e.user_id), e.action, e.detail) for e in audit.trail("customer", customer_id)]


def figures_of(customer_id: str) -> Figures | None:
    row = CustomerStats.get_or_none(CustomerStats.customer == customer_id)
    return Figures.of(row) if row is not None else None


def favourites(figures: Figures | None, limit: int = 10) -> list[tuple[str, str, int]]:
    ids = stats.favourite_items(figures, limit=limit)
    names = {i.id: (i.code, i.name) for i in Item.select(Item.id, Item.code, Item.name).where(Item.id.in_(ids))} \
        if ids else {}
    return [(*names.get(i, ("", None)), figures.item_counts.get(i, 0)) for i in ids]


def _orders(customer_id: str, users: dict[str, str]) -> tuple[list[Order], int]:
    owners = stats.bill_owners(customer_id) or [customer_id]
    query = Bill.select().where(Bill.customer.in_(owners) & (Bill.kind == "sale")).order_by(Bill.completed_at.desc())
    total = query.count()
    # plain tuples of the columns shown: building 500 Bill models cost more than the query
    bills = list(query.select(Bill.id, Bill.completed_at, Bill.receipt_no, Bill.cashier, Bill.profile, Bill.total)
                 .limit(ORDER_LIMIT).tuples())
    ids = [b[0] for b in bills]
    voided = {v for (v,) in Bill.select(Bill.voids).where(Bill.voids.in_(ids)).tuples()} if bills else set()
    returned = {r for (r,) in Bill.select(Bill.returns).where(Bill.returns.in_(ids)).tuples()} if bills else set()
    profiles = {p.id: p.name for p in CustomerProfile.select(CustomerProfile.id, CustomerProfile.name)}
    return [Order(bill_id, completed, receipt, users.get(cashier, ""), profiles.get(profile, ""), amount,
                  "voided" if bill_id in voided else "returns" if bill_id in returned else "completed")
            for bill_id, completed, receipt, cashier, profile, amount in bills], total


def _loyalty(customer_id: str) -> list[tuple]:
    entries = list(LoyaltyEntry.live().where(LoyaltyEntry.customer == customer_id)
                   .order_by(LoyaltyEntry.at.desc()).limit(500))
    receipts = {b.id: b.receipt_no for b in Bill.select(Bill.id, Bill.receipt_no).where(
        Bill.id.in_([e.bill_id for e in entries if e.bill_id]))} if entries else {}
    return [(e.at, e.kind, e.points, receipts.get(e.bill_id, ""), e.note) for e in entries]


def _preferences(customer: Customer) -> list[tuple]:
    defaults = {d.key: d.default for d in preferences.definitions()}
    return [(e.category, e.label, e.value, e.overridden, defaults.get(e.key)) for e in preferences.effective(customer)]


@dataclass
class BillDetail:
    receipt_no: str
    currency: str | None
    completed_at: object
    voided_at: object  # the void's time, None while the sale stands
    till_code: str
    cashier: str
    profile: str | None
    lines: list[tuple]  # code, name, quantity, unit price, discount, total
    subtotal: int
    discount_total: int
    tax_total: int
    rounding: int
    total: int
    payments: list[tuple[str, int]]


def bill_detail(bill_id: str) -> BillDetail:
    bill = Bill.get(Bill.id == bill_id)
    void = Bill.get_or_none(Bill.voids == bill)
    lines = BillLine.select().where(BillLine.bill == bill).order_by(BillLine.line_no)
    return BillDetail(
        bill.receipt_no, bill.currency, bill.completed_at, void.completed_at if void else None, bill.till_code,
        bill.cashier.name, bill.profile.name if bill.profile_id else None,
        [(ln.code, ln.name, ln.quantity, ln.unit_price, ln.discount, ln.total) for ln in lines],
        bill.subtotal, bill.discount_total, bill.tax_total, bill.rounding, bill.total,
        [(p.method, p.amount) for p in Payment.select().where(Payment.bill == bill)])


@dataclass
class Brief:
    """One side of the duplicates comparison."""
    customer: Customer
    figures: Figures | None  # None: no cached figures yet
    points: int


def brief(customer_id: str) -> Brief:
    customer = customers.get(customer_id)
    return Brief(customer, figures_of(customer_id), merge.points_of(customer_id))
