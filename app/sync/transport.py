"""How a till reaches the central store safely: HTTPS, or plain HTTP only to this computer (loopback)
unless the installer explicitly said ``--insecure``; the till token read without putting it on a command
line; push batches that stay under the store's request size cap."""

from __future__ import annotations

import getpass
import ipaddress
import sys
from urllib.parse import urlsplit

from app.sync.client import SyncError

# central/limits.py refuses bodies over 32 MB; a batch stays well under it.
MAX_PUSH_BYTES = 16 * 1024 * 1024


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_url(url: str, insecure: bool) -> None:
    """Refuse plain http:// to another computer: the till's token and the shop's data would cross the
    network readable by anyone on it."""
    if url.startswith("http://") and not insecure and not is_loopback(url):
        raise SyncError(f"'{url}' is plain HTTP to another computer: the till's token and the shop's data would "
                        "cross the network unencrypted. Use https:// (pos-central serve --tls-cert ... --tls-key "
                        "...), or pass --insecure to enroll if this network is trusted.")


def read_token(given: str | None) -> str:
    """The till token: ``--token`` if given, else standard input (piped) or a hidden prompt, so it never
    shows in the process list or the shell's history."""
    if given:
        return given.strip()
    if sys.stdin is not None and not sys.stdin.isatty():
        return sys.stdin.readline().strip()
    return getpass.getpass("Till token (from 'pos-central enroll-till'): ").strip()


def within_bytes(rows: list, payload_at: int = -1, limit: int = MAX_PUSH_BYTES) -> list:
    """The leading outbox rows whose payloads fit in ``limit`` bytes (always at least one)."""
    if sum(len(row[payload_at] or "") for row in rows) + 200 * len(rows) <= limit:
        return rows  # all of them (the usual case: one sum instead of a step per row)
    total = 0
    for n, row in enumerate(rows):
        total += len(row[payload_at] or "") + 200
        if total > limit and n > 0:
            return rows[:n]
    return rows
