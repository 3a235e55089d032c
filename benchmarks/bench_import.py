"""Customer import from CSV: 100,000 rows (target: under a minute).

    python -m benchmarks.bench_import [--rows 100000] [--repeat 3]

Each run imports the same generated file (name, phone in national format, email, status, date of birth,
notes) into a new encrypted database, through app.customer_import.import_file: read and decode, validate
every row (phonenumbers, email syntax), find existing phones, then write customers, their outbox rows and
audit entries with executemany in one transaction. Also timed: importing the same file again (every row
matches an existing customer and is unchanged). Baseline, measured in the same run: a bare executemany of
the same customer rows, already cleaned, into a new database (no validation, no outbox, no audit).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import tempfile
import uuid
from pathlib import Path

from benchmarks.common import Table, timed, use_bench_keyring


def write_csv(path: Path, rows: int, seed: int = 11) -> None:
    rng = random.Random(seed)
    first = ["Ana", "Ben", "Chloe", "Dev", "Eva", "Femi", "Gita", "Hugo", "Iris", "Jun", "Kofi", "Lena"]
    last = ["Lopez", "Okafor", "Nguyen", "Schmidt", "Rossi", "Khan", "Silva", "Novak", "Tanaka", "Cohen"]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write("Name,Phone,Email,Status,Date_of_birth,Notes\n")
        for n in range(rows):
            a, b = rng.choice(first), rng.choice(last)
            phone = f"(212) {200 + n // 10000:03d}-{n % 10000:04d}"
            born = dt.date(1940 + rng.randrange(65), 1 + rng.randrange(12), 1 + rng.randrange(28)).isoformat()
            status = "inactive" if rng.random() < 0.1 else "active"
            fh.write(f"{a} {b},{phone},{a}.{b}.{n}@example.org,{status},{born},\"Likes {rng.choice(first)}'s bread\"\n")


def _fresh(folder: Path):
    from db.connection import open_database

    return open_database(folder / f"{uuid.uuid4().hex}.db")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args(argv)
    use_bench_keyring()

    from app import customer_import
    from db.models import Customer, Outbox, database

    folder = Path(tempfile.mkdtemp(prefix="bench-import-"))
    try:
        source = folder / "customers.csv"
        write_csv(source, args.rows)
        print(f"{source.stat().st_size / 1e6:.1f} MB CSV with {args.rows:,} rows", flush=True)

        first_runs, again_runs, baseline_runs = [], [], []
        for _ in range(args.repeat):
            opened = _fresh(folder)
            try:
                samples, result = timed(customer_import.import_file, source)
                assert (result.added, len(result.rejected)) == (args.rows, 0), result.summary()
                assert Customer.select().count() == args.rows
                assert Outbox.select().where(Outbox.table_name == "customer").count() == args.rows
                first_runs += samples
                samples, result = timed(customer_import.import_file, source)
                assert (result.added, result.updated, result.unchanged) == (0, 0, args.rows), result.summary()
                again_runs += samples
                # the baseline rows: exactly what the import stored, cleaned already
                columns = [f.column_name for f in Customer._meta.sorted_fields]
                rows = database.execute_sql(f"SELECT {', '.join(columns)} FROM customer").fetchall()
            finally:
                opened.close()
            opened = _fresh(folder)
            try:
                sql = f"INSERT INTO customer ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"

                def bare(rows=rows, sql=sql):
                    with database.atomic():
                        database.cursor().executemany(sql, rows)

                samples, _ = timed(bare)
                baseline_runs += samples
            finally:
                opened.close()

        table = Table(f"Customer import, {args.rows:,} rows (one transaction; outbox and audit included)")
        table.add(f"import {args.rows:,} new customers (baseline: bare executemany)", first_runs, baseline_runs,
                  "< 60000 ms")
        table.add(f"import the same {args.rows:,} again (all unchanged)", again_runs, baseline_runs, "< 60000 ms")
        table.print()
        rate = args.rows / (sorted(first_runs)[len(first_runs) // 2] / 1000)
        print(f"\n{rate:,.0f} rows per second (median run)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
