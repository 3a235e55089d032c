"""Many tills on one central store: simulated tills across shops push sales and pull changes over HTTP at
a realistic rate, against one ``pos-central serve`` process on loopback.

    python -m benchmarks.bench_load [--tills 1000] [--shops 100] [--seconds 60] [--sale-every 30]
                                    [--rates 1,10] [--database-url URL]

Each simulated till makes a sale every ``--sale-every`` seconds on average (Poisson arrivals), pushes it
at once (the till's worker does, after each sale) and pulls every ``--sale-every`` seconds; ``--rates``
runs the same tills at 1x and 10x that rate. A sale is a real one: the operations of a sale made with
app.billing in a template till (bill, lines, payment, loyalty entries, the customer's points), with fresh
ids. Reports push and pull latency (p50/p99), pushes and operations per second, the server's CPU and
memory (pos-central and PostgreSQL), and PostgreSQL connections; the baseline is a raw PostgreSQL COPY of
the same operations (JSON documents) into a plain table. Bounded: each rate runs ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import shutil
import signal
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from benchmarks.bench_sync import Store, make_offline_till, postgres
from benchmarks.common import DATA, Table, percentile, use_bench_keyring
from central.child import serving


def template_ops(bills: int = 40) -> tuple[list[dict], list[list[dict]]]:
    """The shop's set-up operations and one operation group per sale, from a real till's outbox."""
    from app.till import open_till

    path = make_offline_till(DATA / f"sync-offline-{bills}.db", bills)
    till = open_till(path)
    try:
        rows = till.db.execute_sql(
            "SELECT op_id, table_name, row_id, hlc, fields, payload FROM outbox ORDER BY seq").fetchall()
    finally:
        till.close()
    ops = [{"op_id": o, "table": t, "row_id": r, "hlc": h, "fields": json.loads(f or "[]"),
            "payload": json.loads(p)} for o, t, r, h, f, p in rows]
    first_bill = next(i for i, op in enumerate(ops) if op["table"] == "bill")
    setup, sales = ops[:first_bill], []
    for op in ops[first_bill:]:
        if op["table"] == "bill" and op["row_id"] not in {o["row_id"] for g in sales[-1:] for o in g}:
            sales.append([])
        sales[-1].append(op)
    return setup, sales


class Till:
    def __init__(self, shop: int, code: str, token: str):
        self.shop, self.code, self.token = shop, code, token
        self.node = uuid.uuid4().hex[:12]
        self.counter = 0
        self.cursor = 0
        self.receipts = 0

    def stamp(self) -> str:
        self.counter += 1
        return f"{int(time.time() * 1000):013d}-{self.counter % 100000:05d}-{self.node}"

    def sale(self, template: tuple[str, int]) -> bytes:
        """A push body: the template sale with fresh ids, operation ids, stamps and receipt number."""
        text, count = template
        self.receipts += 1
        values = {"R": f"{self.code}-{self.receipts:06d}"}
        for n in range(count):
            values[f"I{n}"] = str(uuid.uuid4())
            values[f"O{n}"] = str(uuid.uuid4())
            values[f"H{n}"] = self.stamp()
        return _SLOT.sub(lambda m: values[m.group(1)], text).encode()


class Interrupted(Exception):
    """SIGTERM or SIGINT: unwinds through every ``finally`` (sampler, pos-central, PostgreSQL) and stops."""


def _interrupt(signum, frame):
    raise Interrupted(signum)


def _on_signals() -> None:
    """Outside the event loop a signal raises Interrupted where the main thread is (asyncio.run puts the
    default handlers back when its loop closes, so this is called again after each rate)."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _interrupt)


_SLOT = re.compile(r"@@(\w+)@@")
_CURSOR = re.compile(rb'\{"cursor":(\d+),')


def sale_template(group: list[dict], shop_ids: set[str]) -> tuple[str, int]:
    """A sale's push body as text with @@slots@@ for what each sale makes new (made once: the load
    generator shares the machine with the server and must stay cheap per request)."""
    ops = json.loads(json.dumps(group))
    new = sorted({op["row_id"] for op in ops} - shop_ids)
    for n, op in enumerate(ops):
        op["op_id"], op["hlc"] = f"@@O{n}@@", f"@@H{n}@@"
        if op["table"] == "bill" and "receipt_no" in op["payload"]:
            op["payload"]["receipt_no"] = "@@R@@"
    text = json.dumps({"ops": ops}, separators=(",", ":"))
    for n, old in enumerate(new):
        text = text.replace(old, f"@@I{n}@@")
    return text, max(len(ops), len(new))


