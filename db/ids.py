"""Identifiers and clocks shared by every table: UUIDv7 keys made on the till, UTC times."""

from __future__ import annotations

import datetime as dt
import uuid

import uuid6


def new_id() -> str:
    """A time-ordered UUIDv7, generated locally so a till never needs the server to create a row."""
    return str(uuid6.uuid7())


def derived_id(*parts: str) -> str:
    """A deterministic id for rows that two tills may create independently (e.g. one preference of one
    customer), so both creations land on the same row and merge instead of clashing."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "till:" + "/".join(parts)))


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
