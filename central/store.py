"""The shop's rows on the server: pull (changes since a cursor) and snapshot (every row at a version, page
by page) here; push (central/push.py, on central/batch.py) and head-office edits (central/office.py) are
reached through this module too (``store.push``, ``store.admin_write``...).

Every writing transaction first locks the shop's row (``SELECT ... FOR UPDATE``) and takes its versions
from the shop's counter, so versions become visible strictly in order: a till that has seen version v has
seen every change up to v. Pages list rows table by table, column arrays under one column list, so a till
applies them with one prepared statement per table.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import psycopg

from central import refill
from central.batch import (  # noqa: F401  (store.X: the names the API, tools and tests use)
    HQ,
    HQ_CLOCK,
    SERVER,
    ConflictError,
    NotFoundError,
    StoreError,
)
from central.office import admin_row, admin_rows, admin_write  # noqa: F401
from central.push import push  # noqa: F401
from central.tables import APPEND_TABLES, TABLE_ORDER, TABLES, TableSpec


def _dumps(value) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


# --- pull and snapshot ---------------------------------------------------------------------------------


def _groups_json(conn, shop_id: str, ids_by_table: dict[str, list[str]]) -> list[str]:
    groups = []
    for tbl in TABLE_ORDER:
        ids = ids_by_table.get(tbl)
        if not ids:
            continue
        rows = conn.execute("SELECT data::text FROM sync_row WHERE shop_id = %s AND tbl = %s AND id = ANY(%s)",
                            (shop_id, tbl, ids)).fetchall()
        groups.append(_group(TABLES[tbl], [r[0] for r in rows]))
    return groups


def _group(spec: TableSpec, row_texts: list[str]) -> str:
    """One table's rows as stored (column -> value objects: PostgreSQL sends its JSONB as text, which is
    cheaper than building arrays; the till puts the values in its own column order), with the columns the
    store knows for the table."""
    return f'{{"table":{_dumps(spec.name)},"columns":{_dumps(spec.column_names)},"rows":[{",".join(row_texts)}]}}'


def shop_version(conn, shop_id: str) -> int:
    row = conn.execute("SELECT version FROM shop WHERE id = %s", (shop_id,)).fetchone()
    if row is None:
        raise NotFoundError("unknown shop")
    return row[0]


def pull(conn: psycopg.Connection, shop_id: str, till_id: str, cursor: int, limit: int) -> bytes:
    """Changes after ``cursor`` (run in a REPEATABLE READ transaction: one consistent view). The till's
    own append-only rows are left out: it wrote them."""
    version = shop_version(conn, shop_id)
    served, receipt_high = refill.till_state(conn, shop_id, till_id)
    if cursor > served:  # the till has seen changes this store no longer holds: restored from a backup
        return refill.restored_page(version, served, receipt_high)
    rows = conn.execute(
        "SELECT tbl, id, version FROM sync_row WHERE shop_id = %s AND version > %s "
        "AND NOT (origin = %s AND tbl = ANY(%s)) ORDER BY version LIMIT %s",
        (shop_id, cursor, till_id, APPEND_TABLES, limit)).fetchall()
    has_more = len(rows) == limit
    next_cursor = rows[-1][2] if has_more else version
    by_table: dict[str, list[str]] = {}
    for tbl, row_id, _ in rows:
        by_table.setdefault(tbl, []).append(row_id)
    groups = _groups_json(conn, shop_id, by_table)
    more = "true" if has_more else "false"
    return (f'{{"cursor":{next_cursor},"has_more":{more},"shop_version":{version},"count":{len(rows)},'
            f'"receipt_high":{receipt_high},"tables":[{",".join(groups)}]}}').encode()


def snapshot(conn: psycopg.Connection, shop_id: str, at: int | None, table: str | None, after: str,
             limit: int) -> bytes:
    """Every row whose latest version is at most ``at``, table by table in dependency order, keyed by id
    so a cut download resumes where it stopped. Rows changed after ``at`` come with the pull from ``at``."""
    version = shop_version(conn, shop_id)
    at = version if at is None else at
    if at > version:
        raise ConflictError(f"version {at} does not exist yet (the shop is at {version})")
    if table is not None and table not in TABLES:
        raise StoreError(f"unknown table '{table}'")
    start = TABLE_ORDER.index(table) if table else 0
    groups, left, next_key = [], limit, None
    for index in range(start, len(TABLE_ORDER)):
        tbl = TABLE_ORDER[index]
        spec = TABLES[tbl]
        first = after if (table and index == start) else ""
        rows = conn.execute(
            "SELECT id, data::text FROM sync_row WHERE shop_id = %s AND tbl = %s AND id > %s "
            "AND version <= %s ORDER BY id LIMIT %s", (shop_id, tbl, first, at, left)).fetchall()
        if rows:
            groups.append(_group(spec, [r[1] for r in rows]))
            left -= len(rows)
        if left == 0:
            next_key = {"table": tbl, "after": rows[-1][0]}
            break
    return f'{{"version":{at},"next":{_dumps(next_key)},"tables":[{",".join(groups)}]}}'.encode()


def checksum(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def shop_rows(conn, shop_id: str, table: str) -> dict[str, dict]:
    """Every row of one table of a shop (tests and tools compare tills against this)."""
    return {row_id: data for row_id, data in conn.execute(
        "SELECT id, data FROM sync_row WHERE shop_id = %s AND tbl = %s", (shop_id, table))}


def now_text() -> str:
    return dt.datetime.now(dt.UTC).isoformat()
