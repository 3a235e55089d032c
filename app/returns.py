"""Returns: refunding some lines (and quantities) of a past sale.

A return is a new document, like a void (app/billing.void_sale): a Bill of kind ``return`` pointing at the
sale (``returns``), with negative amounts. Each of its lines carries the sale's ``line_no`` and minus the
quantity returned, so what is still returnable is always derived from the return documents themselves:
``sold - returned`` per line, on every till that holds them.

Money: a line refunds its share of what the customer actually paid for it (the line's total after every
discount, tax included), taken cumulatively (``total * returned_so_far // sold``) so partial returns add up
to exactly the line's total; the bill's cash rounding comes back with the return that completes the bill.
The refund goes back the way it was paid (card to card, cash to cash, points as points) or as cash; points
paid with come back as points either way, and points earned on the returned part are taken back.
A refund above the shop's ``return_approval_limit`` needs a manager.

Across tills: two tills that both return the same line before they sync each keep their document (bills
are append-only; money went out twice). app/over_returns.py finds a line returned more than it was sold
(or a return of a sale voided elsewhere) and records it for a manager in the conflict log, which the Sync
problems dialog shows; nothing is dropped.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from types import SimpleNamespace

from app import audit, auth, loyalty, payment_methods, settings, stats
from app.changes import writes
from app.errors import NotFound, PermissionDenied, TillError, ValidationError
from app.money import format_money
from app.payment_methods import PaymentMethod
from app.sync import state
from db.fields import UTCDateTimeField
from db.ids import new_id, utcnow
from db.models import Bill, BillLine, LoyaltyEntry, Payment, User, database
from db.synced_writer import Batch
from db.synced_writer import dumps as _dumps

ORIGINAL, CASH = "original", PaymentMethod.CASH.value
_UTC = UTCDateTimeField()
_SCAN_PREFIX = re.compile(r"^(?:RECEIPT|RCPT|R)[:#]", re.IGNORECASE)


class NeedsApproval(TillError):
    """The refund is above the shop's limit: retry with ``approver`` a manager. ``what`` says what."""

    def __init__(self, message: str, what: str):
        super().__init__(message)
        self.what = what


@dataclass(frozen=True)
class ReturnLine:
    line_no: int
    item_id: str | None
    code: str
    name: str
    sold: int
    returned: int
    unit_price: int
    total: int  # what the customer paid for the whole line
    tax: int
    discount: int

    @property
    def returnable(self) -> int:
        return max(self.sold - self.returned, 0)


@dataclass(frozen=True)
class ReturnableBill:
    id: str
    receipt_no: str
    completed_at: dt.datetime
    customer_id: str | None
    customer_name: str
    currency: str
    total: int
    refunded: int  # by earlier returns
    paid_by: tuple[tuple[str, int], ...]  # (method, amount) of the sale's payments
    lines: tuple[ReturnLine, ...]

    def line(self, line_no: int) -> ReturnLine:
        for line in self.lines:
            if line.line_no == line_no:
                return line
        raise NotFound(f"{self.receipt_no} has no line {line_no}.")

    @property
    def fully_returned(self) -> bool:
        return all(line.returnable == 0 for line in self.lines)


@dataclass
class ReturnPlan:
    """What a return would refund: per line (line_no, quantity, gross, discount, tax, total), the money
    back per method, points back and points taken back."""

    bill: ReturnableBill
    lines: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    rounding: int = 0
    refund: int = 0
    payments: list[tuple[str, int]] = field(default_factory=list)  # (method, amount refunded), amounts > 0
    points_back: int = 0  # points the customer paid with, given back
    points_taken: int = 0  # points earned on the returned part, taken back

    def describe(self) -> str:
        money = lambda v: format_money(v, self.bill.currency)  # noqa: E731
        parts = [f"Refund {money(self.refund)}"]
        ways = [f"{payment_methods.label(m)} {money(a)}" for m, a in self.payments if m != PaymentMethod.LOYALTY]
        if ways:
            parts.append("as " + " + ".join(ways))
        if self.points_back:
            parts.append(f"{self.points_back} points back")
        if self.points_taken:
            parts.append(f"{self.points_taken} points earned taken back")
        return " · ".join(parts)


