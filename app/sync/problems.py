"""What a manager sees of sync trouble: changes the central store refused (quarantined in the outbox with
the reason) and conflicts it decided (the losing values), and re-queuing refused changes after a fix."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.changes import writes
from db.ids import new_id
from db.models import ConflictLog, Outbox, database


@dataclass(frozen=True)
class Refusal:
    seq: int
    table: str
    row_id: str
    what: str  # the record in words: its name, code or receipt number
    reason: str
    made_at: dt.datetime
    attempts: int


def _what(table: str, payload: dict, row_id: str) -> str:
    for key in ("name", "receipt_no", "code", "key", "value"):
        if payload.get(key) not in (None, ""):
            return f"{table.replace('_', ' ')} {payload[key]}"
    return f"{table.replace('_', ' ')} {row_id[-8:]}"


def refused(limit: int = 500) -> list[Refusal]:
    rows = Outbox.select().where(Outbox.state == "quarantined").order_by(Outbox.seq).limit(limit)
    return [Refusal(r.seq, r.table_name, r.row_id, _what(r.table_name, r.payload or {}, r.row_id), r.error or "",
                    r.created_at, r.attempts) for r in rows]


def conflicts(limit: int = 500) -> list[ConflictLog]:
    return list(ConflictLog.select().order_by(ConflictLog.at.desc()).limit(limit))


@writes("outbox")
def requeue(seqs: list[int]) -> int:
    """Send refused changes again as new operations (the store remembers its answer to the old ones)."""
    with database.atomic():
        count = 0
        for seq in seqs:
            count += (Outbox.update(state="pending", error=None, op_id=new_id())
                      .where((Outbox.seq == seq) & (Outbox.state == "quarantined")).execute())
    return count
