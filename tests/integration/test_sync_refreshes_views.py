"""Rows another till wrote reach the open views: after a pull the till window announces the Changes the
pull applied, and the customers list and an open customer view show the new name without being asked.
Two tills and the real central store: the second till renames a customer and syncs from its own process
while the first till's window has the customer open."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from sync_helpers import join_new_till, keyring_file_for, opened, sync, till_process

from app.changes import Changes

pytestmark = pytest.mark.postgres


def _names(model) -> set[str]:
    return {str(model.index(r, c).data()) for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_a_pulled_change_refreshes_the_customers_list_and_an_open_customer_view(qtbot, central_server, shop,
                                                                               first_till, tmp_path,
                                                                               memory_keyring):
    path, known = first_till
    from sync_helpers import enroll

    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)  # the shop's customers reach the store...
    t2 = tmp_path / "till2.db"
    join_new_till(central_server, shop, t2)  # ...and a second till
    with opened(t2):
        from app import customers

        customers.update(known["customers"][0], {"name": "Ada Second-Till"}, None)  # synced later
    from app.main import build_till

    window = build_till(["--db", str(path)])
    qtbot.addWidget(window)
    try:
        label = window.findChild(object, "syncStatusLabel")
        qtbot.waitUntil(lambda: label.text().startswith("● Online · 0 changes waiting"), timeout=30000)
        heard: list[Changes] = []
        window.changed.connect(heard.append)

        pin = window.findChild(object, "pinEdit")
        qtbot.keyClicks(pin, "9999")
        qtbot.keyClick(pin, Qt.Key_Return)
        qtbot.waitUntil(window.sale_page.isEnabled)
        window.customers_action.trigger()
        qtbot.waitUntil(lambda: window.findChild(object, "customersWindow") is not None)
        customers_window = window.findChild(object, "customersWindow")
        qtbot.waitUntil(lambda: "Customer 1" in _names(customers_window.model), timeout=10000)
        view = customers_window.view_customer(known["customers"][0])
        assert view.windowTitle() == "Customer 1"

        second = till_process(t2, keyring_file_for(memory_keyring, t2), "sync")
        _, err = second.communicate(timeout=120)
        assert second.returncode == 0, err
        window.sync_status.sync_now()

        qtbot.waitUntil(lambda: any("customer" in c for c in heard), timeout=30000)
        qtbot.waitUntil(lambda: view.windowTitle() == "Ada Second-Till", timeout=10000)
        qtbot.waitUntil(lambda: "Ada Second-Till" in _names(customers_window.model), timeout=10000)
        assert "Customer 1" not in _names(customers_window.model)
    finally:
        window.close()
        window.till.close()
