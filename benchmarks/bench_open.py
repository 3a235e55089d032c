"""Time to open the encrypted database: the till's open_database against a bare SQLCipher open.

    python -m benchmarks.bench_open [--db PATH] [--runs 30]

Baseline: sqlcipher3.connect + PRAGMA key (the same raw key) + one query, measured in the same run. Also
shown: the same file keyed by a passphrase (SQLCipher's KDF), which is why the Till uses a raw key.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import Table, timed, use_bench_keyring


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--db", type=Path, help="an existing till database (default: a new demo database)")
    p.add_argument("--runs", type=int, default=30)
    args = p.parse_args(argv)
    use_bench_keyring()
    import keyring
    from sqlcipher3 import dbapi2 as sqlcipher

    from app import demo
    from db.connection import open_database
    from db.keystore import SERVICE, account_for

    workdir = Path(tempfile.mkdtemp(prefix="bench-open-"))
    path = args.db
    if path is None:
        path = workdir / "demo.db"
        opened = open_database(path)
        demo.seed()
        opened.close()
    key = keyring.get_password(SERVICE, account_for(path))

    def till_open():
        opened = open_database(path)
        opened.db.execute_sql("SELECT count(*) FROM customer_profile").fetchone()
        opened.close()

    def bare_open(pragma_key):
        conn = sqlcipher.connect(str(path))
        conn.execute(f"PRAGMA key = \"{pragma_key}\"")
        conn.execute("SELECT count(*) FROM customer_profile").fetchone()
        conn.close()

    # a passphrase-keyed copy of the file, to show the KDF's cost
    passphrase_path = workdir / "passphrase.db"
    shutil.copyfile(path, passphrase_path)
    conn = sqlcipher.connect(str(passphrase_path))
    conn.execute(f"PRAGMA key = \"x'{key}'\"")
    conn.execute("PRAGMA rekey = 'a long passphrase for the benchmark'")
    conn.close()

    def passphrase_open():
        c = sqlcipher.connect(str(passphrase_path))
        c.execute("PRAGMA key = 'a long passphrase for the benchmark'")
        c.execute("SELECT count(*) FROM customer_profile").fetchone()
        c.close()

    till_open()  # warm the OS cache
    table = Table(f"Opening the encrypted database ({path.name}, {path.stat().st_size / 1e6:.0f} MB)")
    baseline, _ = timed(bare_open, f"x'{key}'", repeat=args.runs)
    ours, _ = timed(till_open, repeat=args.runs)
    kdf, _ = timed(passphrase_open, repeat=max(5, args.runs // 3))
    table.add("bare SQLCipher open, raw key (baseline)", baseline, baseline)
    table.add("Till open_database (lock, keyring, verify, pragmas, schema check)", ours, baseline, "< 50 ms")
    table.add("bare SQLCipher open, passphrase (KDF)", kdf, baseline)
    table.print()
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
