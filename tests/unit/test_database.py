"""The encrypted local database: encryption, keys, errors that leave the file untouched, migrations."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail
from sqlcipher3 import dbapi2 as sqlcipher

from db import migrations
from db.connection import friendly_errors, open_database
from db.errors import (
    DatabaseLockedError,
    DiskFullError,
    KeyringUnavailableError,
    NewerSchemaError,
    NotATillDatabaseError,
    WrongKeyError,
)
from db.keystore import SERVICE, account_for
from db.models import Customer, Outbox


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_uses_wal_full_sync_foreign_keys_and_latest_schema(fresh_db):
    db = fresh_db.db
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    assert db.execute_sql("PRAGMA cipher_version").fetchone()[0].startswith("4.")


def test_key_is_random_256_bit_raw_key_in_keyring(fresh_db, memory_keyring):
    stored = memory_keyring.get_password(SERVICE, account_for(fresh_db.path))
    assert len(bytes.fromhex(stored)) == 32
    assert fresh_db.key.raw and fresh_db.key.source == "keyring"
    assert not list(fresh_db.path.parent.glob("*.demo-key"))


def test_demo_file_is_encrypted_no_personal_data_in_clear(demo_db):
    path = demo_db.path
    demo_db.db.execute_sql("SELECT count(*) FROM customer").fetchone()
    raw = path.read_bytes() + (path.with_name(path.name + "-wal").read_bytes()
                               if path.with_name(path.name + "-wal").exists() else b"")
    for needle in [b"Emily Roberts", b"Michael Chen", b"+15550100001", b"emily.roberts@example.com", b"SQLite format 3"]:
        assert needle not in raw
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT * FROM sqlite_master").fetchall()


def test_wrong_key_gives_clear_error_and_leaves_file_byte_for_byte(demo_db_path, memory_keyring):
    before = digest(demo_db_path)
    memory_keyring.set_password(SERVICE, account_for(demo_db_path), "AB" * 32)
    with pytest.raises(WrongKeyError) as err:
        open_database(demo_db_path)
    assert "key is wrong" in err.value.message
    assert digest(demo_db_path) == before
    assert not demo_db_path.with_name(demo_db_path.name + "-wal").exists()


def test_missing_key_in_keyring_is_reported_not_recreated(demo_db_path, memory_keyring):
    before = digest(demo_db_path)
    memory_keyring.delete_password(SERVICE, account_for(demo_db_path))
    with pytest.raises(Exception) as err:
        open_database(demo_db_path)
    assert "not in this computer's keyring" in str(err.value)
    assert digest(demo_db_path) == before


def test_plain_sqlite_file_is_refused_unchanged(tmp_path):
    path = tmp_path / "plain.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(NotATillDatabaseError):
        open_database(path)
    assert digest(path) == before


def test_corrupt_file_gives_clear_error_unchanged(demo_db_path):
    data = bytearray(demo_db_path.read_bytes())
    data[:4096] = b"\x13\x37" * 2048  # the first page (salt and schema) destroyed
    demo_db_path.write_bytes(bytes(data))
    before = digest(demo_db_path)
    with pytest.raises(WrongKeyError) as err:
        open_database(demo_db_path)
    assert "damaged" in err.value.message
    assert digest(demo_db_path) == before


def test_no_keyring_backend_falls_back_to_passphrase(tmp_path):
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "pass.db"
    asked = []

    def prompt(p, create):
        asked.append(create)
        return "correct horse battery staple"

    opened = open_database(path, passphrase_prompt=prompt)
    assert opened.key.source == "passphrase" and not opened.key.raw
    Customer(name="Ann", name_norm="ann", phone="+15550101234").save()
    opened.close()
    reopened = open_database(path, passphrase_prompt=prompt)
    assert Customer.select().count() == 1
    reopened.close()
    assert asked == [True, False]
    before = digest(path)
    with pytest.raises(WrongKeyError):
        open_database(path, passphrase_prompt=lambda p, c: "wrong passphrase")
    assert digest(path) == before


def test_no_keyring_and_no_passphrase_is_a_clear_error(tmp_path, monkeypatch):
    keyring.set_keyring(fail.Keyring())
    monkeypatch.delenv("POS_DB_PASSPHRASE", raising=False)
    path = tmp_path / "none.db"
    with pytest.raises(KeyringUnavailableError) as err:
        open_database(path, passphrase_prompt=lambda p, c: None)
    assert "keyring" in err.value.message.lower()
    assert not path.exists()


def test_demo_without_keyring_keeps_key_beside_it(tmp_path):
    keyring.set_keyring(fail.Keyring())
    path = tmp_path / "demo.db"
    opened = open_database(path, demo=True)
    assert opened.key.source == "demo-file"
    opened.close()
    assert (tmp_path / "demo.db.demo-key").stat().st_mode & 0o077 == 0
    open_database(path).close()


def test_second_process_is_told_the_database_is_in_use(fresh_db, tmp_path):
    with pytest.raises(DatabaseLockedError):
        open_database(fresh_db.path)
    code = (
        "import sys\n"
        "from db.connection import open_database\n"
        "from db.errors import DatabaseLockedError\n"
        "try:\n"
        f"    open_database({str(fresh_db.path)!r})\n"
        "except DatabaseLockedError as e:\n"
        "    print(e.message); sys.exit(7)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 7, result.stderr
    assert "open in another Till" in result.stdout


def test_database_from_newer_version_is_refused_unchanged(demo_db_path, memory_keyring):
    key = memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    conn = sqlcipher.connect(str(demo_db_path))
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    conn.execute(f"PRAGMA user_version = {migrations.LATEST + 1}")
    conn.commit()
    conn.close()
    before = digest(demo_db_path)
    with pytest.raises(NewerSchemaError) as err:
        open_database(demo_db_path)
    assert "newer version" in err.value.message
    assert digest(demo_db_path) == before


def _make_v1_database(path, key):
    conn = sqlcipher.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    conn.execute("BEGIN")
    for statement in migrations._statements(migrations.MIGRATIONS[0][2]):
        conn.execute(statement)
    conn.execute(
        "INSERT INTO customer (id, updated_at, name, name_norm, phone, status, notes, marketing_consent, created_at) "
        "VALUES ('c1', '', 'Old Customer', 'old customer', '+15550109999', 'active', 'kept', 0, '2025-01-01T00:00:00.000000Z')"
    )
    conn.execute("PRAGMA user_version = 1")
    conn.execute("COMMIT")
    conn.close()


def test_migration_from_previous_schema_keeps_data_and_backs_up_first(tmp_path, memory_keyring):
    path = tmp_path / "old.db"
    key = "CD" * 32
    memory_keyring.set_password(SERVICE, account_for(path), key)
    _make_v1_database(path, key)
    opened = open_database(path)
    try:
        assert opened.backup_path is not None and opened.backup_path.exists()
        customer = Customer.get(Customer.id == "c1")
        assert (customer.name, customer.notes) == ("Old Customer", "kept")
        indexes = {r[0] for r in opened.db.execute_sql("SELECT name FROM sqlite_master WHERE type='index'")}
        assert "bill_customer_completed" in indexes
        assert opened.db.execute_sql("PRAGMA user_version").fetchone()[0] == migrations.LATEST
    finally:
        opened.close()
    # the backup is the old version, readable with the same key
    conn = sqlcipher.connect(str(opened.backup_path))
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT name FROM customer").fetchall() == [("Old Customer",)]
    conn.close()


def test_disk_full_is_a_clear_error_and_loses_nothing_acknowledged(fresh_db):
    Customer(name="Kept", name_norm="kept", phone="+15550100100").save()
    pages = fresh_db.db.execute_sql("PRAGMA page_count").fetchone()[0]
    fresh_db.db.execute_sql(f"PRAGMA max_page_count = {pages + 1}")
    with pytest.raises(DiskFullError) as err, friendly_errors(), fresh_db.db.atomic():
        for n in range(2000):
            Customer(name=f"Filler {n}" * 20, name_norm="x", phone=f"+1555020{n:04d}", notes="x" * 500).save()
    assert "disk is full" in err.value.message
    assert [c.name for c in Customer.select()] == ["Kept"]
    assert Outbox.select().count() == 1


def test_migration_statements_split_where_sqlite_says_one_ends():
    from db.migrations import _statements

    sql = """-- a comment first
CREATE TABLE "a" ("x" TEXT);

-- a trigger: its inner ';' end nothing
CREATE TRIGGER "t" AFTER INSERT ON "a" BEGIN
  UPDATE "a" SET "x" = 'one;two' WHERE rowid = NEW.rowid;
  SELECT 1;
END;
INSERT INTO "a" VALUES ('end; not here');
"""
    assert _statements(sql) == [
        'CREATE TABLE "a" ("x" TEXT);',
        'CREATE TRIGGER "t" AFTER INSERT ON "a" BEGIN\n  UPDATE "a" SET "x" = \'one;two\' WHERE rowid = NEW.rowid;\n'
        '  SELECT 1;\nEND;',
        'INSERT INTO "a" VALUES (\'end; not here\');',
    ]
