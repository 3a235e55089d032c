"""The manager's customer list at any size: the ordered row ids of a tab and search (computed off the UI
thread), then the visible rows fetched a page at a time by rowid.

Ids are SQLite rowids in an ``array('q')`` (8 bytes each: a million customers is 8 MB), ordered by name
through the covering index ``customer_by_name`` (name_norm, deleted_at, status) of migration 7. Every
query names its index: with statistics from before an index existed, SQLite's choice can walk them all.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass

from app.customer_search import ROTATED, looks_like_phone, phone_prefixes
from app.text import normalise_name
from db.models import database

_TOP = "\U0010ffff"
STATUSES = (None, "active", "inactive")  # the tabs: All, Active, Inactive


@dataclass(frozen=True)
class ListRow:
    rowid: int
    id: str
    name: str
    email: str | None
    phone: str | None
    status: str
    created_at: str
    photo: bytes | None
    merged: bool
    erased: bool

    @property
    def badge(self) -> str:
        if self.erased:
            return "Erased"
        if self.merged:
            return "Merged"
        return self.status.title()


def ids(status: str | None = None, search: str = "", region: str = "US") -> array:
    """Rowids of live customers with ``status`` (None: all) matching ``search``, ordered by name.

    Without a search: one pass over the covering index ``customer_list``, already in name order. With one:
    each way the text can match (name, surname first, phone, email) is its own range scan on its own index,
    and the matches are merged and sorted here (one query with OR would walk the whole name index)."""
    text = (search or "").strip()
    if not text:
        where, params = "c.deleted_at IS NULL", []
        if status:
            where += " AND c.status = ?"
            params.append(status)
        out = array("q")
        cursor = database.execute_sql(
            f"SELECT c.rowid FROM customer c INDEXED BY customer_by_name WHERE {where} ORDER BY c.name_norm", params)
        while batch := cursor.fetchmany(20000):
            out.extend(r[0] for r in batch)
        return out
    scans: list[tuple[str, str, str]] = []  # (expression, its index, prefix)
    if looks_like_phone(text):
        scans += [("c.phone", "customer_phone", prefix) for prefix in phone_prefixes(text, region)]
    elif "@" in text:
        scans.append(("c.email", "customer_email", text.lower()))
    else:
        query = normalise_name(text.replace(",", " "))
        scans += [("c.name_norm", "customer_by_name", query), (ROTATED, "customer_name_rotated", query)]
        if " " not in query:
            scans.append(("c.email", "customer_email", text.lower()))
    found: dict[int, str] = {}
    for expression, index, prefix in scans:
        cursor = database.execute_sql(
            f"SELECT c.rowid, c.name_norm, c.status FROM customer c INDEXED BY {index} "
            f"WHERE {expression} >= ? AND {expression} < ? AND c.deleted_at IS NULL", (prefix, prefix + _TOP))
        for rowid, norm, row_status in cursor:
            if status is None or row_status == status:
                found[rowid] = norm
    return array("q", (rowid for rowid, _ in sorted(found.items(), key=lambda kv: (kv[1], kv[0]))))


def rows(rowids: list[int]) -> dict[int, ListRow]:
    """The list's columns for these rowids (a page: one indexed read)."""
    if not rowids:
        return {}
    marks = ",".join("?" * len(rowids))
    cursor = database.execute_sql(
        "SELECT rowid, id, name, email, phone, status, created_at, photo, merged_into_id IS NOT NULL, "
        f"erased_at IS NOT NULL FROM customer WHERE rowid IN ({marks})", list(rowids))
    return {r[0]: ListRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], bool(r[8]), bool(r[9])) for r in cursor}


def rowid_of(customer_id: str) -> int | None:
    row = database.execute_sql("SELECT rowid FROM customer WHERE id = ?", (customer_id,)).fetchone()
    return row[0] if row else None

