"""Entry point: ``pos-till`` / ``python -m app``.

    pos-till [--db PATH] [--demo] [--version]          the till window
    pos-till --db PATH enroll --central URL [--token T]  link this till to the central store (token on stdin)
    pos-till --db PATH sync                            one full sync round now
    pos-till --db PATH import-customers FILE.csv       bulk import
    pos-till --db PATH import-items FILE.csv           bulk import of the catalogue
    pos-till --db PATH key show | key restore          back up the database key / restore it from stdin

Headless subcommands exit 0 on success and non-zero with a one-line reason on failure. Those that change
shop data or reveal a secret (import-customers, import-items, key show) need a manager's PIN: typed at the
terminal's prompt, or in POS_MANAGER_PIN for a scripted install; with neither they refuse. enroll and sync
don't.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from app import __version__
from app.errors import TillError
from app.paths import default_db_path, demo_db_path
from db.errors import TillDatabaseError

log = logging.getLogger(__name__)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pos-till", description="The Till: offline-first point of sale.")
    p.add_argument("--db", type=Path, help="the encrypted database file (default: in the user data folder)")
    p.add_argument("--demo", action="store_true", help="seed a new database with the demo shop")
    p.add_argument("--version", action="store_true", help="print the app, Qt and SQLCipher versions")
    # Hidden, for the frozen-app smoke test and the start-up benchmark: show the window, then exit 0.
    p.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    p.add_argument("--startup-stamp", type=Path, help=argparse.SUPPRESS)  # JSON: when the window showed
    sub = p.add_subparsers(dest="command")
    enroll = sub.add_parser("enroll", help="link this till to the central store")
    enroll.add_argument("--central", required=True, help="the central store's URL")
    enroll.add_argument("--token", help="the till token from 'pos-central enroll-till' (better left out: it is "
                                       "then read from standard input or a prompt, out of ps and shell history)")
    enroll.add_argument("--insecure", action="store_true",
                        help="allow plain http:// to a central store on another computer (a trusted network)")
    sub.add_parser("sync", help="one full sync round now")
    imp = sub.add_parser("import-customers", help="import customers from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--overwrite-names", action="store_true",
                     help="a row whose phone is an existing customer's may change that customer's name")
    items = sub.add_parser("import-items", help="import items (code, name, price...) from a CSV file")
    items.add_argument("file", type=Path)
    key = sub.add_parser("key", help="back up the database key, or restore it into this computer's keyring")
    key.add_argument("action", choices=["show", "restore"],
                     help="show: print the key; restore: read a key from stdin, check it opens the database, "
                          "store it in the keyring")
    return p


def version_text() -> str:
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(":memory:")
    cipher = conn.execute("PRAGMA cipher_version").fetchone()[0]
    conn.close()
    try:
        from PySide6 import QtCore
        from PySide6 import __version__ as pyside_version

        qt = f"Qt {QtCore.qVersion()} (PySide6 {pyside_version})"
    except ImportError:  # pragma: no cover
        qt = "Qt not available"
    return f"The Till {__version__}\n{qt}\nSQLCipher {cipher} (SQLite {sqlcipher.sqlite_version})"


def resolve_db(args) -> Path:
    if args.db:
        return args.db
    return demo_db_path() if args.demo else default_db_path()


MANAGER_COMMANDS = {"import-customers": "import customers", "import-items": "import items",
                    "key show": "show the database key"}


NEEDS_A_TILL = {"import-customers", "import-items", "sync"}  # on an existing till only (enroll makes a new one)


def _command_name(args) -> str:
    return f"key {args.action}" if args.command == "key" else args.command


def manager_pin(command: str) -> str:
    """The manager's PIN for ``command``: POS_MANAGER_PIN, else a prompt on a terminal; else refuse."""
    pin = os.environ.get("POS_MANAGER_PIN", "")
    if pin:
        return pin
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(f"Manager PIN to {MANAGER_COMMANDS[command]}: ")
    raise TillError(f"'{command}' needs a manager's PIN: run it at a terminal, or set POS_MANAGER_PIN "
                    "for a scripted install.")


def sign_in_manager(till, command: str, pin: str):
    """The manager whose PIN this is (wrong PINs count towards the till's lockout); audited."""
    from app import audit
    from app.lockout import COMMAND_LINE

    manager = till.lockout.manager(pin, COMMAND_LINE)
    till.user = manager
    audit.record(manager, "cli.command", "till", None, {"command": command, "manager": manager.name})
    return manager


