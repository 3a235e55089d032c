"""A real shop, end to end and black-box, as its installer and staff run it: ``pos-central serve --data-dir``
in its own process (its own embedded PostgreSQL), tokens from ``pos-central enroll-till``, the demo database
as the shop's first (office) till and a counter till linked with ``pos-till enroll`` / ``sync`` as
subprocesses; both sell while the central store is down, it comes back, everything arrives once; the public
sign-up page; a head-office price change; and a third, empty till joining through the setup wizard."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QLabel, QLineEdit, QPushButton
from signup_steps import signup_path, submit
from sync_helpers import TESTS, keyring_file_for, opened, sell

from central.child import _free_port, running

pytestmark = pytest.mark.postgres

SHOP = "Corner Cafe"


def _bin(name: str) -> list[str]:
    script = Path(sys.executable).parent / name
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", {"pos-central": "central.cli", "pos-till": "app"}[name]]


def _central(data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*_bin("pos-central"), *args, "--data-dir", str(data_dir)], capture_output=True,
                          text=True, timeout=120, cwd=TESTS.parent)


def _serving(data_dir: Path, port: int):
    """``pos-central serve --data-dir DIR --bind 127.0.0.1:PORT`` until /health answers; stopped after."""
    return running([*_bin("pos-central"), "serve", "--data-dir", str(data_dir), "--bind", f"127.0.0.1:{port}",
                    "--log-level", "warning"], f"http://127.0.0.1:{port}", timeout=90, cwd=TESTS.parent)


class Tills:
    """``pos-till --db PATH ...`` subprocesses sharing one file keyring with this process's test keyring."""

    def __init__(self, memory_keyring, some_path: Path):
        self.memory = memory_keyring
        self.file = keyring_file_for(memory_keyring, some_path)

    def run(self, path: Path, *args: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
                   TILL_TEST_KEYRING_FILE=str(self.file), QT_QPA_PLATFORM="offscreen")
        done = subprocess.run([*_bin("pos-till"), "--db", str(path), *args], env=env, text=True,
                              capture_output=True, cwd=TESTS.parent, timeout=120)
        for key, secret in json.loads(self.file.read_text()).items():  # new databases' keys, for opened()
            self.memory.set_password(*key.split("\x00", 1), secret)
        return done


def _one_line(done: subprocess.CompletedProcess) -> str:
    text = (done.stdout if done.returncode == 0 else done.stderr).strip()
    assert len(text.splitlines()) == 1, (done.stdout, done.stderr)
    return text


def _receipts() -> list[str]:
    from db.models import Bill

    return [b.receipt_no for b in Bill.select(Bill.receipt_no)]


