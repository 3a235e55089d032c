"""The customer view's writes run as operations: an export writes its files on the write worker and says
where; an erase reloads the open view and the customers list from the Changes it announces."""

from __future__ import annotations

from backoffice_steps import open_screen, visible
from PySide6.QtWidgets import QMessageBox

from db.models import Customer


def _open_view(qtbot, till_window, name: str):
    window = open_screen(qtbot, till_window, "customers_action", "customersWindow")
    qtbot.waitUntil(lambda: not window.model.loading and window.model.rowCount() > 0)
    customer = Customer.get(Customer.name == name)
    view = window.view_customer(customer.id)
    qtbot.waitUntil(lambda: visible(window, "customerViewDialog") is not None)
    qtbot.waitUntil(lambda: view.card is not None)
    return window, view, customer


def _names(window) -> set:
    model = window.model
    return {model.index(r, c).data() for r in range(model.rowCount()) for c in range(model.columnCount())}


def test_export_writes_the_files_and_says_where(qtbot, till_window, tmp_path):
    _, view, _ = _open_view(qtbot, till_window, "Emily Roberts")
    folder = tmp_path / "export"
    folder.mkdir()
    assert view.export_data(str(folder)) is True
    qtbot.waitUntil(lambda: view.findChild(QMessageBox, "exportDoneBox") is not None, timeout=10000)
    assert sorted(p.suffix for p in folder.iterdir()) == [".csv", ".json"]
    assert str(folder) in view.findChild(QMessageBox, "exportDoneBox").text()


def test_erase_reloads_the_open_view_and_the_list(qtbot, till_window):
    window, view, emily = _open_view(qtbot, till_window, "Emily Roberts")
    assert view.windowTitle() == "Emily Roberts" and "Emily Roberts" in _names(window)
    assert view.erase() is True
    qtbot.waitUntil(lambda: Customer.get_by_id(emily.id).erased_at is not None, timeout=10000)
    qtbot.waitUntil(lambda: view.windowTitle() != "Emily Roberts", timeout=10000)
    qtbot.waitUntil(lambda: "Emily Roberts" not in _names(window), timeout=10000)
