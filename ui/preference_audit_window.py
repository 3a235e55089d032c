"""The preference audit queue (``preferenceAuditWindow``, a manager's screen): preferences that look
outdated or wrong (app/preference_audit.py), read on a worker. Each entry is confirmed (Enter), changed
to a new value, or removed (Delete); every action is audited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from app import preference_audit
from app.errors import TillError
from db.models import PreferenceDefinition
from ui.form_helpers import (
    BACKOFFICE_QSS,
    InlineMessage,
    PageHeader,
    danger,
    hbox,
    list_table,
    named,
    primary,
)

HEADERS = ["Customer", "Preference", "Value", "Why", "Detail", "Since"]


def _shown(value) -> str:
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return "" if value is None else str(value)


class PreferenceAuditWindow(QWidget):
    def __init__(self, window, manager):
        super().__init__(window, Qt.Window)
        self.window_ = window
        self.manager = manager
        self.entries: list[preference_audit.Entry] = []
        self.loading = False
        self.setObjectName("preferenceAuditWindow")
        self.setAccessibleName("Preference audit")
        self.setWindowTitle("Preference audit")
        self.setStyleSheet(BACKOFFICE_QSS)
        self.resize(1180, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader("Preference audit", "Saved preferences that look outdated or wrong")
        self.count_label = named(QLabel(""), "preferenceAuditCountLabel", "Entries in the queue")
        layout.addLayout(hbox(self.header, None, self.count_label))
        self.view = list_table("preferenceAuditView", HEADERS, row_height=32, stretch=4)
        self.view.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.view, 1)
        self.value_combo = named(QComboBox(), "preferenceValueCombo", "New value")
        self.value_combo.setMinimumWidth(160)
        self.confirm_button = primary(named(QPushButton("Confirm  Enter"), "confirmPreferenceButton",
                                            "Confirm preference"))
        self.change_button = named(QPushButton("Change to"), "changePreferenceButton", "Change preference")
        self.remove_button = danger(named(QPushButton("Remove  Del"), "removePreferenceButton", "Remove preference"))
        self.confirm_button.clicked.connect(self.confirm)
        self.change_button.clicked.connect(self.change)
        self.remove_button.clicked.connect(self.remove)
        QShortcut(QKeySequence(Qt.Key_Return), self.view, self.confirm, context=Qt.WidgetShortcut)
        QShortcut(QKeySequence(Qt.Key_Delete), self.view, self.remove, context=Qt.WidgetShortcut)
        self.message = InlineMessage("preferenceAuditMessageLabel")
        layout.addLayout(hbox(self.confirm_button, self.change_button, self.value_combo, self.remove_button, None,
                              self.message))
        self._update_buttons()
        self.reload()

    def reload(self) -> None:
        self.loading = True
        self.count_label.setText("Loading…")
        self.window_.reads.submit(preference_audit.queue, owner=self, on_done=self._show,
                                  on_error=lambda exc: self.count_label.setText(f"Could not load: {exc}"))

    def _show(self, entries: list[preference_audit.Entry]) -> None:
        self.entries = entries
        self.view.setRowCount(len(entries))
        for n, e in enumerate(entries):
            cells = [e.customer_name, e.label, _shown(e.value), preference_audit.REASONS[e.reason], e.detail,
                     e.since.astimezone().strftime("%d %b %Y")]
            for c, text in enumerate(cells):
                self.view.setItem(n, c, QTableWidgetItem(text))
        self.count_label.setText(f"{len(entries):,} to review")
        self.loading = False
        if entries:
            self.view.selectRow(0)
            self.view.setFocus()
        self._chosen()  # the rows changed under a selection that may not have moved

    def current(self) -> preference_audit.Entry | None:
        row = self.view.currentRow()
        return self.entries[row] if 0 <= row < len(self.entries) and self.view.selectedItems() else None

    def _chosen(self) -> None:
        entry = self.current()
        self.value_combo.clear()
        if entry is not None:
            definition = PreferenceDefinition.get_or_none(PreferenceDefinition.key == entry.key)
            if definition is not None and definition.value_type == "bool":
                choices = [("Yes", True), ("No", False)]
            elif definition is not None and definition.value_type == "choice":
                choices = [(c, c) for c in definition.choices]
            else:
                choices = []
            for label, value in choices:
                if value != entry.value:
                    self.value_combo.addItem(label, value)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.confirm_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.change_button.setEnabled(chosen and self.value_combo.count() > 0)

    def _act(self, fn, done: str) -> None:
        entry = self.current()
        if entry is None:
            return
        try:
            fn(entry)
        except TillError as exc:
            self.message.bad(exc.message)
            return
        self.message.ok(f"{done}: {entry.label} of {entry.customer_name}")
        self.window_.data_changed.emit("customer")
        self.reload()

    def confirm(self) -> None:
        self._act(lambda e: preference_audit.confirm(self.manager, e.customer_id, e.key), "Confirmed")

    def change(self) -> None:
        if self.value_combo.currentIndex() >= 0:
            value = self.value_combo.currentData()
            self._act(lambda e: preference_audit.change(self.manager, e.customer_id, e.key, value), "Changed")

    def remove(self) -> None:
        self._act(lambda e: preference_audit.remove(self.manager, e.customer_id, e.key), "Removed")