@dataclass(frozen=True)
class ReturnResult:
    bill_id: str
    receipt_no: str
    original_receipt_no: str
    refund: int
    payments: tuple[tuple[str, int], ...]
    points_back: int
    points_taken: int
    points_balance: int | None
    approved_by: str | None


# --- finding the sale ------------------------------------------------------------------------------------------


def scan_value(text: str) -> str:
    """What a cashier typed or a scanner sent, as a receipt number: the receipt's barcode and QR code hold
    the receipt number itself (app/receipt.Receipt.scan_code); a scanner may add a prefix, a newline or
    lower-case it, and a number alone means this till's receipt."""
    value = "".join(ch for ch in (text or "") if ch.isprintable()).strip()
    value = _SCAN_PREFIX.sub("", value).strip().upper()
    if value.isdigit():
        value = f"{state.load().till_code}-{int(value)}"
    return value


def _bill_by_receipt(receipt_no: str) -> Bill | None:
    found = Bill.get_or_none(Bill.receipt_no == receipt_no)
    if found is None:
        # a number that gave way to another till's bill of the same number is kept with a suffix (sync)
        found = (Bill.select().where((Bill.receipt_no > receipt_no + "~") & (Bill.receipt_no < receipt_no + "~\uffff")
                                     & (Bill.kind == "sale")).first())
    return found


def find_sale(text: str) -> ReturnableBill:
    """The sale with this receipt number (typed or scanned) and what is still returnable on it."""
    receipt_no = scan_value(text)
    if not receipt_no:
        raise ValidationError("Type or scan the receipt number (for example T1-42).", "receipt")
    bill = _bill_by_receipt(receipt_no)
    if bill is None or bill.deleted_at is not None:
        raise NotFound(f"No bill has the receipt number {receipt_no}.")
    if bill.kind == "return":
        raise ValidationError(f"{bill.receipt_no} is itself a return: scan the sale's receipt.", "receipt")
    if bill.kind != "sale":
        raise ValidationError(f"{bill.receipt_no} is a void, not a sale: nothing to return.", "receipt")
    if is_voided(bill.id):
        raise ValidationError(f"{bill.receipt_no} was voided: nothing is left to return.", "receipt")
    return returnable(bill.id)


def is_voided(bill_id: str) -> bool:
    return database.execute_sql(
        "SELECT 1 FROM bill WHERE voids_id = ? AND kind = 'void' AND deleted_at IS NULL", (bill_id,)).fetchone() is not None


def has_returns(bill_id: str) -> bool:
    return database.execute_sql(
        "SELECT 1 FROM bill WHERE returns_id = ? AND kind = 'return' AND deleted_at IS NULL",
        (bill_id,)).fetchone() is not None


def returned_quantities(bill_id: str) -> dict[int, int]:
    """line_no -> quantity returned so far, from every return document of the sale (this till's and those
    synced from others)."""
    rows = database.execute_sql(
        "SELECT l.line_no, -SUM(l.quantity) FROM bill AS r JOIN bill_line AS l ON l.bill_id = r.id "
        "WHERE r.returns_id = ? AND r.kind = 'return' AND r.deleted_at IS NULL AND l.deleted_at IS NULL "
        "GROUP BY l.line_no", (bill_id,))
    return {int(no): int(qty) for no, qty in rows}


