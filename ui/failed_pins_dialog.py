"""Manage › Failed PIN attempts: the wrong PINs and lockouts on this till (and others, once synced)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app import dates, lockout, plurals


class FailedPinsDialog(QDialog):
    def __init__(self, parent, manager):
        super().__init__(parent)
        self.setObjectName("failedPinsDialog")
        self.setAccessibleName("Failed PIN attempts")
        self.setWindowTitle("Failed PIN attempts")
        self.setWindowModality(Qt.WindowModal)
        self.resize(620, 420)
        layout = QVBoxLayout(self)
        rows = lockout.failed_attempts()
        summary = QLabel(f"{plurals.count(len(rows), 'failed PIN attempt')} and lockouts, newest first."
                         if rows else "No failed PIN attempts.")
        summary.setTextFormat(Qt.PlainText)
        summary.setObjectName("failedPinsSummaryLabel")
        layout.addWidget(summary)
        self.table = QTableWidget(len(rows), 4)
        self.table.setObjectName("failedPinsView")
        self.table.setAccessibleName("Failed PIN attempts")
        self.table.setHorizontalHeaderLabels(["When", "Where", "Till", "What"])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        for n, row in enumerate(rows):
            when = dates.date_time(row["at"], seconds=True)
            for column, text in enumerate([when, row["place"], row["till"], row["what"]]):
                self.table.setItem(n, column, QTableWidgetItem(text))
        layout.addWidget(self.table, 1)
        close = QPushButton("Close")
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        layout.addWidget(close, 0, Qt.AlignRight)
