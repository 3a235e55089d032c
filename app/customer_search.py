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


_WORD_SQL = (
    "SELECT c.id, c.name, c.phone, c.email, c.status FROM customer_word w INDEXED BY customer_word_recent "
    "JOIN customer c ON c.id = w.customer_id WHERE {where}{filters} ORDER BY w.word, w.last_visit DESC LIMIT ?"
)
_TAIL_SQL = (
    f"{_COLUMNS} INDEXED BY customer_phone_tail LEFT JOIN customer_stats s ON s.customer_id = c.id "
    f"WHERE substr(c.phone, -4) = ? AND c.phone LIKE ? ESCAPE '\\'{_LIVE} "
    "ORDER BY COALESCE(s.last_visit, '') DESC LIMIT ?"
)
_CANDIDATES = 200  # a partly typed word's candidates, ranked by last visit in Python


def _like(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_scan(exact: str | None, prefix: str | None, others: list[str], limit: int) -> list[tuple]:
    """Customers having the word ``exact`` (or a word starting with ``prefix``), most recent visit first,
    whose name also holds each of ``others`` as the start of a word."""
    filters = "".join(" AND (' ' || replace(c.name_norm, '-', ' ')) LIKE ? ESCAPE '\\'" for _ in others)
    params = [f"% {_like(t)}%" for t in others]
    if exact is not None:
        sql = _WORD_SQL.format(where="w.word = ?", filters=filters)
        return database.execute_sql(sql, (exact, *params, limit)).fetchall()
    sql = _WORD_SQL.format(where="w.word >= ? AND w.word < ?", filters=filters)
    return database.execute_sql(sql, (prefix, prefix + _TOP, *params, limit)).fetchall()


def _by_recency(rows: list[tuple]) -> list[tuple]:
    """Rows ordered most recent visit first (one indexed look-up per row; rows are few)."""
    if not rows:
        return rows
    marks = ",".join("?" * len(rows))
    visits = dict(database.execute_sql(
        f"SELECT customer_id, last_visit FROM customer_stats WHERE customer_id IN ({marks})",
        [r[0] for r in rows]).fetchall())
    return sorted(rows, key=lambda r: visits.get(r[0]) or "", reverse=True)


def _name_rows(query: str, complete: bool, limit: int) -> list[tuple]:
    """Any word of the name, in any order, most recent visitors first. The last word typed is taken as
    the start of a word unless the text ends with a space."""
    tokens = query.replace("-", " ").split()  # the word table holds each part of a hyphenated name
    if not tokens:
        return []
    whole = tokens if complete else tokens[:-1]
    if whole:
        anchor = max(whole, key=len)  # the longest whole word is the most selective exact match
        others = list(tokens)
        others.remove(anchor)
        return _word_scan(anchor, None, others, limit)
    token = tokens[0]
    exact = _word_scan(token, None, [], limit)
    if len(exact) >= limit:
        return exact
    more = _by_recency(_word_scan(None, token, [], _CANDIDATES))
    return exact + more


def _phone_rows(text: str, region: str, limit: int) -> list[tuple]:
    digits = "".join(ch for ch in text if ch.isdigit())
    by_prefix: list[tuple] = []
    for prefix in phone_prefixes(text, region):
        by_prefix += _scan("c.phone", prefix, limit)
    if len(digits) < 4 or text.strip().startswith("+"):
        return by_prefix
    by_tail = database.execute_sql(_TAIL_SQL, (digits[-4:], f"%{digits}", limit)).fetchall()
    # A few digits are the end of a number ("the last four"); a long run is more likely its start.
    return by_tail + by_prefix if len(digits) < 7 else by_prefix + by_tail


def search(text: str, limit: int = 20, region: str = "US") -> list[CustomerHit]:
    """Customers matching what was typed so far, the likely one first (at most ``limit``)."""
    raw = text or ""
    text = raw.strip()
    if not text:
        return []
    rows: dict[str, tuple] = {}

    def take(found):
        for row in found:
            if len(rows) >= limit:
                return
            rows.setdefault(row[0], row)

    if looks_like_phone(text):
        take(_phone_rows(text, region, limit))
    elif "@" in text:
        take(_scan("c.email", text.lower(), limit))
    else:
        query = normalise_name(text.replace(",", " "))  # "Roberts, Emily" as on a list
        take(_name_rows(query, raw.endswith(" "), limit))
        if len(rows) < limit:  # names whose words are joined by punctuation ("müller-š")
            take(_scan("c.name_norm", query, limit))
        if len(rows) < limit:
            take(_scan(ROTATED, query, limit))
        if len(rows) < limit and " " not in query:
            take(_scan("c.email", text.lower(), limit))
    return [CustomerHit(*row) for row in rows.values()]
