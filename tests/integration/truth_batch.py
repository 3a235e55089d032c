"""The batch around the randomized convergence schedules (tests/integration/truth_schedule.py): one central
store for the whole batch, as its own process the schedules may kill, and the loop that runs schedule after
schedule, each in a fresh shop."""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import time
import traceback

from sync_helpers import TESTS, wait_for
from truth_schedule import Schedule


class CentralChild:
    """``pos-central serve`` in its own process behind the proxy, so a schedule can kill it (SIGKILL) and
    start it again on the same database; the proxy is pointed at the new port."""

    def __init__(self, database_url: str, proxy):
        self.database_url, self.proxy, self.process = database_url, proxy, None
        self.start()

    def start(self) -> None:
        import httpx

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "central.cli", "serve", "--database-url", self.database_url,
             "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=TESTS.parent)

        def up():
            assert self.process.poll() is None, "pos-central did not start"
            with contextlib.suppress(httpx.TransportError):
                return httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200
            return False

        wait_for(up, timeout=90, what="pos-central to start")
        self.proxy.target = ("127.0.0.1", port)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def restart(self) -> None:
        self.kill()
        self.start()

    def close(self) -> None:
        if self.process and self.process.poll() is None:
            self.kill()



def run_batch(server, proxy, keyring, template, seeds, plan_for, pg=None, child=None, budget_s: float | None = None,
              report=print, failures: list | None = None) -> dict:
    """Run schedules for ``seeds`` (until ``budget_s`` seconds have passed, if given). A failure raises with
    its seed and steps, or, given a ``failures`` list, is added to it and the batch goes on. Returns totals:
    schedules run and what they did."""
    started = time.monotonic()
    totals: dict[str, int] = {"schedules": 0, "failed": 0}
    for seed in seeds:
        if budget_s is not None and time.monotonic() - started > budget_s:
            break
        plan, schedule, failure = plan_for(seed), None, None
        try:
            schedule = Schedule(server, proxy, keyring, template, seed, plan, pg=pg, child=child)
            schedule.run()
        except Exception as exc:
            steps = " ".join(schedule.log) if schedule else "(setting up)"
            failure = AssertionError(f"schedule seed {seed} (replay: TILL_TRUTH_SEED={seed}) {plan}, steps "
                                     f"{steps}: {type(exc).__name__}: {exc}")
            if failures is None:
                raise failure from exc
            failures.append(f"{failure}\n{traceback.format_exc(limit=-4)}")
            totals["failed"] += 1
        finally:
            if schedule is not None:
                schedule.close()
            if pg is not None and not pg.running:  # the other tests need their database
                pg.start()
            if child is not None and child.process.poll() is not None:
                child.start()
        totals["schedules"] += 1
        for action, n in (schedule.counts if schedule else {}).items():
            totals[action] = totals.get(action, 0) + n
        report(seed, plan, schedule, failure)
    totals["seconds"] = int(time.monotonic() - started)
    return totals
