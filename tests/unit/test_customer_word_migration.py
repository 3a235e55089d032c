"""Migration 0017: a till at schema 16 keeps finding its customers by any word, recent visitors first, and
the search filters on the word table alone (never on customer) before it fetches the rows it shows."""

from __future__ import annotations

from old_schema import schema_file

from app import customer_search, customers
from db import migrations
from db.connection import open_database
from db.keystore import SERVICE, account_for
from db.models import database

_PEOPLE = [("a1", "Mary Ann Smithers-Vogel", "+15557770001", "2026-10-01T10:00:00.000000Z"),
           ("a2", "Mary Smith", "+15557770002", "2026-11-01T10:00:00.000000Z"),
           ("a3", "Mary Jones", "+15557770003", None),
           ("a4", "Zoë Müller", "+15557770004", None)]


def _schema_16_database(path, key: str) -> None:
    """A file written by the till before 0017: customers and visits, its word table filled by 0016."""
    def fill(conn):
        for cid, name, phone, visit in _PEOPLE:
            conn.execute("INSERT INTO customer (id, updated_at, name, name_norm, phone, status, notes, "
                         "marketing_consent, created_at) VALUES (?, '', ?, ?, ?, 'active', '', 0, "
                         "'2025-01-01T00:00:00.000000Z')", (cid, name, customer_search.normalise_name(name), phone))
            if visit:
                conn.execute("INSERT INTO customer_stats (customer_id, orders, spent, last_visit, points, "
                             "item_counts, payment_counts) VALUES (?, 1, 100, ?, 0, '{}', '{}')", (cid, visit))

    schema_file(path, key, 16, fill)


def _ids(text: str) -> list[str]:
    return [hit.id for hit in customer_search.search(text)]


def test_a_schema_16_till_is_upgraded_and_finds_customers_by_any_word(tmp_path, memory_keyring):
    path = tmp_path / "v16.db"
    key = "AB" * 32
    memory_keyring.set_password(SERVICE, account_for(path), key)
    _schema_16_database(path, key)
    opened = open_database(path)
    try:
        assert opened.db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.LATEST >= 17
        assert opened.db.execute_sql("PRAGMA secure_delete").fetchone()[0] == 1  # erasure zeroes pages again
        rows = database.execute_sql("SELECT word, customer_id, name FROM customer_word WHERE customer_id = 'a1' "
                                    "ORDER BY word").fetchall()
        assert rows == [(w, "a1", " mary ann smithers vogel") for w in ("ann", "mary", "smithers", "vogel")]
        assert _ids("mary") == ["a2", "a1", "a3"]  # most recent visit first, never-seen last
        assert _ids("mary smi") == ["a2", "a1"]
        assert _ids("vogel mary") == ["a1"] and _ids("mary x") == [] and _ids("mul") == ["a4"]
        # the triggers of 0017 keep it current: a new customer, a renamed one, a visit
        new = customers.create({"name": "Mary Smithson", "phone": "+1 555 777 0005"}, None)
        assert new.id in _ids("mary smiths")
        customers.update("a3", {"name": "Mary Smit"}, None)
        assert "a3" in _ids("mary smit") and "a3" not in _ids("jones")
        database.execute_sql("UPDATE customer_stats SET last_visit = '2026-11-20T10:00:00.000000Z' "
                             "WHERE customer_id = 'a1'")
        assert _ids("mary smi")[0] == "a1"
    finally:
        opened.close()


def test_word_scans_read_customer_word_in_order_and_never_customer(demo_db):
    """What keeps "first name + start of surname" fast at a million customers: one ordered range of the
    word table's key, the other words tested on its rows, stopping at the limit, with or without ANALYZE."""
    for analyzed in (False, True):
        if analyzed:
            database.execute_sql("ANALYZE")
        for prefix, others in ((False, 0), (False, 2), (True, 0), (True, 1)):
            params = ("mary", "mary\U0010ffff")[: 2 if prefix else 1] + (" s",) * others + (20,)
            plan = " ".join(row[-1] for row in database.execute_sql(
                "EXPLAIN QUERY PLAN " + customer_search.word_sql(prefix, others), params))
            assert "customer_word USING PRIMARY KEY (word" in plan, plan
            assert "TEMP B-TREE" not in plan and " customer " not in f" {plan} ", plan


def test_the_last_four_digits_are_matched_on_an_index_alone(demo_db):
    """About a hundred customers share the last four digits at a million: they are tested and ranked from
    the index (and their visit), and only the rows shown are read from customer."""
    database.execute_sql("ANALYZE")
    plan = " ".join(row[-1] for row in database.execute_sql(
        "EXPLAIN QUERY PLAN " + customer_search._TAIL_SQL, ("0001", "%0100001", 20)))
    assert "USING COVERING INDEX customer_phone_tail_live (<expr>=?)" in plan, plan
    assert [h.name for h in customer_search.search("0100001")][:1] == ["Emily Roberts"]
