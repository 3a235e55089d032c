"""Measure how long the UI thread's event loop goes without turning, and say where it was when it stalled.

A 10 ms Qt timer ticks on the UI thread; a watchdog thread notices when no tick came for ``threshold_ms``
and records the stacks of the UI thread and of every other thread at that moment, so a soak can report
not only "the UI stalled 300 ms" but which code held it (or held the GIL while the UI waited for it).
"""

from __future__ import annotations

import collections
import gc
import sys
import threading
import time
import traceback

from PySide6.QtCore import QTimer

TICK_MS = 10


def _where(frame, depth: int = 4) -> str:
    """The innermost ``depth`` frames of our own code (site-packages trimmed), innermost last."""
    frames = [f for f in traceback.extract_stack(frame) if "site-packages" not in f.filename]
    if not frames:
        frames = traceback.extract_stack(frame)[-1:]
    return " > ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno} {f.name}" for f in frames[-depth:])


class StallSampler:
    def __init__(self, threshold_ms: float = 40.0):
        self.threshold = threshold_ms / 1000
        self.gaps: list[float] = []
        self.sites: collections.Counter[str] = collections.Counter()
        self._last = time.perf_counter()
        self._ui_ident = threading.get_ident()
        self._timer = QTimer()
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._stop = threading.Event()
        self._sampled_since = 0.0
        self._watchdog = threading.Thread(target=self._watch, name="stall-watchdog", daemon=True)
        self.gc_pauses: list[tuple[int, float, float]] = []  # (generation, ms, s after start) of each collection
        self._gc_started = 0.0

    def _on_gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
        else:
            now = time.perf_counter()
            self.gc_pauses.append((info["generation"], (now - self._gc_started) * 1000, now - self._started))

    def start(self) -> None:
        self._started = self._last = time.perf_counter()
        self._timer.start()
        self._watchdog.start()
        gc.callbacks.append(self._on_gc)

    def stop(self) -> None:
        self._timer.stop()
        self._stop.set()
        if self._on_gc in gc.callbacks:
            gc.callbacks.remove(self._on_gc)
        self._watchdog.join(2)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def _watch(self) -> None:
        while not self._stop.wait(0.005):
            last = self._last
            if time.perf_counter() - last < self.threshold or self._sampled_since == last:
                continue
            self._sampled_since = last  # one sample per stall
            frames = sys._current_frames()
            ui = frames.get(self._ui_ident)
            others = [f"{thread.name}: {_where(frames[thread.ident], 2)}" for thread in threading.enumerate()
                      if thread.ident in frames and thread.ident not in (self._ui_ident, threading.get_ident())
                      and not _idle(frames[thread.ident])]
            site = f"UI at {_where(ui) if ui else '?'}"
            if others:
                site += " | busy: " + "; ".join(others)
            self.sites[site] += 1

    def figures(self) -> dict:
        stalls = [g * 1000 - TICK_MS for g in self.gaps]
        return {
            "ui_longest_stall_ms": round(max(stalls), 1) if stalls else None,
            "ui_stalls_over_50ms": sum(1 for s in stalls if s > 50),
            "ui_stall_p99_ms": round(sorted(stalls)[int(len(stalls) * 0.99)], 1) if stalls else None,
            "gc_runs": len(self.gc_pauses),
            "gc_longest_ms": round(max((ms for _, ms, _ in self.gc_pauses), default=0), 1),
            "gc_over_20ms": [f"gen {gen}: {ms:.0f} ms at {at:.1f} s" for gen, ms, at in self.gc_pauses if ms > 20],
        }

    def report(self, top: int = 8) -> str:
        lines = [f"{count:5d}  {site}" for site, count in self.sites.most_common(top)]
        return "where the UI thread was when it stalled (samples):\n" + "\n".join(lines)


def _idle(frame) -> bool:
    """A thread waiting on a lock, a queue, a socket or a sleep is not the one holding anything up."""
    name = frame.f_code.co_name
    return name in {"wait", "_wait_for_tstate_lock", "select", "accept", "recv", "recv_into", "readinto",
                    "get", "sleep", "_worker", "poll", "run_forever", "_run_once", "_wait"}
