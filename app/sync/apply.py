"""Applying rows pulled from the central store to the till's database.

A page (a pull page or a snapshot page) is applied together with the position it brings the till to, in
ONE SQLite transaction: after a crash either both are there or neither, so the cursor is never ahead of
the data. Applying is idempotent: bills, lines, payments, loyalty entries and conflict records are
inserted once (``ON CONFLICT DO NOTHING``), every other row is upserted to the central store's version.

Decided by the central store, with two local exceptions:
- a column this till changed and has not pushed yet keeps the local value (the push that follows lets the
  central store decide, and the pull after it brings the decision);
- a local row the central store refused can hold a unique value (a phone, a code) that a pulled row now
  claims: the local row gives it up (nullable columns become NULL, text gets a suffix) and the conflict is
  logged. Its change stays quarantined in the outbox for a manager to see.
"""

from __future__ import annotations

import base64
import logging
import operator
import re
from dataclasses import dataclass, field

from app import stats
from app.sync import quarantine, state
from db import hlc
from db.ids import new_id, utcnow
from db.models import (
    MODELS_BY_TABLE,
    Bill,
    BillLine,
    ConflictLog,
    LocalConfig,
    LoyaltyEntry,
    Payment,
    SyncedModel,
    database,
)

log = logging.getLogger(__name__)
_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


@dataclass
class Applied:
    rows: int = 0
    by_table: dict = field(default_factory=dict)
    new_bills: int = 0
    conflicts: int = 0


class _Table:
    """How one local table takes pulled rows: column order, statements, which columns are blobs."""

    _cache: dict[str, _Table] = {}

    def __init__(self, model):
        meta = model._meta
        self.model = model
        self.name = meta.table_name
        self.fields = list(meta.sorted_fields)
        self.columns = [f.column_name for f in self.fields]
        self.append_only = getattr(model, "append_only", False) or model is ConflictLog
        self.synced = issubclass(model, SyncedModel)
        cols = ", ".join(f'"{c}"' for c in self.columns)
        marks = ", ".join("?" * len(self.columns))
        if self.append_only:
            # Written once; but the store's version wins over a local row with the same id and other
            # content: a second void of one sale made here and refused (its record stays quarantined in
            # the outbox for the manager), a bill the store kept under a marked receipt number.
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in self.columns if c != "id")
            differs = " OR ".join(f'"{self.name}"."{c}" IS NOT excluded."{c}"' for c in self.columns
                                  if c not in ("id", "server_version"))
            tail = f'ON CONFLICT ("id") DO UPDATE SET {sets} WHERE {differs}'
        else:
            sets = ", ".join(f'"{c}" = excluded."{c}"' for c in self.columns if c != "id")
            tail = f'ON CONFLICT ("id") DO UPDATE SET {sets}'
        self.sql = f'INSERT INTO "{self.name}" ({cols}) VALUES ({marks}) {tail}'
        self.pick = operator.itemgetter(*self.columns)
        self.defaults = []
        for f in self.fields:
            if f.default is None:
                self.defaults.append(None)
            else:
                self.defaults.append(f.db_value(f.default() if callable(f.default) else f.default))

    @classmethod
    def get(cls, name: str) -> _Table | None:
        if name not in cls._cache:
            model = MODELS_BY_TABLE.get(name)
            if model is None or not (issubclass(model, SyncedModel) or model is ConflictLog):
                return None
            cls._cache[name] = cls(model)
        return cls._cache[name]

    def rows_from(self, columns: list[str], rows: list) -> list[list]:
        """Pulled rows (column -> value objects, or lists in the store's column order) as lists in this
        table's column order; a column the store does not send gets the local default."""
        if rows and isinstance(rows[0], dict):
            out = []
            pick = self.pick
            for row in rows:
                try:
                    out.append(list(pick(row)))
                except KeyError:  # a row stored before the store knew a column: the local default
                    out.append([row.get(c, d) for c, d in zip(self.columns, self.defaults, strict=True)])
        elif columns == self.columns:
            out = rows
        else:
            index = {c: i for i, c in enumerate(columns)}
            picks = [index.get(c) for c in self.columns]
            out = [[row[i] if i is not None else d for i, d in zip(picks, self.defaults, strict=True)]
                   for row in rows]
        for i, f in enumerate(self.fields):
            if f.field_type == "BLOB":
                for row in out:
                    value = row[i]
                    if isinstance(value, dict):
                        try:
                            row[i] = base64.b64decode(value.get("$b64", ""), validate=True)
                        except (ValueError, TypeError):  # binascii.Error: quarantine.screen keeps it aside
                            row[i] = quarantine.BAD
        return out


