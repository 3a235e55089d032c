"""Promotions with consent: targeted offers a manager keeps at an office till, applied at checkout.

A promotion is a rule: who (a segment, a default profile, a category, birthday week: each empty means
anyone), what (percent off, amount off, or bonus points), when (local dates, inclusive) and the channel it
is offered through (till, email, sms). The till applies every promotion the customer qualifies for when
the bill is priced (app/pricing.py, the promotion step) and records each on the bill.

Consent: a promotion offered by email or sms, or marked as needing consent, is never applied or offered
to a customer without marketing consent (for email and sms: consent to be contacted on that channel, the
customer's "Contact by" preference). A walk-in qualifies only for untargeted till promotions that need no
consent. The contact lists (``contact_csv``, ``birthdays_this_week``) hold consented customers only.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from app import audit, segments
from app.auth import require_manager
from app.changes import writes
from app.errors import NotFound, ValidationError
from db.models import Promotion, User, database

KINDS = {"percent": "% off", "amount": "off", "points": "bonus points"}
CHANNELS = {"till": "At the till", "email": "Email", "sms": "SMS"}
CHANNEL_PREFERENCE = {"email": "Email", "sms": "SMS"}  # communication.channel choices


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    kind: str
    value: int
    segment: str = ""
    profile_id: str = ""
    category_id: str = ""
    birthday_week: bool = False
    starts_on: str = ""
    ends_on: str = ""
    channel: str = "till"
    needs_consent: bool = True
    active: bool = True

    @property
    def targeted(self) -> bool:
        return bool(self.segment or self.profile_id or self.category_id or self.birthday_week)

    @property
    def consent_required(self) -> bool:
        return self.needs_consent or self.channel in CHANNEL_PREFERENCE


@dataclass(frozen=True)
class Who:
    """What eligibility needs to know of the customer on the bill (None: a walk-in)."""

    segments: tuple[str, ...] = ()
    profile_id: str | None = None
    category_id: str | None = None
    marketing_consent: bool = False
    channel: str = ""  # the "Contact by" preference: Email | SMS | Phone | None


def eligible(rule: Rule, who: Who | None, today: dt.date) -> bool:
    if not rule.active:
        return False
    day = today.isoformat()
    if (rule.starts_on and day < rule.starts_on) or (rule.ends_on and day > rule.ends_on):
        return False
    if who is None:
        return not rule.targeted and not rule.consent_required and rule.channel == "till"
    if rule.consent_required:
        if not who.marketing_consent:
            return False
        wanted = CHANNEL_PREFERENCE.get(rule.channel)
        if wanted and who.channel.casefold() != wanted.casefold():
            return False
    if rule.segment and rule.segment not in who.segments:
        return False
    if rule.birthday_week and segments.BIRTHDAY not in who.segments:
        return False
    if rule.profile_id and rule.profile_id != who.profile_id:
        return False
    return not (rule.category_id and rule.category_id != who.category_id)


def _rule(row: Promotion) -> Rule:
    return Rule(row.id, row.name, row.kind, int(row.value), row.segment, row.profile_id, row.category_id,
                bool(row.birthday_week), row.starts_on, row.ends_on, row.channel, bool(row.needs_consent),
                bool(row.active))


def valid(rule: Rule) -> bool:
    """A pulled row is untrusted: one that no manager's form could have saved is never applied."""
    return (rule.kind in KINDS and rule.channel in CHANNELS and rule.value > 0
            and (rule.kind != "percent" or rule.value <= 10000)
            and (not rule.segment or rule.segment in segments.SEGMENTS))


def all_rules() -> list[Rule]:
    """Every live, well-formed promotion, in a fixed order (name, id) so every till applies them alike."""
    return [r for r in map(_rule, Promotion.live().order_by(Promotion.name, Promotion.id)) if valid(r)]


def for_checkout(who: Who | None, today: dt.date, rules: list[Rule] | None = None) -> list[Rule]:
    return [r for r in (all_rules() if rules is None else rules) if eligible(r, who, today)]


def describe(rule: Rule, currency: str = "USD") -> str:
    from app.money import format_money

    if rule.kind == "percent":
        return f"{rule.value / 100:g}% off"
    if rule.kind == "amount":
        return f"{format_money(rule.value, currency)} off"
    return f"{rule.value:,} bonus points"


# --- managing them (manager only, audited) ---------------------------------------------------------------


def _check_date(text: str, field: str) -> str:
    text = (text or "").strip()
    if text:
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise ValidationError(f"'{text}' is not a date (YYYY-MM-DD).", field) from None
    return text