def returnable(bill_id: str) -> ReturnableBill:
    bill = Bill.get_or_none(Bill.id == bill_id)
    if bill is None:
        raise NotFound("That sale does not exist.")
    returned = returned_quantities(bill_id)
    lines = tuple(
        ReturnLine(line.line_no, line.item_id, line.code, line.name, line.quantity, returned.get(line.line_no, 0),
                   line.unit_price, line.total, line.tax, line.discount)
        for line in BillLine.select().where((BillLine.bill == bill_id) & BillLine.deleted_at.is_null())
        .order_by(BillLine.line_no))
    refunded = -int(database.execute_sql(
        "SELECT COALESCE(SUM(total), 0) FROM bill WHERE returns_id = ? AND kind = 'return' AND deleted_at IS NULL",
        (bill_id,)).fetchone()[0])
    paid = tuple((p.method, p.amount) for p in Payment.select().where(
        (Payment.bill == bill_id) & Payment.deleted_at.is_null()).order_by(Payment.id))
    customer = bill.customer.name if bill.customer_id else ""
    return ReturnableBill(bill.id, bill.receipt_no, bill.completed_at, bill.customer_id, customer, bill.currency,
                          bill.total, refunded, paid, lines)


# --- planning the money --------------------------------------------------------------------------------------


def _share(amount: int, part_after: int, part_before: int, whole: int) -> int:
    """The part of ``amount`` for going from ``part_before`` to ``part_after`` of ``whole`` (cumulative, so
    the parts of a whole always add up to ``amount``)."""
    if whole <= 0:
        return 0
    return amount * part_after // whole - amount * part_before // whole


