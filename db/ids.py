"""Identifiers and clocks shared by every table: UUIDv7 keys made on the till, UTC times."""

from __future__ import annotations

import datetime as dt
import os
import time
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


def new_ids(count: int) -> list[str]:
    """``count`` UUIDv7 ids (48-bit milliseconds, version 7, 74 random bits), made in one go: the same
    format as new_id at a fraction of its cost per id, for a bulk insert."""
    ms = int(time.time() * 1000) & ((1 << 48) - 1)
    randomness = os.urandom(10 * count)
    out = []
    for n in range(count):
        r = int.from_bytes(randomness[10 * n:10 * n + 10], "big") >> 6  # 74 bits
        value = ms << 80 | 0x7 << 76 | (r >> 62) << 64 | 0b10 << 62 | (r & ((1 << 62) - 1))
        h = f"{value:032x}"
        out.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return out