async def run_rate(base: str, tills: list[Till], sales: list[list[dict]], shop_ids: set[str], seconds: float,
                   every: float, stats: dict) -> None:
    import httpx

    templates = [sale_template(group, shop_ids) for group in sales]
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    # at most as many requests in flight as connections: the rest wait here, in O(1), not in httpcore's
    # pool, whose bookkeeping walks every queued request (at 1,000 tills x 10 it starved the generator)
    in_flight = asyncio.Semaphore(200)
    async with httpx.AsyncClient(base_url=base, timeout=httpx.Timeout(60.0), limits=limits) as client:
        end = time.monotonic() + seconds

        async def seller(till: Till):
            rng = random.Random(till.node)
            headers = {"Authorization": f"Bearer {till.token}", "Content-Type": "application/json"}
            while True:
                wait = rng.expovariate(1 / every)
                if time.monotonic() + wait > end:
                    return
                await asyncio.sleep(wait)
                template = rng.choice(templates)
                body = till.sale(template)
                started = time.perf_counter()
                try:
                    async with in_flight:
                        r = await client.post("/v1/push", content=body, headers=headers)
                    r.raise_for_status()
                    if b'"rejected"' in r.content or b'"retry"' in r.content:
                        stats["errors"].append(f"push answered {r.content[:200]!r}")
                    stats["push"].append((time.perf_counter() - started) * 1000)
                    stats["ops"] += template[0].count('"op_id"')
                except (httpx.HTTPError, ValueError) as exc:
                    stats["errors"].append(f"push: {type(exc).__name__} {str(exc)[:80]}")

        async def puller(till: Till):
            headers = {"Authorization": f"Bearer {till.token}"}
            await asyncio.sleep(random.uniform(0, every))
            while time.monotonic() < end:
                started = time.perf_counter()
                try:
                    async with in_flight:
                        r = await client.get("/v1/pull", params={"cursor": till.cursor, "limit": 2000},
                                             headers=headers)
                    r.raise_for_status()
                    till.cursor = int(_CURSOR.match(r.content).group(1))
                    stats["pull"].append((time.perf_counter() - started) * 1000)
                except (httpx.HTTPError, ValueError) as exc:
                    stats["errors"].append(f"pull: {type(exc).__name__} {str(exc)[:80]}")
                await asyncio.sleep(max(0.0, every - (time.perf_counter() - started)))

        # inside the loop a signal cancels the tills' tasks (their requests stop, the client closes)
        loop, main, caught = asyncio.get_running_loop(), asyncio.current_task(), []
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda s=sig: (caught.append(s), main.cancel()))
        try:
            await asyncio.gather(*(seller(t) for t in tills), *(puller(t) for t in tills))
        except asyncio.CancelledError:
            if caught:
                raise Interrupted(caught[0]) from None
            raise


