"""The reservation form's text fields: typed as text (keyboard first), and answering the methods a test or
an automation tool may expect of a time editor or a plain-text editor."""

from __future__ import annotations

from PySide6.QtCore import QTime
from PySide6.QtWidgets import QLineEdit

from app import reservations
from app.errors import TillError


class TimeField(QLineEdit):
    """HH:MM typed as text ("19:30", "1930"); also answers QTimeEdit's setTime/time for automation."""

    def setTime(self, value: QTime) -> None:  # noqa: N802 (Qt's name)
        self.setText(value.toString("HH:mm"))

    def time(self) -> QTime:
        try:
            return QTime.fromString(reservations.parse_time(self.text()), "HH:mm")
        except TillError:
            return QTime()


class NotesField(QLineEdit):
    """One line of notes (Enter saves); also answers the plain-text editor's setPlainText/toPlainText."""

    def setPlainText(self, text: str) -> None:  # noqa: N802
        self.setText(text)

    def toPlainText(self) -> str:  # noqa: N802
        return self.text()
