"""Hybrid logical clock: orders edits across tills even when a till's wall clock is wrong.

A timestamp is the text ``WWWWWWWWWWWWW-CCCCC-NODE`` (wall milliseconds, counter, node id), so comparing
two stamps as strings compares them as clocks, ties broken by node id.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time

_MS_WIDTH = 13
_COUNTER_WIDTH = 5
_COUNTER_MAX = 10**_COUNTER_WIDTH - 1
_STAMP = re.compile(r"(\d{13})-(\d{5})-(.{1,64})", re.S)
# A stamp seen from elsewhere is adopted only if it is at most this far ahead of this till's own clock: a
# broken or hostile till's far-future stamp must not drag every edit here into the future. (The central
# store re-stamps changes more than 10 minutes ahead of its clock; this bound is wider so that a till
# whose clock is hours behind still orders its edits after the ones it has seen.)
MAX_AHEAD_MS = int(float(os.environ.get("POS_TILL_MAX_CLOCK_AHEAD_S", str(24 * 3600))) * 1000)
log = logging.getLogger(__name__)


def format_stamp(wall_ms: int, counter: int, node: str) -> str:
    return f"{wall_ms:0{_MS_WIDTH}d}-{counter:0{_COUNTER_WIDTH}d}-{node}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    wall, counter, node = stamp.split("-", 2)
    return int(wall), int(counter), node


def well_formed(stamp) -> bool:
    return isinstance(stamp, str) and _STAMP.fullmatch(stamp) is not None


def acceptable(stamp: str, wall_ms: int | None = None) -> bool:
    """Well formed and not more than MAX_AHEAD_MS ahead of ``wall_ms`` (default: now)."""
    match = _STAMP.fullmatch(stamp) if isinstance(stamp, str) else None
    if match is None:
        return False
    now = int(time.time() * 1000) if wall_ms is None else wall_ms
    return int(match.group(1)) <= now + MAX_AHEAD_MS


class HybridClock:
    def __init__(self, node: str = "local", wall=None):
        self.node = node
        self._wall = wall or (lambda: int(time.time() * 1000))
        self._last_ms = 0
        self._counter = 0
        self._lock = threading.Lock()

    def now(self) -> str:
        with self._lock:
            wall = self._wall()
            if wall > self._last_ms:
                self._last_ms, self._counter = wall, 0
            elif self._counter >= _COUNTER_MAX:
                self._last_ms, self._counter = self._last_ms + 1, 0  # the counter keeps its 5 digits
            else:
                self._counter += 1
            return format_stamp(self._last_ms, self._counter, self.node)

    def observe(self, stamp: str) -> None:
        """Advance past a stamp seen from another till, so our next edit orders after it."""
        if not stamp:
            return
        with self._lock:
            wall = self._wall()
            if not acceptable(stamp, wall):
                log.warning("clock: ignoring stamp %.40r (malformed or more than %d s ahead of this clock)",
                            stamp, MAX_AHEAD_MS // 1000)
                return
            remote_ms, remote_counter, _ = parse_stamp(stamp)
            if remote_ms > self._last_ms or (remote_ms == self._last_ms and remote_counter >= self._counter):
                self._last_ms, self._counter = remote_ms, remote_counter
            if wall > self._last_ms:
                self._last_ms, self._counter = wall, 0


clock = HybridClock()
