"""The status-bar sync indicator (foundation: shows waiting changes; the sync work adds the worker)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from app import settings
from db import outbox


class SyncStatus:
    def __init__(self, window):
        self.window = window
        self.label = QLabel()
        self.label.setObjectName("syncStatusLabel")
        self.label.setAccessibleName("Sync status")
        self.refresh()

    def refresh(self):
        waiting = outbox.pending_count()
        where = "not linked to a central store" if not settings.local("central_url") else "offline"
        self.label.setText(f"● Offline ({where}) · {waiting} changes waiting to sync")

    def sync_now(self):
        self.refresh()

    def stop(self):
        pass
