"""The sign-up page's data at the central store: the page's secret path per shop, what the page shows
(from the shop's settings), and a sign-up written into the shop's change log so every till pulls it.

A sign-up is written through ``store.push`` as the head office ('hq'): the same checks, merge stamps and
versions as a till's change. A phone already on file creates nothing: the existing customer's marketing
consent is switched on if it was given (never off), and a manager sees what was asked twice over: an
audit entry on that customer (its Audit trail tab) and a row in the tills' sync conflicts list (the Sync
problems window), where a manager looks for what needs a decision.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import uuid
from dataclasses import dataclass

from central import batch, store
from central.signup_rules import DEFAULT_REGION, Signup
from central.tables import CONFLICT_TABLE
from central.wire import json_text as _json_text
from central.wire import now_text
from db.ids import new_id

SOURCE = "web sign-up"
_SECRET_KEY = "signup_secret"
# Shop settings the page reads (names as in app/settings.DEFAULTS); empty texts mean the wording below.
SETTINGS = ("shop_name", "phone_region", "privacy_notice", "marketing_consent_wording")
DEFAULT_CONSENT = ("Yes, {shop} may send me news and offers by email or text message. I can say stop at any "
                   "time.")
DEFAULT_NOTICE = (
    "{shop} keeps the details you give on this page (your name, phone number, email address and date of "
    "birth) to recognise you at the till, keep your purchase history and loyalty points, and contact you "
    "about your orders and reservations.\n\n"
    "We send you news and offers only if you ticked the box for them, and you can withdraw that at any time.\n\n"
    "Ask any member of staff to see, correct or erase what we hold about you.")


class SignupError(store.StoreError):
    status = 500


def secret(conn) -> bytes:
    """The central store's sign-up secret (made once, kept in central_meta with the schema version)."""
    conn.execute("INSERT INTO central_meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING",
                 (_SECRET_KEY, secrets.token_hex(32)))
    return bytes.fromhex(conn.execute("SELECT value FROM central_meta WHERE key = %s", (_SECRET_KEY,)).fetchone()[0])


def slug_for(key: bytes, shop_id: str) -> str:
    """The shop's public page name: its id (compact) and a MAC of it, so the server reads the shop from the
    address and checks it without a query, and no one can make up the address of another shop's page."""
    mac = hmac.new(key, b"signup-page\x00" + shop_id.encode(), hashlib.sha256).digest()[:12]
    return _b64(uuid.UUID(shop_id).bytes) + _b64(mac)


def shop_for(key: bytes, slug: str) -> str | None:
    """The shop id a slug names, or None when it is not one this store made."""
    if len(slug) != 38:
        return None
    try:
        shop_id = str(uuid.UUID(bytes=base64.urlsafe_b64decode(slug[:22] + "==")))
    except ValueError:
        return None
    return shop_id if hmac.compare_digest(slug_for(key, shop_id), slug) else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def page_path(slug: str) -> str:
    return f"/signup/{slug}"


@dataclass(frozen=True)
class Page:
    shop_id: str
    shop_name: str
    region: str
    notice: str
    consent_wording: str


def page(conn, shop_id: str) -> Page | None:
    row = conn.execute("SELECT name FROM shop WHERE id = %s", (shop_id,)).fetchone()
    if row is None:
        return None
    values = {}
    for setting_id, value in conn.execute(
            "SELECT id, data->>'value' FROM sync_row WHERE shop_id = %s AND tbl = 'setting' AND id = ANY(%s) "
            "AND data->>'deleted_at' IS NULL", (shop_id, list(SETTINGS))):
        try:
            values[setting_id] = json.loads(value) if value is not None else None
        except ValueError:
            continue
    name = _text(values.get("shop_name")) or row[0]
    if name == "The Till":  # the till's default name: the shop never set one, its store name is better
        name = row[0]
    region = _text(values.get("phone_region")) or DEFAULT_REGION
    return Page(shop_id, name, region.upper(),
                _text(values.get("privacy_notice")) or DEFAULT_NOTICE.format(shop=name),
                _text(values.get("marketing_consent_wording")) or DEFAULT_CONSENT.format(shop=name))


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _audit_op(customer_id: str, action: str, detail: dict, stamp: str) -> dict:
    row = {"id": new_id(), "updated_at": stamp, "at": now_text(), "user_id": None, "action": action,
           "entity": "customer", "entity_id": customer_id, "detail": _json_text(detail)}
    return {"op_id": new_id(), "table": "audit_log", "row_id": row["id"], "hlc": stamp, "fields": list(row),
            "payload": row}


