"""Time one till migration on a scratch copy of a big database (the source is only read).

    python -m benchmarks.bench_migration SOURCE.db [--number 18] [--key-of DATABASE.db]

The copy is at the schema before the migration; each of the migration's statements is run in one
transaction, as the app's migration runner does (db/migrations), timed one by one. The copy is deleted.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from benchmarks.common import DATA, use_bench_keyring


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("source", type=Path)
    p.add_argument("--number", type=int, default=18)
    p.add_argument("--sql", type=Path, help="time this text instead of the migration's file (to compare versions)")
    p.add_argument("--key-of", type=Path, help="the database whose key the source has (for a .bak copy)")
    args = p.parse_args(argv)
    use_bench_keyring()
    import keyring
    from sqlcipher3 import dbapi2 as sqlcipher

    from db import migrations
    from db.keystore import SERVICE, account_for

    source = args.source.resolve()
    key = keyring.get_password(SERVICE, account_for((args.key_of or source).resolve()))
    work = DATA / "bench-migration-scratch.db"
    for stale in work.parent.glob(work.name + "*"):
        stale.unlink()
    start = time.perf_counter()
    shutil.copyfile(source, work)
    if Path(str(source) + "-wal").exists():
        shutil.copyfile(str(source) + "-wal", str(work) + "-wal")
    print(f"copied {source.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - start:.1f} s", flush=True)
    conn = sqlcipher.connect(str(work), isolation_level=None)
    try:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
        conn.execute("PRAGMA cache_size = -32000")  # the till's own (db/connection.py)
        conn.execute("PRAGMA temp_store = 2")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        number, name, sql = next(m for m in migrations.MIGRATIONS if m[0] == args.number)
        if args.sql:
            name, sql = args.sql.name, args.sql.read_text(encoding="utf-8")
        if version >= number:
            raise SystemExit(f"{source.name} is at schema {version}: migration {number} is applied already")
        rows = conn.execute("SELECT count(*) FROM customer_stats").fetchone()[0]
        print(f"schema {version} -> {number} ({name}); {rows:,} customer_stats rows", flush=True)
        total = time.perf_counter()
        conn.execute("BEGIN")
        for statement in migrations._statements(sql):
            begun = time.perf_counter()
            conn.execute(statement)
            print(f"  {(time.perf_counter() - begun) * 1000:9.0f} ms  {statement.splitlines()[0][:100]}", flush=True)
        conn.execute(f"PRAGMA user_version = {number}")
        begun = time.perf_counter()
        conn.execute("COMMIT")
        print(f"  {(time.perf_counter() - begun) * 1000:9.0f} ms  COMMIT", flush=True)
        print(f"migration {number}: {time.perf_counter() - total:.1f} s in all", flush=True)
    finally:
        conn.close()
        for stale in work.parent.glob(work.name + "*"):
            stale.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
