"""What the till shows while it upgrades its database at start (about a minute at a million customers): the
step it is on and that the computer must not be switched off. The upgrade runs on the UI thread before the
window exists, so each step paints the notice before it starts."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget


class UpgradeNotice:
    def __init__(self):
        self.widget: QWidget | None = None

    def step(self, done: int, total: int, what: str) -> None:
        if self.widget is None:
            self._build()
        self.bar.setRange(0, total)
        self.bar.setValue(done)
        self.step_label.setText(what + "…")
        # paint it now: the next step holds this thread until it is done
        for _ in range(3):
            QCoreApplication.processEvents(QEventLoop.ExcludeUserInputEvents)

    def close(self) -> None:
        if self.widget is not None:
            self.widget.close()
            self.widget.deleteLater()
            self.widget = None

    def _build(self) -> None:
        self.widget = QWidget(None, Qt.Window | Qt.WindowTitleHint | Qt.CustomizeWindowHint)
        self.widget.setObjectName("upgradeNotice")
        self.widget.setAccessibleName("Upgrading the database")
        self.widget.setWindowTitle("The Till: upgrading")
        layout = QVBoxLayout(self.widget)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(10)
        title = QLabel("Upgrading the till's database")
        title.setProperty("class", "subheading")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.step_label = QLabel("")
        self.step_label.setTextFormat(Qt.PlainText)
        layout.addWidget(self.step_label)
        self.bar = QProgressBar()
        self.bar.setObjectName("upgradeProgress")
        layout.addWidget(self.bar)
        hint = QLabel("On a large shop this takes a minute or two. Do not switch the till off. If it stops, "
                      "start it again: each step is kept whole or not at all, and a backup copy was made first.")
        hint.setWordWrap(True)
        hint.setProperty("class", "hint")
        layout.addWidget(hint)
        self.widget.setFixedWidth(460)
        self.widget.show()
