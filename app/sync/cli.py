"""Headless sync commands for ``pos-till``: ``enroll`` and ``sync``. Each returns an exit code and prints
one clear line on failure."""

from __future__ import annotations

import sys

from app.errors import TillError
from app.sync import engine, state
from app.sync.client import Offline, SyncError


def enroll(till, url: str, token: str | None, *, insecure: bool = False) -> int:
    from app.sync import transport

    try:
        info = engine.enroll(till.path, url, transport.read_token(token), insecure=insecure)
    except (SyncError, TillError) as exc:
        print(f"pos-till: enroll failed: {exc.message}", file=sys.stderr)
        return 4
    print(f"Enrolled as till {info.till_code} of '{info.shop_name}' at {state.load().central_url}. "
          "Run 'pos-till sync' (or start the till) to sync.")
    return 0


def sync_once(till) -> int:
    try:
        report = engine.sync_round(till.path)
    except Offline as exc:
        print(f"pos-till: sync failed, the central store is offline: {exc.message} Nothing was lost; "
              "changes wait in the outbox.", file=sys.stderr)
        return 5
    except (SyncError, TillError) as exc:
        print(f"pos-till: sync failed: {exc.message}", file=sys.stderr)
        return 4
    print(f"Synced: {report.summary()}.")
    for line in report.rejections[:20]:
        print(f"  rejected: {line}")
    return 0
