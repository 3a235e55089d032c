"""Item look-up for the bill: by code or barcode (one indexed read each) and by name as you type.

Hot path (every scan): raw SQL on the unique indexes ``item.code`` and ``barcode.code``, no ORM.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from app.text import normalise_name
from db.models import database

_COLUMNS = "i.id, i.code, i.name, i.price, i.tax_rate_bp, i.tax_inclusive, i.department, i.tags, i.allergens, i.active"


@dataclass(frozen=True)
class CatalogueItem:
    id: str
    code: str
    name: str
    price: int
    tax_rate_bp: int
    tax_inclusive: bool | None
    department: str
    tags: tuple[str, ...]
    allergens: tuple[str, ...]
    active: bool


def _row(row) -> CatalogueItem:
    item_id, code, name, price, rate, inclusive, department, tags, allergens, active = row
    return CatalogueItem(
        id=item_id, code=code, name=name, price=price, tax_rate_bp=rate,
        tax_inclusive=None if inclusive is None else bool(inclusive), department=department,
        tags=tuple(json.loads(tags or "[]")), allergens=tuple(json.loads(allergens or "[]")), active=bool(active),
    )


def lookup(code: str) -> CatalogueItem | None:
    """The item with this code, else the item with this barcode; None if neither (tombstones excluded)."""
    code = (code or "").strip()
    if not code:
        return None
    row = database.execute_sql(
        f"SELECT {_COLUMNS} FROM item i WHERE i.code = ? AND i.deleted_at IS NULL", (code,)
    ).fetchone()
    if row is None:
        row = database.execute_sql(
            f"SELECT {_COLUMNS} FROM barcode b JOIN item i ON i.id = b.item_id "
            "WHERE b.code = ? AND b.deleted_at IS NULL AND i.deleted_at IS NULL",
            (code,),
        ).fetchone()
    return None if row is None else _row(row)


def get(item_id: str) -> CatalogueItem | None:
    row = database.execute_sql(f"SELECT {_COLUMNS} FROM item i WHERE i.id = ?", (item_id,)).fetchone()
    return None if row is None else _row(row)


def get_many(item_ids) -> dict[str, CatalogueItem]:
    ids = list(dict.fromkeys(item_ids))
    found: dict[str, CatalogueItem] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in database.execute_sql(f"SELECT {_COLUMNS} FROM item i WHERE i.id IN ({marks})", chunk):
            item = _row(row)
            found[item.id] = item
    return found


def _upper_bound(prefix: str) -> str:
    return prefix + "\U0010ffff"


def search(text: str, limit: int = 30) -> list[CatalogueItem]:
    """Active items whose name (any word) or code starts with what was typed, best first.

    Prefix range scans on ``item.name_norm`` and ``item.code``; then, only if that finds too little, a
    bounded scan for names containing every typed word anywhere."""
    query = normalise_name(text)
    if not query:
        return []
    found: dict[str, CatalogueItem] = {}
    scans = [
        ("i.name_norm >= ? AND i.name_norm < ?", (query, _upper_bound(query)), "i.name_norm"),
        ("i.code >= ? AND i.code < ?", (text.strip(), _upper_bound(text.strip())), "i.code"),
    ]
    for where, params, order in scans:
        sql = (f"SELECT {_COLUMNS} FROM item i WHERE {where} AND i.deleted_at IS NULL AND i.active "
               f"ORDER BY {order} LIMIT ?")
        for row in database.execute_sql(sql, (*params, limit)):
            item = _row(row)
            found.setdefault(item.id, item)
    if len(found) < limit:
        words = query.split()
        like = " AND ".join("i.name_norm LIKE ?" for _ in words)
        sql = (f"SELECT {_COLUMNS} FROM item i WHERE {like} AND i.deleted_at IS NULL AND i.active "
               "LIMIT ?")
        for row in database.execute_sql(sql, (*[f"%{w}%" for w in words], limit)):
            item = _row(row)
            found.setdefault(item.id, item)
    return list(found.values())[:limit]
