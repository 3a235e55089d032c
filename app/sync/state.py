"""This till's link to the central store and how far its sync has got, typed. Kept where it always was: one
``local_config`` row per key (never synced); ``load()`` reads them in one query, ``save(field=value)`` writes
them by field name (a misspelt field is an error, not a new key)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from app import settings
from db.models import LocalConfig, database


@dataclass(frozen=True)
class SyncState:
    central_url: str = ""  # empty: not linked to a central store
    insecure: bool = False  # plain http:// to another computer allowed (app/sync/transport.py)
    shop_id: str = ""
    shop_name: str = ""  # the shop's name at the central store, when this till enrolled
    till_id: str = ""  # this till's id at the central store (the hybrid clock's node)
    till_code: str = "T1"  # the receipt numbers' prefix
    office: bool | None = None  # enrolled as an office till (None: never enrolled)
    receipt_seq: int = 0  # the last receipt number used (app/settings.next_receipt_no counts it up)
    cursor: int = 0  # the shop's version this till has pulled up to
    bootstrapped: bool = False  # the shop's data was downloaded (or this till brought it)
    snapshot_progress: dict | None = None  # a download cut short: where it resumes
    bootstrap_indexes: list | None = None  # index definitions dropped for a download, to build at its end
    stats_rebuild_pending: bool = False  # downloaded: customers' figures still to rebuild
    hlc_seen: str = ""  # the newest clock stamp seen in pulled rows
    last_sync_at: dt.datetime | None = None  # the last round that finished

    @property
    def linked(self) -> bool:
        return bool(self.central_url and self.till_id)

    @property
    def counter_till(self) -> bool:
        """Linked, but not as the office till: head-office data is changed elsewhere."""
        return self.linked and self.office is False

    @property
    def bootstrapping(self) -> bool:
        """A download of the shop's data started and not finished."""
        return bool(self.snapshot_progress or self.stats_rebuild_pending or self.bootstrap_indexes)


# field -> its local_config key
KEYS = {"central_url": "central_url", "insecure": "central_insecure", "shop_id": "shop_id", "shop_name": "shop_name",
        "till_id": "till_id", "till_code": "till_code", "office": "till_office", "receipt_seq": "receipt_seq",
        "cursor": "sync_cursor", "bootstrapped": "sync_bootstrapped", "snapshot_progress": "snapshot_progress",
        "bootstrap_indexes": "bootstrap_indexes", "stats_rebuild_pending": "stats_rebuild_pending",
        "hlc_seen": "hlc_seen", "last_sync_at": "last_sync_at"}
_FIELDS = {f.name: f for f in dataclasses.fields(SyncState)}


def _read(name: str, value):
    default = _FIELDS[name].default
    if value is None:
        return default
    try:
        if name == "last_sync_at":
            return dt.datetime.fromisoformat(value)
        if name == "office":
            return bool(value)
        if isinstance(default, bool):
            return bool(value)
        if isinstance(default, int):
            return int(value)
        if isinstance(default, str):
            return str(value) if value != "" else default
    except (TypeError, ValueError):
        return default
    return value


def load() -> SyncState:
    marks = ", ".join("?" * len(KEYS))
    rows = database.execute_sql(f"SELECT key, value FROM local_config WHERE key IN ({marks})", list(KEYS.values()))
    stored = {}
    for key, text in rows.fetchall():
        try:
            stored[key] = LocalConfig.value.python_value(text)
        except ValueError:  # not JSON: the default
            continue
    return SyncState(**{name: _read(name, stored.get(key)) for name, key in KEYS.items()})


def save(**fields) -> None:
    """Store the given fields (in the caller's transaction); None clears one back to its default."""
    for name, value in fields.items():
        if isinstance(value, dt.datetime):
            value = value.isoformat()
        settings.set_local(KEYS[name], value)
