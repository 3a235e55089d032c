"""Security checks: nothing personal in clear on disk, the key never on disk or in logs."""

from __future__ import annotations

import logging
import subprocess
import sys

from app.logs import setup_logging
from db.connection import open_database
from db.keystore import SERVICE, account_for
from db.models import Customer


def _file_bytes(path) -> bytes:
    data = b""
    for suffix in ("", "-wal", "-shm"):
        candidate = path.with_name(path.name + suffix)
        if candidate.exists():
            data += candidate.read_bytes()
    return data


def test_no_customer_data_in_clear_in_database_or_wal(demo_db_path):
    opened = open_database(demo_db_path)
    try:
        people = [(c.name, c.phone, c.email) for c in Customer.select()]
        # leave fresh writes in the WAL too (no checkpoint) before reading the bytes
        Customer.update(notes="touched").where(Customer.name == "Emily Roberts").execute()
        raw = _file_bytes(demo_db_path)
    finally:
        opened.close()
    assert len(people) == 500
    leaks = [value for person in people for value in person if value and value.encode() in raw]
    assert leaks == []


def test_key_never_on_disk_or_in_logs(demo_db_path, memory_keyring, tmp_path):
    log_path = setup_logging(logging.DEBUG, tmp_path / "logs")
    opened = open_database(demo_db_path)
    logging.getLogger("test").info("opened %s", opened.path)
    opened.close()
    key = memory_keyring.get_password(SERVICE, account_for(demo_db_path))
    for handler in logging.getLogger().handlers:
        handler.flush()
    files = [p for p in demo_db_path.parent.rglob("*") if p.is_file()] + [log_path]
    for path in files:
        data = path.read_bytes()
        assert key.encode() not in data and key.lower().encode() not in data, path
        assert bytes.fromhex(key) not in data, path


def test_plain_sqlite_tools_cannot_read_the_file(demo_db_path):
    code = (
        "import sqlite3, sys\n"
        "try:\n"
        f"    sqlite3.connect({str(demo_db_path)!r}).execute('select name from customer').fetchall()\n"
        "except sqlite3.DatabaseError as e:\n"
        "    print(e); sys.exit(0)\n"
        "sys.exit(1)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "not a database" in result.stdout
