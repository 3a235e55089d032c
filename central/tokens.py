"""Shops, tills and their tokens. A token is a 256-bit random secret shown once; only its SHA-256 is
stored (a hash of a high-entropy secret needs no slow KDF). Each token is bound to one shop, and a till
token to one till; revoking takes effect on the next request."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import psycopg

from db.ids import new_id

TILL, ADMIN = "till", "admin"


class TokenError(Exception):
    pass


@dataclass(frozen=True)
class Caller:
    shop_id: str
    shop_name: str
    till_id: str | None
    till_code: str | None
    kind: str
    office: bool = False  # a back-office till: may change head-office data (central/roles.py)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def _new_token(kind: str) -> str:
    return ("tt_" if kind == TILL else "ta_") + secrets.token_urlsafe(32)


def shop_id_for(conn: psycopg.Connection, name: str, *, create: bool) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise TokenError("A shop needs a name.")
    row = conn.execute("SELECT id FROM shop WHERE name = %s", (name,)).fetchone()
    if row:
        return row[0]
    if not create:
        raise TokenError(f"There is no shop named '{name}'.")
    shop_id = new_id()
    conn.execute("INSERT INTO shop (id, name) VALUES (%s, %s) ON CONFLICT (name) DO NOTHING", (shop_id, name))
    return conn.execute("SELECT id FROM shop WHERE name = %s", (name,)).fetchone()[0]


def enroll_till(conn: psycopg.Connection, shop_name: str, till_code: str, office: bool = False) -> str:
    """A new token for till ``till_code`` of shop ``shop_name`` (both created when new). ``office``: the
    till may change head-office data; enrolling again without it makes the till a counter till again."""
    code = (till_code or "").strip()
    if not code or len(code) > 16 or not all(ch.isalnum() or ch in "-_" for ch in code):
        raise TokenError("A till code is 1 to 16 letters, digits, '-' or '_' (it starts every receipt number).")
    shop_id = shop_id_for(conn, shop_name, create=True)
    row = conn.execute("SELECT id FROM till WHERE shop_id = %s AND code = %s", (shop_id, code)).fetchone()
    if row:
        till_id = row[0]
    else:
        till_id = new_id()
        conn.execute("INSERT INTO till (shop_id, id, code) VALUES (%s, %s, %s)", (shop_id, till_id, code))
    conn.execute("UPDATE till SET office = %s WHERE shop_id = %s AND id = %s", (office, shop_id, till_id))
    token = _new_token(TILL)
    conn.execute("INSERT INTO access_token (token_hash, shop_id, till_id, kind, label) VALUES (%s, %s, %s, %s, %s)",
                 (token_hash(token), shop_id, till_id, TILL, code))
    return token


def admin_token(conn: psycopg.Connection, shop_name: str, label: str = "") -> str:
    shop_id = shop_id_for(conn, shop_name, create=True)
    token = _new_token(ADMIN)
    conn.execute("INSERT INTO access_token (token_hash, shop_id, till_id, kind, label) VALUES (%s, %s, NULL, %s, %s)",
                 (token_hash(token), shop_id, ADMIN, label))
    return token


def revoke_till(conn: psycopg.Connection, shop_name: str, till_code: str) -> int:
    shop_id = shop_id_for(conn, shop_name, create=False)
    cur = conn.execute(
        "UPDATE access_token SET revoked_at = now() WHERE shop_id = %s AND revoked_at IS NULL AND till_id IN "
        "(SELECT id FROM till WHERE shop_id = %s AND code = %s)", (shop_id, shop_id, till_code))
    return cur.rowcount


def revoke_token(conn: psycopg.Connection, token: str) -> int:
    return conn.execute("UPDATE access_token SET revoked_at = now() WHERE token_hash = %s AND revoked_at IS NULL",
                        (token_hash(token),)).rowcount


def lookup(conn: psycopg.Connection, token: str) -> Caller | None:
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT t.shop_id, s.name, t.till_id, l.code, t.kind, COALESCE(l.office, false) FROM access_token t JOIN shop s ON s.id = t.shop_id "
        "LEFT JOIN till l ON l.shop_id = t.shop_id AND l.id = t.till_id "
        "WHERE t.token_hash = %s AND t.revoked_at IS NULL", (token_hash(token),)).fetchone()
    return Caller(*row) if row else None


def list_tills(conn: psycopg.Connection, shop_name: str) -> list[tuple]:
    shop_id = shop_id_for(conn, shop_name, create=False)
    return conn.execute(
        "SELECT l.code, l.id, l.enrolled_at, l.last_seen_at, "
        "(SELECT count(*) FROM access_token t WHERE t.shop_id = l.shop_id AND t.till_id = l.id "
        " AND t.revoked_at IS NULL), l.office FROM till l WHERE l.shop_id = %s ORDER BY l.code", (shop_id,)).fetchall()


def list_tokens(conn: psycopg.Connection, shop_name: str) -> list[tuple]:
    """Every token of a shop, live or revoked: (token id, kind, till code, office, label, created, revoked).
    The token id is the start of the token's hash: enough to revoke it, useless to sign in with."""
    shop_id = shop_id_for(conn, shop_name, create=False)
    return conn.execute(
        "SELECT left(t.token_hash, 16), t.kind, l.code, COALESCE(l.office, false), t.label, t.created_at, "
        "t.revoked_at FROM access_token t LEFT JOIN till l ON l.shop_id = t.shop_id AND l.id = t.till_id "
        "WHERE t.shop_id = %s ORDER BY t.created_at", (shop_id,)).fetchall()


def revoke_by_id(conn: psycopg.Connection, shop_name: str, token_id: str) -> int:
    """Revoke the token of this shop whose id (as list_tokens shows it) is ``token_id``."""
    token_id = (token_id or "").strip().lower()
    if len(token_id) < 8 or not all(ch in "0123456789abcdef" for ch in token_id):
        raise TokenError("A token id is at least 8 hex digits, as 'pos-central tokens list' shows it.")
    shop_id = shop_id_for(conn, shop_name, create=False)
    found = conn.execute("SELECT token_hash FROM access_token WHERE shop_id = %s AND token_hash LIKE %s",
                         (shop_id, token_id + "%")).fetchall()
    if len(found) > 1:
        raise TokenError(f"'{token_id}' matches {len(found)} tokens; give more of its digits.")
    if not found:
        raise TokenError(f"The shop has no token '{token_id}'.")
    return conn.execute("UPDATE access_token SET revoked_at = now() WHERE token_hash = %s AND revoked_at IS NULL",
                        (found[0][0],)).rowcount