def test_a_shop_of_three_tills_through_an_outage_of_its_central_store(qtbot, demo_db_path, tmp_path,
                                                                      memory_keyring):
    from app import customer_search, customers, items
    from app.errors import PermissionDenied
    from db.models import Customer, Item, User

    data, port = tmp_path / "central", _free_port()
    tokens = {}
    for code, extra in (("OFFICE", ["--office"]), ("T1", []), ("T2", [])):
        done = _central(data, "enroll-till", "--store", SHOP, "--till", code, *extra)
        assert done.returncode == 0 and done.stdout.count("\n") == 1 and done.stdout.startswith("tt_"), done
        tokens[code] = done.stdout.strip()
    office, counter = demo_db_path, tmp_path / "t1.db"
    tills = Tills(memory_keyring, office)

    with _serving(data, port) as url:
        for path, code in ((office, "OFFICE"), (counter, "T1")):
            enrolled = tills.run(path, "enroll", "--central", url, "--token", tokens[code])
            assert enrolled.returncode == 0 and f"till {code} of '{SHOP}'" in _one_line(enrolled)
            synced = tills.run(path, "sync")
            assert synced.returncode == 0 and _one_line(synced).startswith("Synced: pushed"), synced
        assert "bootstrapped" in synced.stdout  # the empty counter till fetched the shop the demo brought
        page = _central(data, "signup-url", "--store", SHOP)
        assert page.returncode == 0
        signup_path_cli = page.stdout.strip()
        assert signup_path_cli.startswith("/") and page.stdout.count("\n") == 1

    # The central store is down: both tills sell, add a customer each and edit Emily's card.
    with opened(office):
        manager = User.get(User.name == "Manager")
        emily = Customer.get(Customer.name == "Emily Roberts")
        customers.create({"name": "Olivia Office", "phone": "+1 555 040 0001"}, manager)
        customers.update(emily.id, {"notes": "likes the window seat"}, manager)
        sold_office = [sell(None, ("1001", "1003")).receipt_no for _ in range(2)]
    with opened(counter):
        manager = User.get(User.name == "Manager")
        customers.create({"name": "Carl Counter", "phone": "+1 555 040 0002"}, manager)
        customers.update(emily.id, {"email": "emily@example.com"}, manager)
        sold_counter = [sell(None, ("1003",)).receipt_no for _ in range(3)]
    down = tills.run(counter, "sync")
    assert down.returncode != 0 and "offline" in _one_line(down) and "Nothing was lost" in down.stderr

    with _serving(data, port) as url:  # back, on the same data directory and address
        for path in (counter, office, counter):
            assert tills.run(path, "sync").returncode == 0
        seen = {}
        for path in (office, counter):
            with opened(path):
                receipts = _receipts()
                assert len(receipts) == len(set(receipts)) and set(sold_office + sold_counter) <= set(receipts)
                assert {"Olivia Office", "Carl Counter"} <= {c.name for c in Customer.select()}
                card = Customer.get_by_id(emily.id)
                assert (card.notes, card.email) == ("likes the window seat", "emily@example.com")
                seen[path] = sorted(receipts)
        assert seen[office] == seen[counter]

        # A customer signs up on the shop's page; the same phone again creates nobody.
        with httpx.Client(base_url=url) as client:
            for name, phone, consent in (("Grace Hopper", "(555) 030-0007", "yes"),
                                         ("Someone Else", "555 030 0007", "")):
                answer = submit(client, signup_path_cli, {"name": name, "phone": phone, "email": "",
                                                          "marketing_consent": consent, "privacy_accepted": "yes"})
                assert answer.status_code == 200 and "Thank you" in answer.text and "Hopper" not in answer.text
        # Head-office data: the counter till may not change a price; the office till's change reaches it.
        with opened(counter):
            espresso = Item.get(Item.code == "1001")
            with pytest.raises(PermissionDenied, match="office till"):
                items.save_item(espresso.id, items.ItemForm(code="1001", name="Espresso", price="3.00"),
                                User.get(User.name == "Manager"))
            assert Item.get_by_id(espresso.id).price == 250
        with opened(office):
            items.save_item(espresso.id, items.ItemForm(code="1001", name="Espresso", price="2.75"),
                            User.get(User.name == "Manager"))
        for path in (office, counter):
            assert tills.run(path, "sync").returncode == 0
        for path in (office, counter):
            with opened(path):
                grace = Customer.get(Customer.phone == "+15550300007")
                assert grace.name == "Grace Hopper" and grace.marketing_consent and grace.marketing_consent_at
                assert Customer.select().where(Customer.name == "Someone Else").count() == 0
                assert [h.name for h in customer_search.search("(555) 030-0007")][:1] == ["Grace Hopper"]
        with opened(counter):
            assert sell(None, ("1001",)).total == 275  # the new price sells at once

        _join_from_the_wizard(qtbot, tmp_path / "t2.db", url, tokens["T2"], seen[office])


def _join_from_the_wizard(qtbot, path: Path, url: str, token: str, receipts: list[str]):
    """An empty till joins through the setup wizard, gets every sale once, and its cashier sells 1001."""
    from sale_steps import choose_customer, finish, pay

    from app.main import build_till
    from db.models import Customer, Outbox

    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        def wizard():
            found = [w for w in window.findChildren(QDialog, "setupWizard") if w.isVisible()]
            return found[-1] if found else None

        qtbot.waitUntil(lambda: wizard() is not None)
        qtbot.mouseClick(wizard().findChild(QPushButton, "joinShopButton"), Qt.LeftButton)
        qtbot.waitUntil(lambda: QApplication.focusWidget() is wizard().findChild(QLineEdit, "centralUrlEdit"))
        qtbot.keyClicks(QApplication.focusWidget(), url)
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        qtbot.keyClicks(QApplication.focusWidget(), token)
        qtbot.mouseClick(wizard().findChild(QPushButton, "joinButton"), Qt.LeftButton)
        qtbot.waitUntil(lambda: wizard() is None, timeout=60000)
        pin = window.findChild(QLineEdit, "pinEdit")
        qtbot.waitUntil(lambda: QApplication.focusWidget() is pin)
        assert sorted(_receipts()) == receipts  # every sale at the store exactly once
        qtbot.keyClicks(pin, "1111")
        qtbot.keyClick(pin, Qt.Key_Return)
        code = window.findChild(QLineEdit, "itemCodeEdit")
        qtbot.waitUntil(lambda: QApplication.focusWidget() is code)
        assert window.findChild(QLabel, "signedInLabel").text() == "Cashier"
        qtbot.keyClicks(code, "1001")
        qtbot.keyClick(code, Qt.Key_Return)
        qtbot.waitUntil(lambda: "2.75" in window.findChild(QLabel, "billTotalLabel").text())
        choose_customer(qtbot, window, "(555) 030-0007")  # the web sign-up, found by the phone as typed
        assert window.findChild(QLabel, "billCustomerLabel").text() == "Grace Hopper"
        bill = finish(qtbot, window, pay(qtbot, window, "card"))
        label = window.findChild(QLabel, "syncStatusLabel")
        qtbot.waitUntil(lambda: Outbox.select().where(Outbox.state == "pending").count() == 0, timeout=20000)
        qtbot.waitUntil(lambda: re.match(r"● Online · (0|no) changes waiting", label.text()), timeout=5000)
        assert bill.customer_id == Customer.get(Customer.phone == "+15550300007").id
    finally:
        window.close()
        window.till.close()


