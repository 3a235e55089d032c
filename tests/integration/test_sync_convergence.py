"""Randomized convergence (issue 17): several tills of one shop act on the same customers and sales while
offline, in random order, with network faults (drop, lost answer, cut answer, delay, time-out), skewed
clocks, till processes killed mid-sale and mid-sync, the central server process killed and PostgreSQL
restarted, and sync in random order. At quiescence: every synced table is equal field by field on every
node, every acknowledged sale exists once and whole, figures equal a recomputation, balances equal the
ledger of the customer's merge group, no merge forms a cycle, and no erased value is anywhere
(tests/integration/truth_schedule.py).

Each schedule is seeded (replay one with TILL_TRUTH_SEED=n, with -m slow). The default run is a few
schedules; ``-m slow`` runs TILL_TRUTH_SCHEDULES of them (default 2000, from seed TILL_TRUTH_FIRST) or as
many as fit in TILL_TRUTH_MINUTES, and prints how many ran, with which faults."""

from __future__ import annotations

import os
import random
import time

import pytest
from truth_batch import CentralChild, run_batch
from truth_schedule import Plan

pytestmark = pytest.mark.postgres


@pytest.fixture
def batch(central_server, proxy, memory_keyring, small_shop_template, embedded_pg, pg_url):
    """What every schedule of a batch shares: the central store (a process the schedules may kill, behind
    the fault proxy, on the session's PostgreSQL) and the small shop's till template."""
    from db.keystore import SERVICE, account_for

    template, key, _ = small_shop_template
    memory_keyring.set_password(SERVICE, account_for(template), key)
    child = CentralChild(pg_url, proxy)
    try:
        yield dict(server=central_server, proxy=proxy, keyring=memory_keyring, template=template,
                   pg=embedded_pg, child=child)
    finally:
        child.close()


def _default_plan(seed: int) -> Plan:
    return Plan(tills=3, steps=20, kills=1 if seed % 2 == 0 else 0, central_restarts=int(seed % 4 == 1),
                pg_restarts=int(seed % 4 == 3))


def _slow_plan(seed: int) -> Plan:
    """Many short schedules: 2-4 tills, 6-30 steps; a quarter kill a till process, one in eight kills the
    central server, one in eight restarts PostgreSQL."""
    rng = random.Random(seed * 7919)
    return Plan(tills=rng.choice([2, 3, 3, 4]), steps=rng.randint(6, 30),
                kills=rng.randint(1, 2) if seed % 4 == 0 else 0, central_restarts=int(seed % 8 == 1),
                pg_restarts=int(seed % 8 == 5))


def test_random_offline_work_on_three_tills_converges(batch):
    totals = run_batch(**batch, seeds=range(4), plan_for=_default_plan, report=lambda *_: None)
    print(f"\nconvergence: {totals}")
    assert totals["schedules"] == 4 and totals["kill"] == 2 and totals["central_restart"] == 1


@pytest.mark.slow
@pytest.mark.timeout(8 * 3600)
def test_random_offline_work_converges_over_many_schedules(batch):
    fixed = os.environ.get("TILL_TRUTH_SEED")
    count = int(os.environ.get("TILL_TRUTH_SCHEDULES", "2000"))
    first = int(os.environ.get("TILL_TRUTH_FIRST", "0"))
    minutes = os.environ.get("TILL_TRUTH_MINUTES")
    seeds = [int(fixed)] if fixed else range(first, first + count)
    started = time.monotonic()

    def report(seed, plan, schedule, failure):
        outcome = f"FAILED {failure}" if failure else "ok"
        print(f"schedule {seed} ({plan.tills} tills, {len(schedule.log) if schedule else 0} steps, {time.monotonic() - started:.0f} s): "
              f"{outcome}", flush=True)

    failures: list[str] = []
    totals = run_batch(**batch, seeds=seeds, plan_for=_slow_plan, report=report, failures=failures,
                       budget_s=float(minutes) * 60 if minutes else None)
    faults = {k: v for k, v in sorted(totals.items()) if k.startswith(("fault", "kill", "central", "pg"))}
    print(f"\nconvergence: {totals['schedules']} schedules ran in {totals['seconds']} s (seeds {seeds[0]}-"
          f"{seeds[0] + totals['schedules'] - 1}); faults {faults}; all {totals}")
    assert not failures, "\n".join(failures)
    assert totals["schedules"] == len(seeds) or minutes
