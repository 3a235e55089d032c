"""A manager sees what the till set aside: rows pulled from the central store it could not take, and staff
sharing a PIN (who cannot sign in until a manager gives them new PINs). Real window, real server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from sync_helpers import enroll

pytestmark = pytest.mark.postgres
SCREENS = Path("/work/notes/screens/trust")


@pytest.fixture
def window(qtbot, central_server, shop, first_till):
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=True))
    from app.main import build_till

    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    yield window
    window.close()
    window.till.close()


def _type_pin(qtbot, window, pin):
    edit = window.findChild(object, "pinEdit")
    edit.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is edit, timeout=5000)
    qtbot.keyClicks(QApplication.focusWidget(), pin)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Return)


def test_rows_set_aside_and_pin_clashes_are_shown_to_a_manager(qtbot, window, central_server, shop):
    label = window.findChild(QLabel, "syncStatusLabel")
    qtbot.waitUntil(lambda: label.text().startswith("● Online"), timeout=30000)
    # the store holds a setting no till can read (written past its checks), and the head office adds a
    # person whose PIN is the Cashier's
    shop_id = central_server.shop_id(shop)

    def poison(conn):
        version = conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()[0] + 1
        conn.execute("INSERT INTO sync_row (shop_id, tbl, id, version, origin, data) VALUES (%s, 'setting', "
                     "'shop_name', %s, 'x', %s)", (shop_id, version,
                                                   json.dumps({"id": "shop_name", "value": "{not json", "updated_at": ""})))
        conn.execute("UPDATE shop SET version = %s WHERE id = %s", (version, shop_id))

    central_server.run(poison)
    cashier = next(r for r in central_server.rows(shop, "user").values() if r["name"] == "Cashier")
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
        answer = admin.post("/v1/admin/user", json={"name": "Twin", "role": "manager", "pin_hash": cashier["pin_hash"]})  # as a till would send it
        assert answer.status_code == 200, answer.text
    window.sync_status.sync_now()
    qtbot.waitUntil(lambda: "2 refused (manager)" in label.text(), timeout=30000)

    _type_pin(qtbot, window, "1111")  # the Cashier's PIN now signs nobody in
    signed = window.findChild(QLabel, "signedInLabel")
    assert "Cashier" not in signed.text() and "Twin" not in signed.text()
    _type_pin(qtbot, window, "9999")
    qtbot.waitUntil(lambda: "Manager" in signed.text(), timeout=10000)
    qtbot.mouseClick(label, Qt.LeftButton)
    dialog = None

    def opened():
        nonlocal dialog
        dialog = window.findChild(object, "syncProblemsDialog")
        return dialog is not None and dialog.findChild(QTableWidget, "pinClashView").rowCount() == 1

    qtbot.waitUntil(opened, timeout=10000)
    pulled = dialog.findChild(QTableWidget, "pulledQuarantineView")
    assert pulled.rowCount() == 1 and "setting" in pulled.item(0, 1).text() and "JSON" in pulled.item(0, 2).text()
    clash = dialog.findChild(QTableWidget, "pinClashView")
    assert clash.item(0, 0).text() == "Cashier, Twin"
    SCREENS.mkdir(parents=True, exist_ok=True)
    tabs = dialog.findChild(object, "qt_tabwidget_stackedwidget").parent()
    for index, name in ((2, "rows-not-taken"), (3, "pin-clashes")):
        tabs.setCurrentIndex(index)
        dialog.grab().save(str(SCREENS / f"sync-problems-{name}.png"))
    dialog.close()
