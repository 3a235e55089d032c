"""The write worker's warm-up after sign-in reads where the next sale writes, and writes nothing."""

from __future__ import annotations

from app import warm_sale
from db.models import database


def test_warm_reads_every_table_and_index_a_sale_writes_and_changes_nothing(demo_db):
    marks = ",".join("?" * len(warm_sale.SALE_TABLES))
    indexes = database.execute_sql(
        f"SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) AND sql IS NOT NULL "
        "AND sql NOT LIKE '% WHERE %'", warm_sale.SALE_TABLES).fetchone()[0]
    before = database.execute_sql("PRAGMA data_version").fetchone()[0], database.connection().total_changes
    read = warm_sale.warm()
    assert read >= indexes + len(warm_sale.SALE_TABLES) - 1  # every table (one is WITHOUT ROWID), every index
    assert (database.execute_sql("PRAGMA data_version").fetchone()[0], database.connection().total_changes) == before
    assert not database.in_transaction()
