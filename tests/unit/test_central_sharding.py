"""The central store is ready to be sharded by shop (Citus): every table is keyed by its shop, every
statement the central code sends names one shop, no sequences. Reads the real source and migrations."""

from __future__ import annotations

from central import shard_check
from central.shard_check import Statement, problems_of, schema_problems


def test_every_central_statement_is_single_shop():
    assert shard_check.problems() == []


def test_the_collector_finds_the_hot_statements():
    found = " | ".join(s.normal for s in shard_check.statements())
    # push's shop lock, the pull cursor query, and the COPY of new rows: if these vanish the scan is broken
    assert "select version from shop where id = %s for update" in found
    assert "from sync_row where shop_id = %s and version > %s" in found
    assert "copy sync_row (shop_id, tbl, id, version, origin, stamps, data) from stdin" in found
    assert len(shard_check.statements()) >= 25


def test_a_query_across_shops_is_caught():
    assert problems_of(Statement("x.py:1", "SELECT data FROM sync_row WHERE tbl = %s AND id = %s"))
    assert problems_of(Statement("x.py:2", "SELECT max(version) FROM sync_row"))
    assert problems_of(Statement("x.py:3", "COPY sync_op (op_id, till_id, result) FROM STDIN"))
    assert problems_of(Statement("x.py:4", "UPDATE till SET code = %s WHERE id = %s"))
    assert problems_of(Statement("x.py:5", "SELECT * FROM audit_log WHERE shop_id = %s"))  # unknown table
    assert not problems_of(Statement("x.py:6", "SELECT data FROM sync_row WHERE shop_id = %s AND tbl = %s"))


def test_a_table_not_keyed_by_shop_or_with_a_sequence_is_caught(tmp_path):
    bad = tmp_path / "0099_bad.sql"
    bad.write_text("CREATE TABLE sync_op (op_id TEXT PRIMARY KEY, shop_id TEXT NOT NULL);\n"
                   "CREATE TABLE audit (id BIGSERIAL PRIMARY KEY);\n")
    found = schema_problems([bad])
    assert any("sync_op's primary key" in p for p in found)
    assert any("sequence" in p for p in found)
    assert any("audit is neither" in p for p in found)


def test_the_citus_script_distributes_every_shop_table_colocated():
    script = shard_check.citus_script()
    for table in shard_check.DISTRIBUTED:
        assert f"create_distributed_table('{table}'" in script
    for table in shard_check.REFERENCE:
        assert f"create_reference_table('{table}')" in script
