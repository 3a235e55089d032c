"""Nothing a till or the store acknowledged is lost by a restore on either side (ARCHITECTURE.md, Trust).

The store remembers, per till (``till`` row, migration 0003):
- ``served_version``: the highest version it has sent the till. A till pulling from a cursor above it has
  seen changes this store no longer holds (the store was restored from an older backup): the pull answers
  ``restored`` instead of rows, and the till sends again everything the store may lack
  (app/sync/recovery.py), then pulls from ``served_version``.
- ``receipt_high``: the highest receipt number (``TILLCODE-n``) it holds for the till's code. Every pull
  page tells the till; a till whose sequence is below it lost its own sales (restored from a backup, a
  damaged -wal file): it continues after that number and fetches its own documents back (``own_rows``).

Documents are accepted whole: a line, payment or ledger entry of a bill the store does not hold waits
(``retry``) until the bill arrives; the till quarantines them with their bill if the bill is refused. A
bill is never refused for its receipt number: a clashing one (a till restored from a backup that reused a
number) is stored under ``RECEIPT~<id tail>``, with a conflict record, and sent back to its till too.
"""

from __future__ import annotations

import re
import uuid

from central.merge import OK, REJECTED, RETRY, Conflict, Current, Op, Outcome
from db.ids import derived_id

CHILD_TABLES = ("bill_line", "payment", "loyalty_entry")
SERVER = "server"
_SEQ = re.compile(r"(.+)-(\d{1,18})")


def receipt_seq(receipt_no, till_code) -> int | None:
    """n of ``TILLCODE-n`` when the receipt belongs to ``till_code``; None otherwise."""
    match = _SEQ.fullmatch(str(receipt_no or ""))
    if match and match.group(1) == till_code:
        return int(match.group(2))
    return None


def renamed_receipt(receipt_no: str, bill_id: str) -> str:
    """The receipt number a clashing bill is kept under (the till's own clash handling in
    app/sync/apply._give_way renames a local holder the same way, so both sides agree)."""
    return f"{receipt_no}~{bill_id[-8:]}"


# --- documents whole ------------------------------------------------------------------------------------


def parents(ops: list[Op]) -> set[tuple[str, str]]:
    """The bills the children among ``ops`` belong to (loaded with the batch's rows)."""
    return {("bill", op.payload["bill_id"]) for op in ops
            if op.table in CHILD_TABLES and isinstance(op.payload.get("bill_id"), str)}


def waiting_for_bill(rows: dict, op: Op) -> dict | None:
    """A retry answer for a line, payment or ledger entry whose bill the store does not hold (yet)."""
    if op.table in CHILD_TABLES:
        bill_id = op.payload.get("bill_id")
        if bill_id is not None and ("bill", bill_id) not in rows:
            return {"result": RETRY, "reason": "its bill has not reached the central store"}
    return None


def foreign_bill(rows: dict, op: Op, current: Current | None, till_id: str, till_code: str) -> dict | None:
    """A refusal of a new line, payment or ledger entry for a bill another till rang up: a till adds to its
    own documents only (its bill stored by it, or by the store under a renamed receipt of its code)."""
    if op.table not in CHILD_TABLES or current is not None:
        return None
    bill = rows.get(("bill", op.payload.get("bill_id")))
    if bill is None or bill.origin == till_id or (till_code and bill.data.get("till_code") == till_code):
        return None
    return {"result": REJECTED, "reason": f"bill {bill.data.get('receipt_no')} was rung up on another till: "
                                          f"this till cannot add a {op.table.replace('_', ' ')} to it"}


def _derived(row_id: str) -> bool:
    try:
        return uuid.UUID(row_id).version == 5
    except ValueError:
        return False