def pending_columns() -> dict[tuple[str, str], set[str]]:
    """(table, row id) -> the columns this till changed and has not pushed yet."""
    out: dict[tuple[str, str], set[str]] = {}
    import json

    for table, row_id, fields in database.execute_sql(
            "SELECT table_name, row_id, fields FROM outbox WHERE state = 'pending'"):
        out.setdefault((table, row_id), set()).update(json.loads(fields))
    return out


def _local_rows(table: _Table, ids: list[str]) -> dict[str, tuple]:
    """The till's current version of these rows (those it has), by id."""
    select = ", ".join(f'"{c}"' for c in table.columns)
    found: dict[str, tuple] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in database.execute_sql(f'SELECT {select} FROM "{table.name}" WHERE id IN ({marks})', chunk):
            found[row[0]] = row
    return found


def _overlay(table: _Table, rows: list[list], pending: dict, local: dict[str, tuple]) -> None:
    """Keep the local value of every column with a change still waiting to be pushed."""
    for row in rows:
        columns = pending.get((table.name, row[0]))
        mine = local.get(row[0])
        if not columns or mine is None:
            continue
        for i, column in enumerate(table.columns):
            if column in columns or column == "updated_at" and (mine[i] or "") > (row[i] or ""):
                row[i] = mine[i]


def _give_way(table: _Table, row: list, message: str) -> bool:
    """A pulled row clashes on a unique column with a different local row: that local row (one the central
    store does not hold) gives the value up. Returns False if nothing could be moved."""
    match = _UNIQUE.search(message)
    if not match:
        return False
    columns = [part.strip().split(".", 1)[1] for part in match.group(1).split(",")]
    positions = [table.columns.index(c) for c in columns]
    where = " AND ".join(f'"{c}" = ?' for c in columns)
    holder = database.execute_sql(f'SELECT id FROM "{table.name}" WHERE {where} AND id <> ?',
                                  [row[p] for p in positions] + [row[0]]).fetchone()
    if holder is None:
        return False
    holder_id = holder[0]
    fields = {f.column_name: f for f in table.fields}
    if len(columns) == 1 and fields[columns[0]].null:
        database.execute_sql(f'UPDATE "{table.name}" SET "{columns[0]}" = NULL WHERE id = ?', (holder_id,))
    elif len(columns) == 1 and fields[columns[0]].field_type in ("VARCHAR", "TEXT"):
        database.execute_sql(f'UPDATE "{table.name}" SET "{columns[0]}" = "{columns[0]}" || ? WHERE id = ?',
                             (f"~{holder_id[-8:]}", holder_id))
    else:
        database.execute_sql(f'DELETE FROM "{table.name}" WHERE id = ?', (holder_id,))
    value = row[positions[0]] if len(columns) == 1 else [row[p] for p in positions]
    ConflictLog.insert(id=new_id(), at=utcnow(), table_name=table.name, row_id=holder_id, field="+".join(columns),
                       winner={"kept_by": row[0], "value": value}, loser=value, winner_stamp="",
                       loser_stamp="").execute()
    log.warning("sync: local %s %s gave up its %s to the central store's row %s", table.name, holder_id,
                "+".join(columns), row[0])  # the value may be a phone or an email: never in the log
    return True


def make_unique(table_name: str, columns: list[str]) -> int:
    """Rows sharing values a unique index is about to require: the row the store versioned last keeps
    them, the others give way as in _give_way (and the conflict is logged). Returns how many gave way."""
    table = _Table.get(table_name)
    cols = ", ".join(f'"{c}"' for c in columns)
    not_null = " AND ".join(f'"{c}" IS NOT NULL' for c in columns)
    moved = 0
    for values in database.execute_sql(f'SELECT {cols} FROM "{table_name}" WHERE {not_null} GROUP BY {cols} '
                                       "HAVING count(*) > 1").fetchall():
        where = " AND ".join(f'"{c}" = ?' for c in columns)
        ids = [r[0] for r in database.execute_sql(
            f'SELECT id FROM "{table_name}" WHERE {where} ORDER BY server_version DESC, id', values)]
        keeper = [None] * len(table.columns)
        keeper[0] = ids[0]
        for c, v in zip(columns, values, strict=True):
            keeper[table.columns.index(c)] = v
        message = "UNIQUE constraint failed: " + ", ".join(f"{table_name}.{c}" for c in columns)
        for _ in ids[1:]:
            moved += _give_way(table, keeper, message)
    return moved


