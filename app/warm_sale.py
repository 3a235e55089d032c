"""The session's first sale as quick as the others.

Each thread has its own database connection, and with it its own page cache. The write worker's first sale
read the pages it appends to (the right-hand end of the bill table and of a dozen indexes) from the file
and decrypted them, and imported the modules the sale path imports late: 15-17 ms where the next sales take
3-5. ``warm()`` runs on the write worker after sign-in, while the cashier starts the first bill. It only
reads: the largest key of each table and index a sale writes is where the next sale will write.
"""

from __future__ import annotations

import logging

from db.models import database

log = logging.getLogger(__name__)

# what a sale writes: its rows, the outbox, the customer's figures, the report summaries kept by triggers
SALE_TABLES = ("bill", "bill_line", "payment", "loyalty_entry", "outbox", "customer_stats", "sales_summary",
               "payment_summary", "service_summary", "local_config")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def warm() -> int:
    """Read the pages the next sale writes into this thread's page cache; returns how many b-trees it read."""
    from app import preference_audit, returns, segments, service_metrics, stats  # noqa: F401  (imported late)

    read = 0
    marks = ",".join("?" * len(SALE_TABLES))
    indexes = database.execute_sql(
        f"SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks})",
        SALE_TABLES).fetchall()
    present = {row[0] for row in database.execute_sql(
        f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({marks})", SALE_TABLES)}
    for table in present:
        try:
            database.execute_sql(f"SELECT max(rowid) FROM {_quoted(table)}").fetchone()
            read += 1
        except Exception:  # a table WITHOUT ROWID: its primary key is one of its indexes below
            pass
    for index, table in indexes:
        columns = database.execute_sql(f"PRAGMA index_info({_quoted(index)})").fetchall()
        if not columns or columns[0][2] is None:
            continue  # an index on an expression: nothing to name
        try:
            database.execute_sql(f"SELECT max({_quoted(columns[0][2])}) FROM {_quoted(table)} "
                                 f"INDEXED BY {_quoted(index)}").fetchone()
            read += 1
        except Exception as exc:  # a partial index the query cannot use: the sale reads it itself
            log.debug("warm: %s not read (%s)", index, exc)
    return read
