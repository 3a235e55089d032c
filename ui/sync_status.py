"""The status-bar sync indicator and the background sync worker it drives.

``syncStatusLabel`` shows online/offline, the changes waiting to sync and the last successful sync. The
work happens on app/sync/worker.py's thread (its own database connection); its reports arrive here by a
queued signal, so the UI thread never waits for the network or the database. Clicking the label shows a
manager the changes the central store refused and the conflicts it decided (``syncProblemsDialog``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from app import auth, dates, plurals
from app.sync import problems, quarantine
from app.sync.worker import Status, SyncWorker, read_status
from ui import ops
from ui.style import set_state

NOT_LINKED = ("This till is not linked to a central store, so there is nothing to sync with. Its sales stay "
              "on this computer. To link it, enroll it: pos-till --db FILE enroll --central URL --token TOKEN "
              "(the README says how).")
FIRST_LINKED_SHOW_MS = 50  # after the window's first paint


class _Relay(QObject):
    status = Signal(object)
    changes = Signal(object)  # app.changes.Changes a pull applied


class _ClickableLabel(QLabel):
    clicked = Signal()

    def mouseReleaseEvent(self, event):
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "never"
    local = moment.astimezone()
    if local.date() == dt.datetime.now().astimezone().date():
        return dates.time(local)
    return dates.date_time(local, year=False)


def _plain(value) -> str:
    if isinstance(value, dict) and "kept_by" in value:
        return f"kept by {str(value['kept_by'])[-8:]}"
    return "" if value is None else str(value)


def _linked_text(status: Status) -> str:
    # counted in the shop's language by babel, whose first use loads its data (~45 ms): not on an
    # unlinked till's start-up, where nothing shows the count
    waiting = f"{plurals.count(status.waiting, 'change')} waiting"
    if status.syncing:
        return f"⟳ Syncing… · {waiting}"
    if status.online is False:
        return f"● Offline · {waiting} · last sync {_when(status.last_sync_at)}"
    if status.error:
        return f"● Sync problem · {waiting} · last sync {_when(status.last_sync_at)}"
    if status.online:
        return f"● Online · {waiting} · last sync {_when(status.last_sync_at)}"
    return f"● Connecting… · {waiting}"


def describe(status: Status) -> tuple[str, str]:
    """(label text, tooltip) for a status."""
    # nothing will ever send an unlinked till's changes: counting them only alarms
    text = _linked_text(status) if status.linked else "● Offline · Not linked to a central store"
    if status.quarantined:
        text += f" · ⚠ {status.quarantined} refused (manager)"
    tip = [status.error or status.summary or ""]
    if status.linked and status.last_sync_at is not None and not status.syncing:
        tip.append(f"Last synced {dates.ago(status.last_sync_at)}")  # "2 hours ago": how stale the data is
    if status.quarantined or status.conflicts:
        tip.append(f"{plurals.count(status.quarantined, 'refused change')}, {plurals.count(status.conflicts, 'conflict')}: click to review")
    return text, "\n".join(t for t in tip if t)


class SyncStatus:
    def __init__(self, window):
        self.window = window
        self.status: Status | None = None
        self.label = _ClickableLabel("● Checking sync…")
        self.label.setObjectName("syncStatusLabel")
        self.label.setAccessibleName("Sync status")
        self.label.setCursor(Qt.PointingHandCursor)
        self.label.clicked.connect(self.show_problems)
        self._relay = _Relay(window)
        self._relay.status.connect(self._show)
        self._relay.changes.connect(window.announce)  # rows from another till refresh the open views
        # the first figures at start-up (one indexed count); every later one comes from the worker. A linked
        # till's count is written a moment later: babel's first use (~45 ms) is not worth delaying the window
        first = read_status()
        if first.linked:
            self.status = first
            QTimer.singleShot(FIRST_LINKED_SHOW_MS, self.label, lambda: self.status is first and self._show(first))
        else:
            self._show(first)
        self.worker = SyncWorker(window.till.path, self._relay.status.emit, on_changes=self._relay.changes.emit)
        self.worker.start()

    # --- what the window and the sale call ------------------------------------------------------------------

    def refresh(self) -> None:
        """Something was written here (a sale, a void, an edit): recount the waiting changes and, when the
        till is linked, push them soon. All on the worker's thread; requests made during a round coalesce
        into one more round."""
        if self.status is not None and self.status.linked:
            self.worker.request()
        else:
            self.worker.refresh()

    def sync_now(self) -> None:
        if self.status is not None and not self.status.linked:
            self.window.show_info("Not linked", NOT_LINKED, "syncNotLinkedBox")
            return
        if self.status is not None:
            self.label.setText(describe(dataclasses.replace(self.status, syncing=True))[0])
        self.worker.request()

    def request_sync(self) -> None:
        """Called after each completed sale: push it soon."""
        self.worker.request()

    def stop(self) -> None:
        self.worker.stop()

    # --- showing ------------------------------------------------------------------------------------------

    def _show(self, status: Status) -> None:
        self.status = status
        text, tip = describe(status)
        self.label.setText(text)
        self.label.setToolTip(tip)
        self.label.setAccessibleDescription(tip or text)
        bad = status.quarantined or (status.linked and status.online is False)
        set_state(self.label, "tone", "bad" if bad else "")

    def show_problems(self) -> None:
        self.window.run_as_manager("review sync problems", self._open_problems)

    def _open_problems(self, manager) -> None:
        dialog = SyncProblemsDialog(self.window, self)
        self.window.keep_open(dialog)
        dialog.open()


class SyncProblemsDialog(QDialog):
    """Refused changes (with the store's reason) and decided conflicts, read off the UI thread."""

    def __init__(self, window, sync_status: SyncStatus):
        super().__init__(window)
        self.setObjectName("syncProblemsDialog")
        self.setWindowTitle("Sync problems")
        self.window_ = window
        self.sync_status = sync_status
        self.resize(760, 420)
        layout = QVBoxLayout(self)
        tabs = QTabWidget()
        self.refused_view = self._table("quarantinedView", ["Made", "What", "Why the central store refused it"])
        self.conflicts_view = self._table("conflictsView", ["When", "What", "Field", "Kept", "Lost"])
        tabs.addTab(self.refused_view, "Refused changes")
        tabs.addTab(self.conflicts_view, "Conflicts")
        # rows pulled from the central store this till could not take, and staff sharing a PIN
        self.pulled_view = self._table("pulledQuarantineView", ["When", "What", "Why this till set it aside"])
        self.pin_clash_view = self._table("pinClashView", ["Staff sharing one PIN", "What to do"])
        tabs.addTab(self.pulled_view, "Rows not taken")
        tabs.addTab(self.pin_clash_view, "PIN clashes")
        layout.addWidget(tabs)
        buttons = QHBoxLayout()
        self.retry_button = QPushButton("Send refused changes again")
        self.retry_button.setObjectName("retryRefusedButton")
        self.retry_button.setAutoDefault(False)
        self.retry_button.clicked.connect(self._retry)
        close = QPushButton("Close")
        close.setObjectName("closeSyncProblemsButton")
        close.clicked.connect(self.accept)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout.addLayout(buttons)
        self._seqs: list[int] = []
        self.load()

    @staticmethod
    def _table(name: str, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setObjectName(name)
        table.setHorizontalHeaderLabels(headers)
        table.horizontalHeader().setStretchLastSection(True)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.verticalHeader().setVisible(False)
        table.setWordWrap(True)
        return table

    def load(self) -> None:
        self.window_.reads.submit(lambda: (problems.refused(), problems.conflicts(), quarantine.pulled_problems(),
                                           [[u.name for u in group] for group in auth.pin_clashes()]),
                                  owner=self, on_done=self._fill)

    def _fill(self, result) -> None:
        refused, conflicts, pulled, clashes = result
        self._rows(self.pulled_view, [(_when(q.at), f"{q.table_name.replace('_', ' ')} {q.row_id if len(q.row_id) <= 24 else q.row_id[-8:]}", q.reason)
                                      for q in pulled])
        self._rows(self.pin_clash_view, [(", ".join(names), "Neither PIN signs in: set a new PIN for each (Staff)")
                                         for names in clashes])
        self._seqs = [r.seq for r in refused]
        self._rows(self.refused_view, [(_when(r.made_at), r.what, r.reason) for r in refused])
        self._rows(self.conflicts_view, [(_when(c.at), f"{c.table_name.replace('_', ' ')} {c.row_id[-8:]}", c.field,
                                          _plain(c.winner), _plain(c.loser)) for c in conflicts])
        self.retry_button.setEnabled(bool(refused))

    @staticmethod
    def _rows(table: QTableWidget, rows: list[tuple]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(str(value)))
        for c in range(table.columnCount() - 1):
            table.resizeColumnToContents(c)
        table.resizeRowsToContents()

    def _retry(self) -> None:
        seqs = list(self._seqs)
        self.retry_button.setEnabled(False)

        def done(_count):
            self.sync_status.request_sync()
            self.load()

        ops.write(self.window_, problems.requeue, seqs, owner=self).success(done).run()