def _refunded_by_method(bill_id: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for method, amount in database.execute_sql(
            "SELECT p.method, -SUM(p.amount) FROM bill AS r JOIN payment AS p ON p.bill_id = r.id "
            "WHERE r.returns_id = ? AND r.kind = 'return' AND r.deleted_at IS NULL AND p.deleted_at IS NULL "
            "GROUP BY p.method", (bill_id,)):
        out[method] = int(amount)
    return out


def plan(bill: ReturnableBill, quantities: dict[int, int], method: str = ORIGINAL,
         shop: dict | None = None) -> ReturnPlan:
    """What returning ``quantities`` (line_no -> quantity) refunds. Raises ValidationError for a quantity
    that is not returnable (a line cannot be returned twice)."""
    if method not in (ORIGINAL, CASH):
        raise ValidationError("Refund by the original payment method or in cash.")
    shop = settings.ShopSettings.of(shop) if shop is not None else settings.shop()
    chosen = {int(no): int(q) for no, q in quantities.items() if int(q) != 0}
    if not chosen:
        raise ValidationError("Choose the lines and quantities to return.")
    result = ReturnPlan(bill)
    for line_no, quantity in sorted(chosen.items()):
        line = bill.line(line_no)
        if quantity < 0:
            raise ValidationError("A quantity to return is a positive number.")
        if quantity > line.returnable:
            if line.returnable == 0:
                raise ValidationError(f"{line.name} (line {line_no}) was already returned.")
            raise ValidationError(f"Only {line.returnable} of {line.name} can still be returned "
                                  f"({line.returned} of {line.sold} already were).")
        before, after = line.returned, line.returned + quantity
        total = _share(line.total, after, before, line.sold)
        result.lines.append((line_no, quantity, line.unit_price * quantity, _share(line.discount, after, before, line.sold),
                             _share(line.tax, after, before, line.sold), total))
    refund = sum(entry[5] for entry in result.lines)
    everything = all(line.returnable == chosen.get(line.line_no, 0) for line in bill.lines)
    original = Bill.get_by_id(bill.id)
    if everything and original.rounding:
        result.rounding = original.rounding
        refund += original.rounding
    refund = max(refund, 0)
    result.refund = refund

    # points the customer paid with come back as points; points earned on the returned part go back
    cum_before, cum_after = bill.refunded, bill.refunded + refund
    if original.points_redeemed:
        result.points_back = _share(original.points_redeemed, cum_after, cum_before, bill.total)
    if original.points_earned:
        result.points_taken = _share(original.points_earned, cum_after, cum_before, bill.total)
    loyalty_amount = min(loyalty.value_of(result.points_back, shop), refund) if result.points_back else 0
    money = refund - loyalty_amount
    payments: list[tuple[str, int]] = []
    if loyalty_amount:
        payments.append((PaymentMethod.LOYALTY, loyalty_amount))
    if money and method == CASH:
        payments.append((PaymentMethod.CASH, money))
    elif money:
        refunded = _refunded_by_method(bill.id)
        for paid_method, amount in bill.paid_by:
            if paid_method == PaymentMethod.LOYALTY or money <= 0:
                continue
            room = amount - refunded.get(paid_method, 0)
            refunded[paid_method] = refunded.get(paid_method, 0) + max(min(room, money), 0)
            if room > 0:
                part = min(room, money)
                payments.append((paid_method, part))
                money -= part
        if money > 0:  # nothing left to refund the way it was paid (rounding): cash
            payments.append((PaymentMethod.CASH, money))
    merged: dict[str, int] = {}
    for paid_method, amount in payments:
        merged[paid_method] = merged.get(paid_method, 0) + amount
    result.payments = list(merged.items())
    return result


def approval_limit(shop: dict | None = None) -> int:
    return (settings.ShopSettings.of(shop) if shop is not None else settings.shop()).return_approval_limit


def needs_approval(refund: int, user: User | None, shop: dict | None = None) -> bool:
    return refund > approval_limit(shop) and not auth.is_manager(user)


# --- recording it ------------------------------------------------------------------------------------------


def new_return_id() -> str:
    """The id a return is given when it is started (``make_return(return_id=...)``): fixed per return, so a
    double press or a retry cannot refund twice."""
    return new_id()


@writes("bill", "bill_line", "payment", "loyalty_entry")
def make_return(bill_id: str, quantities: dict[int, int], cashier: User | None, *, method: str = ORIGINAL,
                approver: User | None = None, return_id: str | None = None, reason: str = "",
                now: dt.datetime | None = None) -> ReturnResult:
    """Record a return of ``quantities`` (line_no -> quantity) of the sale ``bill_id``: one transaction
    writing the return bill, its lines, refund payments, loyalty entries, the customer's figures and the
    outbox rows. ``return_id`` (fixed when the return was started) makes a retry or a double press collide
    instead of refunding twice. Raises NeedsApproval above the shop's limit without a manager."""
    from app.billing import _till_code

    if cashier is None:
        raise PermissionDenied("Sign in before refunding.")
    if approver is not None and not auth.is_manager(approver):
        raise PermissionDenied("Only a manager can approve a refund above the limit.")
    shop = settings.shop()
    now = now or utcnow()
    now_text = _UTC.db_value(now)
    return_id = return_id or new_id()
    with database.atomic():
        if Bill.get_or_none(Bill.id == return_id) is not None:
            raise ValidationError("This return was already recorded.")
        original = Bill.get_or_none(Bill.id == bill_id)
        if original is None or original.deleted_at is not None:
            raise NotFound("That sale does not exist.")
        if original.kind != "sale":
            raise ValidationError(f"{original.receipt_no} is not a sale: nothing to return.")
        if is_voided(bill_id):
            raise ValidationError(f"{original.receipt_no} was voided: nothing is left to return.")
        bill = returnable(bill_id)
        refund_plan = plan(bill, quantities, method, shop)
        manager = approver if approver is not None else (cashier if auth.is_manager(cashier) else None)
        if refund_plan.refund > approval_limit(shop) and manager is None:
            money = format_money(refund_plan.refund, original.currency)
            raise NeedsApproval(
                f"A refund of {money} is above the shop's limit of "
                f"{format_money(approval_limit(shop), original.currency)}: a manager approves it.",
                f"refund {money} on {original.receipt_no}")
        receipt_no = settings.next_receipt_no()
        batch = Batch(now_text)
        header = {f.column_name: f.db_value(original.__data__.get(f.name)) for f in Bill._meta.sorted_fields}
        gross = sum(e[2] for e in refund_plan.lines)
        header.update({
            "id": return_id, "receipt_no": receipt_no, "till_code": _till_code(receipt_no), "cashier_id": cashier.id,
            "status": "completed", "kind": "return", "voids_id": None, "returns_id": bill_id, "opened_at": now_text,
            "completed_at": now_text, "subtotal": -gross, "discount_total": -sum(e[3] for e in refund_plan.lines),
            "tax_total": -sum(e[4] for e in refund_plan.lines), "rounding": -refund_plan.rounding,
            "total": -refund_plan.refund, "bill_discount_bp": 0, "bill_discount_amount": 0,
            "preferences_applied": _dumps({}), "instructions": reason, "points_earned": -refund_plan.points_taken,
            "points_redeemed": -refund_plan.points_back, "deleted_at": None, "server_version": None,
        })
        batch.insert(Bill, [header])
        source = {ln.line_no: ln for ln in BillLine.select().where(
            (BillLine.bill == bill_id) & BillLine.deleted_at.is_null())}
        lines = []
        for line_no, quantity, _gross, discount, tax, total in refund_plan.lines:
            row = {f.column_name: f.db_value(source[line_no].__data__.get(f.name)) for f in BillLine._meta.sorted_fields}
            row.update({"id": new_id(), "bill_id": return_id, "quantity": -quantity, "discount": -discount,
                        "tax": -tax, "total": -total, "deleted_at": None, "server_version": None,
                        "allergens_confirmed": _dumps([])})
            lines.append(row)
        batch.insert(BillLine, lines)
        reference = f"refund of {original.receipt_no}"
        batch.insert(Payment, [
            {"id": new_id(), "bill_id": return_id, "method": m, "amount": -amount, "tendered": 0, "change": 0,
             "reference": f"{refund_plan.points_back} points back" if m == PaymentMethod.LOYALTY else reference}
            for m, amount in refund_plan.payments])
        ledger = []
        if original.customer_id and refund_plan.points_taken:
            ledger.append({"id": loyalty.entry_id(return_id, "earn"), "customer_id": original.customer_id,
                           "bill_id": return_id, "kind": "adjust", "points": -refund_plan.points_taken,
                           "at": now_text, "note": f"return of {original.receipt_no}"})
        if original.customer_id and refund_plan.points_back:
            ledger.append({"id": loyalty.entry_id(return_id, "redeem"), "customer_id": original.customer_id,
                           "bill_id": return_id, "kind": "adjust", "points": refund_plan.points_back,
                           "at": now_text, "note": f"return of {original.receipt_no}"})
        batch.insert(LoyaltyEntry, ledger)
        batch.write()
        points_delta = refund_plan.points_back - refund_plan.points_taken
        if original.customer_id:
            stats.apply_bill(
                SimpleNamespace(customer_id=original.customer_id, kind="return", total=-refund_plan.refund,
                                completed_at=now),
                [SimpleNamespace(item_id=source[no].item_id, quantity=-q) for no, q, *_ in refund_plan.lines],
                [], points_delta)
        audit.record(cashier, "sale.return", "bill", bill_id, {
            "return": return_id, "receipt_no": receipt_no, "refund": refund_plan.refund,
            "lines": {str(no): q for no, q, *_ in refund_plan.lines}, "method": method,
            "approved_by": manager.name if manager is not None and refund_plan.refund > approval_limit(shop) else None,
            "reason": reason})
    return ReturnResult(
        bill_id=return_id, receipt_no=receipt_no, original_receipt_no=original.receipt_no, refund=refund_plan.refund,
        payments=tuple(refund_plan.payments), points_back=refund_plan.points_back,
        points_taken=refund_plan.points_taken,
        points_balance=loyalty.balance(original.customer_id) if original.customer_id else None,
        approved_by=manager.name if manager is not None and refund_plan.refund > approval_limit(shop) else None)
