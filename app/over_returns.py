"""Returns that crossed on two tills: both documents stand (bills are append-only and the money went out),
and the excess is recorded for a manager in the conflict log, which the Sync problems dialog lists.

Looked for after every pull that brought bills or their lines (app/sync/apply.py): a line returned more
often than it was sold, or a return of a sale that another till voided. The customer's figures are then
rebuilt from the ledger (app/stats.recompute), which counts neither a voided sale nor its returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import stats
from app.returns import is_voided
from db.ids import derived_id, utcnow
from db.models import ConflictLog, database


@dataclass(frozen=True)
class OverReturn:
    bill_id: str
    receipt_no: str
    line_no: int
    name: str
    sold: int
    returned: int
    returns: tuple[str, ...]  # receipt numbers of the return documents
    voided: bool

    @property
    def excess(self) -> int:
        return self.returned if self.voided else self.returned - self.sold


def over_returns() -> list[OverReturn]:
    """Lines returned more often than they were sold, and returns of voided sales: what two tills did
    before they synced. Returns are few: read through the partial index of returns."""
    rows = database.execute_sql(
        "SELECT r.returns_id, l.line_no, -SUM(l.quantity), group_concat(DISTINCT r.receipt_no) "
        "FROM bill AS r JOIN bill_line AS l ON l.bill_id = r.id "
        "WHERE r.returns_id IS NOT NULL AND r.kind = 'return' AND r.deleted_at IS NULL AND l.deleted_at IS NULL "
        "GROUP BY r.returns_id, l.line_no").fetchall()
    out = []
    for bill_id, line_no, returned, receipts in rows:
        sold = database.execute_sql(
            "SELECT b.receipt_no, l.name, l.quantity FROM bill AS b JOIN bill_line AS l ON l.bill_id = b.id "
            "WHERE b.id = ? AND l.line_no = ?", (bill_id, line_no)).fetchone()
        if sold is None:
            continue  # the sale has not arrived yet
        voided = is_voided(bill_id)
        if voided or returned > sold[2]:
            out.append(OverReturn(bill_id, sold[0], int(line_no), sold[1], int(sold[2]), int(returned),
                                  tuple(sorted((receipts or "").split(","))), voided))
    return out


def flag_over_returns() -> int:
    """Record each over-return for a manager (the Sync problems dialog lists the conflict log) and rebuild
    the customer's figures from the ledger; both return documents stand. Idempotent: returns how many
    were new."""
    new = 0
    customers = set()
    for found in over_returns():
        row_id = derived_id("over_return", found.bill_id, str(found.line_no), str(found.returned), str(found.voided))
        what = (f"{found.receipt_no} line {found.line_no} ({found.name}): "
                + (f"returned {found.returned} after the sale was voided" if found.voided
                   else f"returned {found.returned} of {found.sold} sold"))
        if ConflictLog.get_or_none(ConflictLog.id == row_id) is not None:
            continue
        ConflictLog.insert(
            id=row_id, at=utcnow(), table_name="bill", row_id=found.bill_id, field=what,
            winner={"both stand": list(found.returns)},
            loser={"over the sold quantity": found.excess, "manager": "check the refunds"},
            winner_stamp="", loser_stamp="").execute()
        new += 1
        customer = database.execute_sql("SELECT customer_id FROM bill WHERE id = ?", (found.bill_id,)).fetchone()
        if customer and customer[0]:
            customers.add(customer[0])
    for customer_id in customers:
        stats.recompute(customer_id)
    return new
