"""Ask for a manager's PIN before a cashier reaches a manager-only action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from app import audit, lockout
from app.errors import TillError
from ui import ops


def _plain(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)
    return label


class ManagerApprovalDialog(QDialog):
    def __init__(self, parent, what: str, on_approved, guard: lockout.PinGuard | None = None):
        super().__init__(parent)
        self._guard = guard or lockout.PinGuard()  # wrong PINs count towards this till's lockout
        self.setObjectName("managerApprovalDialog")
        self.setAccessibleName("Manager approval")
        self.setWindowTitle(self.tr("Manager approval"))
        self.setWindowModality(Qt.WindowModal)
        self._what = what
        self._on_approved = on_approved
        layout = QVBoxLayout(self)
        layout.addWidget(_plain("A manager must approve:"))
        self.what_label = _plain(what)  # names items and amounts: shop data is never read as markup
        self.what_label.setObjectName("approvalWhatLabel")
        self.what_label.setWordWrap(True)
        font = self.what_label.font()
        font.setBold(True)
        self.what_label.setFont(font)
        layout.addWidget(self.what_label)
        self.pin_edit = QLineEdit()
        self.pin_edit.setObjectName("approvalPinEdit")
        self.pin_edit.setAccessibleName("Manager PIN")
        self.pin_edit.setEchoMode(QLineEdit.Password)
        self.pin_edit.setPlaceholderText(self.tr("Manager PIN, then Enter"))
        self.pin_edit.returnPressed.connect(self._check)
        layout.addWidget(self.pin_edit)
        self.message = _plain("")
        self.message.setObjectName("approvalMessageLabel")
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.Cancel)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter belongs to the PIN field, never to Cancel
            button.setAutoDefault(False)
            button.setDefault(False)
        layout.addWidget(buttons)

    def _check(self):
        pin = self.pin_edit.text()
        self.pin_edit.clear()
        try:
            user = self._guard.manager(pin)
        except TillError as exc:
            self.message.setText(exc.message)
            return
        # the approval is audited before the approved action runs: the action is the write's continuation
        self.pin_edit.setEnabled(False)

        def audited(_):
            if not self.isVisible():  # cancelled while the approval was being saved
                return
            self.accept()
            self._on_approved(user)

        def failed(exc):
            self.pin_edit.setEnabled(True)
            self.pin_edit.setFocus()
            self.message.setText(getattr(exc, "message", None) or self.tr("The approval was not saved: %s") % exc)

        ops.write(ops.till_window(self), audit.record, user, "manager.approve", "action", None,
                  {"what": self._what}, owner=self).success(audited).failure(failed).run()
