"""The customers' sign-up page under load, while tills sync (pos-central in its own process, PostgreSQL).

    python -m benchmarks.bench_signup [--seconds 30] [--tills 4] [--signup-workers 4] [--rate 20]
                                      [--flood-rate 200] [--database-url URL]

Tills are threads doing sync rounds back to back over HTTP, as the till's sync engine does: push one new
operation, then pull from their cursor until nothing is left. Sign-ups come from separate processes (so
their client work does not slow the tills' measurement), each opening the form once and then posting
sign-ups with new phones. Phases of the same length:

- no sign-ups: the tills' round latency alone (the baseline);
- paced: ``--rate`` sign-ups a second in all (20/s is 72,000 an hour), limits lifted, each pulled by
  every till;
- as fast as taken: the posting processes wait only for each answer: the sign-ups per second the central
  store takes, and the tills' round latency meanwhile;
- refused flood: a second server with the default limits, ``--flood-rate`` posts a second from one
  address: after the first few, every one is answered 429.

Also the server's CPU in each phase (from /proc), so the cost of a sign-up and of a refusal shows apart
from the noise of a shared machine: the posting processes run on the same cores as the server here.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import multiprocessing
import os
import re
import socket
import sys
import threading
import time
from urllib.parse import urlencode

from benchmarks.bench_sync import Store, postgres
from benchmarks.common import Table
from central.child import serving

LIFTED = {"POS_SIGNUP_PER_ADDRESS": "100000000/1", "POS_SIGNUP_PER_SHOP": "100000000/1",
          "POS_SIGNUP_VIEWS_PER_ADDRESS": "100000000/1"}


@contextlib.contextmanager
def environment(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


class Till(threading.Thread):
    """Sync rounds against the store until ``stop`` is set; each round's milliseconds in ``rounds``."""

    def __init__(self, base: str, token: str, stop: threading.Event, node: str):
        super().__init__(daemon=True)
        import httpx

        self.http = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        self.stop, self.node = stop, node
        self.cursor, self.counter, self.pulled = 0, 0, 0
        self.rounds: list[float] = []
        self.error: BaseException | None = None

    def _op(self) -> dict:
        from db.ids import new_id

        self.counter += 1
        stamp = f"{int(time.time() * 1000):013d}-{self.counter % 100000:05d}-{self.node}"
        row = {"id": new_id(), "updated_at": stamp, "at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
               "user_id": None, "action": "bench.round", "entity": "till", "entity_id": self.node, "detail": None}
        return {"op_id": new_id(), "table": "audit_log", "row_id": row["id"], "hlc": stamp, "fields": list(row),
                "payload": row}

    def round(self) -> None:
        pushed = self.http.post("/v1/push", json={"ops": [self._op()]})
        pushed.raise_for_status()
        while True:
            page = self.http.get("/v1/pull", params={"cursor": self.cursor, "limit": 2000})
            page.raise_for_status()
            body = page.json()
            self.cursor, self.pulled = body["cursor"], self.pulled + body["count"]
            if not body["has_more"]:
                return

    def run(self) -> None:
        try:
            self.round()  # catch up first
            while not self.stop.is_set():
                start = time.perf_counter()
                self.round()
                self.rounds.append((time.perf_counter() - start) * 1000)
                self.stop.wait(0.02)
        except BaseException as exc:  # reported by the main thread
            self.error = exc
        finally:
            self.http.close()


