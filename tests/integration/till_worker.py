"""A till as its own process, for the randomized convergence test (issue 17): it opens its SQLCipher file
(key from the test's keyring file) with its own skewed hybrid clock and runs commands read from stdin, one a
line: ``sale``, ``sale points``, ``void``, ``sync``. After each sale or void has committed it prints
``ack <bill id>``: what the till has acknowledged, which must survive a SIGKILL at any later moment. The test
kills it mid-sale (after some acknowledgements, while it is in the next sale) or mid-sync.

    python tests/integration/till_worker.py DB SEED SKEW_HOURS
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

NAMES = ["Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra", "Barbara Liskov"]
ENTRIES = [["1001"], ["2*1003"], ["1001", "1004"], ["3*1004", "1003"]]


def manager():
    from db.models import User

    return User.select().where(User.role == "manager").order_by(User.name).first()


def live_customers(live_only: bool = True) -> list[str]:
    from db.models import Customer

    query = Customer.select().where(Customer.deleted_at.is_null() & Customer.erased_at.is_null())
    if live_only:
        query = query.where(Customer.merged_into.is_null() & (Customer.status == "active"))
    return sorted(c.id for c in query)


def random_sale(rng: random.Random, points: bool = False, old: bool = False) -> str:
    """A real sale through app/billing in the open till: random lines, a customer 80% of the time, paid by
    card, or partly/wholly with the customer's points. Returns the bill id."""
    from app import loyalty
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer
    from db.ids import utcnow

    live = live_customers()
    customer = rng.choice(live) if live and rng.random() < 0.8 else None
    cart = Cart()
    for entry in rng.choice(ENTRIES):
        cart.add_entry(entry)
    if customer:
        cart.set_customer(load_customer(customer))
    total = cart.price().total
    tenders = [Tender("card", total)]
    if points and customer:
        use = min(loyalty.balance(customer), total)
        if use > 0:
            tenders = [Tender("loyalty", use)] + ([Tender("card", total - use)] if total > use else [])
    now = utcnow() - dt.timedelta(days=400) if old else None
    return complete_sale(cart, tenders, manager(), now=now).bill_id


def random_void(rng: random.Random) -> str | None:
    from app import billing

    bills = [b for b in billing.recent_bills(20) if b.kind == "sale" and not b.voided]
    return billing.void_sale(rng.choice(bills).id, manager()).bill_id if bills else None


def main(path: str, seed: str, skew: str) -> int:
    from sync_helpers import opened

    from app.errors import TillError
    from app.sync import engine
    from app.sync.client import SyncError

    rng = random.Random(int(seed))
    with opened(Path(path), clock_skew_hours=float(skew)):
        print("ready", flush=True)
        for line in sys.stdin:
            command = line.split()
            if not command:
                continue
            try:
                if command[0] == "sale":
                    print(f"ack {random_sale(rng, points='points' in command)}", flush=True)
                elif command[0] == "void":
                    bill = random_void(rng)
                    print(f"ack {bill}" if bill else "none", flush=True)
                elif command[0] == "sync":
                    print("sync start", flush=True)
                    with engine.client_for(Path(path), retries=0, base_delay=0.01) as client:
                        engine.SyncEngine(client, pull_limit=7, push_batch=9).run_round()
                    print("sync done", flush=True)
            except (TillError, SyncError) as exc:
                print(f"refused {type(exc).__name__}", flush=True)
    print("bye", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
