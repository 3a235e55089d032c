"""Abuse limits of the public sign-up page, kept apart from the sync endpoints' path: token buckets per
client address and per shop (a refused request costs one dictionary look-up, no database, no thread), and
a gate that lets only a few sign-ups reach the database at once (the rest are refused, never queued
without bound). Rates are configurable through the environment, e.g. POS_SIGNUP_PER_ADDRESS=10/600 means
a burst of 10 submissions, then one more every 60 seconds."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    burst: int
    per_seconds: float  # ``burst`` requests refill over this many seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        burst, _, seconds = text.partition("/")
        rate = cls(int(burst), float(seconds))
        if rate.burst < 1 or rate.per_seconds <= 0:
            raise ValueError(f"a rate is BURST/SECONDS with both above zero, not {text!r}")
        return rate


@dataclass(frozen=True)
class Limits:
    per_address: Rate = Rate(20, 600)  # submissions from one address (a shop's own tablet: a few families)
    per_shop: Rate = Rate(60, 600)  # submissions to one shop, from everywhere
    views_per_address: Rate = Rate(120, 60)  # page views (each mints a CSRF token)
    concurrent: int = 2  # sign-ups in the database at once
    waiting: int = 8  # sign-ups allowed to wait for the gate; more are refused

    @classmethod
    def from_env(cls, env=os.environ) -> Limits:
        values = {}
        for field, name in (("per_address", "POS_SIGNUP_PER_ADDRESS"), ("per_shop", "POS_SIGNUP_PER_SHOP"),
                            ("views_per_address", "POS_SIGNUP_VIEWS_PER_ADDRESS")):
            if env.get(name):
                values[field] = Rate.parse(env[name])
        if env.get("POS_SIGNUP_CONCURRENT"):
            values["concurrent"] = max(1, int(env["POS_SIGNUP_CONCURRENT"]))
        return cls(**values)


class Buckets:
    """Token buckets keyed by address or shop; at most ``max_keys`` remembered (least recently used
    forgotten first, which only ever lets a forgotten key start afresh)."""

    def __init__(self, rate: Rate, max_keys: int = 50_000, clock=time.monotonic):
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, at)
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when the request may go ahead (a token is used), else the seconds until one is free."""
        refill = self.rate.burst / self.rate.per_seconds
        with self._lock:
            now = self.clock()
            tokens, at = self._buckets.pop(key, (float(self.rate.burst), now))
            tokens = min(float(self.rate.burst), tokens + (now - at) * refill)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / refill
            if not wait:
                tokens -= 1
            self._buckets[key] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
            return wait


class Gate:
    """At most ``concurrent`` holders; at most ``waiting`` more wait. ``enter()`` is False when full."""

    def __init__(self, concurrent: int, waiting: int):
        self._semaphore = asyncio.Semaphore(concurrent)
        self._room = concurrent + waiting
        self._inside = 0

    async def enter(self) -> bool:
        if self._inside >= self._room:
            return False
        self._inside += 1
        try:
            await self._semaphore.acquire()
        except BaseException:  # the client went away while waiting
            self._inside -= 1
            raise
        return True

    def leave(self) -> None:
        self._semaphore.release()
        self._inside -= 1
