"""Duplicate customers: suggestions, a merge into the surviving record, and its undo.

What a merge does (one transaction, recorded in the audit log with everything needed to undo it):
- bills: they are append-only, so they stay on the merged customer, whose ``merged_into`` now points at
  the survivor; the survivor's figures, order history and reports count them (app/stats.bill_owners);
- points: moved through the append-only ledger (an ``adjust`` entry off the merged customer, one onto the
  survivor), so any balance read by customer id is right;
- preferences the survivor has no override for, addresses, and blank contact fields are moved or copied;
- the merged customer becomes inactive (and leaves search), customers merged into it earlier follow it.
Undo reverses each of these, leaving alone anything edited since the merge.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from app import audit, stats
from app.changes import writes
from app.errors import NotFound, ValidationError
from db.ids import derived_id
from db.models import AuditLog, Customer, CustomerAddress, CustomerPreference, LoyaltyEntry, User, database

FILLABLE = ("email", "personal_phone", "personal_email", "gender", "date_of_birth")
NAME_SIMILARITY = 0.9
_LIVE = "deleted_at IS NULL AND merged_into_id IS NULL AND erased_at IS NULL"


@dataclass(frozen=True)
class Suggestion:
    first_id: str
    first_name: str
    second_id: str
    second_name: str
    reason: str
    strength: int  # 3 phone, 2 email, 1 name: stronger first


def _name_rows(ids) -> dict[str, tuple]:
    ids = list(ids)
    out = {}
    for n in range(0, len(ids), 500):
        chunk = ids[n:n + 500]
        marks = ",".join("?" * len(chunk))
        for row in database.execute_sql(
            f"SELECT id, name, phone, email, created_at FROM customer WHERE id IN ({marks})", chunk):
            out[row[0]] = row
    return out


def suggestions(limit: int = 200) -> list[Suggestion]:
    """Likely duplicates among live customers: the same normalised phone (a working phone that is another
    customer's personal phone), the same email, or very similar names. Stops at ``limit`` pairs."""
    pairs: dict[tuple[str, str], tuple[str, int]] = {}

    def add(a: str, b: str, reason: str, strength: int) -> None:
        key = (a, b) if a < b else (b, a)
        if a != b and (key not in pairs or pairs[key][1] < strength):
            pairs[key] = (reason, strength)

    for a, b, phone in database.execute_sql(
        f"SELECT a.id, b.id, a.phone FROM customer b JOIN customer a ON a.phone = b.personal_phone "
        f"WHERE b.personal_phone IS NOT NULL AND a.{_LIVE.replace(' AND ', ' AND a.')} "
        f"AND b.{_LIVE.replace(' AND ', ' AND b.')} LIMIT ?", (limit,)):
        add(a, b, f"Same phone {phone}", 3)
    for email, ids in database.execute_sql(
        f"SELECT email, group_concat(id) FROM customer WHERE email IS NOT NULL AND {_LIVE} "
        "GROUP BY email HAVING count(*) > 1 LIMIT ?", (limit,)):
        ids = ids.split(",")
        for other in ids[1:]:
            add(ids[0], other, f"Same email {email}", 2)
    for a, b, email in database.execute_sql(
        f"SELECT a.id, b.id, a.email FROM customer b JOIN customer a ON a.email = b.personal_email "
        f"WHERE b.personal_email IS NOT NULL AND a.{_LIVE.replace(' AND ', ' AND a.')} "
        f"AND b.{_LIVE.replace(' AND ', ' AND b.')} LIMIT ?", (limit,)):
        add(a, b, f"Same email {email}", 2)
    if len(pairs) < limit:
        # names in sorted order: near neighbours that read almost the same
        previous = None
        cursor = database.execute_sql(f"SELECT id, name_norm FROM customer WHERE {_LIVE} ORDER BY name_norm")
        for cid, norm in cursor:
            if previous and len(pairs) < limit:
                pid, pnorm = previous
                if pnorm == norm or (pnorm[:3] == norm[:3]
                                     and difflib.SequenceMatcher(None, pnorm, norm).ratio() >= NAME_SIMILARITY):
                    add(pid, cid, "Same name" if pnorm == norm else "Very similar name", 1)
            elif len(pairs) >= limit:
                break
            previous = (cid, norm)
    rows = _name_rows({i for pair in pairs for i in pair})
    out = []
    for (a, b), (reason, strength) in pairs.items():
        if a in rows and b in rows:
            # the older record first: it is usually the one to keep
            first, second = sorted((rows[a], rows[b]), key=lambda r: r[4])
            out.append(Suggestion(first[0], first[1], second[0], second[1], reason, strength))
    out.sort(key=lambda s: (-s.strength, s.first_name, s.second_name))
    return out[:limit]


def duplicates_of(customer_id: str, limit: int = 20) -> list[Suggestion]:
    """Likely duplicates of one customer (same phone either way, same email, very similar name)."""
    me = Customer.get(Customer.id == customer_id)
    found: dict[str, tuple[str, int]] = {}
    live = Customer.deleted_at.is_null() & Customer.merged_into.is_null() & Customer.erased_at.is_null()
    others = Customer.select(Customer.id, Customer.name).where(live & (Customer.id != customer_id))
    if me.phone:
        for c in others.where(Customer.personal_phone == me.phone).limit(limit):
            found[c.id] = (f"Same phone {me.phone}", 3)
    if me.personal_phone:
        for c in others.where(Customer.phone == me.personal_phone).limit(limit):
            found[c.id] = (f"Same phone {me.personal_phone}", 3)
    if me.email:
        for c in others.where((Customer.email == me.email) | (Customer.personal_email == me.email)).limit(limit):
            found.setdefault(c.id, (f"Same email {me.email}", 2))
    stem = me.name_norm[:3]
    if stem:
        for c in (Customer.select(Customer.id, Customer.name, Customer.name_norm)
                  .where(live & (Customer.id != customer_id) & (Customer.name_norm >= stem)
                         & (Customer.name_norm < stem + "\U0010ffff")).limit(5000)):
            if difflib.SequenceMatcher(None, me.name_norm, c.name_norm).ratio() >= NAME_SIMILARITY:
                found.setdefault(c.id, ("Same name" if c.name_norm == me.name_norm else "Very similar name", 1))
    names = {c.id: c.name for c in Customer.select(Customer.id, Customer.name).where(Customer.id.in_(list(found)))}
    out = [Suggestion(me.id, me.name, cid, names[cid], reason, strength) for cid, (reason, strength) in found.items()]
    return sorted(out, key=lambda s: (-s.strength, s.second_name))[:limit]


def _live_customer(customer_id: str, role: str) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at is not None:
        raise NotFound(f"The {role} customer no longer exists.")
    if customer.erased_at is not None:
        raise ValidationError(f"The {role} customer has been erased.")
    if customer.merged_into_id:
        raise ValidationError(f"{customer.name} has already been merged into another customer.")
    return customer


def points_of(customer_id: str) -> int:
    return int(database.execute_sql(
        "SELECT COALESCE(SUM(points), 0) FROM loyalty_entry WHERE customer_id = ? AND deleted_at IS NULL",
        (customer_id,)).fetchone()[0])


@writes("customer")
def merge(survivor_id: str, merged_id: str, by: User | None) -> str:
    """Merge ``merged_id`` into ``survivor_id``. Returns the merge's id (its audit entry), for undo."""
    from app import preferences
    from app.auth import require_manager

    require_manager(by, "merge customers")
    if survivor_id == merged_id:
        raise ValidationError("Choose two different customers to merge.")
    with database.atomic():
        survivor = _live_customer(survivor_id, "surviving")
        merged = _live_customer(merged_id, "merged")
        followers = [c.id for c in Customer.select(Customer.id).where(Customer.merged_into == merged)]
        survivor_prefs = {p.key for p in CustomerPreference.live().where(CustomerPreference.customer == survivor)}
        copied_prefs = {p.key: p.value for p in CustomerPreference.live().where(CustomerPreference.customer == merged)
                        if p.key not in survivor_prefs}
        moved_addresses = [a.id for a in CustomerAddress.live().where(CustomerAddress.customer == merged)]
        filled = {f: getattr(merged, f) for f in FILLABLE if not getattr(survivor, f) and getattr(merged, f)}
        points = points_of(merged.id)
        entry = audit.record(by, "customer.merge", "customer", survivor.id, {
            "survivor": survivor.id, "merged": merged.id, "merged_name": merged.name, "survivor_name": survivor.name,
            "merged_status": merged.status, "followers": followers, "preferences": copied_prefs,
            "addresses": moved_addresses, "filled": filled, "points": points})
        merged.merged_into = survivor
        merged.status = "inactive"
        merged.save()
        if followers:
            for follower in Customer.select().where(Customer.id.in_(followers)):
                follower.merged_into = survivor
                follower.save()
        for key, value in copied_prefs.items():
            preferences.set_override(survivor, key, value, by)
        for address in CustomerAddress.select().where(CustomerAddress.id.in_(moved_addresses)):
            address.customer = survivor
            if address.is_default and CustomerAddress.live().where(
                    (CustomerAddress.customer == survivor) & CustomerAddress.is_default).exists():
                address.is_default = False
            address.save()
        for field, value in filled.items():
            setattr(survivor, field, value)
        if filled:
            survivor.save()
        _move_points(merged.id, survivor.id, points, entry.id, f"Merged into {survivor.name}",
                     f"Merged from {merged.name}")
        audit.record(by, "customer.merged_into", "customer", merged.id, {"survivor": survivor.id, "merge": entry.id})
        stats.refresh(survivor.id)  # and whoever the survivor was merged into since (a chain)
        stats.refresh(merged.id)
    return entry.id


def _move_points(source: str, target: str, points: int, merge_id: str, note_out: str, note_in: str,
                 tag: str = "merge") -> None:
    if not points:
        return
    LoyaltyEntry(id=derived_id("loyalty_entry", merge_id, tag, "out"), customer=source, kind="adjust",
                 points=-points, note=note_out[:200]).save()
    LoyaltyEntry(id=derived_id("loyalty_entry", merge_id, tag, "in"), customer=target, kind="adjust",
                 points=points, note=note_in[:200]).save()


def undone(merge_id: str) -> bool:
    return AuditLog.select().where((AuditLog.action == "customer.merge_undo")
                                   & (AuditLog.entity_id == merge_id)).exists()


@writes("customer")
def undo(merge_id: str, by: User | None) -> None:
    """Reverse a merge: the merged customer comes back with its status, followers, points, preferences,
    addresses; fields copied to the survivor are cleared unless someone changed them since."""
    from app import preferences
    from app.auth import require_manager

    require_manager(by, "undo a merge")
    entry = AuditLog.get_or_none((AuditLog.id == merge_id) & (AuditLog.action == "customer.merge"))
    if entry is None:
        raise NotFound("That merge is not in the records.")
    if undone(merge_id):
        raise ValidationError("That merge has already been undone.")
    d = entry.detail or {}
    if "survivor" not in d or "merged" not in d:
        raise ValidationError("That merge involved a customer who has since been erased: it cannot be undone.")
    with database.atomic():
        survivor = Customer.get(Customer.id == d["survivor"])
        merged = Customer.get(Customer.id == d["merged"])
        if merged.merged_into_id != survivor.id:
            raise ValidationError(f"{merged.name} is no longer merged into {survivor.name}.")
        merged.merged_into = None
        merged.status = d["merged_status"]
        merged.save()
        for follower in Customer.select().where(Customer.id.in_(d["followers"]) & (Customer.merged_into == survivor)):
            follower.merged_into = merged
            follower.save()
        current = {p.key: p.value for p in CustomerPreference.live().where(CustomerPreference.customer == survivor)}
        for key, value in d["preferences"].items():
            if key in current and current[key] == value:
                preferences.clear_override(survivor, key, by)
        for address in CustomerAddress.live().where(CustomerAddress.id.in_(d["addresses"])
                                                    & (CustomerAddress.customer == survivor)):
            address.customer = merged
            address.save()
        changed = False
        for field, value in d["filled"].items():
            if getattr(survivor, field) == value:
                setattr(survivor, field, None)
                changed = True
        if changed:
            survivor.save()
        _move_points(survivor.id, merged.id, d["points"], merge_id, f"Merge with {merged.name} undone",
                     f"Merge into {survivor.name} undone", tag="undo")
        audit.record(by, "customer.merge_undo", "customer_merge", merge_id,
                     {"survivor": survivor.id, "merged": merged.id})
        audit.record(by, "customer.unmerged", "customer", survivor.id, {"merged": merged.id, "merge": merge_id})
        audit.record(by, "customer.unmerged", "customer", merged.id, {"survivor": survivor.id, "merge": merge_id})
        stats.refresh(survivor.id)  # and whoever the survivor was merged into since (a chain)
        stats.refresh(merged.id)


@dataclass(frozen=True)
class MergeRecord:
    id: str
    at: object
    by: str
    survivor_name: str
    merged_name: str
    undone: bool


def recent_merges(limit: int = 50) -> list[MergeRecord]:
    entries = list(AuditLog.select().where(AuditLog.action == "customer.merge").order_by(AuditLog.at.desc())
                   .limit(limit))
    undone_ids = {e.entity_id for e in AuditLog.select(AuditLog.entity_id).where(
        (AuditLog.action == "customer.merge_undo") & AuditLog.entity_id.in_([e.id for e in entries]))}
    users = {u.id: u.name for u in User.select(User.id, User.name)}
    return [MergeRecord(e.id, e.at, users.get(e.user_id, ""), e.detail.get("survivor_name", ""),
                        e.detail.get("merged_name", ""), e.id in undone_ids) for e in entries]