class RawClient:
    """A bare HTTP/1.1 keep-alive client on a socket: the posting processes share the server's cores on
    this machine, so they should spend as little CPU per request as possible (httpx costs several times
    more per request than the server's refusal does)."""

    def __init__(self, base: str):
        host, port = base.split("://", 1)[1].split(":")
        self.host, self.address = host, (host, int(port))
        self.sock = socket.create_connection(self.address)
        self.buffer = b""

    def request(self, method: str, path: str, body: bytes = b"", cookie: str = "") -> tuple[int, dict, bytes]:
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if cookie:
            head += f"Cookie: {cookie}\r\n"
        if method == "POST":
            head += f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
        self.sock.sendall(head.encode() + b"\r\n" + body)
        while b"\r\n\r\n" not in self.buffer:
            self._read()
        header, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = header.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), value.strip())
        length = int(headers.get("content-length", 0))
        while len(self.buffer) < length:
            self._read()
        content, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), headers, content

    def _read(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk


def signup_worker(base: str, path: str, seconds: float, first_phone: int, rate: float, out) -> None:
    """One process posting sign-ups for ``seconds``, ``rate`` a second (0: as fast as answered):
    (accepted times, their latencies, refused count, other answers)."""
    accepted, latencies, refused, other = [], [], 0, {}
    http = RawClient(base)
    _, headers, page = http.request("GET", path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.decode()).group(1)
    cookie = headers["set-cookie"].split(";", 1)[0]
    began = time.monotonic()
    deadline = began + seconds
    n = first_phone
    while time.monotonic() < deadline:
        n += 1
        if rate:
            time.sleep(max(0.0, began + (n - first_phone) / rate - time.monotonic()))
        body = urlencode({"csrf_token": token, "website": "", "name": f"Guest {n}", "phone": f"+1555{n:07d}",
                          "email": f"guest{n}@example.net", "marketing_consent": "yes" if n % 2 else "",
                          "privacy_accepted": "yes"}).encode()
        start = time.perf_counter()
        status, headers, _ = http.request("POST", path, body, cookie)
        if headers.get("connection", "").lower() == "close":
            http = RawClient(base)
        if status == 200:
            accepted.append(time.monotonic())
            latencies.append((time.perf_counter() - start) * 1000)
        elif status == 429:
            refused += 1
        else:
            other[status] = other.get(status, 0) + 1
    http.sock.close()
    out.put((accepted, latencies, refused, other))


def server_cpu() -> float:
    """CPU seconds used so far by this process's pos-central child (Linux /proc; 0 elsewhere)."""
    total = 0.0
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            if int(fields[1]) != os.getpid():
                continue
            with open(stat[:-4] + "cmdline", "rb") as fh:
                if b"serve" not in fh.read():
                    continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            continue
    return total


class Phase:
    def __init__(self, rounds, accepted, latencies, refused, other, pulled, cpu):
        self.rounds, self.accepted, self.latencies, self.refused = rounds, accepted, latencies, refused
        self.other, self.pulled, self.cpu = other, pulled, cpu


def phase(base: str, tokens: list[str], seconds: float, workers: int, path: str | None, first_phone: int,
          rate: float = 0) -> Phase:
    """Tills sync for ``seconds`` while ``workers`` sign-up processes post (none when path is None), each
    ``rate`` a second (0: closed loop, as fast as answered)."""
    stop = threading.Event()
    tills = [Till(base, token, stop, f"bench{n}") for n, token in enumerate(tokens)]
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    procs = [context.Process(target=signup_worker,
                             args=(base, path, seconds, first_phone + n * 500_000, rate, out))
             for n in range(workers if path else 0)]
    for till in tills:
        till.start()
    time.sleep(0.5)  # the tills have caught up
    started, cpu = time.monotonic(), server_cpu()
    for proc in procs:
        proc.start()
    results = [out.get(timeout=seconds + 120) for _ in procs]
    time.sleep(max(0.0, seconds - (time.monotonic() - started)))
    stop.set()
    cpu = (server_cpu() - cpu) / (time.monotonic() - started)
    for till in tills:
        till.join(60)
        if till.error:
            raise till.error
    for proc in procs:
        proc.join(30)
    rounds = [ms for till in tills for ms in till.rounds]
    accepted = sorted(t for r in results for t in r[0])
    latencies = [ms for r in results for ms in r[1]]
    refused = sum(r[2] for r in results)
    other: dict = {}
    for r in results:
        for code, count in r[3].items():
            other[code] = other.get(code, 0) + count
    return Phase(rounds, accepted, latencies, refused, other, sum(t.pulled for t in tills), cpu)


def per_second(times: list[float]) -> list[float]:
    """Counts per whole second between the first and the last event."""
    if len(times) < 2:
        return [float(len(times))]
    start = times[0]
    buckets = [0.0] * max(1, int(times[-1] - start))
    for t in times:
        index = int(t - start)
        if index < len(buckets):
            buckets[index] += 1
    return buckets


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=30, help="length of each phase")
    p.add_argument("--tills", type=int, default=4)
    p.add_argument("--signup-workers", type=int, default=4)
    p.add_argument("--rate", type=float, default=20, help="sign-ups a second in the paced phase")
    p.add_argument("--flood-rate", type=float, default=200, help="posts a second in the refused flood")
    p.add_argument("--database-url", help="a PostgreSQL to use (default: embedded, in a temp dir)")
    args = p.parse_args(argv)
    latency = Table("Sync rounds while customers sign up on the web page (pos-central, separate process)")
    rates = Table("Sign-ups the central store takes while tills sync", unit="per s")
    cpu = Table("pos-central's CPU (ms of CPU per second of wall time; 1000 = one core)", unit="cpu ms/s")
    with postgres(args.database_url) as url:
        store = Store(url)
        from central import signup_store

        def shop_and_page(label: str):
            shop = store.shop(label)
            tokens = [store.enroll(shop, f"T{n}") for n in range(args.tills)]
            with store.conn.transaction():
                path = signup_store.page_path(signup_store.slug_for(signup_store.secret(store.conn),
                                                                    store.shop_id(shop)))
            return tokens, path

        workers, seconds = args.signup_workers, args.seconds
        with environment(LIFTED), serving(url) as base:
            tokens, path = shop_and_page("signup")
            alone = phase(base, tokens, seconds, 0, None, 0)
            paced = phase(base, tokens, seconds, workers, path, 0, args.rate / workers)
            full = phase(base, tokens, seconds, workers, path, 5_000_000)
        with serving(url) as base:
            tokens, path = shop_and_page("flood")
            flood = phase(base, tokens, seconds, workers, path, 1, args.flood_rate / workers)
        store.conn.close()
    for name, result in (("paced", paced), ("closed loop", full), ("flood", flood)):
        assert not result.other, f"{name}: unexpected answers {result.other}"
        print(f"  {name}: {len(result.accepted):,} accepted, {result.refused:,} refused (429), the tills pulled "
              f"{result.pulled:,} rows", flush=True)
    paced_rate, full_rate = len(paced.accepted) / seconds, len(full.accepted) / seconds
    flood_rate = flood.refused / seconds
    latency.add(f"sync round, no sign-ups ({args.tills} tills)", alone.rounds)
    latency.add(f"sync round, {paced_rate:.0f} sign-ups/s (paced)", paced.rounds, alone.rounds)
    latency.add(f"sync round, {full_rate:.0f} sign-ups/s (as fast as taken)", full.rounds, alone.rounds)
    latency.add(f"sync round, flood of {flood_rate:.0f}/s refused (429)", flood.rounds, alone.rounds)
    latency.add("sign-up POST (accepted), paced", paced.latencies or [0.0])
    latency.add("sign-up POST (accepted), as fast as taken", full.latencies or [0.0])
    rates.add(f"sign-ups accepted, {workers} processes posting as fast as taken", per_second(full.accepted))
    rates.add("flood answered 429 (default limits)", [flood_rate])
    # The server's CPU beyond what the tills' rounds cost (their CPU per round measured alone): what the
    # sign-ups, or the refusals, cost it.
    per_round = alone.cpu * seconds / max(1, len(alone.rounds))

    def extra(result: Phase) -> float:
        return max(0.0, result.cpu * seconds - per_round * len(result.rounds)) * 1000 / seconds

    cpu.add(f"tills' rounds alone ({per_round * 1000:.1f} ms a round)", [alone.cpu * 1000])
    cpu.add(f"{paced_rate:.0f} sign-ups/s, beyond the rounds", [extra(paced)])
    cpu.add(f"{full_rate:.0f} sign-ups/s, beyond the rounds", [extra(full)])
    cpu.add(f"{flood_rate:.0f} refusals/s, beyond the rounds", [extra(flood)])
    for table in (latency, rates, cpu):
        table.print()
    if full.accepted and flood.refused:
        print(f"\nserver CPU: about {extra(full) / full_rate:.1f} ms per accepted sign-up, "
              f"{extra(flood) / flood_rate:.2f} ms per refused one (beyond the tills' rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
