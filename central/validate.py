"""Every pushed value checked for meaning before it is stored (ARCHITECTURE.md, "Trust").

``central/tables.py`` checks that a value has the column's type; this module checks that every till of
the shop can store and read it: JSON columns parse (bounded size and depth), times are ISO 8601 UTC within
sane bounds, clock stamps are well formed and not far ahead of the server's clock, ``$b64`` data decodes
(images capped and of a real image type), text is valid Unicode within length caps, money and quantities
are in range, and references name a row of the shop or of the same push. A counter till's change of
head-office data is refused (central/roles.py), and a ``server_version`` a till claims is never trusted
beyond what the store has sent it.

A refused change is answered "rejected" with the reason; the till quarantines it, and where the store
holds the row, the store's row is sent to the till again so its copy goes back to the shop's truth.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import re
import time

from central import roles
from central.batch import text_array
from central.tables import APPEND, TABLES, TableSpec
from central.wire import parse_utc
from db.hlc import format_stamp

# A stamp: 13-digit wall milliseconds, 5-digit counter, a node id (a till id, "hq").
STAMP = re.compile(r"(\d{13})-(\d{5})-([A-Za-z0-9_.:-]{1,64})")
# How far ahead of the server's clock a pushed stamp may be; a change stamped later is re-stamped at the
# server's clock (it still applies: a till with a wrong clock never loses a sale or a customer).
MAX_AHEAD_MS = int(float(os.environ.get("POS_CENTRAL_MAX_CLOCK_AHEAD_S", "600")) * 1000)
TIME_MIN = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
TIME_AHEAD = dt.timedelta(days=7)  # a till's wall clock may be off; a sale dated next year is garbage
TEXT_CAP = 2000
LONG_TEXT = {"notes": 20000, "description": 4000, "instructions": 4000, "pin_hash": 512}
JSON_CAP = 256 * 1024
JSON_DEPTH = 32
BLOB_CAP = 2 * 1024 * 1024
MONEY_MAX = 10**13  # minor units: 100 billion in major units
QUANTITY_MAX = 10**6
NOT_NEGATIVE = {("item", "price"), ("price_list_entry", "price"), ("customer_item_price", "price"),
                ("loyalty_tier", "min_spend")}
BASIS_POINTS = {"discount_bp", "tax_rate_bp", "bill_discount_bp"}
ROLES = {"cashier", "manager"}
# JSON columns whose value is a list of text / an object.
JSON_LISTS = {"tags", "allergens", "allergens_confirmed", "choices"}
JSON_OBJECTS = {"preferences_applied"}
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
IMAGE_COLUMNS = {("customer", "photo")}


class Refused(ValueError):
    pass


def utf8_ok(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def json_depth(value, limit: int = JSON_DEPTH) -> int:
    """Nesting depth of a parsed JSON value (stops counting past ``limit``)."""
    depth, level = 0, [value]
    while level and depth <= limit:
        depth += 1
        nxt = []
        for node in level:
            if isinstance(node, dict):
                nxt.extend(v for v in node.values() if isinstance(v, dict | list))
            elif isinstance(node, list):
                nxt.extend(v for v in node if isinstance(v, dict | list))
        level = nxt
    return depth


def stamp_limit_ms() -> int:
    return int(time.time() * 1000) + MAX_AHEAD_MS


def _check_text(where: str, value: str, cap: int) -> None:
    if len(value) > cap:
        raise Refused(f"{where} is {len(value)} characters long; at most {cap} are kept")
    if not utf8_ok(value):
        raise Refused(f"{where} is not valid Unicode text (it holds a lone surrogate)")


def _check_json(spec: TableSpec, column: str, where: str, value: str) -> None:
    _check_text(where, value, JSON_CAP)
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        raise Refused(f"{where} is not JSON") from None
    if json_depth(parsed) > JSON_DEPTH:
        raise Refused(f"{where} is JSON nested deeper than {JSON_DEPTH} levels")
    if column in JSON_LISTS and not (isinstance(parsed, list) and all(isinstance(v, str) for v in parsed)):
        raise Refused(f"{where} must be a JSON list of text")
    if column in JSON_OBJECTS and not isinstance(parsed, dict):
        raise Refused(f"{where} must be a JSON object")


def _check_time(where: str, value: str) -> None:
    try:
        moment = parse_utc(value)
    except (ValueError, TypeError):
        raise Refused(f"{where} {value[:40]!r} is not an ISO 8601 UTC time") from None
    if moment.utcoffset() != dt.timedelta(0):
        raise Refused(f"{where} must be in UTC")
    if not TIME_MIN <= moment <= dt.datetime.now(dt.UTC) + TIME_AHEAD:
        raise Refused(f"{where} {value[:40]!r} is out of range")


def _check_blob(table: str, column: str, where: str, value: dict) -> None:
    if set(value) != {"$b64"}:
        raise Refused(f"{where} must be {{\"$b64\": ...}} only")
    text = value["$b64"]
    if len(text) > BLOB_CAP * 4 // 3 + 8:
        raise Refused(f"{where} is larger than {BLOB_CAP // 1024} KB")
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(f"{where} is not base64") from None
    if (table, column) in IMAGE_COLUMNS and data and not (
            data.startswith(_IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        raise Refused(f"{where} is not a PNG, JPEG, GIF or WebP image")


def _check_int(table: str, column: str, where: str, value: int) -> None:
    if column in ("server_version",):
        return
    if (table, column) in NOT_NEGATIVE and value < 0:
        raise Refused(f"{where} cannot be negative")
    if column in BASIS_POINTS or column.endswith("_bp"):
        if not 0 <= value <= 10000:
            raise Refused(f"{where} must be between 0 and 10000 basis points (0-100%)")
    elif column == "quantity":
        if abs(value) > QUANTITY_MAX:
            raise Refused(f"{where} must be a quantity of at most {QUANTITY_MAX}")
    elif abs(value) > MONEY_MAX:
        raise Refused(f"{where} is out of range")


def check_row(spec: TableSpec, row: dict) -> None:
    """Refused with the first value of ``row`` (a normalised row) no till could store or read."""
    table = spec.name
    for column, col in spec.columns.items():
        value = row.get(column)
        if value is None:
            continue
        where = f"{table}.{column}"
        kind = col.kind
        if column == "updated_at":
            if value != "" and not STAMP.fullmatch(value):
                raise Refused(f"{where} {value[:40]!r} is not a hybrid clock stamp")
        elif kind == "json":
            _check_json(spec, column, where, value)
        elif kind == "time":
            _check_time(where, value)
        elif kind in ("text", "fk"):
            _check_text(where, value, 64 if kind == "fk" else LONG_TEXT.get(column, TEXT_CAP))
        elif kind == "blob":
            _check_blob(table, column, where, value)
        elif kind == "int" and type(value) is int:
            _check_int(table, column, where, value)
    if table == "user" and row.get("role") not in ROLES:
        raise Refused(f"user.role must be one of {', '.join(sorted(ROLES))}")


def clamp_stamp(stamp: str, limit_ms: int) -> str:
    """A stamp no later than the server's clock allows (the node kept: ties still break by till)."""
    match = STAMP.fullmatch(stamp)
    if match is None or int(match.group(1)) <= limit_ms:
        return stamp
    return format_stamp(int(time.time() * 1000), 0, match.group(3))


