"""A till's push batches applied in the order it sent them, with two in flight.

A till catching up on a backlog sends its next batch while the store works on the one before (the store
parses one while it writes the other). Each batch names itself (``X-Push-Id``) and the batch before it
(``X-Push-After``); the store applies a batch only once that one is applied: the till's row keeps the last
batch applied (``till.push_mark``), set in the push's own transaction, under the shop's lock. A batch sent
again (its answer was lost) finds its own name there and goes through: its operations are answered as
duplicates, as any repeat is. A batch whose predecessor never arrives waits ``WAIT_S`` and is answered
"retry" for every operation; the till sends it again in a later round.

A batch that arrives while the one before is being applied waits for it on the shop's lock, already
parsed. One that got the lock first (or follows a batch that never comes) waits with a small query now and
then (``turn``), not with a parse or the shop's lock, and is tried again once its turn has come; a till
has one such batch waiting at most (the latest).
A request without ``X-Push-Id`` (an older till) is applied as it comes, as before.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass

from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

# How long a batch waits for the one before it: over a busy store's time for that batch; a till whose batch
# was lost on the way ends its round once the next one, in flight, is answered "retry" after this.
WAIT_S = 5.0
# A till has one batch waiting at most (the second of two in flight; each holds its body, up to 32 MB): a
# batch that starts to wait takes the place of the one before, left behind by an earlier round (whose
# predecessor was lost on the way), which is answered "retry" at its next look.
_waiting: dict[str, asyncio.Event] = {}  # token -> "give up" of its waiting request (the event loop's thread)
_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


class NotYet(Exception):
    """The batch before this one is not applied yet (the push's transaction is rolled back)."""

    def __init__(self, order: Order):
        super().__init__(order.after)
        self.order = order


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    after: str | None


def order_of(headers) -> Order | None:
    """The batch's place in its till's sequence, from its headers (400 if they are malformed)."""
    push_id, after = headers.get("x-push-id"), headers.get("x-push-after")
    if push_id is None:
        if after is not None:
            raise HTTPException(400, "X-Push-After needs X-Push-Id.")
        return None
    for name, value in (("X-Push-Id", push_id), ("X-Push-After", after)):
        if value is not None and not _NAME.fullmatch(value):
            raise HTTPException(400, f"{name} must be 1 to 64 letters, digits, '-' or '_'.")
    return Order(push_id, after)


def claim(conn, shop_id: str, till_id: str, order: Order | None) -> None:
    """Mark this batch applied by ``till_id`` (in the push's transaction, the shop's row lock held), or
    raise NotYet if the batch it follows is not."""
    if order is None:
        return
    row = conn.execute(
        "UPDATE till SET push_mark = %s WHERE shop_id = %s AND id = %s "
        "AND (%s::text IS NULL OR push_mark = %s OR push_mark = %s) RETURNING 1",
        (order.id, shop_id, till_id, order.after, order.after, order.id)).fetchone()
    if row is None:
        raise NotYet(order)


def _ready(conn, shop_id: str, till_id: str, order: Order) -> bool:
    row = conn.execute("SELECT push_mark FROM till WHERE shop_id = %s AND id = %s", (shop_id, till_id)).fetchone()
    return row is not None and row[0] in (order.after, order.id)


async def turn(central, token: str, who_of, order: Order, deadline: float) -> bool:
    """Wait until the batch ``order`` follows is applied (True), or the deadline passes or a later batch
    of the same till starts to wait (False). ``who_of(conn)`` gives the caller (401/403 as the push would)."""
    previous = _waiting.get(token)
    if previous is not None:
        previous.set()
    _waiting[token] = given_up = asyncio.Event()
    try:
        return await _poll(central, who_of, order, deadline, given_up)
    finally:
        if _waiting.get(token) is given_up:
            del _waiting[token]


async def _poll(central, who_of, order: Order, deadline: float, given_up: asyncio.Event) -> bool:
    pause = 0.002
    while not given_up.is_set():
        def ready(conn):
            who = who_of(conn)
            return _ready(conn, who.shop_id, who.till_id, order)

        if await run_in_threadpool(central.run, ready, read_only=True):
            return True
        if time.monotonic() >= deadline:
            return False
        await asyncio.sleep(pause)
        pause = min(pause * 2, 0.05)
    return False
