"""A hypothesis state machine: N tills of one shop make random sales, add and edit customers (sometimes with
the same phone on two tills), and sync at random through a proxy that drops, loses and cuts requests.
When the faults stop and every till has synced, every till holds exactly what the server holds, and every
bill exists exactly once. The default run is short; the slow mark runs a longer one."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from sync_helpers import comparable, copy_till, enroll, opened, sell, sync, table_rows

from app import customers
from app.errors import TillError
from app.sync.client import SyncError
from central.tables import TABLES
from db.models import Customer, CustomerStats

pytestmark = pytest.mark.postgres

COMPARED = ["customer", "customer_preference", "bill", "bill_line", "payment", "loyalty_entry", "item", "user"]
NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]
EDITS = {
    "name": st.sampled_from(NAMES),
    "email": st.sampled_from(["a@example.com", "b@example.com", "c@example.org"]),
    "notes": st.text(alphabet="abcdefgh ", max_size=12),
    "status": st.sampled_from(["active", "inactive"]),
}


class Tills(RuleBasedStateMachine):
    """Set by the test before running: the server, the proxy, the keyring, the template and N."""

    server = proxy = keyring = template = None
    n_tills = 3

    def __init__(self):
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="till-machine-"))
        self.shop = self.server.new_shop()
        self.proxy.clear()
        self.receipts: list[str] = []
        first = copy_till(self.template, self.dir / "t0.db", self.keyring)
        self.paths = [first]
        enroll(first, self.proxy.url, self.server.enroll_till(self.shop, "T0"))
        sync(first)
        for n in range(1, self.n_tills):
            path = self.dir / f"t{n}.db"
            with opened(path):
                pass
            enroll(path, self.proxy.url, self.server.enroll_till(self.shop, f"T{n}"))
            sync(path)
            self.paths.append(path)

    def _customers(self, till: int, active_only: bool = False) -> list[str]:
        with opened(self.paths[till]):
            query = Customer.live().where(Customer.merged_into.is_null())
            if active_only:
                query = query.where(Customer.status == "active")
            return sorted(c.id for c in query)

    @rule(till=st.integers(0, 10), pick=st.integers(0, 50), entries=st.sampled_from(
        [["1001"], ["2*1003"], ["1001", "1004"], ["3*1004", "1003"]]), anonymous=st.booleans())
    def sale(self, till, pick, entries, anonymous):
        till %= self.n_tills
        active = self._customers(till, active_only=True)
        customer = None if anonymous or not active else active[pick % len(active)]
        with opened(self.paths[till]):
            self.receipts.append(sell(customer, entries).receipt_no)

    @rule(till=st.integers(0, 10), phone=st.integers(0, 6))
    def add_customer(self, till, phone):
        till %= self.n_tills
        with opened(self.paths[till]):
            try:
                customers.create({"name": NAMES[phone % len(NAMES)], "phone": f"+1 555 070 {phone:04d}"}, None)
            except TillError:
                pass  # this till already has a customer with that phone

    @rule(till=st.integers(0, 10), pick=st.integers(0, 50), data=st.data())
    def edit_customer(self, till, pick, data):
        till %= self.n_tills
        known = self._customers(till)
        field = data.draw(st.sampled_from(sorted(EDITS)))
        value = data.draw(EDITS[field])
        with opened(self.paths[till]):
            try:
                customers.update(known[pick % len(known)], {field: value}, None)
            except TillError:
                pass

    @rule(till=st.integers(0, 10), retries=st.integers(0, 1))
    def sync_till(self, till, retries):
        try:
            sync(self.paths[till % self.n_tills], retries=retries, engine_kwargs={"pull_limit": 7, "push_batch": 9})
        except SyncError:
            pass  # a fault: the next round carries on

    @precondition(lambda self: len(self.proxy.rules) < 6)
    @rule(path=st.sampled_from(["/v1/push", "/v1/pull"]), mode=st.sampled_from(["drop", "lose_response", "cut"]),
          skip=st.integers(0, 2))
    def fault(self, path, mode, skip):
        self.proxy.add(path, mode, skip=skip)

    def teardown(self):
        try:
            self.proxy.clear()
            for _ in range(2):
                for path in self.paths:
                    sync(path, retries=0)
            self.check()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def check(self):
        server = {t: self.server.rows(self.shop, t) for t in COMPARED}
        bills = sorted(b["receipt_no"] for b in server["bill"].values())
        assert bills == sorted(self.receipts), "every bill exactly once on the server"
        conflicts = set(self.server.rows(self.shop, "conflict_log"))
        figures = []
        for path in self.paths:
            with opened(path):
                from db.models import Outbox

                assert Outbox.select().count() == 0, "nothing left to push, nothing quarantined"
                for table in COMPARED:
                    columns = TABLES[table].column_names
                    local = {i: comparable(r, columns) for i, r in table_rows(table).items()}
                    expected = {i: comparable(r, columns) for i, r in server[table].items()}
                    assert local == expected, f"{path.name}: {table} differs from the server"
                assert conflicts <= set(table_rows("conflict_log"))
                figures.append({s.customer_id: (s.orders, s.spent, s.points) for s in CustomerStats.select()
                                if s.orders or s.points})
        assert all(f == figures[0] for f in figures), "every till shows the same customer figures"


def _run(central_server, proxy, memory_keyring, small_shop_template, tmp_path, n_tills, hypothesis_settings):
    from db.keystore import SERVICE, account_for

    template, key, _ = small_shop_template
    memory_keyring.set_password(SERVICE, account_for(template), key)
    Tills.server, Tills.proxy, Tills.keyring, Tills.template = central_server, proxy, memory_keyring, template
    Tills.n_tills = n_tills
    run_state_machine_as_test(Tills, settings=hypothesis_settings)


def test_random_sales_edits_syncs_and_faults_converge(central_server, proxy, memory_keyring, small_shop_template,
                                                     tmp_path):
    _run(central_server, proxy, memory_keyring, small_shop_template, tmp_path, 3,
         settings(max_examples=4, stateful_step_count=14, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck)))


@pytest.mark.slow
def test_random_sales_edits_syncs_and_faults_converge_long(central_server, proxy, memory_keyring,
                                                          small_shop_template, tmp_path):
    _run(central_server, proxy, memory_keyring, small_shop_template, tmp_path, 4,
         settings(max_examples=25, stateful_step_count=30, deadline=None, suppress_health_check=list(HealthCheck)))
