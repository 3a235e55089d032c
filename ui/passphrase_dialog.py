"""The database passphrase, asked when this computer has no keyring (``passphraseDialog``).

A new database asks for it twice (``passphraseEdit``, ``passphraseRepeatEdit``) and says plainly that a lost
passphrase cannot be recovered: the file is encrypted with it and nothing else."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEventLoop, Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout

from ui.form_helpers import BACKOFFICE_QSS, InlineMessage, hbox, named, no_auto_default, primary

MIN_LENGTH = 8


class PassphraseDialog(QDialog):
    def __init__(self, path: Path, create: bool, parent=None):
        super().__init__(parent)
        self.create = create
        self.setObjectName("passphraseDialog")
        self.setAccessibleName("Database passphrase")
        self.setWindowTitle("Database passphrase")
        self.setStyleSheet(BACKOFFICE_QSS)
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        intro = QLabel(("No keyring is available on this computer, so the new till database is locked with a "
                        "passphrase you choose." if create else
                        "No keyring is available on this computer. Type the passphrase of the till database.")
                       + f"\n{path}")
        intro.setTextFormat(Qt.PlainText)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.passphrase_edit = named(QLineEdit(), "passphraseEdit", "Passphrase")
        self.passphrase_edit.setEchoMode(QLineEdit.Password)
        form.addRow("Passphrase", self.passphrase_edit)
        self.repeat_edit = named(QLineEdit(self), "passphraseRepeatEdit", "Passphrase again")
        self.repeat_edit.setEchoMode(QLineEdit.Password)
        if create:
            form.addRow("Passphrase again", self.repeat_edit)
        else:
            self.repeat_edit.hide()
        layout.addLayout(form)
        if create:
            warning = named(QLabel(f"Write it down and keep it safe: a lost passphrase cannot be recovered, and "
                                   f"without it the till's data (sales, customers) is lost for good. At least "
                                   f"{MIN_LENGTH} characters."), "passphraseWarningLabel", "Warning")
            warning.setWordWrap(True)
            warning.setStyleSheet("color: #8a5300; font-weight: 600")
            layout.addWidget(warning)
        self.message = InlineMessage("passphraseMessageLabel")
        self.message.setTextFormat(Qt.PlainText)
        layout.addWidget(self.message)
        ok = primary(named(QPushButton("Create the database" if create else "Open"), "passphraseOkButton", "OK"))
        ok.clicked.connect(self.check)
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        layout.addLayout(hbox(None, cancel, ok))
        no_auto_default(self)
        self.passphrase_edit.returnPressed.connect(self.repeat_edit.setFocus if create else self.check)
        self.repeat_edit.returnPressed.connect(self.check)
        self.passphrase_edit.setFocus()

    def check(self) -> None:
        text = self.passphrase_edit.text()
        if self.create:
            if len(text) < MIN_LENGTH:
                self.message.bad(f"Use at least {MIN_LENGTH} characters.")
                self.passphrase_edit.setFocus()
                return
            if text != self.repeat_edit.text():
                self.message.bad("The two passphrases differ: type the same one twice.")
                self.repeat_edit.clear()
                self.repeat_edit.setFocus()
                return
        elif not text:
            self.passphrase_edit.setFocus()
            return
        self.accept()

    def passphrase(self) -> str:
        return self.passphrase_edit.text()


def ask_passphrase(path: Path, create: bool) -> str | None:
    """Show the dialog (non-blocking ``open()``, waited on in a local event loop, as start-up needs the
    answer before it can go on); the passphrase, or None when cancelled."""
    dialog = PassphraseDialog(path, create)
    loop = QEventLoop()
    dialog.finished.connect(loop.quit)
    dialog.open()
    dialog.passphrase_edit.setFocus()
    loop.exec()
    return dialog.passphrase() if dialog.result() == QDialog.Accepted else None
