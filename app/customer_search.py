"""Find a customer as the cashier types: by name, phone in any format, or email.

Every keystroke runs a few prefix range scans on indexes, each stopping after ``limit`` rows, so the time
does not grow with the number of customers (see benchmarks/bench_bill.py: a million customers):

- name: ``customer_name_norm`` ("emi", "emily rob") and the surname-first expression index
  ``customer_name_rotated`` of migration 0004 ("rob", "roberts e");
- phone: digits typed in any format ("(555) 010-0001", "555.010.0001", "+1 555 010 0001") become an
  E.164 prefix scanned on the unique ``customer_phone`` index, with and without the shop's country code;
- email: ``customer_email`` (stored lower-cased).

Inactive customers are found too (the picker shows them and refuses them with the reason); erased,
merged or tombstoned ones are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from app.text import normalise_name
from db.models import database

ROTATED = (
    "(substr(c.name_norm, instr(c.name_norm, ' ') + 1) || ' ' || "
    "substr(c.name_norm, 1, instr(c.name_norm, ' ') - 1))"
)
_COLUMNS = "SELECT c.id, c.name, c.phone, c.email, c.status FROM customer c"
_LIVE = " AND c.deleted_at IS NULL AND c.merged_into_id IS NULL"
# Each scan names its index: with ANALYZE statistics SQLite may otherwise prefer a skip-scan of another
# index on (deleted_at, name_norm, ...) and sort every match of a one-letter prefix (200 ms at 100,000).
INDEXES = {"c.name_norm": "customer_name_norm", ROTATED: "customer_name_rotated", "c.phone": "customer_phone",
           "c.email": "customer_email"}
_PHONE_CHARS = re.compile(r"^[\d\s().+\-/]+$")
_TOP = "\U0010ffff"


@dataclass(frozen=True)
class CustomerHit:
    id: str
    name: str
    phone: str | None
    email: str | None
    status: str

    @property
    def active(self) -> bool:
        return self.status == "active"


def scan_sql(column: str) -> str:
    return (f"{_COLUMNS} INDEXED BY {INDEXES[column]} WHERE {column} >= ? AND {column} < ?{_LIVE} "
            f"ORDER BY {column} LIMIT ?")


def _scan(column: str, low: str, limit: int) -> list[tuple]:
    return database.execute_sql(scan_sql(column), (low, low + _TOP, limit)).fetchall()


def looks_like_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return digits >= 1 and bool(_PHONE_CHARS.match(text.strip()))


def phone_prefixes(text: str, region: str = "US") -> list[str]:
    """E.164 prefixes the typed digits may stand for: with the shop's country code, and as typed."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if not digits:
        return []
    if text.strip().startswith("+"):
        return ["+" + digits]
    if digits.startswith("00"):  # international dialling prefix
        return ["+" + digits[2:]] if len(digits) > 2 else []
    code = str(phonenumbers.country_code_for_region(region) or "")
    national = digits.lstrip("0") if region not in ("IT", "SM", "VA") else digits  # trunk prefix 0
    prefixes = ["+" + code + national] if code else []
    if code and digits.startswith(code) and len(digits) > len(code):
        prefixes.append("+" + digits)
    return list(dict.fromkeys(prefixes))


def search(text: str, limit: int = 20, region: str = "US") -> list[CustomerHit]:
    """Customers matching what was typed so far, best first (at most ``limit``)."""
    text = (text or "").strip()
    if not text:
        return []
    rows: dict[str, tuple] = {}

    def take(found):
        for row in found:
            if len(rows) >= limit:
                return
            rows.setdefault(row[0], row)

    if looks_like_phone(text):
        for prefix in phone_prefixes(text, region):
            take(_scan("c.phone", prefix, limit))
    elif "@" in text:
        take(_scan("c.email", text.lower(), limit))
    else:
        query = normalise_name(text.replace(",", " "))  # "Roberts, Emily" as on a list
        take(_scan("c.name_norm", query, limit))
        if len(rows) < limit:
            take(_scan(ROTATED, query, limit))
        if len(rows) < limit and " " not in query:
            take(_scan("c.email", text.lower(), limit))
    return [CustomerHit(*row) for row in rows.values()]
