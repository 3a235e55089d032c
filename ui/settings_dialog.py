"""Business settings (foundation: Show Customer Profile; the back-office work adds the rest)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QGroupBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app import settings
from app.errors import TillError


class SettingsDialog(QDialog):
    def __init__(self, window, manager):
        super().__init__(window)
        self.window_ = window
        self.manager = manager
        self.setObjectName("settingsDialog")
        self.setAccessibleName("Settings")
        self.setWindowTitle("Settings")
        self.setWindowModality(Qt.WindowModal)
        layout = QVBoxLayout(self)
        group = QGroupBox("Business Configuration")
        inner = QVBoxLayout(group)
        self.show_profile_check = QCheckBox("Show Customer Profile")
        self.show_profile_check.setObjectName("showCustomerProfileCheck")
        self.show_profile_check.setAccessibleName("Show Customer Profile")
        self.show_profile_check.setChecked(bool(settings.get("show_customer_profile")))
        inner.addWidget(self.show_profile_check)
        layout.addWidget(group)
        self.message = QLabel("")
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.update_button = QPushButton("Update (F4)")
        self.update_button.setObjectName("updateButton")
        self.update_button.setAccessibleName("Update")
        self.update_button.clicked.connect(self.save)
        buttons.addWidget(self.update_button)
        layout.addLayout(buttons)

    def keyPressEvent(self, event):
        # F4 saves from anywhere in the dialog (keys its fields do not use reach the dialog)
        if event.key() == Qt.Key_F4:
            self.save()
            return
        super().keyPressEvent(event)

    def values(self) -> dict:
        return {"show_customer_profile": self.show_profile_check.isChecked()}

    def save(self):
        try:
            changed = settings.update(self.values(), self.manager)
        except TillError as exc:
            self.message.setText(exc.message)
            return
        self.message.setText("Saved.")
        self.window_.notify_settings_changed(changed)
