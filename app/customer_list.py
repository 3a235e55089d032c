"""The manager's customer list at any size: the ordered row ids of a tab and search (computed off the UI
thread), then the visible rows fetched a page at a time by rowid.

Ids are SQLite rowids in an ``array('q')`` (8 bytes each: a million customers is 8 MB), ordered by name
through the covering index ``customer_list`` (deleted_at, name_norm, status) of migration 0003.
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
    """Rowids of live customers with ``status`` (None: all) matching ``search``, ordered by name."""
    where = ["c.deleted_at IS NULL"]
    params: list = []
    text = (search or "").strip()
    if text:
        alternatives = []
        if looks_like_phone(text):
            for prefix in phone_prefixes(text, region):
                alternatives.append("(c.phone >= ? AND c.phone < ?)")
                params += [prefix, prefix + _TOP]
        elif "@" in text:
            alternatives.append("(c.email >= ? AND c.email < ?)")
            params += [text.lower(), text.lower() + _TOP]
        else:
            query = normalise_name(text.replace(",", " "))
            alternatives.append("(c.name_norm >= ? AND c.name_norm < ?)")
            alternatives.append(f"({ROTATED} >= ? AND {ROTATED} < ?)")
            params += [query, query + _TOP, query, query + _TOP]
            if " " not in query:
                alternatives.append("(c.email >= ? AND c.email < ?)")
                params += [text.lower(), text.lower() + _TOP]
        if not alternatives:
            return array("q")
        where.append("(" + " OR ".join(alternatives) + ")")
    if status:
        where.append("c.status = ?")
        params.append(status)
    sql = f"SELECT c.rowid FROM customer c WHERE {' AND '.join(where)} ORDER BY c.name_norm, c.rowid"
    out = array("q")
    cursor = database.execute_sql(sql, params)
    while batch := cursor.fetchmany(20000):
        out.extend(r[0] for r in batch)
    return out


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

