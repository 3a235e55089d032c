"""The preference audit queue (``preferenceAuditWindow``, a manager's screen): preferences that look
outdated or wrong (app/preference_audit.py), read on a worker. Each entry is confirmed (Enter), changed
to a new value, or removed (Delete); every action is audited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget

from app import dates, preference_audit
from app.changes import Changes
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    danger,
    hbox,
    list_table,
    named,
    primary,
)
from ui.i18n import translate


def _shown(value) -> str:
    if value is True:
        return translate("PreferenceAuditWindow", "Yes")
    if value is False:
        return translate("PreferenceAuditWindow", "No")
    return "" if value is None else str(value)


def _reasons() -> dict[str, str]:
    return {preference_audit.STALE: translate("PreferenceAuditWindow", "Not confirmed for a long time"),
            preference_audit.CONTRADICTED: translate("PreferenceAuditWindow", "Contradicted by behaviour"),
            preference_audit.OVERRIDDEN: translate("PreferenceAuditWindow", "Overridden at checkout")}


class PreferenceAuditWindow(QWidget):
    def __init__(self, window, manager):
        super().__init__(window, Qt.Window)
        self.window_ = window
        self.manager = manager
        self.entries: list[preference_audit.Entry] = []
        self.loading = False
        self.setObjectName("preferenceAuditWindow")
        self.setAccessibleName("Preference audit")
        self.setWindowTitle(self.tr("Preference audit"))
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1180, 640)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        self.header = PageHeader(self.tr("Preference audit"), self.tr("Saved preferences that look outdated or wrong"))
        self.count_label = named(QLabel(""), "preferenceAuditCountLabel", "Entries in the queue")
        layout.addLayout(hbox(self.header, None, self.count_label))
        headers = [self.tr("Customer"), self.tr("Preference"), self.tr("Value"), self.tr("Why"), self.tr("Detail"),
                   self.tr("Since")]
        self.view = list_table("preferenceAuditView", headers, row_height=32, stretch=4)
        self.view.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.view, 1)
        self.value_combo = named(QComboBox(), "preferenceValueCombo", "New value")
        self.value_combo.setMinimumWidth(160)
        self.confirm_button = primary(named(QPushButton(self.tr("Confirm  Enter")), "confirmPreferenceButton",
                                            "Confirm preference"))
        self.change_button = named(QPushButton(self.tr("Change to")), "changePreferenceButton", "Change preference")
        self.remove_button = danger(named(QPushButton(self.tr("Remove  Del")), "removePreferenceButton", "Remove preference"))
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
        self.count_label.setText(self.tr("Loading…"))
        ops.read(self.window_, preference_audit.queue, owner=self).success(self._show).failure(
            lambda exc: self.count_label.setText(self.tr("Could not load: {error}").format(error=exc))).run()

    def _show(self, entries: list[preference_audit.Entry]) -> None:
        self.entries = entries
        self.view.setRowCount(len(entries))
        reasons = _reasons()
        for n, e in enumerate(entries):
            cells = [e.customer_name, e.label, _shown(e.value), reasons.get(e.reason, e.reason), e.detail,
                     dates.day(e.since)]
            for c, text in enumerate(cells):
                self.view.setItem(n, c, QTableWidgetItem(text))
        self.count_label.setText(self.tr("{count} to review").format(count=f"{len(entries):,}"))
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
            for value in preference_audit.value_choices(entry.key):
                if value != entry.value:
                    self.value_combo.addItem(_shown(value), value)
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.current() is not None
        self.confirm_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)
        self.change_button.setEnabled(chosen and self.value_combo.count() > 0)

    def _act(self, service, done: str, *value) -> None:
        """Run a review action on the write worker; the queue reloads and the focus stays on it."""
        entry = self.current()
        if entry is None:
            return

        def finished(_):
            self.message.ok(done.format(what=entry.label, name=entry.customer_name))
            self.reload()

        ops.write(self.window_, service, self.manager, entry.customer_id, entry.key, *value, owner=self,
                  changes=Changes.of("customer_preference") | Changes.of("customer", entry.customer_id)).success(
            finished).failure(lambda exc: self.message.bad(getattr(exc, "message", str(exc)))).run()

    def confirm(self) -> None:
        self._act(preference_audit.confirm, self.tr("Confirmed: {what} of {name}"))

    def change(self) -> None:
        if self.value_combo.currentIndex() >= 0:
            self._act(preference_audit.change, self.tr("Changed: {what} of {name}"), self.value_combo.currentData())

    def remove(self) -> None:
        self._act(preference_audit.remove, self.tr("Removed: {what} of {name}"))