def test_a_form_post_with_html_default_checkbox_values_signs_up_with_consent(central_server, shop, first_till):
    """A checkbox posted by hand (or by a page without the value attribute) sends HTML's default "on":
    the privacy notice counts as accepted and the marketing consent as given (was: refused / dropped)."""
    from sync_helpers import enroll, sync

    from db.models import Customer

    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    with httpx.Client(base_url=central_server.url) as client:
        page = signup_path(central_server.central.conninfo, shop)
        answer = submit(client, page, {"name": "Ada Lovelace", "phone": "+1 555 030 0010",
                                       "marketing_consent": "on", "privacy_accepted": "on"})
        assert answer.status_code == 200 and "Thank you" in answer.text, answer.text
        unticked = submit(client, page, {"name": "Alan Turing", "phone": "+1 555 030 0011",
                                         "privacy_accepted": "true"})
        assert unticked.status_code == 200
    sync(path)
    with opened(path):
        consent = {c.name: c.marketing_consent for c in Customer.select().where(Customer.name.in_(
            ["Ada Lovelace", "Alan Turing"]))}
    assert consent == {"Ada Lovelace": True, "Alan Turing": False}


def test_the_till_window_through_a_stop_of_the_central_process(qtbot, first_till, tmp_path, memory_keyring):
    """The window of a linked till while ``pos-central serve`` is stopped and started again: the status
    says offline with the changes waiting, the cashier keeps selling, "Sync now" sends it all once back."""
    from sale_steps import finish, pay, scan, start

    from app.main import build_till
    from db.models import Bill, Outbox

    path, _ = first_till
    data, port = tmp_path / "central", _free_port()
    token = _central(data, "enroll-till", "--store", SHOP, "--till", "T1", "--office").stdout.strip()
    tills = Tills(memory_keyring, path)
    with _serving(data, port) as url:
        assert tills.run(path, "enroll", "--central", url, "--token", token).returncode == 0
        window = build_till(["--db", str(path)])
        qtbot.addWidget(window)
        label = window.findChild(QLabel, "syncStatusLabel")
        try:
            qtbot.waitUntil(lambda: label.text().startswith("● Online"), timeout=20000)
            start(qtbot, window, "1111")
        except BaseException:
            window.close()
            window.till.close()
            raise
    try:  # the central process is stopped now
        scan(qtbot, window, "1001")
        finish(qtbot, window, pay(qtbot, window, "card"))
        action = window.findChild(QAction, "syncNowAction")
        action.trigger()
        qtbot.waitUntil(lambda: re.match(r"● Offline · [1-9]\d* changes? waiting", label.text()), timeout=20000)
        scan(qtbot, window, "1003")  # the window still sells
        finish(qtbot, window, pay(qtbot, window, "card"))
        with _serving(data, port):
            action.trigger()
            qtbot.waitUntil(lambda: Outbox.select().where(Outbox.state == "pending").count() == 0, timeout=20000)
            qtbot.waitUntil(lambda: re.match(r"● Online · (0|no) changes waiting", label.text()), timeout=5000)
            receipts = [b.receipt_no for b in Bill.select()]
    finally:
        window.close()
        window.till.close()
    other = tmp_path / "t2.db"
    with _serving(data, port) as url:
        token = _central(data, "enroll-till", "--store", SHOP, "--till", "T2").stdout.strip()
        assert tills.run(other, "enroll", "--central", url, "--token", token).returncode == 0
        assert tills.run(other, "sync").returncode == 0
    with opened(other):
        assert sorted(_receipts()) == sorted(receipts) and len(receipts) == 2


def test_serve_answers_as_soon_as_it_says_serving_and_a_taken_port_is_one_line(pg_url):
    """An installer's script (or a test) waits for "serving on" and connects at once: it is answered (was:
    the line came before the port was bound, so the first connection was refused). A port already in use
    is one line and a non-zero exit, with no "serving on" (was: printed first, then uvicorn's log)."""
    port = _free_port()
    process = subprocess.Popen([*_bin("pos-central"), "serve", "--database-url", pg_url, "--bind",
                                f"127.0.0.1:{port}", "--log-level", "warning"], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True, cwd=TESTS.parent)
    try:
        assert process.stdout.readline().startswith(f"pos-central: serving on http://127.0.0.1:{port}")
        assert httpx.get(f"http://127.0.0.1:{port}/health", timeout=10).status_code == 200
        taken = subprocess.run([*_bin("pos-central"), "serve", "--database-url", pg_url, "--bind",
                                f"127.0.0.1:{port}"], capture_output=True, text=True, timeout=60, cwd=TESTS.parent)
        assert taken.returncode != 0 and taken.stdout == ""
        assert taken.stderr.strip() == f"pos-central: cannot listen on 127.0.0.1:{port}: Address already in use"
    finally:
        process.terminate()
        process.wait(30)
        process.stdout.close()


