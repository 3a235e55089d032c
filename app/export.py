"""CSV exports: customers, sales (one row per bill), and a report's tables. Streamed from a cursor, so a
million rows never sit in memory; amounts are written as decimals in the shop's currency, never floats."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from app import audit, reports, settings
from app.money import to_decimal
from app.private_files import open_private, safe_row
from db.fields import parse_utc
from db.models import database

BATCH = 5000

CUSTOMER_COLUMNS = ["name", "phone", "email", "status", "date_of_birth", "notes", "created_at",
                    "marketing_consent", "marketing_consent_at", "profile", "category", "loyalty_tier"]


def _local(text: str | None) -> str:
    return parse_utc(text).astimezone().strftime("%Y-%m-%d %H:%M:%S") if text else ""


def export_customers(path: Path, status: str | None = None, by=None, *, segment: str | None = None,
                     profile_id: str | None = None) -> int:
    """Every live customer (or those with ``status``, in ``segment``, with default profile ``profile_id``:
    the Customers window's filters), in the import format plus what import leaves out. Returns the number
    of rows written. Erased and merged customers are left out. The export is audited: it is personal data
    leaving the till."""
    select = (
        "SELECT c.name, c.phone, c.email, c.status, c.date_of_birth, c.notes, c.created_at, c.marketing_consent, "
        "c.marketing_consent_at, p.name, k.name, c.id, c.loyalty_tier_id, s.spent FROM customer c "
        "LEFT JOIN customer_profile p ON p.id = c.default_profile_id "
        "LEFT JOIN customer_category k ON k.id = c.category_id "
        "LEFT JOIN customer_stats s ON s.customer_id = c.id ")
    live = "c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL"
    if segment or profile_id:
        from app import segments

        rowids = segments.ids(segment, profile_id, status)

        def batches():
            for start in range(0, len(rowids), BATCH // 10):
                chunk = list(rowids[start:start + BATCH // 10])
                marks = ",".join("?" * len(chunk))
                found = {r[0]: r[1:] for r in database.execute_sql(
                    select.replace("SELECT ", "SELECT c.rowid, ", 1) + f"WHERE c.rowid IN ({marks}) AND {live}",
                    chunk)}
                yield [found[r] for r in chunk if r in found]
    else:
        where = live
        params: list = []
        if status:
            where += " AND c.status = ?"
            params.append(status)
        cursor = database.execute_sql(select + f"WHERE {where} ORDER BY c.name_norm", params)

        def batches():
            while rows := cursor.fetchmany(BATCH):
                yield rows
    from app import tiers

    all_tiers, rule = tiers.all_tiers(), tiers.rule()
    by_id = {t.id: t for t in all_tiers}

    def tier_of(customer_id: str, floor_id: str | None, spent: int | None) -> str:
        """The tier reached by spend (app/tiers), as every till derives it."""
        if rule.basis == tiers.LIFETIME:
            tier = tiers.reached(spent or 0, all_tiers, by_id.get(floor_id))
        else:
            tier = tiers.current(customer_id, tiers=all_tiers, basis=rule)
        return tier.name if tier else ""

    count = 0
    with open_private(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CUSTOMER_COLUMNS)
        for rows in batches():
            for r in rows:
                writer.writerow(safe_row([r[0], r[1] or "", r[2] or "", r[3], r[4] or "", r[5] or "", _local(r[6]),
                                          "yes" if r[7] else "no", _local(r[8]), r[9] or "", r[10] or "",
                                          tier_of(r[11], r[12], r[13])]))
            count += len(rows)
    with database.atomic():
        audit.record(by, "customers.export", "customer", None, {"file": Path(path).name, "rows": count,
                                                                "status": status, "segment": segment,
                                                                "profile": profile_id})
    return count


SALES_COLUMNS = ["receipt_no", "completed_at", "kind", "voids", "till", "cashier", "customer", "profile",
                 "subtotal", "discount", "tax", "total", "payment_methods"]


def export_sales(path: Path, start: dt.date, end: dt.date, profile_id: str | None = reports.ALL_PROFILES,
                 by=None) -> int:
    """One row per bill (sales, voids and returns; ``voids`` names the sale a void or a return refers to)
    completed in the local date range. Returns rows written."""
    currency = settings.shop().currency
    lo, hi = reports.local_day_bounds_utc(start, end)
    where, params = reports._profile_clause(profile_id, "b.profile_id")
    cursor = database.execute_sql(
        "SELECT b.receipt_no, b.completed_at, b.kind, o.receipt_no, b.till_code, u.name, c.name, p.name, "
        "b.subtotal, b.discount_total, b.tax_total, b.total, "
        "(SELECT group_concat(DISTINCT method) FROM payment WHERE bill_id = b.id) "
        "FROM bill b LEFT JOIN bill o ON o.id = COALESCE(b.voids_id, b.returns_id) LEFT JOIN user u ON u.id = b.cashier_id "
        "LEFT JOIN customer c ON c.id = b.customer_id LEFT JOIN customer_profile p ON p.id = b.profile_id "
        f"WHERE b.completed_at >= ? AND b.completed_at < ? AND b.deleted_at IS NULL{where} ORDER BY b.completed_at",
        [lo, hi, *params])
    count = 0
    with open_private(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(SALES_COLUMNS)
        while rows := cursor.fetchmany(BATCH):
            for r in rows:
                writer.writerow(safe_row([r[0], _local(r[1]), r[2], r[3] or "", r[4], r[5] or "", r[6] or "",
                                          r[7] or "", *(to_decimal(v, currency) for v in r[8:12]), r[12] or ""]))
            count += len(rows)
    with database.atomic():
        audit.record(by, "sales.export", "bill", None, {"file": Path(path).name, "rows": count,
                                                        "from": start.isoformat(), "to": end.isoformat()})
    return count


def export_report(report: reports.SalesReport, path: Path, profile_label: str = "All profiles") -> None:
    """The report as it is shown: a heading block, then each table."""
    currency = report.currency
    with open_private(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(safe_row(["Sales report", settings.shop().shop_name]))
        writer.writerow(["From", report.start.isoformat(), "To", report.end.isoformat()])
        writer.writerow(safe_row(["Profile", profile_label]))
        writer.writerow(["Bills", report.bills, "Total", to_decimal(report.total, currency), "Tax",
                         to_decimal(report.tax, currency), "Discounts", to_decimal(report.discount, currency)])
        for title, key_name, rows in report.sections():
            writer.writerow([])
            writer.writerow([title])
            writer.writerow([key_name, "Bills" if key_name != "Method" else "Payments", f"Total ({currency})"])
            for row in rows:
                writer.writerow(safe_row([row.label, row.bills, to_decimal(row.total, currency)]))