def _write(table: _Table, rows: list[list], local: dict[str, tuple] | None = None) -> None:
    """Insert new rows; for rows the till has (``local``), update only the columns that differ, grouped by
    the set of columns: an index is rewritten only when one of its own columns changed."""
    cursor = database.cursor()
    if local is None:
        _execute(cursor, table.sql, rows, table)
        return
    new, changes = [], {}
    for row in rows:
        mine = local.get(row[0])
        if mine is None:
            new.append(row)
            continue
        changed = tuple(i for i in range(1, len(row)) if row[i] != mine[i])
        if changed:
            changes.setdefault(changed, []).append([row[i] for i in changed] + [row[0]])
    if new:
        _execute(cursor, table.sql, new, table)
    for changed, values in changes.items():
        sets = ", ".join(f'"{table.columns[i]}" = ?' for i in changed)
        _execute(cursor, f'UPDATE "{table.name}" SET {sets} WHERE id = ?', values, table,
                 as_row=lambda v, changed=changed: _full_row(table, v, changed, local))


def _full_row(table: _Table, values: list, changed: tuple, local: dict) -> list:
    row = list(local[values[-1]])
    for i, value in zip(changed, values, strict=False):
        row[i] = value
    return row


def _execute(cursor, sql: str, rows: list[list], table: _Table, as_row=None) -> None:
    """executemany; on a unique clash, row by row, the local holder of the value giving way."""
    try:
        cursor.executemany(sql, rows)
        return
    except Exception as exc:  # sqlcipher3.IntegrityError: a unique clash
        if "UNIQUE constraint failed" not in str(exc):
            raise
    for values in rows:
        for _ in range(5):
            try:
                cursor.execute(sql, values)
                break
            except Exception as exc:
                full = as_row(values) if as_row else values
                if "UNIQUE constraint failed" not in str(exc) or not _give_way(table, full, str(exc)):
                    raise


def apply_groups(groups: list[dict], *, rebuild_stats: bool = True, fresh: bool = False) -> Applied:
    """Apply pulled rows (inside the caller's transaction). ``rebuild_stats`` False leaves customer
    figures for a later ``rebuild_all_stats`` (a snapshot lists all bills before all their lines).
    ``fresh``: the rows are new to this till (a snapshot page of an empty till): no local rows to compare."""
    result = Applied()
    pending = pending_columns()
    newest_stamp = ""
    new_bill_ids: list[str] = []
    touched_customers: set[str] = set()
    child_bill_ids: set[str] = set()
    for group in groups:
        table = _Table.get(group["table"])
        if table is None:
            log.warning("sync: skipping rows of unknown table %s", group["table"])
            continue
        rows = quarantine.screen(table, table.rows_from(group["columns"], group["rows"]))
        if not rows:
            continue
        local = None
        if not table.append_only and not fresh:
            local = _local_rows(table, [r[0] for r in rows])
            if pending:
                _overlay(table, rows, pending, local)
        if table.synced:
            at = table.columns.index("updated_at")
            newest_stamp = max(newest_stamp, quarantine.newest_stamp(rows, at))
        if table.name == "bill" and rebuild_stats:
            ids = [r[0] for r in rows]
            existing = _existing_ids("bill", ids)
            new_bill_ids.extend(i for i in ids if i not in existing)
            child_bill_ids.update(existing)  # held already: the store's version may differ (recomputed)
        elif table.name in ("bill_line", "payment", "loyalty_entry") and rebuild_stats:
            ids = [r[0] for r in rows]
            existing = _existing_ids(table.name, ids)
            bill_at = table.columns.index("bill_id")
            for r in rows:
                if r[0] in existing and table.name != "loyalty_entry":
                    continue
                if r[bill_at] is not None:
                    child_bill_ids.add(r[bill_at])
                elif table.name == "loyalty_entry":
                    touched_customers.add(r[table.columns.index("customer_id")])
        if table.name == "customer" and rebuild_stats:
            touched_customers.update(_merges_changed(table, rows, local))
        rows = quarantine.write(_write, table, rows, local)  # a row SQLite refuses is set aside, not fatal
        if table.name == "customer":
            _forget_erased(table, rows)
        result.rows += len(rows)
        result.by_table[table.name] = result.by_table.get(table.name, 0) + len(rows)
        if table.name == "conflict_log":
            result.conflicts += len(rows)
    if newest_stamp:
        hlc.clock.observe(newest_stamp)
        if newest_stamp > state.load().hlc_seen:
            state.save(hlc_seen=newest_stamp)
    if rebuild_stats:
        result.new_bills = _apply_bill_stats(new_bill_ids, child_bill_ids, touched_customers)
    if rebuild_stats and ("bill_line" in result.by_table or "bill" in result.by_table):
        from app import over_returns  # a line returned on two tills before they synced: both stand, flagged

        over_returns.flag_over_returns()
    return result


