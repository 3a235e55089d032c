"""The till defends itself against what it pulls (ARCHITECTURE.md, "Trust").

A pulled row this till could not store or read back (a JSON column that does not parse, a time that is
not a time, data that does not decode, a missing required value, a malformed clock stamp) is kept aside
in ``pulled_quarantine`` with the reason, for a manager to see, and the rest of the page is applied: the
cursor moves on, and one bad row never stops a till from starting, selling or syncing.

Also here: putting a local copy back to the shop's truth after the central store refused this till's
change of head-office data (a counter till): an edit comes back with the next pull (the store sends its
row again); a row the store never held is withdrawn here (tombstoned, without an outbox entry).
"""

from __future__ import annotations

import datetime as dt
import json
import logging

from peewee import AutoField, BigIntegerField, BlobField, BooleanField, CharField, IntegerField, TextField

from db import hlc
from db.fields import JSONField, UTCDateTimeField, parse_utc
from db.ids import utcnow
from db.models import MODELS_BY_TABLE, LocalModel, database

log = logging.getLogger(__name__)
BAD = object()  # a value that could not even be decoded (undecodable base64)
# central/roles.py puts these words in every refusal of head-office data from a counter till.
ROLE_REFUSAL = "is head-office data"
_TIME = UTCDateTimeField()


class PulledQuarantine(LocalModel):
    id = AutoField()
    at = UTCDateTimeField(default=utcnow)
    table_name = CharField()
    row_id = CharField()
    reason = TextField()
    data = TextField()

    class Meta:
        table_name = "pulled_quarantine"


def _json_ok(value) -> str | None:
    if not isinstance(value, str):
        return "is not JSON text"
    try:
        json.loads(value)
    except (ValueError, RecursionError):
        return "is not JSON"
    return None


def _time_ok(value) -> str | None:
    if not isinstance(value, str):
        return "is not a time"
    try:
        parse_utc(value)
    except (ValueError, TypeError):
        return "is not an ISO 8601 time"
    return None


def _int_ok(value) -> str | None:
    return None if isinstance(value, int) else "is not a whole number"


def _blob_ok(value) -> str | None:
    return None if isinstance(value, bytes | bytearray | memoryview) else "is not decodable data"


def _stamp_ok(value) -> str | None:
    return None if value == "" or hlc.well_formed(value) else "is not a hybrid clock stamp"


def _checks(table) -> list[tuple[int, str, bool, object]]:
    """(column index, column name, nullable, check) for the columns a bad value could break."""
    cached = getattr(table, "_quarantine_checks", None)
    if cached is not None:
        return cached
    out = []
    for i, f in enumerate(table.fields):
        if i == 0:
            continue
        if f.column_name == "updated_at" and table.synced:
            check = _stamp_ok
        elif isinstance(f, JSONField):
            check = _json_ok
        elif isinstance(f, UTCDateTimeField):
            check = _time_ok
        elif isinstance(f, BlobField):
            check = _blob_ok
        elif isinstance(f, IntegerField | BigIntegerField | BooleanField):
            check = _int_ok
        elif not f.null:
            check = None  # text: only its presence is checked
        else:
            continue
        out.append((i, f.column_name, bool(f.null), check))
    table._quarantine_checks = out
    return out


def screen(table, rows: list[list]) -> list[list]:
    """The rows this till can store and read; the others are quarantined (in the caller's transaction)."""
    checks = _checks(table)
    bad: list[tuple[list, str]] = []
    good = []
    for row in rows:
        reason = None
        row_id = row[0]
        if not isinstance(row_id, str) or not 0 < len(row_id) <= 64:
            reason = "its id is not text of 1 to 64 characters"
        else:
            for i, column, nullable, check in checks:
                value = row[i]
                if value is None:
                    if not nullable:
                        reason = f"{column} is missing"
                        break
                    continue
                if value is BAD:
                    reason = f"{column} does not decode"
                    break
                if check is not None:
                    problem = check(value)
                    if problem:
                        reason = f"{column} {problem}"
                        break
        if reason is None:
            good.append(row)
        else:
            bad.append((row, reason))
    if bad:
        _keep(table, bad)
    return good


def _keep(table, bad: list[tuple[list, str]]) -> None:
    now = _TIME.db_value(utcnow())
    records = []
    for row, reason in bad:
        shown = {c: (None if v is BAD else v if not isinstance(v, bytes | bytearray | memoryview)
                     else f"<{len(v)} bytes>") for c, v in zip(table.columns, row, strict=False)}
        text = json.dumps(shown, default=str, ensure_ascii=False)[:10000]
        records.append((now, table.name, str(row[0])[:255], reason, text))
        log.warning("sync: quarantined pulled %s %.64r: %s", table.name, row[0], reason)
    database.cursor().executemany(
        'INSERT INTO "pulled_quarantine" ("at", "table_name", "row_id", "reason", "data") VALUES (?, ?, ?, ?, ?)',
        records)


def write(write_rows, table, rows: list[list], local) -> list[list]:
    """``write_rows(table, rows, local)`` (apply.py's writer); should SQLite refuse the page (a value it
    cannot bind, a constraint), the rows are written one by one and the ones it refuses are set aside.
    Returns the rows written. Errors of the file itself (locked, disk full) are not caught."""
    from sqlcipher3 import dbapi2 as sqlcipher

    refused_kinds = (sqlcipher.InterfaceError, sqlcipher.IntegrityError, sqlcipher.ProgrammingError,
                     sqlcipher.DataError)
    try:
        write_rows(table, rows, local)
        return rows
    except refused_kinds:
        pass
    written, bad = [], []
    for row in rows:  # upserts and inserts-or-ignore: rows already written by the failed attempt are fine
        try:
            write_rows(table, [row], local)
            written.append(row)
        except refused_kinds as exc:
            bad.append((row, f"the till's database refused it: {exc}"))
    if bad:
        _keep(table, bad)
    return written


def newest_stamp(rows: list[list], at: int) -> str:
    """The newest clock stamp among ``rows`` this till may adopt (never a malformed or far-future one)."""
    now = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
    best = ""
    for row in rows:
        stamp = row[at]
        if stamp and stamp > best and hlc.acceptable(stamp, now):
            best = stamp
    return best


def restore_refused(refused: list[tuple[str, str, str]]) -> int:
    """After the store refused this till's change of head-office data: withdraw rows the store never held
    (the next pull brings back the store's version of the others). ``refused``: (table, row id, reason).
    Returns how many rows were withdrawn."""
    withdrawn = 0
    now = _TIME.db_value(utcnow())
    for table, row_id, reason in refused:
        if ROLE_REFUSAL not in (reason or "") or table not in MODELS_BY_TABLE:
            continue
        cursor = database.execute_sql(
            f'UPDATE "{table}" SET deleted_at = ? WHERE id = ? AND server_version IS NULL AND deleted_at IS NULL',
            (now, row_id))
        withdrawn += cursor.rowcount
    return withdrawn


def pulled_problems(limit: int = 500) -> list[PulledQuarantine]:
    return list(PulledQuarantine.select().order_by(PulledQuarantine.id.desc()).limit(limit))


def pulled_count() -> int:
    return PulledQuarantine.select().count()


def problem_count() -> int:
    """Pulled rows kept aside plus groups of staff sharing a PIN: what a manager must look at."""
    from app.auth import pin_clashes

    return pulled_count() + len(pin_clashes())
