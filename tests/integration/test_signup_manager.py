"""A sign-up with a phone already on file reaches a manager: after the till's next sync, the request shows in
the till window's Sync problems (conflicts) list, with what was asked, and the customer is unchanged."""

from __future__ import annotations

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableWidget
from signup_steps import SCREENS, signup_path, submit
from sync_helpers import enroll

pytestmark = pytest.mark.postgres


def test_the_manager_sees_a_sign_up_for_a_phone_on_file(qtbot, central_server, shop, first_till, pg_url):
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    from app.main import build_till

    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        label = window.findChild(object, "syncStatusLabel")
        qtbot.waitUntil(lambda: label.text().startswith("● Online · 0 changes waiting · last sync"), timeout=30000)
        with httpx.Client(base_url=central_server.url) as browser:
            answer = submit(browser, signup_path(pg_url, shop), {
                "name": "Someone Else", "phone": "+1 555 010 0001", "email": "someone@example.com",
                "privacy_accepted": "yes"})
        assert answer.status_code == 200 and "Thank you" in answer.text
        window.sync_status.sync_now()
        from db.models import ConflictLog, Customer

        qtbot.waitUntil(lambda: ConflictLog.select().where(ConflictLog.field == "web sign-up").exists(),
                        timeout=30000)
        assert Customer.get_by_id(known["customers"][0]).name == "Customer 1"

        edit = window.findChild(object, "pinEdit")
        qtbot.keyClicks(edit, "9999")
        qtbot.keyClick(edit, Qt.Key_Return)
        qtbot.waitUntil(window.sale_page.isEnabled)
        window.sync_status.show_problems()
        dialog = None

        def shown():
            nonlocal dialog
            dialog = window.findChild(object, "syncProblemsDialog")
            return dialog is not None and dialog.findChild(QTableWidget, "conflictsView").rowCount() >= 1

        qtbot.waitUntil(shown, timeout=10000)
        view = dialog.findChild(QTableWidget, "conflictsView")
        rows = [[view.item(r, c).text() for c in range(view.columnCount())] for r in range(view.rowCount())]
        row = next(r for r in rows if r[2] == "web sign-up")
        assert row[3] == "Customer 1, on file with this phone, unchanged"
        assert "Someone Else" in row[4] and "someone@example.com" in row[4]
        dialog.findChild(object, "conflictsView").parentWidget().parentWidget().setCurrentIndex(1)
        dialog.resize(1024, 420)
        SCREENS.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(SCREENS / "till-sync-problems-signup.png"))
        dialog.close()
    finally:
        window.close()
        window.till.close()
