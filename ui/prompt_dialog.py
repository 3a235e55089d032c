"""A one-field question (a discount, a price, a note): Enter applies, Esc cancels, a refusal is shown
in the dialog and the cashier corrects it there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from ui.style import style_class


class PromptDialog(QDialog):
    """``on_submit(text)`` returns None when done (the dialog closes) or a message to show."""

    def __init__(self, parent, name: str, title: str, question: str, on_submit, text: str = "",
                 placeholder: str = ""):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(title)
        self.setWindowTitle(title)
        self.setWindowModality(Qt.WindowModal)
        self.setMinimumWidth(420)
        self._on_submit = on_submit
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setTextFormat(Qt.PlainText)  # titles and questions name items: shop data
        style_class(heading, "heading-small")
        layout.addWidget(heading)
        label = QLabel(question)
        label.setTextFormat(Qt.PlainText)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.edit = QLineEdit(text)
        self.edit.setObjectName("promptEdit")
        self.edit.setAccessibleName(title)
        self.edit.setPlaceholderText(placeholder)
        self.edit.selectAll()
        layout.addWidget(self.edit)
        self.message = QLabel("")
        self.message.setTextFormat(Qt.PlainText)
        self.message.setObjectName("promptMessageLabel")
        self.message.setWordWrap(True)
        style_class(self.message, "error")
        layout.addWidget(self.message)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton(self.tr("Cancel  (Esc)"))
        cancel.clicked.connect(self.reject)
        ok = QPushButton(self.tr("Apply  (Enter)"))
        ok.setObjectName("promptApplyButton")
        ok.clicked.connect(self.submit)
        for button in (cancel, ok):
            button.setAutoDefault(False)
            row.addWidget(button)
        layout.addLayout(row)
        self.edit.setFocus()

    def keyPressEvent(self, event):
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            self.submit()
            return
        super().keyPressEvent(event)

    def submit(self):
        problem = self._on_submit(self.edit.text())
        if problem:
            self.message.setText(problem)
            self.edit.selectAll()
            return
        self.accept()
