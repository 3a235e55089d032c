"""Head-office edits: the admin API's reads and writes of head-office tables, applied as decided, stamped
with the head office's clock, versioned like any change, and pulled by every till of the shop."""

from __future__ import annotations

import psycopg

from central import roles, staff, validate, wire
from central.batch import (
    HQ,
    HQ_CLOCK,
    Batch,
    ConflictError,
    NotFoundError,
    clashes_of,
    flush,
    load_keys,
    load_rows,
    lock_shop,
    move_keys,
)
from central.tables import OFFICE, TABLE_ORDER, TABLES, InvalidRow, TableSpec, normalise_row, unique_values
from db.ids import new_id
from db.text import normalise_name


def _office_spec(table: str) -> TableSpec:
    spec = TABLES.get(table)
    if spec is None or spec.policy != OFFICE:
        offices = ", ".join(t for t in TABLE_ORDER if TABLES[t].policy == OFFICE)
        raise NotFoundError(f"'{table}' is not a head-office table (those are: {offices})")
    return spec


def _natural_to_wire(table: str, values: dict) -> dict:
    """Head-office input is natural values (JSON settings as JSON, times as ISO text); convert them to the
    column values a till stores (the wire schema's formats, central/wire.py)."""
    columns = TABLES[table].columns
    out = {}
    for column, value in values.items():
        col = columns.get(column)
        if col is None:
            raise InvalidRow(f"{table} has no column '{column}'")
        if column in ("server_version", "updated_at"):
            raise InvalidRow(f"{column} is kept by the central store")
        if col.kind == "json":
            out[column] = wire.json_text(value)
        elif col.kind == "time" and value is not None:
            try:
                out[column] = wire.time_text(value if isinstance(value, str) else str(value))
            except (ValueError, TypeError):
                raise InvalidRow(f"{table}.{column} must be an ISO date-time") from None
        else:
            out[column] = value
    if "name" in out and "name_norm" in columns and "name_norm" not in values and isinstance(out["name"], str):
        out["name_norm"] = normalise_name(out["name"])
    return out


def admin_rows(conn, shop_id: str, table: str, after: str, limit: int, include_deleted: bool) -> list[dict]:
    _office_spec(table)
    rows = conn.execute(
        "SELECT data FROM sync_row WHERE shop_id = %s AND tbl = %s AND id > %s "
        + ("" if include_deleted else "AND data->>'deleted_at' IS NULL ") + "ORDER BY id LIMIT %s",
        (shop_id, table, after, limit)).fetchall()
    return [r[0] for r in rows]


def admin_row(conn, shop_id: str, table: str, row_id: str) -> dict:
    _office_spec(table)
    row = conn.execute("SELECT data FROM sync_row WHERE shop_id = %s AND tbl = %s AND id = %s",
                       (shop_id, table, row_id)).fetchone()
    if row is None:
        raise NotFoundError(f"no {table} with id {row_id}")
    return row[0]


def admin_write(conn: psycopg.Connection, shop_id: str, table: str, row_id: str | None, values: dict,
                *, delete: bool = False) -> dict:
    """A head-office edit (insert, partial update, or tombstone): applied as decided, stamped with the
    head office's clock, versioned like any change, and pulled by every till of the shop."""
    spec = _office_spec(table)
    if not isinstance(values, dict):
        raise InvalidRow("the body must be an object of column values")
    if table == "user":
        values = staff.admin_values(conn, shop_id, row_id, values)  # a clear PIN hashed as tills do
    given = _natural_to_wire(table, values)
    if row_id is None:
        row_id = str(given.get("id") or new_id())
    if given.get("id", row_id) != row_id:
        raise InvalidRow("the id in the body differs from the id in the path")
    batch = Batch(shop_id, lock_shop(conn, shop_id))
    roles.seeding_over(conn, shop_id)
    load_rows(conn, batch, [(table, row_id)])
    current = batch.rows.get((table, row_id))
    if current is None and delete:
        raise NotFoundError(f"no {table} with id {row_id}")
    base = dict(current.data) if current else {}
    base.update(given)
    base["id"] = row_id
    stamp = HQ_CLOCK.now()
    base["updated_at"] = stamp
    if delete:
        base["deleted_at"] = wire.now_text()
    data = normalise_row(spec, base)
    missing = [c for c, col in spec.columns.items() if data[c] is None and not col.nullable]
    if missing:
        raise InvalidRow(f"a new {table} needs {', '.join(missing)}")
    try:
        validate.check_row(spec, data)
    except validate.Refused as exc:
        raise InvalidRow(str(exc)) from None
    for column, target in spec.references.items():
        ref = data.get(column)
        if ref is not None and (target, ref) not in batch.rows:
            load_rows(conn, batch, [(target, ref)])
            if (target, ref) not in batch.rows:
                raise InvalidRow(f"{column} {ref!r} is not a {target} of this shop")
    wanted = {(table, k, v) for k, v in unique_values(spec, data)}
    if current:
        wanted |= {(table, k, v) for k, v in unique_values(spec, current.data)}
    load_keys(conn, batch, wanted)
    clashes = clashes_of(batch, spec, row_id, data)
    if clashes:
        raise ConflictError(", ".join(f"{k} {v!r}" for k, v, _ in clashes)
                            + f" already belongs to another {table.replace('_', ' ')}")
    move_keys(batch, spec, row_id, current.data if current else None, data)
    batch.write(table, row_id, data, None, HQ)
    flush(conn, batch, [])
    return batch.rows[(table, row_id)].data