def squatted_id(op: Op, current: Current | None) -> dict | None:
    """A refusal of a new row of a document under a derived id (UUID version 5) that is not the row that id
    belongs to. A void's id derives from its sale's (app/billing.void_sale), its lines', refunds' and point
    reversals' from the void's, so any till can work them out: a row parked there first would get the real
    void (or its line, refund or reversal) refused as already recorded."""
    if current is not None or op.table not in ("bill", *CHILD_TABLES) or not _derived(op.row_id):
        return None
    data = op.payload
    bill_id = data.get("bill_id")
    if op.table == "bill":
        voids = data.get("voids_id")
        honest = data.get("kind") == "void" and isinstance(voids, str) and derived_id("void", voids) == op.row_id
    elif op.table == "bill_line":
        honest = isinstance(bill_id, str) and derived_id("bill_line", bill_id, str(data.get("line_no"))) == op.row_id
    elif op.table == "payment":  # a refund of a void: its bill is the void (derived too)
        honest = isinstance(bill_id, str) and _derived(bill_id)
    else:  # a ledger entry of a bill: derived from the bill and the kind of points; others name no bill
        honest = bill_id is None or any(derived_id("loyalty_entry", bill_id, kind) == op.row_id
                                        for kind in ("earn", "redeem", data.get("kind")))
    if honest:
        return None
    return {"result": REJECTED, "reason": f"this {op.table.replace('_', ' ')}'s id is the one a row of another "
                                          "document (a void) takes, and this row is not that one"}


def accept_clashing_bill(op: Op, out: Outcome, owner: str) -> Outcome:
    """A new bill whose receipt number another bill holds: kept, under a marked receipt number."""
    data = dict(out.data)
    original = data["receipt_no"]
    data["receipt_no"] = renamed_receipt(original, op.row_id)
    conflict = Conflict("bill", op.row_id, "receipt_no", {"kept_by": owner, "renamed_to": data["receipt_no"]},
                        original, "", op.hlc)
    return Outcome(OK, data=data, conflicts=[conflict], origin=SERVER)


# --- what the store knows of each till ------------------------------------------------------------------


def note_receipts(conn, shop_id: str, bills: list[dict]) -> None:
    """Raise ``receipt_high`` of the tills whose bills were just stored (in the push's transaction)."""
    high: dict[str, int] = {}
    for bill in bills:
        code = bill.get("till_code")
        n = receipt_seq(bill.get("receipt_no"), code)
        if n is not None:
            high[code] = max(high.get(code, 0), n)
    if high:
        conn.cursor().executemany(
            "UPDATE till SET receipt_high = GREATEST(receipt_high, %s) WHERE shop_id = %s AND code = %s",
            [(n, shop_id, code) for code, n in sorted(high.items())])


def till_state(conn, shop_id: str, till_id: str) -> tuple[int, int]:
    """(served_version, receipt_high) of one till."""
    row = conn.execute("SELECT served_version, receipt_high FROM till WHERE shop_id = %s AND id = %s",
                       (shop_id, till_id)).fetchone()
    return (row[0], row[1]) if row else (0, 0)


def note_served(conn, shop_id: str, till_id: str, version: int) -> None:
    conn.execute("UPDATE till SET served_version = GREATEST(served_version, %s) WHERE shop_id = %s AND id = %s",
                 (version, shop_id, till_id))


def restored_page(version: int, served: int, receipt_high: int) -> bytes:
    return (f'{{"cursor":{served},"has_more":true,"shop_version":{version},"count":0,"tables":[],'
            f'"restored":true,"served":{served},"receipt_high":{receipt_high}}}').encode()


def own_rows(conn, shop_id: str, till_id: str, after: int, limit: int) -> bytes:
    """A page of this till's own bills, lines, payments, ledger and audit entries (which a pull leaves
    out: the till wrote them), for a till that lost some of them. Paged by version."""
    from central import store
    from central.tables import APPEND_TABLES

    rows = conn.execute(
        "SELECT tbl, id, version FROM sync_row WHERE shop_id = %s AND origin = %s AND tbl = ANY(%s) "
        "AND version > %s ORDER BY version LIMIT %s", (shop_id, till_id, APPEND_TABLES, after, limit)).fetchall()
    has_more = len(rows) == limit
    by_table: dict[str, list[str]] = {}
    for tbl, row_id, _ in rows:
        by_table.setdefault(tbl, []).append(row_id)
    groups = store._groups_json(conn, shop_id, by_table)
    cursor = rows[-1][2] if rows else after
    more = "true" if has_more else "false"
    return f'{{"cursor":{cursor},"has_more":{more},"count":{len(rows)},"tables":[{",".join(groups)}]}}'.encode()