def record(conn, page: Page, signup: Signup) -> str:
    """Write one sign-up in this transaction. Returns "created", "consent" (existing customer, consent
    switched on) or "existing" (nothing changed but the audit entry)."""
    batch.lock_shop(conn, page.shop_id)  # the phone check and the write see the same shop
    now = now_text()
    notice_sha = hashlib.sha256(page.notice.encode()).hexdigest()
    consent = {"source": SOURCE, "marketing_consent": signup.marketing_consent,
               "consent_wording": page.consent_wording, "privacy_notice_sha256": notice_sha}
    found = conn.execute("SELECT r.id, r.data FROM sync_key k JOIN sync_row r ON r.shop_id = k.shop_id "
                         "AND r.tbl = k.tbl AND r.id = k.row_id WHERE k.shop_id = %s AND k.tbl = 'customer' "
                         "AND k.key = 'phone' AND k.val = %s", (page.shop_id, signup.phone)).fetchone()
    ops, outcome = [], "created"
    if found is None:
        customer_id = new_id()
        stamp = store.HQ_CLOCK.now()
        row = {"id": customer_id, "updated_at": stamp, "name": signup.name, "name_norm": signup.name_norm,
               "phone": signup.phone, "email": signup.email, "date_of_birth": signup.date_of_birth,
               "marketing_consent": signup.marketing_consent,
               "marketing_consent_at": now if signup.marketing_consent else None, "created_at": now}
        ops.append({"op_id": new_id(), "table": "customer", "row_id": customer_id, "hlc": stamp,
                    "fields": list(row), "payload": row})
        ops.append(_audit_op(customer_id, "customer.signup", consent, store.HQ_CLOCK.now()))
    else:
        customer_id, data = found
        outcome = "existing"
        live = data.get("deleted_at") is None and data.get("merged_into_id") is None
        if signup.marketing_consent and live and not data.get("marketing_consent"):
            outcome = "consent"
            stamp = store.HQ_CLOCK.now()
            row = dict(data, marketing_consent=True, marketing_consent_at=now)
            ops.append({"op_id": new_id(), "table": "customer", "row_id": customer_id, "hlc": stamp,
                        "fields": ["marketing_consent", "marketing_consent_at"], "payload": row})
        # What was asked, for a manager: this person may or may not be the customer on file.
        detail = dict(consent, phone_already_on_file=True, consent_updated=outcome == "consent",
                      submitted_name=signup.name, submitted_email=signup.email,
                      submitted_date_of_birth=signup.date_of_birth)
        ops.append(_audit_op(customer_id, "customer.signup_existing", detail, store.HQ_CLOCK.now()))
    results, _ = store.push(conn, page.shop_id, store.HQ, ops)
    refused = [r for r in results if r["result"] != "ok"]
    if refused:
        raise SignupError(f"the central store did not take the sign-up: {refused[0]['reason'] or refused[0]['result']}")
    if outcome != "created":
        _notice(conn, page.shop_id, customer_id, found[1].get("name") or "", outcome, signup)
    return outcome


def _notice(conn, shop_id: str, customer_id: str, name: str, outcome: str, signup: Signup) -> None:
    """A row in every till's sync conflicts list (the manager's Sync problems window), like the notes the
    store writes when it decides a conflict: someone asked to sign up with a phone already on file."""
    kept = f"{name}, on file with this phone" + ("; marketing consent switched on" if outcome == "consent"
                                                 else ", unchanged")
    asked = (f"asked on the web page: name {signup.name}, email {signup.email or '-'}, born "
             f"{signup.date_of_birth or '-'}, marketing consent {'yes' if signup.marketing_consent else 'no'}")
    version = conn.execute("UPDATE shop SET version = version + 1 WHERE id = %s RETURNING version",
                           (shop_id,)).fetchone()[0]
    row = {"id": new_id(), "at": now_text(), "table_name": "customer", "row_id": customer_id,
           "field": SOURCE, "winner": _json_text(kept), "loser": _json_text(asked), "winner_stamp": "",
           "loser_stamp": "", "server_version": version}
    conn.execute("INSERT INTO sync_row (shop_id, tbl, id, version, origin, data) VALUES (%s, %s, %s, %s, %s, "
                 "%s::jsonb)", (shop_id, CONFLICT_TABLE, row["id"], version, store.SERVER, json.dumps(row)))
