"""The background sync worker: a plain thread with its own database connection (peewee opens one per
thread) that runs a sync round on a timer (the ``sync_interval_s`` setting), after each completed sale
and when asked ("Sync now"), and probes with exponential backoff and jitter while the store is
unreachable, so it syncs soon after the network comes back. It never touches widgets: it reports a
``Status`` through a callback, which the UI turns into a signal."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
from dataclasses import dataclass

from app import settings
from app.errors import TillError
from app.sync import engine, quarantine, state
from app.sync.client import CentralClient, Offline, Refused
from db.models import database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Status:
    linked: bool
    online: bool | None  # None: not tried yet
    syncing: bool
    waiting: int  # changes in the outbox not yet accepted by the store
    quarantined: int  # changes the store refused, for a manager to look at
    conflicts: int
    last_sync_at: dt.datetime | None
    error: str | None = None
    summary: str | None = None  # what the last round did


def read_status(**overrides) -> Status:
    """The status as the open database tells it (any thread; cheap indexed counts)."""
    counts = dict(database.execute_sql(
        "SELECT state, count(*) FROM outbox GROUP BY state").fetchall())
    conflicts = database.execute_sql("SELECT count(*) FROM conflict_log").fetchone()[0]
    known = state.load()
    values = dict(linked=known.linked, online=None, syncing=False, waiting=counts.get("pending", 0),
                  quarantined=counts.get("quarantined", 0) + quarantine.problem_count(), conflicts=conflicts,
                  last_sync_at=known.last_sync_at)
    values.update(overrides)
    return Status(**values)


class SyncWorker:
    """``start()``, then ``request()`` to sync soon, ``refresh()`` to recount only, ``stop()`` to end."""

    def __init__(self, db_path, on_status, *, on_changes=None, min_backoff: float = 1.0,
                 max_backoff: float = 60.0):
        self.db_path = db_path
        self.on_status = on_status
        self.on_changes = on_changes  # called with the Changes a round pulled in (on this thread)
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._sync_wanted = True  # a first round at start
        self._lock = threading.Lock()
        self._online: bool | None = None
        self._error: str | None = None
        self._summary: str | None = None
        self._failures = 0
        self.rounds = 0
        # kept across rounds (its connections stay open), made again when the URL or the token changes
        self._client: CentralClient | None = None
        self._client_for: tuple[str, str] | None = None
        self.thread = threading.Thread(target=self._run, name="till-sync", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def request(self) -> None:
        """Sync as soon as the worker is free (after a sale, on "Sync now")."""
        with self._lock:
            self._sync_wanted = True
        self._wake.set()

    def refresh(self) -> None:
        """Recount the waiting changes and report, without syncing."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self.thread.is_alive():
            self.thread.join(timeout)

    @property
    def stopped(self) -> bool:
        return not self.thread.is_alive()

    def _report(self, **overrides) -> None:
        try:
            status = read_status(online=self._online, error=self._error, summary=self._summary, **overrides)
        except Exception:
            log.exception("sync: reading the status failed")
            return
        self.on_status(status)

    def _round(self) -> None:
        self._report(syncing=True)
        try:
            report = engine.SyncEngine(self._linked_client()).run_round()
        except Offline as exc:
            self._online, self._error = False, exc.message
            self._failures += 1
            self._close_client()  # the next try starts on fresh connections
        except Refused as exc:
            self._online, self._error = True, exc.message
            self._failures += 1
        except TillError as exc:
            self._online, self._error = None, exc.message
            self._failures += 1
        except Exception as exc:  # never let the worker die: log, report, try again later
            log.exception("sync round failed")
            self._online, self._error = None, f"Sync failed: {exc}"
            self._failures += 1
        else:
            self._online, self._error, self._summary = True, None, report.summary()
            self._failures = 0
            if report.changes and self.on_changes is not None:
                self.on_changes(report.changes)
        self.rounds += 1

    def _linked_client(self) -> CentralClient:
        details = engine.link_details(self.db_path)
        if self._client is None or details != self._client_for:
            self._close_client()
            self._client, self._client_for = CentralClient(*details, stop=self._stop), details
        return self._client

    def _close_client(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = self._client_for = None

    def _next_wait(self) -> float:
        interval = float(settings.shop().sync_interval_s or 60)
        if self._failures == 0:
            return interval
        # exponential backoff with jitter while the store cannot be reached, capped by the interval
        ceiling = min(self.max_backoff, interval, self.min_backoff * 2 ** min(self._failures, 16))
        return random.uniform(ceiling / 2, ceiling)

    def _run(self) -> None:
        try:
            engine.configure_clock()
            while not self._stop.is_set():
                with self._lock:
                    wanted, self._sync_wanted = self._sync_wanted, False
                if wanted and engine.linked():
                    self._round()
                if self._stop.is_set():
                    break
                self._report()
                woken = self._wake.wait(self._next_wait() if engine.linked() else None)
                self._wake.clear()
                if not woken:  # the timer ran out: time for a round
                    with self._lock:
                        self._sync_wanted = True
        except Exception:
            log.exception("the sync worker stopped")
        finally:
            try:
                self._close_client()
                database.close()  # this thread's connection only
            except Exception:
                pass
