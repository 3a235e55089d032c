"""Find an item by name or code (F3) when there is nothing to scan: type, ↑↓, Enter adds it."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import catalogue
from app.money import format_money
from ui.style import style_class


class ItemSearchDialog(QDialog):
    chosen = Signal(object)  # a CatalogueItem

    def __init__(self, window, currency: str):
        super().__init__(window)
        self.window_ = window
        self.currency = currency
        self.items: list = []
        self._generation = 0
        self.setObjectName("itemSearchDialog")
        self.setAccessibleName("Find an item")
        self.setWindowTitle(self.tr("Find an item"))
        self.setWindowModality(Qt.WindowModal)
        self.resize(640, 480)
        layout = QVBoxLayout(self)
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("itemSearchEdit")
        self.search_edit.setAccessibleName("Item name or code")
        self.search_edit.setPlaceholderText(self.tr("Item name or code…"))
        self.search_edit.textChanged.connect(self._search)
        self.search_edit.installEventFilter(self)
        layout.addWidget(self.search_edit)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("itemResultsView")
        self.table.setHorizontalHeaderLabels(["Code", "Item", "Allergens", "Price"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.Stretch)
        self.table.doubleClicked.connect(lambda index: self._choose(index.row()))
        layout.addWidget(self.table, 1)
        hint = QLabel(self.tr("↑↓ choose · Enter add · Esc close"))
        style_class(hint, "hint")
        layout.addWidget(hint)
        self.search_edit.setFocus()

    def _search(self, text: str) -> None:
        self._generation += 1
        generation = self._generation
        self.window_.reads.submit(catalogue.search, text, 40,
                                  owner=self, on_done=lambda found: self._show(generation, found))

    def _show(self, generation: int, found) -> None:
        if generation != self._generation:
            return  # an older keystroke's answer
        self.items = list(found)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            cells = [item.code, item.name, ", ".join(item.allergens), format_money(item.price, self.currency)]
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if column == 3:
                    cell.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.table.setItem(row, column, cell)
        if self.items:
            self.table.selectRow(0)

    def is_current(self) -> bool:
        return bool(self.items) or not self.search_edit.text()

    def eventFilter(self, watched, event):
        if watched is self.search_edit and event.type() == event.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key_Down, Qt.Key_Up) and self.items:
                row = self.table.currentRow() + (1 if key == Qt.Key_Down else -1)
                self.table.selectRow(max(0, min(len(self.items) - 1, row)))
                return True
            if key in (Qt.Key_Return, Qt.Key_Enter):
                self._choose(max(self.table.currentRow(), 0))
                return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self._choose(max(self.table.currentRow(), 0))
            return
        super().keyPressEvent(event)

    def _choose(self, row: int) -> None:
        if 0 <= row < len(self.items):
            item = self.items[row]
            self.accept()
            self.chosen.emit(item)