def screen(conn, batch, till_id: str, ops: dict, invalid: dict[str, str]) -> roles.TillRole:
    """Check the parsed ops of one push (inside its transaction): the ones refused go to ``invalid``
    (op id -> reason); the others have their stamps and claimed versions bounded. Returns the till's role."""
    todo = [op for op_id, op in ops.items() if op_id not in invalid]
    role = roles.till_role(conn, batch.shop_id, till_id, batch.version, {op.table for op in todo})
    limit_ms = stamp_limit_ms()
    refused_rows: set[tuple[str, str]] = set()
    for op in todo:
        spec = TABLES[op.table]
        reason = roles.refusal(role, op.table)
        if reason is None:
            try:
                if not STAMP.fullmatch(op.hlc):
                    raise Refused(f"{op.hlc[:40]!r} is not a hybrid clock stamp")
                if op.refused is not None:  # found as the op was parsed (central/rowcheck.py)
                    raise Refused(op.refused)
            except Refused as exc:
                reason = str(exc)
        if reason is not None:
            invalid[op.op_id] = reason
            refused_rows.add((op.table, op.row_id))
            continue
        claimed = op.payload.get("server_version")
        if isinstance(claimed, int) and not isinstance(claimed, bool):
            op.payload["server_version"] = max(0, min(claimed, role.served_version))
        if spec.policy != APPEND:
            op.hlc = clamp_stamp(op.hlc, limit_ms)
            if op.payload.get("updated_at"):
                op.payload["updated_at"] = clamp_stamp(op.payload["updated_at"], limit_ms)
    _check_references(conn, batch, [op for op in todo if op.op_id not in invalid], invalid, refused_rows)
    _send_back(conn, batch, refused_rows)
    return role


# References a document keeps even if the row they name is gone or never reached the store (a sale is
# never refused for them): the cashier, the item of a line, the bill's profile, an audit entry's user.
_LOOSE = {("bill", "cashier_id"), ("bill", "profile_id"), ("bill_line", "item_id"), ("audit_log", "user_id")}


def _check_references(conn, batch, ops: list, invalid: dict[str, str], refused_rows: set) -> None:
    pushed = {(op.table, op.row_id) for op in ops}
    wanted: dict[str, set[str]] = {}
    needs = []
    for op in ops:
        spec = TABLES[op.table]
        for column, target in spec.references.items():
            ref = op.payload.get(column)
            if ref is None or (op.table, column) in _LOOSE or (target, ref) in pushed:
                continue
            needs.append((op, column, target, ref))
            wanted.setdefault(target, set()).add(ref)
    found: set[tuple[str, str]] = set()
    if wanted:  # one statement for every table
        found.update(conn.execute(
            "SELECT tbl, id FROM sync_row WHERE shop_id = %s AND tbl = ANY(%s) AND id = ANY(%s::text[])",
            (batch.shop_id, sorted(wanted), text_array(sorted(set().union(*wanted.values()))))).fetchall())
    for op, column, target, ref in needs:
        if (target, ref) not in found and op.op_id not in invalid:
            invalid[op.op_id] = f"{op.table}.{column} {ref!r} names no {target.replace('_', ' ')} of this shop"
            refused_rows.add((op.table, op.row_id))


def _send_back(conn, batch, refused_rows: set[tuple[str, str]]) -> None:
    """The store's rows the till changed and was refused: versioned again, so the till's next pull puts
    its copy back (a refused new row the store never held is dropped by the till itself)."""
    from central.batch import load_rows

    pairs = [p for p in refused_rows if TABLES[p[0]].policy != APPEND and p not in batch.rows]
    if pairs:
        load_rows(conn, batch, pairs)
    for pair in refused_rows:
        current = batch.rows.get(pair)
        if current is not None and TABLES[pair[0]].policy != APPEND and pair not in batch.dirty:
            batch.write(pair[0], pair[1], current.data, current.stamps, current.origin)
