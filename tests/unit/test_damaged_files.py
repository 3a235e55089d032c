"""A till that crashed mid-write: a torn WAL tail loses only the unacknowledged transaction."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from db.connection import open_database
from db.models import Customer

TESTS = Path(__file__).resolve().parents[1]


def test_torn_wal_keeps_every_acknowledged_transaction(db_path, memory_keyring, tmp_path):
    # a child process commits two transactions and dies without checkpointing (as in a power cut)
    opened = open_database(db_path)
    opened.close()
    from db.keystore import SERVICE, account_for

    key = memory_keyring.get_password(SERVICE, account_for(db_path))
    script = textwrap.dedent(f"""
        import os, sys, keyring
        sys.path.insert(0, {str(TESTS)!r})
        from memory_keyring import MemoryKeyring
        k = MemoryKeyring(); k.set_password({SERVICE!r}, {account_for(db_path)!r}, {key!r}); keyring.set_keyring(k)
        from db.connection import open_database
        from db.models import Customer
        o = open_database({str(db_path)!r})
        o.db.execute_sql("PRAGMA wal_autocheckpoint = 0")
        Customer(name="Acknowledged", name_norm="acknowledged", phone="+15550100001").save()
        print(os.path.getsize({str(db_path)!r} + "-wal"), flush=True)
        with o.db.atomic():
            for n in range(200):
                Customer(name=f"In flight {{n}}", name_norm="x", phone=f"+1555011{{n:04d}}", notes="x" * 400).save()
        os._exit(0)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                            cwd=TESTS.parent)
    assert result.returncode == 0, result.stderr
    acknowledged_size = int(result.stdout.strip())
    wal = db_path.with_name(db_path.name + "-wal")
    # tear the WAL in the middle of the second transaction's frames
    full = wal.read_bytes()
    assert len(full) > acknowledged_size + 8192
    wal.write_bytes(full[: acknowledged_size + 6000])
    reopened = open_database(db_path)
    try:
        names = [c.name for c in Customer.select()]
    finally:
        reopened.close()
    assert names == ["Acknowledged"]
