"""Small pieces the pricing dialog's tabs share: its tables, side panels and percentages."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QTableWidget, QTableWidgetItem, QVBoxLayout

from ui.form_helpers import STATUS_ROLE, list_table


def table(name: str, headers: list[str], stretch: int = 0) -> QTableWidget:
    return list_table(name, headers, row_height=34, stretch=stretch)


def fill(table: QTableWidget, rows: list[list], ids: list | None = None, status_column: int | None = None,
         statuses: list[str] | None = None) -> None:
    """Rows into ``table``; ``ids`` on the first column's UserRole; ``statuses`` (keys such as "active") on the
    status column, whose badge colour follows the key whatever language the text is in."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            item = QTableWidgetItem(str(value))
            if ids is not None and c == 0:
                item.setData(Qt.UserRole, ids[r])
            if statuses is not None and c == status_column:
                item.setData(STATUS_ROLE, statuses[r])
            table.setItem(r, c, item)


def side_panel() -> tuple[QFrame, QVBoxLayout]:
    panel = QFrame()
    panel.setObjectName("sidePanel")
    box = QVBoxLayout(panel)
    box.setContentsMargins(14, 12, 14, 12)
    return panel, box


def pct(bp: int | None) -> str:
    return f"{(bp or 0) / 100:g}%"
