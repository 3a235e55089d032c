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


def caller(central: Central = Depends(database),
           credentials: HTTPAuthorizationCredentials | None = Depends(bearer)) -> tokens.Caller:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})
    found = central.run(lambda conn: tokens.lookup(conn, credentials.credentials), read_only=True)
    if found is None:
        raise HTTPException(401, "This token is unknown or has been revoked.",
                            headers={"WWW-Authenticate": "Bearer"})
    return found


def versions(x_till_protocol: Annotated[int | None, Header()] = None,
             x_till_schema: Annotated[int | None, Header()] = None) -> None:
    if x_till_protocol is not None and x_till_protocol != PROTOCOL:
        raise HTTPException(426, f"This till speaks sync protocol {x_till_protocol}; the central store speaks "
                                 f"{PROTOCOL}. Install matching versions of the Till and pos-central.")
    if x_till_schema is not None and x_till_schema > TILL_SCHEMA:
        raise HTTPException(426, f"This till's database is schema {x_till_schema}, newer than the central "
                                 f"store knows ({TILL_SCHEMA}). Upgrade pos-central first.")


def till(who: tokens.Caller = Depends(caller), _=Depends(versions)) -> tokens.Caller:
    if who.kind != tokens.TILL:
        raise HTTPException(403, "This endpoint needs a till token.")
    return who


def admin(who: tokens.Caller = Depends(caller)) -> tokens.Caller:
    if who.kind != tokens.ADMIN:
        raise HTTPException(403, "This endpoint needs a head-office (admin) token.")
    return who


Db = Annotated[Central, Depends(database)]
Till = Annotated[tokens.Caller, Depends(till)]
Admin = Annotated[tokens.Caller, Depends(admin)]
