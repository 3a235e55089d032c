"""An erased customer leaves no personal data in the audit log, on any node (issue 17, item 9): the store
does to its copy of the log what app/privacy._scrub_audit does to the erasing till's, so every node holds
the same rows.

- When an erasure arrives: the entries about the customer (and the customers merged into it) lose their
  details (``{"erased":true}``), and any other entry whose details name them (name, phone, email, the
  export file-name form) has that text replaced by ``[erased]``. Rewritten as the store's rows, so every
  till, the erasing one too, takes them when it pulls.
- An entry about an erased customer, or whose details name one by id (a merge's entry names the merged
  customer, with their name and the fields it filled in), arriving later (another till wrote it offline):
  stored without details.
- The erasing till may send again an entry the store already holds, with the details it scrubbed: that is
  the same entry (answered duplicate); the till takes the store's scrubbed row when it pulls.
Text written later by other tills naming the person in other entries cannot be recognised (the store keeps
no personal data of an erased customer to look for).
"""

from __future__ import annotations

import json
import re

ERASED_DETAIL = json.dumps({"erased": True}, separators=(",", ":"))
NEEDLE_FIELDS = ("name", "phone", "email", "personal_phone", "personal_email")


def _slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name or "").strip("-").lower()


def needles(customer: dict) -> list[str]:
    """The person's values as they stand inside the stored JSON text of a detail (as the till's)."""
    found = {customer.get(f) for f in NEEDLE_FIELDS} | {_slug(customer.get("name") or ""),
                                                        (customer.get("phone") or "").lstrip("+")}
    return [json.dumps(n)[1:-1] for n in sorted((n for n in found if n and len(n) >= 4), key=len, reverse=True)]


def preload(conn, batch, people: list[str], erasing: dict[str, dict], load_rows) -> None:
    """The audit entries an erasure in this batch rewrites: about ``people``, or naming a person being
    erased (``erasing``: customer id -> the row before the erasure)."""
    patterns = ["%" + n.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                for row in erasing.values() for n in needles(row)]
    batch.erase_needles = {c: needles(row) for c, row in erasing.items()}
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM sync_row WHERE shop_id = %s AND tbl = 'audit_log' AND ("
        "(data->>'entity' = 'customer' AND data->>'entity_id' = ANY(%s)) OR data->>'detail' ILIKE ANY(%s))",
        (batch.shop_id, people, patterns))]
    load_rows(conn, batch, [("audit_log", i) for i in ids])


def scrubbed(detail: str | None, about_person: bool, texts: list[str]) -> str | None:
    if detail is None:
        return None
    if about_person:
        return ERASED_DETAIL
    for text in texts:
        detail = re.compile(re.escape(text), re.IGNORECASE).sub("[erased]", detail)
    return detail


def erase(batch, customer_id: str, people: list[str]) -> None:
    """The customer ``customer_id`` (and ``people`` merged into it) just erased: rewrite the log's entries."""
    texts = sorted({t for p in people for t in getattr(batch, "erase_needles", {}).get(p, [])}, key=len, reverse=True)
    # the entries preloaded for the erasure, and those stored earlier in this batch
    for (table, audit_id), row in list(batch.rows.items()):
        if table != "audit_log" or row is None:
            continue
        about = row.data.get("entity") == "customer" and row.data.get("entity_id") in people
        detail = scrubbed(row.data.get("detail"), about, texts)
        if detail != row.data.get("detail"):
            batch.write("audit_log", audit_id, dict(row.data, detail=detail), None, "server")


_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def named(op_payload: dict) -> set[str]:
    """The customers an arriving entry is about or names by id (to load before it is settled)."""
    ids = set(_ID.findall(op_payload.get("detail") or "")) if isinstance(op_payload.get("detail"), str) else set()
    if op_payload.get("entity") == "customer" and isinstance(op_payload.get("entity_id"), str):
        ids.add(op_payload["entity_id"])
    return ids


def settle(batch, data: dict) -> dict | None:
    """An arriving entry about an erased customer, or naming one: its details dropped (None: as it came)."""
    if data.get("detail") in (None, ERASED_DETAIL):
        return None
    for customer_id in named(data):
        customer = batch.rows.get(("customer", customer_id))
        if customer is not None and customer.data.get("erased_at") is not None:
            return dict(data, detail=ERASED_DETAIL)
    return None


def same_entry_scrubbed(stored: dict, incoming: dict) -> bool:
    """``incoming`` is ``stored`` with its details scrubbed by an erasure on the till that wrote it."""
    if {k: v for k, v in stored.items() if k != "detail"} != {k: v for k, v in incoming.items() if k != "detail"}:
        return False
    detail = incoming.get("detail")
    return detail == ERASED_DETAIL or (isinstance(detail, str) and "[erased]" in detail)
