"""Hybrid logical clock: orders edits across tills even when a till's wall clock is wrong.

A timestamp is the text ``WWWWWWWWWWWWW-CCCCC-NODE`` (wall milliseconds, counter, node id), so comparing
two stamps as strings compares them as clocks, ties broken by node id.
"""

from __future__ import annotations

import threading
import time

_MS_WIDTH = 13
_COUNTER_WIDTH = 5


def format_stamp(wall_ms: int, counter: int, node: str) -> str:
    return f"{wall_ms:0{_MS_WIDTH}d}-{counter:0{_COUNTER_WIDTH}d}-{node}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    wall, counter, node = stamp.split("-", 2)
    return int(wall), int(counter), node


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
            else:
                self._counter += 1
            return format_stamp(self._last_ms, self._counter, self.node)

    def observe(self, stamp: str) -> None:
        """Advance past a stamp seen from another till, so our next edit orders after it."""
        if not stamp:
            return
        remote_ms, remote_counter, _ = parse_stamp(stamp)
        with self._lock:
            wall = self._wall()
            if remote_ms > self._last_ms or (remote_ms == self._last_ms and remote_counter >= self._counter):
                self._last_ms, self._counter = remote_ms, remote_counter
            if wall > self._last_ms:
                self._last_ms, self._counter = wall, 0


clock = HybridClock()
