"""Staff at the head office: a PIN given through the admin API (``{"pin": "1234"}``) is hashed here the way
every till hashes it (argon2id with the shop's salt and cost settings, app/auth.py), and must be unique
among the shop's active staff. Staff rows are head-office data: decided centrally, changed by an office
till or the head office."""

from __future__ import annotations

import json

from central.tables import InvalidRow
from db import pins


def _settings(conn, shop_id: str) -> dict:
    rows = conn.execute("SELECT id, data->>'value' FROM sync_row WHERE shop_id = %s AND tbl = 'setting' AND "
                        "id = ANY(%s) AND data->>'deleted_at' IS NULL",
                        (shop_id, ["pin_salt", "pin_hash_time_cost", "pin_hash_memory_kib"])).fetchall()
    out = {}
    for key, text in rows:
        try:
            out[key] = json.loads(text) if text is not None else None
        except ValueError:
            continue
    return out


def admin_values(conn, shop_id: str, row_id: str | None, values: dict) -> dict:
    """``values`` for a head-office user write, with a clear ``pin`` replaced by its hash."""
    if not isinstance(values, dict) or "pin" not in values:
        return values
    from argon2.low_level import Type, hash_secret

    values = dict(values)
    pin = pins.pin_or_none(str(values.pop("pin")))
    if pin is None:
        raise InvalidRow(pins.PIN_RULE)
    found = _settings(conn, shop_id)
    salt = found.get("pin_salt")
    try:
        salt_bytes = bytes.fromhex(salt) if isinstance(salt, str) and len(salt) == 32 else None
    except ValueError:
        salt_bytes = None
    if salt_bytes is None:
        raise InvalidRow("this shop has no PIN salt yet: its first till sets it when it brings the staff")
    cost = found.get("pin_hash_time_cost")
    memory = found.get("pin_hash_memory_kib")
    cost = cost if isinstance(cost, int) and 1 <= cost <= 10 else pins.TIME_COST
    memory = memory if isinstance(memory, int) and 8192 <= memory <= 1048576 else pins.MEMORY_KIB
    digest = hash_secret(pin.encode(), salt_bytes, time_cost=cost, memory_cost=memory, parallelism=1,
                         hash_len=32, type=Type.ID).decode("ascii")
    clash = conn.execute(
        "SELECT id FROM sync_row WHERE shop_id = %s AND tbl = 'user' AND data->>'pin_hash' = %s AND "
        "data->>'deleted_at' IS NULL AND (data->>'active')::boolean IS NOT FALSE AND id <> %s LIMIT 1",
        (shop_id, digest, row_id or "")).fetchone()
    if clash:
        raise InvalidRow("another active member of staff already has this PIN")
    values["pin_hash"] = digest
    return values
