"""Operation ids make a push idempotent for the till that sent them, never for another till.

``sync_op`` holds one answer per (shop, operation id). A till using an id another till of the shop already
used (by chance, or to shadow that till's next sale so the store answers it "duplicate" and drops it) does
not get the other till's answer: its operation is applied as any new one and recorded for it under
``<till id>/<op id>``, where its own repeats find it. Should that key be taken too (a till may push any id
of up to 64 characters), the operation is applied and not recorded: a repeat is then decided by its content
(an append row already stored is a duplicate; a merge stamp already applied changes nothing).
"""

from __future__ import annotations

from central.batch import text_array

UNRECORDED = None


def _select(conn, shop_id: str, keys: list[str]) -> list[tuple]:
    return conn.execute("SELECT op_id, till_id, result, reason FROM sync_op WHERE shop_id = %s "
                        "AND op_id = ANY(%s::text[])", (shop_id, text_array(keys))).fetchall()


def stored(conn, shop_id: str, till_id: str, op_ids: list[str]) -> tuple[dict, dict]:
    """(this till's stored answers: op id -> (result, reason); the key a new operation is recorded under,
    for the ids another till holds: op id -> key, or UNRECORDED)."""
    answers, keys = {}, {}
    for op_id, owner, result, reason in _select(conn, shop_id, op_ids):
        if owner == till_id:
            answers[op_id] = (result, reason)
        else:
            keys[op_id] = f"{till_id}/{op_id}"
    if keys:  # rare: only an id another till used costs this second look
        own = {key: op_id for op_id, key in keys.items()}
        for key, owner, result, reason in _select(conn, shop_id, list(own)):
            if owner == till_id:
                answers[own[key]] = (result, reason)
            else:
                keys[own[key]] = UNRECORDED
    return answers, keys
