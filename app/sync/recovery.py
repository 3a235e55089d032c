"""A restore on either side loses nothing (the store's half is central/refill.py).

After each pull the till compares what the store knows of its documents with what it holds:
- the store was restored from an older backup (it answers ``restored``: this till's cursor is past what
  the store sent it): every row the store may lack is queued again (this till's own documents, and every
  row it received after the store's remembered version), and the pull goes on from that version;
- this till lost its own sales (restored from a backup, or its -wal file was damaged or deleted): the
  store holds a receipt number of this till that the till does not. The till continues its receipt
  numbers after the store's highest, and fetches its own documents back from the store;
- the store lacks this till's acknowledged sales (its highest receipt number for the till is below the
  till's highest acknowledged one): this till's own documents are queued again.
Each case leaves a notice for the manager (``notices``), shown with the sync status.
"""

from __future__ import annotations

import logging

from app import plurals, settings
from app.sync import state
from db import synced_writer
from db.ids import new_id, utcnow
from db.models import SYNCED_MODELS, database
from db.utc import time_text

log = logging.getLogger(__name__)

# Head-office data (central/roles.HEAD_OFFICE): not re-sent by a till after a store restore.
HEAD_OFFICE = {"user", "setting", "price_list", "customer_profile", "customer_category", "loyalty_tier", "item",
               "barcode", "price_list_entry", "customer_item_price", "preference_definition"}
NOTICES = "recovery_notices"


def notices() -> list[dict]:
    return list(settings.local(NOTICES) or [])


def _notice(text: str) -> None:
    log.warning("sync: %s", text)
    settings.set_local(NOTICES, (notices() + [{"at": time_text(utcnow()), "text": text}])[-20:])


def requeue(since: int | None) -> int:
    """Queue again, as new operations, this till's own documents (rows the store never sent back:
    ``server_version`` unset) and, unless ``since`` is None, every row received after version ``since``.
    Head-office rows are left to the head office. Returns how many rows were queued."""
    pending = {(t, r) for t, r in database.execute_sql("SELECT table_name, row_id FROM outbox")}
    count = 0
    with database.atomic():
        for model in SYNCED_MODELS:
            table = model._meta.table_name
            if table in HEAD_OFFICE:
                continue
            condition = model.server_version.is_null()
            if since is not None:
                condition |= model.server_version > since
            for row in model.select().where(condition).order_by(model.id):
                if (table, row.id) in pending:
                    continue
                synced_writer.queue_again(row)
                count += 1
    return count


def store_restored(page: dict) -> int:
    """The store answered ``restored``: queue what it may lack and go back to the version it remembers."""
    served = int(page.get("served") or 0)
    with database.atomic("IMMEDIATE"):
        count = requeue(served)
        state.save(cursor=served)
        _notice(f"The central store was restored from an older backup: this till sent again "
                f"{plurals.count(count, 'record')} it may have lost, and takes the shop's changes again from version {served}.")
    return count


def holds_receipt(receipt_no: str) -> bool:
    return database.execute_sql("SELECT 1 FROM bill WHERE receipt_no = ?", (receipt_no,)).fetchone() is not None


def acknowledged_high() -> int:
    """The highest receipt number of this till whose bill the store has acknowledged (it is no longer in
    the outbox, nor refused)."""
    known = state.load()
    code, seq = known.till_code, known.receipt_seq
    unsent = {r[0] for r in database.execute_sql("SELECT row_id FROM outbox WHERE table_name = 'bill'")}
    for n in range(seq, max(seq - len(unsent) - 50, 0), -1):
        row = database.execute_sql("SELECT id FROM bill WHERE receipt_no = ?", (f"{code}-{n}",)).fetchone()
        if row is not None and row[0] not in unsent:
            return n
    return 0


def fetch_own(client, applying, apply_groups, limit: int = 2000) -> int:
    """This till's own documents from the store, applied like pulled rows (inserted once). Returns how
    many bills were new here."""
    after, new_bills = 0, 0
    while True:
        page = client.own_rows(after, limit)
        with applying():
            new_bills += apply_groups(page["tables"]).new_bills
        after = page["cursor"]
        if not page["has_more"]:
            return new_bills


def release_children(bill_ids: list[str]) -> int:
    """Lines, payments and ledger entries the store refused because their bill had not reached it (their
    batch went out before the bill's answer came back) go again once the bill is there: the document ends
    whole at the store. Returns how many were queued again."""
    if not bill_ids:
        return 0
    marks = ", ".join("?" * len(bill_ids))
    seqs = [r[0] for r in database.execute_sql(
        "SELECT seq FROM outbox WHERE state = 'quarantined' AND error LIKE '%names no bill%' "
        "AND table_name IN ('bill_line', 'payment', 'loyalty_entry') "
        f"AND json_extract(payload, '$.bill_id') IN ({marks})", bill_ids)]
    for seq in seqs:  # a new operation id: the store remembers its answer to the old one
        database.execute_sql("UPDATE outbox SET state = 'pending', error = NULL, op_id = ? WHERE seq = ?",
                             (new_id(), seq))
    return len(seqs)


def quarantine_children(bill_ids: list[str]) -> None:
    """A refused bill's lines, payments and ledger entries are refused with it (a document is whole)."""
    if not bill_ids:
        return
    marks = ", ".join("?" * len(bill_ids))
    database.execute_sql(
        "UPDATE outbox SET state = 'quarantined', error = 'its bill was refused by the central store' "
        "WHERE state = 'pending' AND table_name IN ('bill_line', 'payment', 'loyalty_entry') "
        f"AND json_extract(payload, '$.bill_id') IN ({marks})", bill_ids)


def reconcile(engine, report, receipt_high: int | None) -> None:
    """After a pull: compare the store's highest receipt number for this till with the till's own."""
    if receipt_high is None:
        return
    from app.sync.apply import apply_groups
    from app.sync.engine import applying

    known = state.load()
    code, seq = known.till_code, known.receipt_seq
    if receipt_high and not holds_receipt(f"{code}-{receipt_high}"):
        # this till lost its own sales: never reuse their numbers, and take the documents back
        with database.atomic("IMMEDIATE"):
            if receipt_high > state.load().receipt_seq:
                state.save(receipt_seq=receipt_high)
        new_bills = fetch_own(engine.client, applying, apply_groups)
        report.recovered += new_bills
        with database.atomic("IMMEDIATE"):
            _notice(f"This till's database had lost {plurals.count(new_bills, 'sale')} of its own (restored from a backup, or "
                    f"its -wal file was damaged or deleted): they were recovered from the central store, and "
                    f"receipt numbers continue after {code}-{max(receipt_high, seq)}.")
    elif receipt_high < acknowledged_high():
        count = requeue(None)
        if count:
            with database.atomic("IMMEDIATE"):
                _notice(f"The central store had lost sales this till had sent (restored from a backup?): "
                        f"{plurals.count(count, 'record')} {plurals.plural(count, 'was', 'were')} sent again.")
            report.resent += count
            engine.push(report)