def key_command(path: Path, action: str, pin: str | None = None) -> int:
    """The database key lives only in the OS keyring: print it for a backup, or put a backed-up key back
    (read from stdin, so it is not left in the shell history) after checking that it opens the file."""
    import keyring
    from keyring.errors import KeyringError

    from db.connection import _verify_key
    from db.errors import KeyringUnavailableError
    from db.keystore import SERVICE, DatabaseKey, account_for, load_key

    if not path.exists():
        raise TillDatabaseError(f"There is no till database at {path}.")
    if action == "show":
        key = load_key(path, create=False)
        if not key.raw:
            raise TillDatabaseError("This database is keyed by a passphrase, which is not stored: keep it safe.")
        from app.till import open_till

        till = open_till(path)
        try:
            sign_in_manager(till, "key show", pin)
        finally:
            till.close()
        print(key.secret)
        return 0
    secret = sys.stdin.readline().strip().upper()
    if len(secret) != 64 or any(c not in "0123456789ABCDEF" for c in secret):
        raise TillDatabaseError("A database key is 64 hexadecimal characters; nothing was stored.")
    _verify_key(path, DatabaseKey(secret, raw=True, source="restore"))  # WrongKeyError: nothing stored
    try:
        keyring.set_password(SERVICE, account_for(path), secret)
    except KeyringError as exc:
        raise KeyringUnavailableError(f"The keyring could not store the key: {exc}") from exc
    print(f"The key of {path} is now in this computer's keyring.")
    return 0


def run_command(args) -> int:
    """Run a headless subcommand; returns the exit code."""
    from app.till import open_till

    path = resolve_db(args)
    command = _command_name(args)
    try:
        if args.command in NEEDS_A_TILL and not args.demo and not path.exists():  # a typo in --db: no new file
            raise TillDatabaseError(f"There is no till database at {path}.")
        pin = manager_pin(command) if command in MANAGER_COMMANDS else None
        if args.command == "key":
            return key_command(path, args.action, pin)
    except (TillDatabaseError, TillError) as exc:
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pos-till: {exc.strerror or exc}: {exc.filename or path}", file=sys.stderr)
        return 2
    try:
        till = open_till(path, demo_data=args.demo)
    except (TillDatabaseError, TillError) as exc:
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"pos-till: {exc.strerror or exc}: {exc.filename or path}", file=sys.stderr)
        return 2
    try:
        if pin is not None:
            sign_in_manager(till, command, pin)
        if args.command == "import-customers":
            from app import customer_import

            return customer_import.cli(till, args.file, allow_renames=args.overwrite_names)
        if args.command == "import-items":
            from app import item_import

            return item_import.cli(till, args.file)
        if args.command == "enroll":
            from app.sync import cli as sync_cli

            return sync_cli.enroll(till, args.central, args.token, insecure=args.insecure)
        if args.command == "sync":
            from app.sync import cli as sync_cli

            return sync_cli.sync_once(till)
        raise AssertionError(args.command)
    except (TillDatabaseError, TillError) as exc:
        print(f"pos-till: {exc.message}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"pos-till: '{args.command}' is not available in this build ({exc}).", file=sys.stderr)
        return 3
    except OSError as exc:
        print(f"pos-till: {exc.strerror or exc}: {exc.filename or path}", file=sys.stderr)
        return 2
    finally:
        till.close()


def build_till(argv: list[str]):
    """Build and show the till window on the running QApplication (no event loop); return it.

    Raises TillDatabaseError when the database cannot be opened (the caller shows it)."""
    from ui.startup import build_window

    args = parser().parse_args(argv)
    return build_window(resolve_db(args), demo=args.demo)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    if args.version:
        print(version_text())
        return 0
    from app.logs import setup_logging

    try:
        setup_logging()
    except OSError as exc:  # an unwritable log folder must not stop the till
        print(f"pos-till: no log file ({exc})", file=sys.stderr)
    if args.command:
        return run_command(args)
    from app import start_hint

    path = resolve_db(args)
    if start_hint.read(path) is None:
        # The database opens before the window (a first start): its modules (keyring, peewee, the rules)
        # load before Qt, as PySide6 reads the source of every module imported after it (looking for its
        # __feature__ switches), ~0.5 ms a module. With a hint they load after the sign-in page painted.
        import app.sync.worker  # noqa: F401
        import app.till  # noqa: F401
    from ui.startup import run_gui

    return run_gui(path, demo=args.demo, smoke_test=args.smoke_test, startup_stamp=args.startup_stamp)


if __name__ == "__main__":
    sys.exit(main())