def _forget_erased(table: _Table, rows: list[list]) -> None:
    """Erasure reaches this till's own conflict records too (those it logged when a local row gave way):
    they lose the values about an erased customer and the customers merged into it."""
    at = table.columns.index("erased_at")
    erased = [r[0] for r in rows if r[at] is not None]
    for start in range(0, len(erased), 500):
        chunk = erased[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        database.execute_sql(
            "UPDATE conflict_log SET winner = NULL, loser = NULL WHERE (winner IS NOT NULL OR loser IS NOT NULL) "
            f"AND (row_id IN ({marks}) OR row_id IN (SELECT id FROM customer WHERE merged_into_id IN ({marks})))",
            chunk + chunk)


def _merges_changed(table: _Table, rows: list[list], local: dict[str, tuple]) -> set[str]:
    """Customers whose ``merged_into`` a pulled row changes (a merge or its undo on another till): their
    figures, and the survivor's, count different bills now."""
    at = table.columns.index("merged_into_id")
    changed = set()
    for row in rows:
        before = local[row[0]][at] if row[0] in local else None
        if before != row[at]:
            changed.update(c for c in (row[0], row[at], before) if c)
    return changed


def _existing_ids(table: str, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        found.update(r[0] for r in database.execute_sql(f'SELECT id FROM "{table}" WHERE id IN ({marks})', chunk))
    return found


def _apply_bill_stats(new_bill_ids: list[str], child_bill_ids: set[str], touched: set[str]) -> int:
    """Customer figures for bills that just arrived (app/stats.apply_bill, in this transaction); a line,
    payment or loyalty entry that arrived after its bill had landed has its customer's figures rebuilt."""
    new = set(new_bill_ids)
    for start in range(0, len(new_bill_ids), 500):
        chunk = new_bill_ids[start:start + 500]
        bills = list(Bill.select().where(Bill.id.in_(chunk)))
        lines: dict[str, list] = {}
        for line in BillLine.select().where(BillLine.bill.in_(chunk)):
            lines.setdefault(line.bill_id, []).append(line)
        payments: dict[str, list] = {}
        for payment in Payment.select().where(Payment.bill.in_(chunk)):
            payments.setdefault(payment.bill_id, []).append(payment)
        points: dict[str, int] = {}
        for entry in LoyaltyEntry.select(LoyaltyEntry.bill, LoyaltyEntry.points).where(LoyaltyEntry.bill.in_(chunk)):
            points[entry.bill_id] = points.get(entry.bill_id, 0) + entry.points
        merged = _merged_customers({b.customer_id for b in bills if b.customer_id})
        for bill in bills:
            if bill.customer_id in merged:
                # a merged customer's bills count for the customer it was merged into (app/stats.bill_owners)
                touched.update(merged[bill.customer_id])
                continue
            stats.apply_bill(bill, lines.get(bill.id, []), payments.get(bill.id, []), points.get(bill.id, 0))
    late = [b for b in child_bill_ids if b not in new]
    for start in range(0, len(late), 500):
        chunk = late[start:start + 500]
        touched.update(b.customer_id for b in Bill.select(Bill.customer).where(Bill.id.in_(chunk))
                       if b.customer_id)
    for customer_id in touched:
        stats.refresh(customer_id)  # and the customer its bills count for, up a merge chain
    return len(new_bill_ids)


def _merged_customers(ids: set[str]) -> dict[str, list[str]]:
    """For each of ``ids`` merged into another customer: itself and the customers up its merge chain."""
    out = {}
    ids = list(ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for row_id, target in database.execute_sql(
                f"SELECT id, merged_into_id FROM customer WHERE id IN ({marks}) AND merged_into_id IS NOT NULL", chunk):
            chain = [row_id]
            while target and target not in chain and len(chain) < 50:
                chain.append(target)
                row = database.execute_sql("SELECT merged_into_id FROM customer WHERE id = ?", (target,)).fetchone()
                target = row[0] if row else None
            out[row_id] = chain
    return out


def rebuild_all_stats() -> int:
    """Every customer with bills or points gets figures rebuilt from the ledger (after a snapshot)."""
    ids = {r[0] for r in database.execute_sql("SELECT DISTINCT customer_id FROM bill WHERE customer_id IS NOT NULL")}
    ids |= {r[0] for r in database.execute_sql("SELECT DISTINCT customer_id FROM loyalty_entry")}
    for customer_id in ids:
        stats.recompute(customer_id)
    return len(ids)


def set_state(key: str, value) -> None:
    LocalConfig.insert(key=key, value=value).on_conflict_replace().execute()