def sample_server(server_pid: int, url: str, stop, out: dict) -> None:
    """Every half second: CPU seconds and memory of pos-central and of PostgreSQL, and connections."""
    import psutil
    import psycopg

    central = psutil.Process(server_pid)
    with psycopg.connect(url, autocommit=True) as conn:
        pg_pids = {r[0] for r in conn.execute("SELECT pid FROM pg_stat_activity")}
        parent = psutil.Process(next(iter(pg_pids))).parent()
        while not stop.is_set():
            try:
                kids = parent.children()
                out["pg_cpu"] = sum(sum(k.cpu_times()[:2]) for k in kids if k.is_running())
                out["pg_rss"] = max(out.get("pg_rss", 0), sum(k.memory_info().rss for k in kids))
                procs = [central, *central.children(recursive=True)]
                out["central_cpu"] = sum(sum(c.cpu_times()[:2]) for c in procs)
                out["central_rss"] = max(out.get("central_rss", 0), sum(c.memory_info().rss for c in procs))
                conns = conn.execute("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"
                                     ).fetchone()[0]
                out["connections"] = max(out.get("connections", 0), conns)
                for (event,) in conn.execute(
                        "SELECT coalesce(wait_event_type || ':' || wait_event, 'running') FROM pg_stat_activity "
                        "WHERE backend_type = 'client backend' AND state = 'active' AND pid <> pg_backend_pid()"):
                    out.setdefault("waits", {}).setdefault(event, 0)
                    out["waits"][event] += 1
            except psutil.Error:
                pass
            stop.wait(0.5)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tills", type=int, default=1000)
    p.add_argument("--shops", type=int, default=100)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--sale-every", type=float, default=30, help="seconds between a till's sales (1x rate)")
    p.add_argument("--rates", default="1,10")
    p.add_argument("--database-url")
    p.add_argument("--workers", type=int, default=1, help="pos-central serve --workers")
    args = p.parse_args(argv)
    use_bench_keyring()
    _on_signals()
    import threading

    import psutil

    setup, sales = template_ops()
    table = Table(f"Load: {args.tills:,} tills in {args.shops:,} shops on one pos-central (loopback)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-load-"))
    interrupted = None
    try:
        with postgres(args.database_url) as url, serving(url, args=("--workers", str(args.workers))) as base:
            import httpx

            store = Store(url)
            tills: list[Till] = []
            shop_rows = {op["row_id"] for op in setup}
            for s in range(args.shops):
                shop = store.shop(f"load-{s}")
                for t in range(args.tills // args.shops):
                    tills.append(Till(s, f"L{t}", store.enroll(shop, f"L{t}")))
                first = tills[-(args.tills // args.shops)]
                r = httpx.post(base + "/v1/push", json={"ops": setup}, timeout=120,
                               headers={"Authorization": f"Bearer {first.token}"})
                r.raise_for_status()
            server_pid = next(c.pid for c in psutil.Process().children() if "central.cli" in " ".join(c.cmdline()))
            print(f"{len(tills):,} tills enrolled in {args.shops:,} shops; pos-central with {args.workers} "
                  "process(es)", flush=True)
            for rate in [float(x) for x in args.rates.split(",")]:
                every = args.sale_every / rate
                stats = {"push": [], "pull": [], "errors": [], "ops": 0}
                usage: dict = {}
                stop = threading.Event()
                sampler = threading.Thread(target=sample_server, args=(server_pid, url, stop, usage), daemon=True)
                sampler.start()
                try:
                    time.sleep(0.6)
                    before = dict(usage)
                    me = psutil.Process()
                    client_cpu = sum(me.cpu_times()[:2])
                    started = time.monotonic()
                    try:
                        asyncio.run(run_rate(base, tills, sales, shop_rows, args.seconds, every, stats))
                    finally:
                        _on_signals()
                    elapsed = time.monotonic() - started
                    client_cpu = (sum(me.cpu_times()[:2]) - client_cpu) / elapsed
                    time.sleep(0.6)
                finally:
                    stop.set()
                    sampler.join(5)
                cpu_central = (usage["central_cpu"] - before.get("central_cpu", 0)) / elapsed
                cpu_pg = (usage["pg_cpu"] - before.get("pg_cpu", 0)) / elapsed
                label = f"{rate:g}x (a sale per till every {every:g} s)"
                if stats["push"]:
                    baseline = [store.copy_baseline("outbox", [op["payload"] for op in sales[n % len(sales)]])
                                for n in range(20)]
                    table.add(f"{label}: push a sale", stats["push"], baseline)
                if stats["pull"]:
                    table.add(f"{label}: pull", stats["pull"])
                print(f"\n{label}: {len(stats['push']):,} pushes ({len(stats['push']) / elapsed:.1f}/s, "
                      f"{stats['ops'] / elapsed:.0f} ops/s), {len(stats['pull']):,} pulls in {elapsed:.0f} s; "
                      f"push p50 {statistics.median(stats['push'] or [0]):.0f} ms p99 "
                      f"{percentile(stats['push'] or [0], 99):.0f} ms; server CPU: pos-central {cpu_central:.0%} "
                      f"PostgreSQL {cpu_pg:.0%} of a core; memory: pos-central {usage.get('central_rss', 0) / 2**20:.0f} MiB "
                      f"PostgreSQL {usage.get('pg_rss', 0) / 2**20:.0f} MiB; PostgreSQL client connections "
                      f"(max) {usage.get('connections', 0)}; load generator CPU {client_cpu:.0%}; "
                      f"errors {len(stats['errors'])}", flush=True)
                waits = sorted(usage.get("waits", {}).items(), key=lambda kv: -kv[1])[:5]
                print("  what PostgreSQL's busy connections were doing (samples): "
                      + ", ".join(f"{k} {v}" for k, v in waits))
                for error in sorted(set(stats["errors"]))[:5]:
                    print(f"  error: {error}")
            store.conn.close()
    except Interrupted as exc:
        interrupted = exc.args[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if interrupted is not None:
        print(f"\nstopped by signal {interrupted}: pos-central and PostgreSQL are stopped; figures so far:")
        table.print()
        return 128 + interrupted
    table.print()
    print("\nbaseline: a raw PostgreSQL COPY of one sale's operations (JSON documents) into a plain table.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
