"""One randomized schedule of the convergence test (issue 17): several tills of one shop act on the same
customers and sales while offline, in random order, with network faults, skewed clocks, killed till
processes, central restarts and PostgreSQL restarts, and sync in random order; then every till syncs until
nothing moves and ``check`` asserts one truth. Each schedule runs in a fresh shop on a central store that
lives for the whole batch (reset between schedules by shop)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from sync_helpers import TESTS, copy_till, enroll, keyring_file_for, opened, wait_for
from till_worker import NAMES, live_customers, manager, random_sale, random_void
from truth_checks import assert_bills_whole, assert_one_truth

from app.errors import TillError
from app.sync.client import SyncError

FAULTS = ["drop", "lose_response", "cut", "delay", "timeout"]
ACTIONS = ["sale", "sale_points", "old_sale", "add", "edit", "address", "delete", "status", "merge", "undo", "void",
           "expire", "erase", "profile", "setting", "head_office", "sync", "sync"]
WEIGHTS = [5, 2, 1, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4, 4]
FAULTED_TIMEOUT = 1.0  # the client's timeout in syncs that may meet a fault; a "timeout" fault answers later


@dataclasses.dataclass
class Plan:
    tills: int = 3
    steps: int = 24
    kills: int = 0  # till processes killed mid-sale or mid-sync
    central_restarts: int = 0  # the central server process killed and started again
    pg_restarts: int = 0  # PostgreSQL under it stopped (cleanly or killed) and started again


class Schedule:
    def __init__(self, server, proxy, keyring, template, seed: int, plan: Plan, pg=None, child=None):
        self.server, self.proxy, self.keyring, self.plan = server, proxy, keyring, plan
        self.rng, self.seed, self.pg, self.child = random.Random(seed), seed, pg, child
        self.dir = Path(tempfile.mkdtemp(prefix="till-truth-"))
        self.shop = server.new_shop()
        proxy.clear()
        self.sold: list[str] = []  # bill ids of acknowledged sales and voids
        self.erased: set[str] = set()
        self.given: dict[str, set[str]] = {}  # customer id -> unique values (emails, notes) given to them
        self.tokens = 0
        self.counts: dict[str, int] = {}
        self.log: list[str] = []
        self.pages = self.rng.choice([(7, 9), (7, 9), (100, 50)])  # pull page and push batch sizes
        self.skew = [0.0] + [self.rng.choice([0.0, -2.0, 3.0, 26.0]) for _ in range(plan.tills - 1)]
        first = copy_till(template, self.dir / "t0.db", keyring)
        self.paths = [first]
        enroll(first, proxy.url, server.enroll_till(self.shop, "T0"))
        self.sync(0, faults=False)
        for n in range(1, plan.tills):
            path = self.dir / f"t{n}.db"
            with opened(path):
                pass
            enroll(path, proxy.url, server.enroll_till(self.shop, f"T{n}"))
            self.paths.append(path)
            self.sync(n, faults=False)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def token(self, pattern: str) -> str:
        """A value no other customer is given (to look for it after an erasure)."""
        self.tokens += 1
        return pattern.format(f"{self.tokens}s{self.seed}")

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    # --- steps ---------------------------------------------------------------------------------------

    def opened(self, till: int):
        return opened(self.paths[till], clock_skew_hours=self.skew[till])

    def fault(self) -> None:
        mode = self.rng.choice(FAULTS)
        path = self.rng.choice(["/v1/push", "/v1/pull"])
        delay = {"delay": self.rng.uniform(0.05, 0.4), "timeout": FAULTED_TIMEOUT + 0.5}.get(mode, 0.0)
        self.proxy.add(path, "delay" if mode == "timeout" else mode, delay=delay, skip=self.rng.randint(0, 1))
        self.count(f"fault {mode} {path[4:]}")

    def sync(self, till: int, faults: bool = True):
        from app.sync import engine

        timeout = 60.0
        if faults and self.rng.random() < 0.3:
            self.fault()
            timeout = FAULTED_TIMEOUT
        try:
            with self.opened(till), engine.client_for(self.paths[till], retries=0, base_delay=0.01,
                                                      timeout=timeout) as client:
                return engine.SyncEngine(client, pull_limit=self.pages[0], push_batch=self.pages[1]).run_round()
        except SyncError:
            if not faults:
                raise
            return None  # a fault: the next round carries on

    def step(self, forced: str | None = None) -> None:
        action = forced or self.rng.choices(ACTIONS, weights=WEIGHTS)[0]
        till = self.rng.randrange(len(self.paths))
        self.count(action)
        self.log.append(f"{action}@t{till}")
        if action == "sync":
            self.sync(till)
        elif action == "kill":
            self.kill(till)
        elif action in ("head_office", "central_restart", "pg_restart"):
            getattr(self, action)()
        else:
            with self.opened(till):
                try:
                    getattr(self, f"do_{action}")()
                except TillError:
                    pass  # refused here (a customer inactive on this till, already void ...): nothing written

    def do_sale(self):
        self.sold.append(random_sale(self.rng))

    def do_sale_points(self):
        self.sold.append(random_sale(self.rng, points=True))

    def do_old_sale(self):
        self.sold.append(random_sale(self.rng, old=True))

    def do_void(self):
        bill = random_void(self.rng)
        if bill:
            self.sold.append(bill)

    def do_add(self):
        from app import customers

        n = self.rng.randrange(6)  # six phone numbers: tills add the same person offline
        email = self.token("p{}@example.com")
        made = customers.create({"name": NAMES[n % len(NAMES)], "phone": f"+1 555 070 {n:04d}", "email": email},
                                None)
        self.given.setdefault(made.id, set()).add(email)

    def do_edit(self):
        from app import customers

        known = live_customers(live_only=False)
        if known:
            field, value = self.rng.choice([("name", self.rng.choice(NAMES)), ("notes", self.token("likes tea {}")),
                                            ("email", self.token("x{}@example.org")),
                                            ("date_of_birth", "1980-05-0" + str(self.rng.randint(1, 9)))])
            who = self.rng.choice(known)
            customers.update(who, {field: value}, None)
            if field in ("notes", "email"):
                self.given.setdefault(who, set()).add(value)

    def do_address(self):
        """Add an address, or change the first one (two tills may change the same one offline)."""
        from app import customers
        from db.models import Customer

        known = live_customers(live_only=False)
        if known:
            who = self.rng.choice(known)
            line = self.token("{} High Street")
            rows = [{"id": a.id, "line1": a.line1, "city": a.city} for a in customers.addresses(who)]
            if rows and self.rng.random() < 0.5:
                rows[0]["line1"] = line
            else:
                rows.append({"line1": line, "city": "Leeds"})
            customers.save_addresses(Customer.get_by_id(who), rows, None)
            self.given.setdefault(who, set()).add(line)

    def do_delete(self):
        from app import customers

        known = live_customers(live_only=False)
        if known:
            customers.delete(self.rng.choice(known), manager())

    def do_status(self):
        from app import customers

        known = live_customers(live_only=False)
        if known:
            customers.set_status(self.rng.choice(known), self.rng.choice(["active", "inactive"]), None)

    def do_merge(self):
        from app import merge
        from db.models import Customer

        live = [c for c in live_customers(live_only=False) if Customer.get_by_id(c).merged_into_id is None]
        if len(live) >= 2:
            a, b = self.rng.sample(live, 2)
            merge.merge(a, b, manager())

    def do_undo(self):
        from app import merge

        merges = [m for m in merge.recent_merges() if not m.undone]
        if merges:
            merge.undo(self.rng.choice(merges).id, manager())

    def do_expire(self):
        from app import loyalty_rules
        from db.ids import utcnow

        loyalty_rules.expire_points(manager(), now=utcnow() + dt.timedelta(days=self.rng.randint(0, 2)))

    def do_profile(self):
        from app import profiles

        name = self.rng.choice(["Wholesale", "Staff", "VIP"])
        profiles.save(profiles.ProfileValues(name, rule="discount", discount_bp=self.rng.choice([500, 1000])),
                      manager())

    def do_setting(self):
        from app import settings

        settings.update({"loyalty_points_per_unit": self.rng.choice([1, 2, 3])}, manager())

    def do_erase(self):
        from app import privacy

        known = live_customers(live_only=False)
        if known:
            who = self.rng.choice(known)
            privacy.erase(who, manager())
            self.erased.add(who)

    def head_office(self):
        from central import store

        shop_id = self.server.shop_id(self.shop)
        if self.rng.random() < 0.5:
            def edit(conn):
                return store.admin_write(conn, shop_id, "setting", "loyalty_points_per_unit",
                                         {"value": self.rng.choice([1, 2])})
        else:
            def edit(conn):
                return store.admin_write(conn, shop_id, "customer_profile", None,
                                         {"name": self.rng.choice(["Wholesale", "Staff", "Trade"])})
        try:
            self.server.run(edit)
        except store.StoreError:
            pass  # the name is taken: the head office is told at once

    def pg_restart(self):
        """The central store's PostgreSQL stopped (cleanly or killed) and started again."""
        import httpx

        if self.pg is None:
            return
        self.pg.stop(self.rng.choice(["fast", "immediate"]))
        self.pg.start()
        with httpx.Client(base_url=self.server.url) as http:
            wait_for(lambda: http.get("/health").status_code == 200, timeout=60, what="the database to be back")

    def central_restart(self):
        """The central server process killed (SIGKILL), wherever it was, and started again."""
        if self.child is not None:
            self.child.restart()

    # --- a till as its own process, killed ---------------------------------------------------------------

    def kill(self, till: int) -> None:
        """Till ``till`` runs as its own process: sales (and a void), then a sync; SIGKILL mid-sale (after
        some acknowledgements), mid-push or mid-pull (the store applied the request, the answer is held), or
        at a random moment of a sync. Reopened from its file: every acknowledged sale is there, whole."""
        kind = self.rng.choice(["sale", "push", "pull", "sync"])
        self.count(f"kill mid-{kind}")
        self.log[-1] += f"({kind})"
        commands = [self.rng.choice(["sale", "sale", "sale points", "void"]) for _ in range(self.rng.randint(1, 4))]
        if kind != "sale":
            commands += ["sync", "sale"]
        acks_before_kill = self.rng.randrange(len(commands) - (0 if kind == "sale" else 2) + 1)
        self.proxy.clear()
        if kind in ("push", "pull"):
            self.proxy.arm_hold(f"/v1/{kind}")
        path = self.paths[till]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(TESTS.parent), str(TESTS)]),
                   PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
                   TILL_TEST_KEYRING_FILE=str(keyring_file_for(self.keyring, path)))
        with open(self.dir / f"worker-{len(self.log)}.err", "w") as err:
            process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("till_worker.py")), str(path),
                 str(self.rng.randrange(1 << 30)), str(self.skew[till])],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True, env=env, cwd=TESTS.parent)
        out: list[str] = []
        try:
            process.stdin.write("".join(c + "\n" for c in commands))
            process.stdin.close()
            if kind in ("push", "pull"):
                wait_for(lambda: self.proxy.held.is_set() or process.poll() is not None, timeout=120,
                         what=f"the till process to reach the held {kind}")
            else:
                answers = 0
                while answers < acks_before_kill or (kind == "sync" and "sync start" not in out):
                    line = process.stdout.readline()
                    if not line:
                        break
                    out.append(line.strip())
                    answers += line.startswith(("ack", "none", "refused"))
        finally:
            process.send_signal(signal.SIGKILL)
            process.wait(30)
            out += process.stdout.read().split("\n")
            process.stdout.close()
            self.proxy.release()
            self.proxy.clear()
        failed = (self.dir / f"worker-{len(self.log)}.err").read_text()
        assert "Traceback" not in failed, f"the till process failed before it was killed: {failed[-800:]}"
        acked = [line.split()[1] for line in out if line.startswith("ack ")]
        with self.opened(till):
            assert_bills_whole(acked, f"seed {self.seed}: t{till} killed mid-{kind}")
        self.sold += acked

    # --- the end -------------------------------------------------------------------------------------

    def run(self) -> None:
        plan = self.plan
        forced = ["kill"] * plan.kills + ["central_restart"] * plan.central_restarts + ["pg_restart"] * plan.pg_restarts
        at = dict(zip(self.rng.sample(range(plan.steps), min(len(forced), plan.steps)), forced, strict=False))
        for n in range(plan.steps):
            self.step(at.get(n))
        self.quiesce()
        self.check()

    def quiesce(self, most: int = 8) -> None:
        """No faults: every till syncs, in turn, until a whole pass moves nothing (at least two passes)."""
        self.proxy.clear()
        for n in range(most):
            moved = 0
            for till in range(len(self.paths)):
                r = self.sync(till, faults=False)
                moved += r.pushed + r.pulled + r.recovered + r.resent + r.rejected + r.retry + r.duplicates
            if not moved and n >= 1:
                return

    def check(self) -> None:
        assert_one_truth(self.server, self.shop, self.paths, self.sold, self.erased, self.given)
