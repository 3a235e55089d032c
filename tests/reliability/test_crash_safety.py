"""Crash safety: a till process killed (SIGKILL) at random moments while completing sales.

After each restart the database opens, every acknowledged sale is there whole, no sale is there in part,
and the outbox still holds every sale (nothing was pushed: there is no server here).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from db.connection import open_database
from db.keystore import SERVICE, account_for
from db.models import Bill, BillLine, Outbox, Payment

TESTS = Path(__file__).resolve().parents[1]


def _run_and_kill(db_path: Path, env: dict, seed: int, kill_after_s: float) -> list[tuple]:
    """Start the driver, let it sell for kill_after_s seconds once it is ready, SIGKILL it (a random moment:
    often in the middle of a sale's transaction). Returns the sales it acknowledged."""
    proc = subprocess.Popen([sys.executable, str(TESTS / "reliability" / "crash_driver.py"), str(db_path),
                             str(seed), "100000"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=TESTS.parent)
    lines: list[str] = []
    ready = threading.Event()

    def read():
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("READY"):
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(120), proc.stderr.read() if proc.poll() is not None else "driver never got ready"
        time.sleep(kill_after_s)  # the random kill moment is the point of the test, not a wait
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        reader.join(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    acked = []
    for line in lines:
        if line.startswith("ACK "):
            _, bill_id, receipt, total = line.split()
            acked.append((bill_id, receipt, int(total)))
    return acked


def _check_database(db_path: Path, acked: list[tuple]) -> int:
    opened = open_database(db_path)  # must open after every kill
    try:
        bills = {b.id: b for b in Bill.select()}
        for bill_id, receipt, total in acked:
            bill = bills.get(bill_id)
            assert bill is not None, f"acknowledged sale {receipt} is missing"
            assert (bill.receipt_no, bill.total) == (receipt, total)
        for bill in bills.values():  # every bill in the file is whole
            lines = list(BillLine.select().where(BillLine.bill == bill.id))
            payments = list(Payment.select().where(Payment.bill == bill.id))
            assert lines, f"{bill.receipt_no} has no lines"
            # the demo shop's prices include tax, so nothing is added on top of the lines
            assert sum(line.unit_price * line.quantity for line in lines) == bill.subtotal, bill.receipt_no
            assert bill.subtotal - bill.discount_total + bill.rounding == bill.total, bill.receipt_no
            assert sum(p.amount for p in payments) == bill.total, f"{bill.receipt_no} payments do not cover it"
            queued = {o.table_name for o in Outbox.select(Outbox.table_name).where(
                Outbox.row_id.in_([bill.id] + [line.id for line in lines] + [p.id for p in payments]))}
            assert {"bill", "bill_line", "payment"} <= queued, f"{bill.receipt_no} is not waiting to sync"
        receipts = [b.receipt_no for b in bills.values()]
        assert len(receipts) == len(set(receipts))
        return len(bills)
    finally:
        opened.close()


def _crash_loop(demo_db_path, memory_keyring, tmp_path, target_sales: int, seed: int):
    keyring_file = tmp_path / "keyring.json"
    keyring_file.write_text(json.dumps(
        {f"{SERVICE}\x00{account_for(demo_db_path)}": memory_keyring.get_password(SERVICE, account_for(demo_db_path))}))
    env = dict(os.environ, PYTHONPATH=str(TESTS), TILL_TEST_KEYRING_FILE=str(keyring_file),
               XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"))
    opened = open_database(demo_db_path)
    before = Bill.select().count()
    opened.close()
    rng = random.Random(seed)
    acked: list[tuple] = []
    kills = 0
    while len(acked) < target_sales:
        new = _run_and_kill(demo_db_path, env, rng.randrange(10**6), rng.uniform(0.05, 1.2))
        acked += new
        kills += 1
        in_file = _check_database(demo_db_path, acked)
        # a sale may have committed after its ACK could be printed: the file holds at least every ACK
        assert in_file >= before + len(acked)
    return acked, kills


def test_killed_till_keeps_every_acknowledged_sale_whole(demo_db_path, memory_keyring, tmp_path):
    acked, kills = _crash_loop(demo_db_path, memory_keyring, tmp_path, target_sales=200, seed=11)
    assert len(acked) >= 200 and kills >= 3


@pytest.mark.slow
def test_killed_till_keeps_every_acknowledged_sale_whole_long(demo_db_path, memory_keyring, tmp_path):
    acked, kills = _crash_loop(demo_db_path, memory_keyring, tmp_path, target_sales=2000, seed=12)
    assert len(acked) >= 2000 and kills >= 20