@writes("promotion")
def save(by: User | None, values: dict, promotion_id: str | None = None) -> Promotion:
    require_manager(by, "change promotions")
    name = " ".join(str(values.get("name", "")).split())
    if not name:
        raise ValidationError("A promotion needs a name.", "name")
    kind = values.get("kind", "percent")
    if kind not in KINDS:
        raise ValidationError("A promotion takes a percent or an amount off, or gives bonus points.", "kind")
    value = values.get("value", 0)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValidationError("The promotion's value is more than zero.", "value")
    if kind == "percent" and value > 10000:
        raise ValidationError("A percent off is at most 100%.", "value")
    segment = values.get("segment", "") or ""
    if segment and segment not in segments.SEGMENTS:
        raise ValidationError(f"Unknown segment '{segment}'.", "segment")
    channel = values.get("channel", "till")
    if channel not in CHANNELS:
        raise ValidationError("The channel is the till, email or SMS.", "channel")
    starts, ends = _check_date(values.get("starts_on", ""), "starts_on"), _check_date(values.get("ends_on", ""), "ends_on")
    if starts and ends and ends < starts:
        raise ValidationError("The promotion ends before it starts.", "ends_on")
    after = {"name": name, "kind": kind, "value": value, "segment": segment,
             "profile_id": values.get("profile_id", "") or "", "category_id": values.get("category_id", "") or "",
             "birthday_week": bool(values.get("birthday_week", False)), "starts_on": starts, "ends_on": ends,
             "channel": channel, "needs_consent": bool(values.get("needs_consent", True)) or channel != "till",
             "active": bool(values.get("active", True))}
    with database.atomic():
        row = Promotion.get_or_none(Promotion.id == promotion_id) if promotion_id else Promotion()
        if row is None:
            raise NotFound("That promotion no longer exists.")
        before = {k: getattr(row, k) for k in after} if promotion_id else {}
        for key, val in after.items():
            setattr(row, key, val)
        row.save()
        audit.record(by, "promotion.update" if promotion_id else "promotion.create", "promotion", row.id,
                     {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v})
    return row


# --- who to contact ------------------------------------------------------------------------------------------

_CONTACTABLE = ("c.deleted_at IS NULL AND c.erased_at IS NULL AND c.merged_into_id IS NULL AND c.status = 'active' "
                "AND c.marketing_consent")
_CHANNEL_SQL = (
    "COALESCE((SELECT json_extract(p.value, '$') FROM customer_preference p WHERE p.customer_id = c.id "
    "AND p.key = 'communication.channel' AND p.deleted_at IS NULL), "
    "(SELECT json_extract(d.\"default\", '$') FROM preference_definition d WHERE d.key = 'communication.channel' "
    "AND d.deleted_at IS NULL), '')")


def birthdays_this_week(today: dt.date | None = None) -> list[tuple[str, str, str | None, str | None, str]]:
    """(id, name, phone, email, date of birth) of consenting customers with a birthday this week (Monday to
    Sunday), by the birthday index; in calendar order."""
    today = today or dt.date.today()
    keys = segments.birthday_keys(today)
    marks = ",".join("?" * len(keys))
    rows = database.execute_sql(
        f"SELECT c.id, c.name, c.phone, c.email, c.date_of_birth FROM customer c INDEXED BY customer_birthday "
        f"WHERE substr(c.date_of_birth, 6, 5) IN ({marks}) AND {_CONTACTABLE}", keys).fetchall()
    return sorted(rows, key=lambda r: (r[4][5:10], r[1].casefold()))


def contacts(channel: str, segment: str | None = None, today: dt.date | None = None) -> list[tuple[str, str]]:
    """(name, address) of every customer who consented to marketing on ``channel`` (email: their email;
    sms: their phone), optionally only those in ``segment``."""
    if channel not in CHANNEL_PREFERENCE:
        raise ValidationError("Contact lists are for email or SMS.", "channel")
    address = "c.email" if channel == "email" else "c.phone"
    wanted = CHANNEL_PREFERENCE[channel].casefold()
    if segment == segments.BIRTHDAY:
        keys: list = [r[0] for r in birthdays_this_week(today)]
        column = "c.id"
    elif segment:
        keys, column = list(segments.ids(segment)), "c.rowid"
    else:
        keys, column = [None], ""
    out = []
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        source = f"{column} IN ({','.join('?' * len(chunk))}) AND " if column else ""
        rows = database.execute_sql(
            f"SELECT c.name, {address}, {_CHANNEL_SQL}, c.name_norm FROM customer c WHERE {source}{_CONTACTABLE} "
            f"AND {address} IS NOT NULL AND {address} <> ''", chunk if column else [])
        out += [(norm, name, addr) for name, addr, chosen, norm in rows if str(chosen or "").casefold() == wanted]
    return [(name, addr) for _, name, addr in sorted(out)]


def contact_csv(path: Path, channel: str, segment: str | None = None, by: User | None = None) -> int:
    """The contact list as CSV for the shop's mailing tool (audited: personal data leaving the till)."""
    require_manager(by, "export a contact list")
    rows = contacts(channel, segment)
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "email" if channel == "email" else "phone", "channel"])
        for name, addr in rows:
            writer.writerow([name, addr, channel])
    with database.atomic():
        audit.record(by, "customers.contact_export", "customer", None,
                     {"file": Path(path).name, "rows": len(rows), "channel": channel, "segment": segment})
    return len(rows)
