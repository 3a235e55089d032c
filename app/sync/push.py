"""Push: the outbox sent in order, in batches, each operation with its id; the answers applied in one
transaction per batch: ok and duplicate leave the outbox, rejected ones are quarantined with the reason
(never blocking the rest), retry ones stay. Nothing leaves the outbox before the central store has answered
for it, so a sale made offline reaches the store exactly once. Two batches in flight once the store keeps
their order (central/push_order.py)."""

from __future__ import annotations

import collections
import concurrent.futures
import json
import logging
import secrets
from typing import TYPE_CHECKING

from app.sync import quarantine, recovery, transport
from db.models import database

if TYPE_CHECKING:
    from app.sync.client import CentralClient
    from app.sync.engine import Report

log = logging.getLogger(__name__)

_quote = json.encoder.encode_basestring_ascii  # json.dumps(text) is exactly this (ensure_ascii, in C)


def send_outbox(client: CentralClient, batch: int, report: Report) -> None:
    """Send the outbox in order. While the answers to one batch are awaited and applied here, the next
    is read and encoded and, once the store has said it applies a till's batches in the order they
    name (``in_order``), sent too: two in flight, so the store parses one while it writes the other.
    Stops after a batch with "retry" answers (the ones already sent are answered first). A batch that
    fails ends the round once the one still in flight is answered: the store holds that one back
    behind the failed one for a few seconds at most (central/push_order.py WAIT_S), then answers
    "retry"."""
    high = database.execute_sql("SELECT max(seq) FROM outbox").fetchone()[0] or 0
    last, previous, depth = 0, None, 1
    flight: collections.deque = collections.deque()  # (future answer, its outbox rows), oldest first
    with concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="till-push") as sender:
        while True:
            rows = database.execute_sql(
                "SELECT seq, op_id, table_name, row_id, hlc, fields, payload FROM outbox "
                "WHERE state = 'pending' AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?",
                (last, high, batch)).fetchall()
            rows = transport.within_bytes(rows)  # under the store's request size cap
            encoded = encode(rows) if rows else None  # while the store works on the batches in flight
            while flight and (len(flight) >= depth or not rows):
                future, answered = flight.popleft()
                answer = future.result()  # raises if that batch failed
                depth = 2 if answer.get("in_order") is True else 1
                if apply_answers(answer, answered, report):
                    for future, answered in flight:
                        apply_answers(future.result(), answered, report)
                    return  # the store asked for a later try: the rest waits for the next round
            if not rows:
                return
            last = rows[-1][0]
            # batches of a round with more than one are named, each after the one before (an everyday
            # push of a few operations is not: the store then has nothing to check or record)
            name = secrets.token_hex(16) if previous is not None or last < high else None
            order = (name, previous) if name else None
            flight.append((sender.submit(client.push, encoded, order), rows))
            previous = name


def encode(rows) -> list[str]:
    """Each outbox row as the JSON object the store takes; fields and payload are stored as JSON text.
    The four texts are quoted by the C function ``json.dumps`` itself uses for a text (the same bytes,
    without its per-call overhead: ~2 µs an operation); a value that is not a text takes json.dumps."""
    try:
        return _encode_with(rows, _quote)
    except TypeError:
        return _encode_with(rows, json.dumps)


def apply_answers(answer: dict, rows, report: Report) -> bool:
    """Take answered operations out of the outbox, quarantine the refused ones (one transaction).
    Returns True when some answers asked for a later try."""
    by_op = {a["op_id"]: a for a in answer["results"]}
    done, quarantined, again = [], [], []
    for seq, op_id, table, row_id, *_ in rows:
        result = by_op.get(op_id, {"result": "retry"})
        kind = result["result"]
        if kind in ("ok", "duplicate"):
            done.append((seq,))
            report.pushed += kind == "ok"
            report.duplicates += kind == "duplicate"
        elif kind == "rejected":
            reason = result.get("reason") or "rejected by the central store"
            quarantined.append((reason, seq))
            report.rejected += 1
            report.rejections.append(f"{table} {row_id}: {reason}")
            log.warning("sync: %s %s rejected: %s", table, row_id, reason)
        else:
            again.append((seq,))
            report.retry += 1
    with database.atomic("IMMEDIATE"):
        cursor = database.cursor()
        cursor.executemany("DELETE FROM outbox WHERE seq = ?", done)
        cursor.executemany("UPDATE outbox SET state = 'quarantined', error = ?, attempts = attempts + 1 "
                           "WHERE seq = ?", quarantined)
        cursor.executemany("UPDATE outbox SET attempts = attempts + 1 WHERE seq = ?", again)
        if quarantined:  # head-office data this counter till may not change: back to the shop's truth
            quarantine.restore_refused([(r[2], r[3], by_op[r[1]].get("reason") or "") for r in rows
                                        if by_op.get(r[1], {}).get("result") == "rejected"])
        refused = {seq for _, seq in quarantined}
        recovery.quarantine_children([row[3] for row in rows if row[0] in refused and row[2] == "bill"])
        accepted = {seq for (seq,) in done}
        recovery.release_children([row[3] for row in rows if row[0] in accepted and row[2] == "bill"])
    return bool(again)


def _encode_with(rows, quote) -> list[str]:
    return [
        '{"op_id":%s,"table":%s,"row_id":%s,"hlc":%s,"fields":%s,"payload":%s}'  # noqa: UP031
        % (quote(op_id), quote(table), quote(row_id), quote(stamp), fields, payload)
        for _, op_id, table, row_id, stamp, fields, payload in rows
    ]
