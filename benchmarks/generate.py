"""Generate big till databases for benchmarks: a million customers, 200,000 items, a million bills.

    python -m benchmarks.generate --customers 1000000 --items 200000 --bills 1000000 [--out PATH]

The database is a real encrypted till database (same schema, same migrations) holding the demo shop plus
the generated rows, written with executemany in large transactions. Generated rows are not queued for
sync (they stand for data the till already holds). A finished database is reused when asked for again
with the same sizes (its sizes are kept in a JSON file beside it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from pathlib import Path

from benchmarks.common import DATA, use_bench_keyring

BATCH = 50_000
STAMP = "0000000000000-00000-generator"

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "William", "Elizabeth",
         "David", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen",
         "Sofia", "Aisha", "Mateo", "Yuki", "Priya", "Olga", "Chen", "Fatima", "Lucas", "Amara", "Noah", "Zoe",
         "Ivan", "Maria", "Kwame", "Elena", "Omar", "Grace", "Hiro", "Ana", "Leo", "Nina", "Raj", "Ines"]
LAST = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
        "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
        "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Khan",
        "Patel", "Kim", "Müller", "Rossi", "Silva", "Okafor", "Novak", "Cohen", "Haddad", "Tanaka", "Ivanova"]
WORDS = ["Organic", "Classic", "Spicy", "Sweet", "Smoked", "Fresh", "Roasted", "Golden", "Wild", "Rustic",
         "Apple", "Berry", "Cheese", "Chicken", "Tomato", "Basil", "Ginger", "Lemon", "Mango", "Oat", "Rye",
         "Salmon", "Walnut", "Vanilla", "Cocoa", "Pepper", "Honey", "Garlic", "Olive", "Coconut"]
KINDS = ["Bread", "Soup", "Salad", "Juice", "Cookie", "Pie", "Sauce", "Jam", "Tea", "Coffee", "Bar", "Wrap"]


def _uuid7_like(rng: random.Random, ms: int) -> str:
    """A UUIDv7-shaped id (time-ordered) made fast from a seeded RNG."""
    rand = rng.getrandbits(74)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | (rand >> 62) << 64 | 0b10 << 62 | (rand & ((1 << 62) - 1))
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _iso(when: dt.datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _insert(db, sql: str, rows_iter, total: int, label: str) -> None:
    start = time.perf_counter()
    batch = []
    done = 0
    cursor = db.cursor()
    for row in rows_iter:
        batch.append(row)
        if len(batch) >= BATCH:
            with db.atomic():
                cursor.executemany(sql, batch)
            done += len(batch)
            batch.clear()
    if batch:
        with db.atomic():
            cursor.executemany(sql, batch)
        done += len(batch)
    print(f"  {label}: {done:,} rows in {time.perf_counter() - start:.1f} s", flush=True)


def generate(path: Path, *, customers: int, items: int, bills: int, seed: int = 42) -> Path:
    """Create (or reuse) a big database at ``path``. Returns the path."""
    path = Path(path)
    sizes = {"customers": customers, "items": items, "bills": bills, "seed": seed, "version": 1}
    sidecar = path.with_name(path.name + ".json")
    use_bench_keyring()
    if path.exists() and sidecar.exists() and json.loads(sidecar.read_text()) == sizes:
        return path
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()

    from app import demo
    from app.text import normalise_name
    from db.connection import open_database
    from db.models import CustomerProfile, User

    print(f"Generating {path} ({customers:,} customers, {items:,} items, {bills:,} bills) …", flush=True)
    opened = open_database(path)
    db = opened.db
    demo.seed(customer_count=500)
    # bulk load only: a big page cache and no fsync per batch (the final checkpoint makes it durable)
    db.execute_sql("PRAGMA cache_size = -1000000")
    db.execute_sql("PRAGMA synchronous = OFF")
    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    now_ms = int(now.timestamp() * 1000)

    def item_rows():
        for i in range(items):
            name = f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(KINDS)} {i}"
            allergens = json.dumps(rng.sample(["nuts", "gluten", "dairy"], rng.randrange(0, 2)))
            yield (_uuid7_like(rng, now_ms - 10**9 + i), STAMP, str(200000 + i), name, normalise_name(name),
                   rng.randrange(100, 5000, 5), 800, "Generated", "[]", allergens, 1)

    _insert(db, 'INSERT INTO item (id, updated_at, code, name, name_norm, price, tax_rate_bp, department, tags, '
                'allergens, active) VALUES (?,?,?,?,?,?,?,?,?,?,?)', item_rows(), items, "items")
    item_table = [(r[0], r[1], r[2]) for r in db.execute_sql("SELECT id, price, code FROM item")]

    def barcode_rows():
        for n, (item_id, _, code) in enumerate(item_table):
            if len(code) < 6:  # the demo items already have barcodes
                continue
            yield (_uuid7_like(rng, now_ms - 10**9 + n), STAMP, item_id, f"20{n:011d}")

    _insert(db, "INSERT INTO barcode (id, updated_at, item_id, code) VALUES (?,?,?,?)", barcode_rows(), items,
            "barcodes")

    profiles = [p.id for p in CustomerProfile.select()]
    customer_ids: list[str] = []

    def customer_rows():
        for i in range(customers):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            name = f"{first} {last}"
            created = now - dt.timedelta(days=rng.randrange(0, 1500), seconds=rng.randrange(86400))
            cid = _uuid7_like(rng, int(created.timestamp() * 1000))
            customer_ids.append(cid)
            yield (cid, STAMP, name, normalise_name(name), f"+1555{3000000 + i:07d}",
                   f"{first}.{last}.{i}@example.net".lower(), "active" if rng.random() > 0.1 else "inactive", "",
                   int(rng.random() > 0.5), rng.choice(profiles) if rng.random() < 0.1 else None, _iso(created))

    _insert(db, "INSERT INTO customer (id, updated_at, name, name_norm, phone, email, status, notes, "
                "marketing_consent, default_profile_id, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            customer_rows(), customers, "customers")

    cashiers = [u.id for u in User.select()]
    bill_rows, line_rows, payment_rows = [], [], []
    sql_bill = ("INSERT INTO bill (id, updated_at, receipt_no, till_code, cashier_id, customer_id, profile_id, "
                "status, kind, opened_at, completed_at, currency, subtotal, discount_total, tax_total, rounding, "
                "total, bill_discount_bp, bill_discount_amount, preferences_applied, instructions, points_earned, "
                "points_redeemed) VALUES (?,?,?,?,?,?,?,'completed','sale',?,?,'USD',?,0,?,0,?,0,0,'{}','',0,0)")
    sql_line = ("INSERT INTO bill_line (id, updated_at, bill_id, line_no, item_id, code, name, quantity, unit_price, "
                "price_source, base_price, discount, tax_rate_bp, tax, total, allergens_confirmed) "
                "VALUES (?,?,?,?,?,?,?,?,?,'base',?,0,800,?,?,'[]')")
    sql_pay = "INSERT INTO payment (id, updated_at, bill_id, method, amount, tendered, change, reference) VALUES (?,?,?,?,?,?,0,'')"
    start = time.perf_counter()
    cursor = db.cursor()
    popular = item_table[: min(len(item_table), 2000)]

    def flush():
        with db.atomic():
            cursor.executemany(sql_bill, bill_rows)
            cursor.executemany(sql_line, line_rows)
            cursor.executemany(sql_pay, payment_rows)
        bill_rows.clear()
        line_rows.clear()
        payment_rows.clear()

    for b in range(bills):
        when = now - dt.timedelta(seconds=rng.randrange(365 * 86400))
        ms = int(when.timestamp() * 1000)
        bill_id = _uuid7_like(rng, ms)
        total = 0
        for line_no in range(1, rng.randrange(2, 6)):
            item_id, price, code = rng.choice(popular) if rng.random() < 0.8 else rng.choice(item_table)
            qty = rng.randrange(1, 4)
            line_total = price * qty
            total += line_total
            line_rows.append((_uuid7_like(rng, ms), STAMP, bill_id, line_no, item_id, code, f"Item {code}", qty,
                              price, price, line_total * 800 // 10800, line_total))
        customer = rng.choice(customer_ids) if customer_ids and rng.random() < 0.7 else None
        profile = rng.choice(profiles) if rng.random() < 0.3 else None
        bill_rows.append((bill_id, STAMP, f"GEN-{b + 1}", "GEN", rng.choice(cashiers), customer, profile,
                          _iso(when), _iso(when), total, total * 800 // 10800, total))
        payment_rows.append((_uuid7_like(rng, ms), STAMP, bill_id, rng.choice(["cash", "card", "card", "other"]),
                             total, total))
        if len(bill_rows) >= BATCH // 4:
            flush()
    if bill_rows:
        flush()
    print(f"  bills: {bills:,} with lines and payments in {time.perf_counter() - start:.1f} s", flush=True)

    start = time.perf_counter()
    with db.atomic():
        db.execute_sql(
            "INSERT OR REPLACE INTO customer_stats (customer_id, orders, spent, last_visit, points, item_counts, "
            "payment_counts) SELECT customer_id, count(*), sum(total), max(completed_at), 0, '{}', '{}' "
            "FROM bill WHERE customer_id IS NOT NULL GROUP BY customer_id")
    db.execute_sql("ANALYZE")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"  customer figures and ANALYZE in {time.perf_counter() - start:.1f} s", flush=True)
    opened.close()
    sidecar.write_text(json.dumps(sizes))
    print(f"  file size: {path.stat().st_size / 1e6:.0f} MB", flush=True)
    return path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--bills", type=int, default=1_000_000)
    p.add_argument("--out", type=Path)
    args = p.parse_args(argv)
    out = args.out or DATA / f"till-{args.customers}c-{args.items}i-{args.bills}b.db"
    start = time.perf_counter()
    generate(out, customers=args.customers, items=args.items, bills=args.bills)
    print(f"{out} ready in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
