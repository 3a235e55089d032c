"""The background integrity check of a large database file (db/integrity): the window says at once when
damage is found, and the check stops when the window closes."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel

from ui.style import style_class


class IntegrityWatch(QObject):
    finished = Signal(str)  # what is wrong, or "" when the file is whole

    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        self.label = QLabel("Checking the database file in the background…")
        self.label.setObjectName("integrityStatusLabel")
        self.label.setTextFormat(Qt.PlainText)
        window.statusBar().addWidget(self.label)
        self.problem: str | None = None
        self.finished.connect(self._show)
        self.check = window.till.check_integrity(self._result)

    def _result(self, problem: str | None) -> None:  # on the check's thread
        if shiboken6.isValid(self):
            self.finished.emit(problem or "")

    def _show(self, problem: str) -> None:
        self.problem = problem or None
        if not problem:
            self.label.setText("Database file checked: no damage found.")
            return
        message = self.window_.till.damaged_message(problem)
        self.label.setText("⚠ The database file is damaged: see the message.")
        style_class(self.label, "error")
        self.window_.show_error("Database damaged", message)

    def stop(self) -> None:
        self.check.stop()


def watch_integrity(window) -> IntegrityWatch | None:
    return IntegrityWatch(window) if window.till.opened.integrity_deferred else None
