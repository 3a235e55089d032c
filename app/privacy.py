"""Data-subject requests: export everything held about one customer (JSON and CSV), and erase a customer
(personal data removed, sales kept but anonymised). Also the guard that keeps payment card numbers out of
free text: the Till never stores one.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from app import audit, stats
from app.changes import writes
from app.errors import ValidationError
from app.private_files import open_private, safe_row
from db import synced_writer
from db.ids import utcnow
from db.models import (
    AuditLog,
    Bill,
    BillLine,
    ConflictLog,
    Customer,
    CustomerAddress,
    CustomerItemPrice,
    CustomerPreference,
    CustomerStats,
    LoyaltyEntry,
    Payment,
    Reservation,
    User,
    database,
)
from db.outbox import row_to_wire

ERASED_NAME = "Erased customer"
_DIGIT_RUNS = re.compile(r"\d(?:[ -]?\d){12,}")


def _luhn_ok(digits: str) -> bool:
    total = 0
    for n, ch in enumerate(reversed(digits)):
        d = int(ch)
        if n % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def contains_card_number(text: str | None) -> bool:
    """True when ``text`` holds 13-19 digits (spaces or dashes allowed) that pass the Luhn check: a
    payment card number, which must never be stored."""
    for match in _DIGIT_RUNS.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and len(set(digits)) > 1 and _luhn_ok(digits):
            return True
    return False


def refuse_card_number(text: str | None, field: str) -> None:
    if contains_card_number(text):
        raise ValidationError("That looks like a payment card number: the Till never stores one.", field)


# --- export ------------------------------------------------------------------------------------------------


def _plain(row) -> dict:
    data = row_to_wire(row)
    for key, value in list(data.items()):
        if isinstance(value, dict) and "$b64" in value:
            data[key] = {"base64": value["$b64"]}
    for key in ("updated_at", "server_version", "deleted_at"):
        data.pop(key, None)
    return data


def collect(customer_id: str) -> dict:
    """Everything the Till holds about one customer, as plain JSON-ready data."""
    customer = Customer.get(Customer.id == customer_id)
    owners = stats.bill_owners(customer_id) or [customer_id]
    bills = list(Bill.select().where(Bill.customer.in_(owners)).order_by(Bill.completed_at))
    bill_ids = [b.id for b in bills]
    lines, payments = {}, {}
    if bill_ids:
        for line in BillLine.select().where(BillLine.bill.in_(bill_ids)).order_by(BillLine.line_no):
            lines.setdefault(line.bill_id, []).append(_plain(line))
        for payment in Payment.select().where(Payment.bill.in_(bill_ids)):
            payments.setdefault(payment.bill_id, []).append(_plain(payment))
    figures = CustomerStats.get_or_none(CustomerStats.customer == customer_id)
    users = {u.id: u.name for u in User.select(User.id, User.name)}
    return {
        "customer": _plain(customer),
        "addresses": [_plain(a) for a in CustomerAddress.live().where(CustomerAddress.customer == customer_id)],
        "preferences": [_plain(p) for p in CustomerPreference.live().where(CustomerPreference.customer == customer_id)],
        "item_prices": [_plain(p) for p in CustomerItemPrice.live().where(CustomerItemPrice.customer == customer_id)],
        "figures": None if figures is None else {
            "orders": figures.orders, "spent": figures.spent, "points": figures.points,
            "last_visit": figures.last_visit.isoformat() if figures.last_visit else None},
        "bills": [dict(_plain(b), lines=lines.get(b.id, []), payments=payments.get(b.id, [])) for b in bills],
        "loyalty": [_plain(e) for e in LoyaltyEntry.live().where(LoyaltyEntry.customer == customer_id)
                    .order_by(LoyaltyEntry.at)],
        "reservations": [_plain(r) for r in Reservation.select().where(Reservation.customer.in_(owners))
                         .order_by(Reservation.day, Reservation.time)],
        "access_log": [
            {"at": e.at.isoformat(), "by": users.get(e.user_id, ""), "action": e.action, "detail": e.detail}
            for e in AuditLog.select().where((AuditLog.entity == "customer") & (AuditLog.entity_id == customer_id))
            .order_by(AuditLog.at)
        ],
    }


def _flatten(prefix: str, value, out: list) -> None:
    if isinstance(value, dict):
        for key, inner in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, inner, out)
    elif isinstance(value, list):
        for n, inner in enumerate(value):
            _flatten(f"{prefix}[{n}]", inner, out)
    else:
        out.append((prefix, "" if value is None else value))


@writes("audit_log")
def export_customer(customer_id: str, folder: Path, by: User | None) -> tuple[Path, Path]:
    """Write ``<name>-data.json`` and ``<name>-data.csv`` (one row per field: section path and value) into
    ``folder``. The export is audited."""
    data = collect(customer_id)
    safe = re.sub(r"[^A-Za-z0-9]+", "-", data["customer"]["name"]).strip("-").lower() or "customer"
    folder = Path(folder)
    json_path = folder / f"{safe}-{customer_id[-8:]}-data.json"
    csv_path = folder / f"{safe}-{customer_id[-8:]}-data.csv"
    with open_private(json_path, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    rows: list = []
    _flatten("", data, rows)
    with open_private(csv_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["field", "value"])
        writer.writerows(safe_row(row) for row in rows)
    with database.atomic():
        audit.record(by, "customer.export", "customer", customer_id, {"files": [json_path.name, csv_path.name]})
    return json_path, csv_path


# --- erase -----------------------------------------------------------------------------------------------

PERSONAL_FIELDS = ("phone", "email", "personal_phone", "personal_email", "gender", "date_of_birth", "photo",
                   "marketing_consent_at")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name or "").strip("-").lower()


def _scrub_audit(customer: Customer) -> None:
    """Take the person out of the audit log's details, keeping each entry (who did what, when): entries
    about the customer lose their details; any other entry that names them (an import's or an export's
    file name, a merge) has the name, phone, email and the export file-name form replaced."""
    AuditLog.update(detail={"erased": True}).where(
        (AuditLog.entity == "customer") & (AuditLog.entity_id == customer.id) & AuditLog.detail.is_null(False)).execute()
    needles = {customer.name, customer.phone, customer.email, customer.personal_phone, customer.personal_email,
               _slug(customer.name), (customer.phone or "").lstrip("+")}
    needles = sorted((n for n in needles if n and len(n) >= 4), key=len, reverse=True)
    changed = set()
    for needle in needles:
        encoded = json.dumps(needle)[1:-1]  # as it stands inside the stored JSON text
        for row_id, text in database.execute_sql(
                "SELECT id, detail FROM audit_log WHERE detail LIKE ? ESCAPE '\\'",
                ["%" + encoded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"]).fetchall():
            pattern = re.compile(re.escape(encoded), re.IGNORECASE)
            database.execute_sql("UPDATE audit_log SET detail = ? WHERE id = ?", [pattern.sub("[erased]", text), row_id])
            changed.add(row_id)
    changed |= {r.id for r in AuditLog.select(AuditLog.id).where(
        (AuditLog.entity == "customer") & (AuditLog.entity_id == customer.id))}
    for row in AuditLog.select().where(AuditLog.id.in_(list(changed))):  # queued copies carry the scrubbed detail
        synced_writer.rewrite_queued(row)


@writes("customer", "customer_address", "customer_preference")
def erase(customer_id: str, by: User | None) -> Customer:
    """Remove a customer's personal data for good. Their bills, payments and loyalty ledger stay (the shop's
    books need them) but point at an anonymous record. Changes queued for sync carry only the erased
    values from now on, and local conflict logs about them are dropped."""
    from app.auth import require_manager

    require_manager(by, "erase a customer")
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at is not None:
        raise ValidationError("That customer no longer exists.")
    if customer.erased_at is not None:
        raise ValidationError("This customer has already been erased.")
    with database.atomic():
        _scrub_audit(customer)
        customer.name = ERASED_NAME
        customer.name_norm = ERASED_NAME.casefold()
        for field in PERSONAL_FIELDS:
            setattr(customer, field, None)
        customer.notes = ""
        customer.marketing_consent = False
        customer.status = "inactive"
        customer.erased_at = utcnow()
        customer.save()
        touched = [("customer", customer)]
        for address in CustomerAddress.live().where(CustomerAddress.customer == customer):
            address.line1 = address.line2 = address.city = address.region = address.postcode = address.country = ""
            address.deleted_at = utcnow()
            address.save()
            touched.append(("customer_address", address))
        for pref in CustomerPreference.live().where(CustomerPreference.customer == customer):
            pref.value = None
            pref.deleted_at = utcnow()
            pref.save()
            touched.append(("customer_preference", pref))
        for price in CustomerItemPrice.live().where(CustomerItemPrice.customer == customer):
            price.delete_instance()
        from app.reservations import forget_customer

        touched += [("reservation", row) for row in forget_customer(customer.id)]
        # older queued changes of these rows still hold the personal data: send only the erased state
        for table, row in touched:
            synced_writer.rewrite_queued(row)
            ConflictLog.delete().where((ConflictLog.table_name == table) & (ConflictLog.row_id == row.id)).execute()
        audit.record(by, "customer.erase", "customer", customer.id)
    return customer
