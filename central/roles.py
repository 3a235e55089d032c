"""Who may change what (ARCHITECTURE.md, "Trust"): a counter till pushes sales, customers and their
preferences, reservations and loyalty events; head-office data is changed only by an office till (enrolled
with ``--office``) or the head office's own token.

One exception keeps a one-command start working: the till that brings a brand-new shop its first data (a
demo database, a shop set up on a till before the central store existed) may create it, until its first
pull, or the head office's first write, or another till's push once the seeding till has been quiet for
``SEEDING_IDLE_S`` or was linked over ``SEEDING_MAX_S`` ago: a first till that never pulls keeps no
head-office rights once the shop is in use, and one still sending its backlog is not cut off half-way (its
refused catalogue would be withdrawn on it). After that the shop's head-office data is the central store's,
and only an office till changes it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Head-office data: catalogue, barcodes, prices and price lists, profiles, categories, loyalty tiers (the
# loyalty rules are settings), preference definitions and defaults, staff and their PINs, shop settings.
HEAD_OFFICE = frozenset({
    "user", "setting", "price_list", "customer_profile", "customer_category", "loyalty_tier", "item", "barcode",
    "price_list_entry", "customer_item_price", "preference_definition", "promotion",
})
# The words every role refusal carries: the till recognises them (app/sync/quarantine.py) and puts its
# local copy back to the shop's truth.
REFUSAL_MARK = "is head-office data"


@dataclass(frozen=True)
class TillRole:
    office: bool
    seeding: bool
    served_version: int  # the highest version the store has sent the till (pull or snapshot page)
    code: str = ""  # the till's code (its receipts' prefix)


def till_role(conn, shop_id: str, till_id: str, shop_version: int, tables: set[str]) -> TillRole:
    """This till's rights for one push (inside the push transaction, which holds the shop's lock; the till
    is seen now, in the same statement). A new
    shop's first push that carries head-office rows makes its till the shop's seeding till."""
    # one statement: seen now, and a quiet seeding till's seeding over (without a round trip)
    row = conn.execute(
        f"WITH over AS ({_SEEDING_OVER} AND (last_seen_at < now() - make_interval(secs => %s) "
        "OR COALESCE(enrolled_at, created_at) < now() - make_interval(secs => %s))) "
        "UPDATE till SET last_seen_at = now() WHERE shop_id = %s AND id = %s "
        "RETURNING office, seeding, served_version, code",
        (shop_id, till_id, SEEDING_IDLE_S, SEEDING_MAX_S, shop_id, till_id)).fetchone()
    office, seeding, served, code = row if row else (False, False, 0, "")
    if not office and not seeding and shop_version == 0 and tables & HEAD_OFFICE:
        conn.execute("UPDATE till SET seeding = true WHERE shop_id = %s AND id = %s", (shop_id, till_id))
        seeding = True
    return TillRole(bool(office), bool(seeding), int(served), code)


_SEEDING_OVER = "UPDATE till SET seeding = false WHERE shop_id = %s AND seeding AND id IS DISTINCT FROM %s"
# A seeding till sends its backlog without a pause (two batches in flight) right after it is linked; quiet
# this long, or linked this long ago, it is not bringing the shop its data any more, and another till's push
# ends its seeding (a first till that keeps pushing and never pulls does not keep the right for ever).
SEEDING_IDLE_S = 60
SEEDING_MAX_S = 3600


def seeding_over(conn, shop_id: str) -> None:
    """The head office writes to the shop: no till seeds it any more (at once, busy or not)."""
    conn.execute(_SEEDING_OVER, (shop_id, None))


def refusal(role: TillRole, table: str) -> str | None:
    if table in HEAD_OFFICE and not (role.office or role.seeding):
        return (f"{table.replace('_', ' ')} {REFUSAL_MARK}: a counter till cannot change it (an office till, "
                "enrolled with --office, or the head office can); the shop's version is kept")
    return None


def pulled(conn, shop_id: str, till_id: str, page: bytes) -> None:
    """A pull page was sent to a till: a seeding till's seeding is over. (The version the page brings the
    till up to, the most a ``server_version`` it claims can be, is ``till.served_version``, raised by
    central/refill.note_served after every pull and snapshot page.)"""
    conn.execute("UPDATE till SET seeding = false WHERE shop_id = %s AND id = %s AND seeding", (shop_id, till_id))