def test_a_price_changed_at_the_office_sells_at_the_open_counter_till_after_sync_now(qtbot, central_server, shop,
                                                                                    first_till, tmp_path):
    """The counter till is open and has sold Espresso at 2.50; the office changes the price (its change
    reaches the store); "Sync now" at the counter, and the very next Espresso rings up at 2.75."""
    from sale_steps import finish, pay, scan, start, total_text
    from sync_helpers import enroll, join_new_till, sync

    from app.main import build_till
    from db.models import Item

    office, _ = first_till
    enroll(office, central_server.url, central_server.enroll_till(shop, "OFFICE", office=True))
    sync(office)
    counter = tmp_path / "counter.db"
    join_new_till(central_server, shop, counter, "T1")
    window = build_till(["--db", str(counter)])
    qtbot.addWidget(window)
    try:
        start(qtbot, window, "1111")
        scan(qtbot, window, "1001")
        assert "2.50" in total_text(window)
        finish(qtbot, window, pay(qtbot, window, "card"))
        with httpx.Client(base_url=central_server.url,
                          headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
            item_id = next(i for i, r in central_server.rows(shop, "item").items() if r["code"] == "1001")
            assert admin.put(f"/v1/admin/item/{item_id}", json={"price": 275}).status_code == 200
        window.findChild(QAction, "syncNowAction").trigger()
        qtbot.waitUntil(lambda: Item.get(Item.code == "1001").price == 275, timeout=20000)
        scan(qtbot, window, "1001")
        qtbot.waitUntil(lambda: "2.75" in total_text(window), timeout=5000)
    finally:
        window.close()
        window.till.close()


def test_a_central_store_killed_and_restarted_still_stops_its_postgresql(tmp_path):
    """``pos-central serve --data-dir`` killed outright (SIGKILL, a crash), started again, then stopped as
    usual: its embedded PostgreSQL stops with it (was: left running for ever, the killed process still
    counted as one of its holders)."""
    import signal

    data, port = tmp_path / "central", _free_port()
    pid_file = data / "pgdata" / "postmaster.pid"
    try:
        with _serving(data, port) as url:
            serving = next(p for p in _processes_on(port))
            os.kill(serving, signal.SIGKILL)
            time.sleep(0.5)
            assert pid_file.exists()  # PostgreSQL outlives the killed store
        with _serving(data, port) as url:
            assert httpx.get(url + "/health", timeout=5).status_code == 200
        deadline = time.monotonic() + 30
        while pid_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not pid_file.exists(), "the embedded PostgreSQL was left running"
    finally:
        if pid_file.exists():  # the test's own leftover
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().split()[0]), signal.SIGTERM)


def _processes_on(port: int):
    """The pids of pos-central serve processes bound to ``port`` (from /proc)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                cmd = (entry / "cmdline").read_bytes().split(b"\0")
                if b"serve" in cmd and f"127.0.0.1:{port}".encode() in cmd:
                    yield int(entry.name)


def test_the_cli_sync_is_refused_in_one_line_while_the_till_window_is_open(qtbot, central_server, shop,
                                                                           first_till, tmp_path, memory_keyring):
    """``pos-till sync`` from a shell while the till's window has the database open: refused in one line
    (the window syncs in the background itself), and the window keeps selling and sends every sale once."""
    from sale_steps import finish, pay, scan, start
    from sync_helpers import enroll, join_new_till, sync

    from app.main import build_till
    from db.models import Outbox

    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=True))
    sync(path)
    tills = Tills(memory_keyring, path)
    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        start(qtbot, window, "1111")
        for code in ("1001", "1003"):
            scan(qtbot, window, code)
            finish(qtbot, window, pay(qtbot, window, "card"))
            shell = tills.run(path, "sync")
            assert shell.returncode != 0 and "is open in another Till window or process" in _one_line(shell)
        window.findChild(QAction, "syncNowAction").trigger()
        qtbot.waitUntil(lambda: Outbox.select().where(Outbox.state == "pending").count() == 0, timeout=20000)
        mine = sorted(_receipts())
    finally:
        window.close()
        window.till.close()
    other = tmp_path / "t2.db"
    join_new_till(central_server, shop, other, "T2")
    with opened(other):
        assert sorted(_receipts()) == mine and len(mine) == 2
