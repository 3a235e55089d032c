"""Completing, holding, recalling, voiding and reprinting sales.

``complete_sale`` turns a cart into a Bill with its lines, payments (split tender, loyalty points as a
tender), loyalty ledger entries, the customer's figures (app/stats.apply_bill) and the outbox rows, all in
ONE transaction committed with synchronous=FULL: after it returns, the sale survives a power cut; if it
raises, nothing of it was written (not even the receipt number).

Hot path: rows and their outbox entries are written by db/synced_writer.Batch (prepared INSERTs,
executemany), not the ORM. Ids: the bill's id is fixed when the cart is opened and the
loyalty entries' ids derive from it, so completing the same cart twice (a double press, a retry after a
timeout) cannot write a second bill or earn twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from peewee import IntegrityError
from sqlcipher3 import dbapi2 as sqlcipher

from app import audit, auth, loyalty, settings, stats
from app.cart import Cart, CustomerInactive
from app.changes import writes
from app.errors import NotFound, PermissionDenied, TillError, ValidationError
from app.money import format_money
from app.payment_methods import PaymentMethod
from db.connection import friendly_errors
from db.fields import UTCDateTimeField
from db.ids import derived_id, new_id, utcnow
from db.models import Bill, BillLine, HeldBill, LoyaltyEntry, Payment, User, database
from db.synced_writer import Batch
from db.synced_writer import dumps as _dumps

_UTC = UTCDateTimeField()
_METHODS = {m.value for m in PaymentMethod}


class SaleAlreadyCompleted(TillError):
    def __init__(self, receipt_no: str):
        super().__init__(f"This sale was already completed as receipt {receipt_no}.")
        self.receipt_no = receipt_no


@dataclass(frozen=True)
class Tender:
    """One part of the payment. Cash: ``amount`` is the cash handed over (change is given back);
    card/other/loyalty: the amount paid, never more than what is still due."""

    method: str
    amount: int
    reference: str = ""


@dataclass(frozen=True)
class PlannedPayment:
    method: str
    amount: int  # what it pays towards the bill
    tendered: int
    change: int
    reference: str = ""
    points: int = 0


@dataclass(frozen=True)
class SaleResult:
    bill_id: str
    receipt_no: str
    total: int
    change: int
    points_earned: int
    points_redeemed: int
    points_balance: int | None
    completed_at: dt.datetime


def uses_cash(tenders) -> bool:
    return any(t.method == PaymentMethod.CASH for t in tenders)


def plan_payments(total: int, tenders: list[Tender], shop: dict, points_available: int | None = None
                  ) -> tuple[list[PlannedPayment], int]:
    """Check the tenders against the total; return the payments and the change due. Raises
    ValidationError with what is wrong (nothing is written here)."""
    currency = shop.currency
    if not tenders:
        raise ValidationError("Choose how the customer pays.")
    remaining, change, planned = total, 0, []
    for tender in tenders:
        if tender.method not in _METHODS:
            raise ValidationError(f"Unknown payment method '{tender.method}'.")
        if tender.amount <= 0:
            raise ValidationError("A payment must be more than zero.", "tendered")
        if remaining <= 0:
            raise ValidationError("The bill is already paid: remove the extra payment.", "tendered")
        label = PaymentMethod(tender.method).label
        if tender.method == PaymentMethod.CASH:
            applied = min(tender.amount, remaining)
            planned.append(PlannedPayment(PaymentMethod.CASH, applied, tender.amount, tender.amount - applied, tender.reference))
            change += tender.amount - applied
        else:
            if tender.amount > remaining:
                raise ValidationError(
                    f"A {label.lower()} payment cannot be more than the {format_money(remaining, currency)} "
                    "still due (only cash gives change).", "tendered")
            points = 0
            if tender.method == PaymentMethod.LOYALTY:
                points = loyalty.points_for_amount(tender.amount, shop)
                if points_available is None:
                    raise ValidationError("Points can only pay when a customer is on the bill.", "tendered")
                used = sum(p.points for p in planned)
                if points + used > points_available:
                    raise ValidationError(
                        f"The customer has {points_available - used} points, not {points}.", "tendered")
            planned.append(PlannedPayment(tender.method, tender.amount, tender.amount, 0, tender.reference, points))
        remaining -= planned[-1].amount
    if remaining > 0:
        paid = total - remaining
        raise ValidationError(
            f"{format_money(paid, currency)} of {format_money(total, currency)} is paid: "
            f"{format_money(remaining, currency)} is still due.", "tendered")
    return planned, change


def _customer_status(customer_id: str) -> tuple[str, str] | None:
    return database.execute_sql(
        "SELECT name, status FROM customer WHERE id = ? AND deleted_at IS NULL AND erased_at IS NULL",
        (customer_id,)).fetchone()


def _till_code(receipt_no: str) -> str:
    return receipt_no.rsplit("-", 1)[0]


# --- complete a sale ---------------------------------------------------------------------------------------------


@writes("bill", "bill_line", "payment", "loyalty_entry")
def complete_sale(cart: Cart, tenders: list[Tender], cashier: User, *, now: dt.datetime | None = None) -> SaleResult:
    """Commit the cart as a completed sale. ``now`` is for seeding past sales only."""
    if cashier is None:
        raise PermissionDenied("Sign in before taking a payment.")
    cart.check_ready()
    shop = cart.settings
    priced = cart.price(cash=uses_cash(tenders))
    customer = cart.customer
    redeeming = any(t.method == PaymentMethod.LOYALTY for t in tenders)
    now = now or utcnow()
    now_text = _UTC.db_value(now)
    bill_id = cart.bill_id
    with friendly_errors(), database.atomic():
        if customer is not None:
            found = _customer_status(customer.id)
            if found is None:
                raise NotFound(f"{customer.name} was removed on another till: take the customer off the bill.")
            if found[1] != "active":
                error = CustomerInactive(found[0])
                error.message = (f"{found[0]} was made inactive on another till and cannot be put on a bill: "
                                 "take the customer off the bill to finish the sale.")
                error.args = (error.message,)
                raise error
        balance_before = loyalty.balance(customer.id) if customer is not None else None
        if priced.total == 0:  # everything given away (with a manager's approval): nothing to pay
            planned, change = [], 0
        else:
            planned, change = plan_payments(priced.total, tenders, shop, balance_before if redeeming else None)
        redeemed = sum(p.points for p in planned)
        paid_with_money = priced.total - sum(p.amount for p in planned if p.method == PaymentMethod.LOYALTY)
        earned = loyalty.points_earned(paid_with_money, customer.loyalty, shop) if customer is not None else 0
        earned += cart.promotion_points()  # bonus points of a promotion (app/promotions.py)
        applied = cart.applied_with_promotions()
        if service := cart.service_record(tenders, now):
            applied["service"] = service

        receipt_no = settings.next_receipt_no()
        batch = Batch(now_text)
        profile = cart.profile
        bill_row = {
            "id": bill_id, "receipt_no": receipt_no, "till_code": _till_code(receipt_no), "cashier_id": cashier.id,
            "customer_id": customer.id if customer else None, "profile_id": profile.id if profile else None,
            "status": "completed", "kind": "sale", "voids_id": None, "opened_at": _UTC.db_value(cart.opened_at),
            "completed_at": now_text, "currency": shop.currency, "subtotal": priced.subtotal,
            "discount_total": priced.discount_total, "tax_total": priced.tax_total, "rounding": priced.rounding,
            "total": priced.total, "bill_discount_bp": cart.bill_discount_bp,
            "bill_discount_amount": priced.bill_discount_amount,
            "preferences_applied": _dumps(applied), "instructions": cart.instructions(),
            "points_earned": earned, "points_redeemed": redeemed,
        }
        batch.insert(Bill, [bill_row])
        line_rows = []
        for number, (line, price) in enumerate(zip(cart.lines, priced.lines, strict=True), start=1):
            line_rows.append({
                "id": line.id, "bill_id": bill_id, "line_no": number, "item_id": line.item.id, "code": line.item.code,
                "name": line.item.name, "quantity": line.quantity, "unit_price": price.unit_price,
                "price_source": price.price_source, "base_price": price.base_price, "discount": price.discount,
                "tax_rate_bp": price.tax_rate_bp, "tax": price.tax, "total": price.total,
                "allergens_confirmed": _dumps(sorted(line.allergens_confirmed)),
            })
        batch.insert(BillLine, line_rows)
        payment_rows = [
            {"id": new_id(), "bill_id": bill_id, "method": p.method, "amount": p.amount,
             "tendered": p.tendered, "change": p.change, "reference": p.reference or (
                 f"{p.points} points" if p.method == PaymentMethod.LOYALTY else "")}
            for p in planned
        ]
        batch.insert(Payment, payment_rows)
        ledger = []
        if customer is not None and earned:
            ledger.append({"id": loyalty.entry_id(bill_id, "earn"), "customer_id": customer.id, "bill_id": bill_id,
                           "kind": "earn", "points": earned, "at": now_text, "note": receipt_no})
        if customer is not None and redeemed:
            ledger.append({"id": loyalty.entry_id(bill_id, "redeem"), "customer_id": customer.id, "bill_id": bill_id,
                           "kind": "redeem", "points": -redeemed, "at": now_text, "note": receipt_no})
        batch.insert(LoyaltyEntry, ledger)
        try:
            batch.write()
        except (IntegrityError, sqlcipher.IntegrityError):
            existing = database.execute_sql("SELECT receipt_no FROM bill WHERE id = ?", (bill_id,)).fetchone()
            if existing is not None:
                raise SaleAlreadyCompleted(existing[0]) from None
            raise
        if customer is not None:
            stats.apply_bill(
                SimpleNamespace(customer_id=customer.id, kind="sale", total=priced.total, completed_at=now,
                                preferences_applied=applied),
                [SimpleNamespace(item_id=line.item.id, quantity=line.quantity) for line in cart.lines],
                [SimpleNamespace(method=p.method) for p in planned],
                earned - redeemed,
            )
        if cart.held_id:
            HeldBill.delete().where(HeldBill.id == cart.held_id).execute()
    return SaleResult(
        bill_id=bill_id, receipt_no=receipt_no, total=priced.total, change=change, points_earned=earned,
        points_redeemed=redeemed,
        points_balance=None if customer is None else balance_before + earned - redeemed,
        completed_at=now,
    )


# --- void -----------------------------------------------------------------------------------------------------------


def voided_ids(bill_ids) -> set[str]:
    ids = list(bill_ids)
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    rows = database.execute_sql(
        f"SELECT voids_id FROM bill WHERE kind = 'void' AND deleted_at IS NULL AND voids_id IN ({marks})", ids)
    return {row[0] for row in rows}


@writes("bill", "bill_line", "payment", "loyalty_entry")
def void_sale(bill_id: str, manager: User, reason: str = "", *, now: dt.datetime | None = None) -> SaleResult:
    """Void a completed sale: a new Bill of kind 'void' pointing at it, copying its lines, refunding its
    payments and reversing its points; the original stays as it was (bills are append-only)."""
    auth.require_manager(manager, "void a sale")
    original = Bill.get_or_none(Bill.id == bill_id)
    if original is None or original.deleted_at is not None:
        raise NotFound("That sale does not exist.")
    if original.kind != "sale":
        raise ValidationError(f"{original.receipt_no} is itself a {original.kind}; only a sale can be voided.")
    if voided_ids([bill_id]):
        raise ValidationError(f"{original.receipt_no} is already void.")
    from app.returns import has_returns

    if has_returns(bill_id):
        raise ValidationError(f"Part of {original.receipt_no} was returned: return the rest instead of voiding it.")
    now = now or utcnow()
    now_text = _UTC.db_value(now)
    void_id = derived_id("void", bill_id)  # a second void of the same sale collides instead of doubling
    lines = list(BillLine.select().where((BillLine.bill == bill_id) & BillLine.deleted_at.is_null())
                 .order_by(BillLine.line_no))
    payments = list(Payment.select().where((Payment.bill == bill_id) & Payment.deleted_at.is_null()))
    entries = list(LoyaltyEntry.select().where((LoyaltyEntry.bill == bill_id) & LoyaltyEntry.deleted_at.is_null()))
    with friendly_errors(), database.atomic():
        receipt_no = settings.next_receipt_no()
        batch = Batch(now_text)
        header = {f.column_name: f.db_value(original.__data__.get(f.name)) for f in Bill._meta.sorted_fields}
        header.update({
            "id": void_id, "receipt_no": receipt_no, "till_code": _till_code(receipt_no), "cashier_id": manager.id,
            "status": "void", "kind": "void", "voids_id": bill_id, "opened_at": now_text, "completed_at": now_text,
            "instructions": reason or original.instructions, "deleted_at": None, "server_version": None,
        })
        batch.insert(Bill, [header])
        copies = []
        for line in lines:
            row = {f.column_name: f.db_value(line.__data__.get(f.name)) for f in BillLine._meta.sorted_fields}
            row.update({"id": derived_id("bill_line", void_id, str(line.line_no)), "bill_id": void_id,
                        "server_version": None})
            copies.append(row)
        batch.insert(BillLine, copies)
        refunds = [
            # ids derive from the void (and so from the sale): a second void of this sale made on another
            # till collides with the first at the central store and is refused whole, refunds included
            {"id": derived_id("payment", void_id, p.id), "bill_id": void_id, "method": p.method, "amount": -p.amount,
             "tendered": 0, "change": 0, "reference": f"refund of {original.receipt_no}"}
            for p in payments
        ]
        batch.insert(Payment, refunds)
        reversals = [
            {"id": loyalty.entry_id(void_id, e.kind), "customer_id": e.customer_id, "bill_id": void_id, "kind": "adjust",
             "points": -e.points, "at": now_text, "note": f"void of {original.receipt_no}"}
            for e in entries
        ]
        batch.insert(LoyaltyEntry, reversals)
        try:
            batch.write()
        except (IntegrityError, sqlcipher.IntegrityError):
            raise ValidationError(f"{original.receipt_no} is already void.") from None
        points_delta = -sum(e.points for e in entries)
        if original.customer_id:
            stats.apply_bill(
                SimpleNamespace(customer_id=original.customer_id, kind="void", total=original.total,
                                completed_at=now),
                [SimpleNamespace(item_id=line.item_id, quantity=line.quantity) for line in lines],
                [SimpleNamespace(method=p.method) for p in payments],
                points_delta,
            )
        audit.record(manager, "sale.void", "bill", bill_id, {"void": void_id, "receipt_no": receipt_no,
                                                               "reason": reason})
    return SaleResult(
        bill_id=void_id, receipt_no=receipt_no, total=original.total, change=0, points_earned=0,
        points_redeemed=0,
        points_balance=loyalty.balance(original.customer_id) if original.customer_id else None,
        completed_at=now,
    )


# --- recent bills, hold and recall -------------------------------------------------------------------------------


@dataclass(frozen=True)
class BillSummary:
    id: str
    receipt_no: str
    kind: str
    completed_at: dt.datetime
    customer_name: str
    total: int
    voided: bool


def recent_bills(limit: int = 30) -> list[BillSummary]:
    rows = database.execute_sql(
        "SELECT b.id, b.receipt_no, b.kind, b.completed_at, COALESCE(c.name, ''), b.total FROM bill b "
        "LEFT JOIN customer c ON c.id = b.customer_id WHERE b.deleted_at IS NULL "
        "ORDER BY b.completed_at DESC LIMIT ?", (limit,)).fetchall()
    voided = voided_ids(r[0] for r in rows)
    return [BillSummary(r[0], r[1], r[2], _UTC.python_value(r[3]), r[4], r[5], r[0] in voided) for r in rows]


@writes("held_bill")
def hold(cart: Cart, cashier: User) -> HeldBill:
    """Park the bill (e.g. the customer went to fetch something); recall it later on this till."""
    if cart.is_empty():
        raise ValidationError("The bill is empty: there is nothing to hold.")
    held = HeldBill(id=cart.held_id or new_id(), label=cart.label(), cashier=cashier, held_at=utcnow(),
                    data=cart.to_data())
    with database.atomic():
        HeldBill.delete().where(HeldBill.id == held.id).execute()
        held.save(force_insert=True)
    cart.held_id = held.id
    return held


def held_bills() -> list[HeldBill]:
    return list(HeldBill.select().order_by(HeldBill.held_at))


def recall(held_id: str, shop: dict | None = None) -> tuple[Cart, list[str]]:
    """The held bill as a cart again (the HeldBill row stays until the sale completes or is dropped)."""
    held = HeldBill.get_or_none(HeldBill.id == held_id)
    if held is None:
        raise NotFound("That held bill was already recalled or completed.")
    cart, problems = Cart.from_data(held.data, shop)
    cart.held_id = held.id
    return cart, problems


@writes("held_bill")
def drop_held(held_id: str | None) -> None:
    if held_id:
        HeldBill.delete().where(HeldBill.id == held_id).execute()
