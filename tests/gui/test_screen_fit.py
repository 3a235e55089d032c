"""The whole bill fits the counter screens shops have: 1366x768 and 1024x768, maximised (the menu bar, the
window's title and a desktop panel take about 80 pixels of the height), with a customer chosen, profiles
shown, an allergy alert, favourites and a bill of several lines."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QWidget
from sale_steps import choose_customer, finish, pay, scan, start, wait_dialog
from window_steps import focused

MUST_SHOW = ["itemCodeEdit", "billLinesView", "customerPanel", "billCustomerLabel", "customerProfileCombo",
             "customerAlertsLabel", "billTotalLabel", "payButton", "syncStatusLabel", "signedInLabel"]


@pytest.mark.parametrize("size", [(1366, 768), (1366, 690), (1024, 768), (1024, 690)])
def test_the_bill_with_a_customer_fits_the_screen(qtbot, till_window, size):
    from PySide6.QtCore import Qt

    start(qtbot, till_window, profiles=True)
    for code in ["3*1001", "1003", "1004", "1005"]:
        scan(qtbot, till_window, code)
    choose_customer(qtbot, till_window, "emily")
    scan(qtbot, till_window, "1002")  # nuts: the allergy warning, kept
    warning = wait_dialog(qtbot, till_window, "allergenConfirmDialog")
    qtbot.keyClick(warning, Qt.Key_Return)
    focused(qtbot, "itemCodeEdit")
    till_window.resize(*size)
    _fits(qtbot, till_window, size)
    # after the payment: the result with its receipt choice shows, and the next customer is chosen
    finish(qtbot, till_window, pay(qtbot, till_window, "card"))
    choose_customer(qtbot, till_window, "emily")
    assert till_window.sale_page.sale_result.isVisible()
    _fits(qtbot, till_window, size)


def _fits(qtbot, till_window, size):
    qtbot.waitUntil(lambda: till_window.size().toTuple() == size)  # not held bigger by a minimum size
    assert till_window.minimumSizeHint().width() <= size[0] and till_window.minimumSizeHint().height() <= size[1]
    window_rect = till_window.rect()
    for name in MUST_SHOW:
        widget = till_window.findChild(QWidget, name)
        assert widget is not None and widget.isVisible(), name
        where = QRect(widget.mapTo(till_window, QPoint(0, 0)), widget.size())
        assert window_rect.contains(where), f"{name} at {where} is outside the window {window_rect}"
        assert widget.width() >= 40 and widget.height() >= 16, f"{name} is squeezed to {widget.size()}"
    for name in ("lastSaleLabel", "printLastReceiptButton") if till_window.sale_page.sale_result.isVisible() else ():
        widget = till_window.findChild(QWidget, name)
        assert window_rect.contains(QRect(widget.mapTo(till_window, QPoint(0, 0)), widget.size())), name
    alerts = till_window.findChild(QWidget, "customerAlertsLabel")
    assert "nuts" in alerts.text()
    assert till_window.statusBar().isVisible() and window_rect.contains(till_window.statusBar().geometry())
    # the bill's lines are readable: at least three rows show
    view = till_window.findChild(QWidget, "billLinesView")
    assert view.viewport().height() >= 3 * view.verticalHeader().defaultSectionSize()


@pytest.mark.parametrize("size", [(1366, 690), (1024, 690)])
def test_the_reports_window_fits_with_its_legend(qtbot, till_window, size):
    from backoffice_steps import open_screen

    reports = open_screen(qtbot, till_window, "reports_action", "reportsWindow")
    available = reports.screen().availableGeometry()
    assert reports.width() <= available.width() and reports.height() <= available.height()  # opens on screen
    reports.resize(*size)
    qtbot.waitUntil(lambda: reports.size().toTuple() == size)
    qtbot.waitUntil(lambda: reports.chart.legend().isVisible())  # the demo shop has sales by profile
    view = reports.chart_view
    legend = view.mapFromScene(reports.chart.legend().sceneBoundingRect()).boundingRect()
    assert legend.height() > 10 and view.rect().contains(legend), f"legend {legend} outside {view.rect()}"
    where = QRect(view.mapTo(reports, QPoint(0, 0)), view.size())
    assert reports.rect().contains(where)
