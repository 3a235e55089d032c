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


_WORD_SQL = "SELECT customer_id, last_visit FROM customer_word WHERE {where}{filters} ORDER BY word, last_visit DESC LIMIT ?"
_TAIL_SQL = (  # the index holds what is tested (migration 0017): only the customers shown are read
    "SELECT c.id FROM customer c INDEXED BY customer_phone_tail_live LEFT JOIN customer_stats s ON "
    f"s.customer_id = c.id WHERE substr(c.phone, -4) = ? AND c.phone LIKE ?{_LIVE} "
    "ORDER BY COALESCE(s.last_visit, '') DESC LIMIT ?"
)
_CANDIDATES = 200  # a partly typed word's candidates, ranked by last visit in Python


def word_sql(prefix: bool, others: int) -> str:
    """customer_word is kept in the order read here (migration 0017) and carries each name as
    ' word word ...', so the other words typed are tested on the row itself, never on customer."""
    return _WORD_SQL.format(where="word >= ? AND word < ?" if prefix else "word = ?",
                            filters=" AND instr(name, ?) > 0" * others)


def _word_scan(exact: str | None, prefix: str | None, others: list[str], limit: int) -> list[tuple[str, str]]:
    """(customer id, last visit) of the customers having the word ``exact`` (or a word starting with
    ``prefix``), most recent visit first, whose name also holds each of ``others`` as the start of a word."""
    words = (exact,) if exact is not None else (prefix, prefix + _TOP)
    params = (*words, *(" " + t for t in others), limit)
    return database.execute_sql(word_sql(exact is None, len(others)), params).fetchall()


def _customers(ids: list[str]) -> list[tuple]:
    """The customers' rows, in the order of ``ids``."""
    if not ids:
        return []
    found = {row[0]: row for row in database.execute_sql(
        f"{_COLUMNS} WHERE c.id IN ({','.join('?' * len(ids))}){_LIVE}", ids).fetchall()}
    return [found[i] for i in ids if i in found]


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
        return _customers([cid for cid, _ in _word_scan(anchor, None, others, limit)])
    token = tokens[0]
    found = _word_scan(token, None, [], limit)
    if len(found) < limit:
        more = sorted(_word_scan(None, token, [], _CANDIDATES), key=lambda r: r[1], reverse=True)
        found += more
    return _customers(list(dict.fromkeys(cid for cid, _ in found))[:limit])


def _phone_rows(text: str, region: str, limit: int) -> list[tuple]:
    digits = "".join(ch for ch in text if ch.isdigit())
    by_prefix: list[tuple] = []
    for prefix in phone_prefixes(text, region):
        by_prefix += _scan("c.phone", prefix, limit)
    if len(digits) < 4 or text.strip().startswith("+"):
        return by_prefix
    by_tail = _customers([r[0] for r in database.execute_sql(_TAIL_SQL, (digits[-4:], f"%{digits}", limit))])
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


def warm(region: str = "US") -> None:
    """Run on each reading thread after sign-in: a thread's first search opens its connection and reads the
    top pages of the indexes (5-10 ms at a million customers), so the cashier's first search does not."""
    search("a", 1, region)
    search("0000", 1, region)
