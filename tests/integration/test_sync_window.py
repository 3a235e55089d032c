"""The till window's background sync against a real central server: the status label, "Sync now", a sale
pushed right after it is completed, offline and back, and refused changes shown to a manager."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QTableWidget
from sync_helpers import enroll, sell, sync

pytestmark = pytest.mark.postgres


@pytest.fixture
def linked_window(qtbot, central_server, shop, first_till, proxy):
    path, known = first_till
    enroll(path, proxy.url, central_server.enroll_till(shop, "T1"))
    from app.main import build_till

    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    yield window, known
    window.close()
    window.till.close()


def sign_in(qtbot, window, pin: str) -> None:
    edit = window.findChild(object, "pinEdit")
    qtbot.keyClicks(edit, pin)
    qtbot.keyClick(edit, Qt.Key_Return)


def _label(window) -> QLabel:
    return window.findChild(QLabel, "syncStatusLabel")


def test_the_status_shows_online_waiting_changes_and_the_last_sync(qtbot, linked_window, central_server, shop,
                                                                   proxy):
    window, known = linked_window
    label = _label(window)
    qtbot.waitUntil(lambda: label.text().startswith("● Online · 0 changes waiting · last sync"), timeout=30000)
    assert len(central_server.rows(shop, "customer")) == len(known["customers"])  # the first till brought it up

    # a completed sale is pushed at once (the sale calls request_sync)
    sale = sell(known["customers"][0], ["1001"])
    window.sync_status.request_sync()
    qtbot.waitUntil(lambda: sale.receipt_no in {b["receipt_no"] for b in central_server.rows(shop, "bill").values()},
                    timeout=30000)

    # offline: the sale waits, the label says so; back online, "Sync now" sends it
    proxy.down = True
    offline_sale = sell(None, ["1003"])
    window.findChild(object, "syncNowAction").trigger()
    qtbot.waitUntil(lambda: re.match(r"● Offline · [1-9]\d* changes? waiting · last sync \d\d:\d\d", label.text()),
                    timeout=30000)
    window.grab().save("/tmp/till-sync-offline.png")
    proxy.down = False
    window.sync_status.sync_now()
    qtbot.waitUntil(lambda: label.text().startswith("● Online · 0 changes waiting"), timeout=30000)
    receipts = [b["receipt_no"] for b in central_server.rows(shop, "bill").values()]
    assert receipts.count(offline_sale.receipt_no) == 1


def test_refused_changes_are_shown_to_a_manager(qtbot, linked_window, central_server, shop):
    window, _ = linked_window
    label = _label(window)
    qtbot.waitUntil(lambda: label.text().startswith("● Online"), timeout=30000)
    import httpx

    from db.models import Item

    item = Item.get(Item.code == "1001")
    item.price = 111
    item.save()  # a manager's change on this till...
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
        assert admin.put(f"/v1/admin/item/{item.id}", json={"price": 260}).status_code == 200  # ...overtaken
    window.sync_status.sync_now()
    qtbot.waitUntil(lambda: "1 refused (manager)" in label.text(), timeout=30000)
    assert Item.get(Item.code == "1001").price == 260
    sign_in(qtbot, window, "9999")
    qtbot.mouseClick(label, Qt.LeftButton)
    dialog = None

    def opened():
        nonlocal dialog
        dialog = window.findChild(object, "syncProblemsDialog")
        return dialog is not None and dialog.findChild(QTableWidget, "quarantinedView").rowCount() == 1

    qtbot.waitUntil(opened, timeout=10000)
    view = dialog.findChild(QTableWidget, "quarantinedView")
    assert view.item(0, 1).text() == "item Espresso" and "head office" in view.item(0, 2).text()
    dialog.grab().save("/tmp/till-sync-problems.png")
    dialog.close()


def test_an_unlinked_till_says_so(qtbot, till_window):
    label = _label(till_window)
    assert label.text() == "● Offline · Not linked to a central store"  # no count of changes that will never go
    till_window.sync_now_action.trigger()  # nothing to sync with: it says so, no error, no network
    box = till_window.findChild(QMessageBox, "syncNotLinkedBox")
    assert box is not None and box.isVisible() and "not linked to a central store" in box.text()
    assert till_window.sync_status.worker.rounds == 0 and label.text() == "● Offline · Not linked to a central store"


def test_the_cli_sync_prints_what_was_pushed_and_pulled(central_server, shop, first_till, capsys):
    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    from app.main import main

    assert main(["--db", str(path), "sync"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Synced: pushed ") and "pulled" in out
    assert sync(path).pushed == 0


def test_the_cli_enroll_answers_in_one_line(central_server, shop, first_till, capsys):
    path, _ = first_till
    from app.main import main

    assert main(["--db", str(path), "enroll", "--central", central_server.url, "--token", "tt_made-up"]) == 4
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "does not know this token" in err
    assert main(["--db", str(path), "enroll", "--central", "ftp://nowhere", "--token", "x"]) == 4
    assert "not a central store address" in capsys.readouterr().err
    token = central_server.enroll_till(shop, "T7")
    assert main(["--db", str(path), "enroll", "--central", central_server.url, "--token", token]) == 0
    assert "Enrolled as till T7" in capsys.readouterr().out
    import keyring

    from app.sync.engine import token_account
    from db.keystore import SERVICE

    assert keyring.get_password(SERVICE, token_account(path)) == token


def test_a_reservation_booked_on_another_till_shows_in_the_open_reservations_window(qtbot, linked_window,
                                                                                    central_server, shop):
    import datetime as dt

    import httpx

    from db import hlc
    from db.ids import new_id

    window, known = linked_window
    qtbot.waitUntil(lambda: _label(window).text().startswith("● Online"), timeout=30000)
    sign_in(qtbot, window, "1111")
    reservations_window = window.open_reservations()
    view = reservations_window.findChild(QTableWidget, "reservationsView")
    assert view.rowCount() == 0
    row_id, stamp = new_id(), hlc.clock.now()
    payload = {"id": row_id, "updated_at": stamp, "customer_id": known["customers"][0],
               "day": dt.date.today().isoformat(), "time": "20:15", "party_size": 3, "status": "booked"}
    op = {"op_id": new_id(), "table": "reservation", "row_id": row_id, "hlc": stamp, "fields": sorted(payload),
          "payload": payload}
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.enroll_till(shop, 'T2')}"}) as till2:
        answer = till2.post("/v1/push", json={"ops": [op]}).json()
    assert [a["result"] for a in answer["results"]] == ["ok"]
    window.sync_status.sync_now()
    qtbot.waitUntil(lambda: view.rowCount() == 1, timeout=30000)
    assert (view.item(0, 0).text(), view.item(0, 2).text(), view.item(0, 4).text()) == ("20:15", "3", "Booked")
