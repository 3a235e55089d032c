"""What the endpoints depend on (FastAPI dependencies): the central database of the app, the caller behind
the bearer token, the till's protocol and schema headers, and the kind of caller an endpoint needs."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from central import tokens
from central.database import Central
from central.protocol import PROTOCOL, TILL_SCHEMA

bearer = HTTPBearer(auto_error=False, description="a till token (tt_...) or a head-office token (ta_...)")


def database(request: Request) -> Central:
    """The central database the app was made with (``create_app``)."""
    return request.app.state.central


def bearer_token(credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> str:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
    return credentials.credentials


def known(found: tokens.Caller | None) -> tokens.Caller:
    if found is None:
        raise HTTPException(401, "This token is unknown or has been revoked.",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


def caller(central: Central = Depends(database), token: str = Depends(bearer_token)) -> tokens.Caller:
    return known(central.run(lambda conn: tokens.lookup(conn, token), read_only=True))


def versions(x_till_protocol: Annotated[int | None, Header()] = None,
             x_till_schema: Annotated[int | None, Header()] = None) -> None:
    if x_till_protocol is not None and x_till_protocol != PROTOCOL:
        raise HTTPException(426, f"This till speaks sync protocol {x_till_protocol}; the central store speaks "
                                 f"{PROTOCOL}. Install matching versions of the Till and pos-central.")
    if x_till_schema is not None and x_till_schema > TILL_SCHEMA:
        raise HTTPException(426, f"This till's database is schema {x_till_schema}, newer than the central "
                                 f"store knows ({TILL_SCHEMA}). Upgrade pos-central first.")


def till(who: tokens.Caller = Depends(caller), _=Depends(versions)) -> tokens.Caller:
    return a_till(who)


def a_till(who: tokens.Caller) -> tokens.Caller:
    if who.kind != tokens.TILL:
        raise HTTPException(403, "This endpoint needs a till token.")
    return who


def till_token(token: str = Depends(bearer_token), _=Depends(versions)) -> str:
    """The bearer token of a till's request whose token is looked up inside the request's own transaction
    (the push: one transaction instead of two); ``till_in`` then answers as ``till`` would."""
    return token


def till_in(conn, token: str) -> tokens.Caller:
    """``till``'s answer (401 unknown or revoked, 403 not a till) for ``token``, read in ``conn``'s transaction."""
    return a_till(known(tokens.lookup(conn, token)))


def admin(who: tokens.Caller = Depends(caller)) -> tokens.Caller:
    if who.kind != tokens.ADMIN:
        raise HTTPException(403, "This endpoint needs a head-office (admin) token.")
    return who


Db = Annotated[Central, Depends(database)]
Till = Annotated[tokens.Caller, Depends(till)]
TillToken = Annotated[str, Depends(till_token)]
Admin = Annotated[tokens.Caller, Depends(admin)]
