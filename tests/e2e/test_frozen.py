"""The frozen till (PyInstaller one-folder build) run as an installer would run it: no Python, no source.

Build first, then run these (CI does both; the default test run skips them):

    python3 packaging/build.py && .venv/bin/python -m pytest -m frozen tests/e2e

TILL_FROZEN_DIR names another build folder (default dist/pos-till). Each test runs the built executable
in a fresh temp home with a keyring backend given through TILL_KEYRING_BACKEND_FILE.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FOLDER = Path(os.environ.get("TILL_FROZEN_DIR", ROOT / "dist" / "pos-till"))
EXE = FOLDER / ("pos-till.exe" if os.name == "nt" else "pos-till")
PROBE = Path(__file__).resolve().parent / "keyring_probe.py"
# Qt's offscreen platform says this for every window it shows; nothing else may reach stderr.
OFFSCREEN_NOISE = {"This plugin does not support propagateSizeHints()"}

pytestmark = pytest.mark.frozen


def _load_build_module():
    spec = importlib.util.spec_from_file_location("till_build", ROOT / "packaging" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def frozen() -> Path:
    if not EXE.exists():
        pytest.fail(f"no frozen build at {FOLDER}: run python3 packaging/build.py first")
    return EXE


class Shop:
    """A fresh user account: its own data, log and runtime folders and a keyring file."""

    def __init__(self, base: Path):
        self.base = base
        self.keyring = base / "keyring.json"
        self.report = base / "keyring-report.json"
        self.runtime = base / "run"
        self.runtime.mkdir(mode=0o700, parents=True)

    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "QT_"))}
        env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(self.runtime),
                   XDG_DATA_HOME=str(self.base / "data"), XDG_STATE_HOME=str(self.base / "state"),
                   XDG_CONFIG_HOME=str(self.base / "config"), HOME=str(self.base),
                   TILL_KEYRING_BACKEND_FILE=str(PROBE), PYTHON_KEYRING_BACKEND="keyring_probe.FileKeyring",
                   TILL_TEST_KEYRING_FILE=str(self.keyring), TILL_KEYRING_REPORT=str(self.report))
        return env

    def run(self, exe: Path, *args, stdin: str | None = None, extra_env: dict | None = None):
        return subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True,
                              env={**self.env(), **(extra_env or {})}, cwd=self.base, input=stdin, timeout=120)

    def keys(self) -> dict:
        return json.loads(self.keyring.read_text()) if self.keyring.exists() else {}

    def log_text(self) -> str:
        log = self.base / "state" / "the-till" / "log" / "till.log"
        return log.read_text() if log.exists() else ""


def unexpected_stderr(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip() and line.strip() not in OFFSCREEN_NOISE]


@pytest.fixture
def shop(tmp_path) -> Shop:
    return Shop(tmp_path)


@pytest.fixture(scope="module")
def demo_template(frozen, tmp_path_factory) -> tuple[Path, str]:
    """A demo database the frozen till made (seeding takes seconds), and its key."""
    maker = Shop(tmp_path_factory.mktemp("template"))
    db = maker.base / "demo.db"
    result = maker.run(frozen, "--db", db, "--demo", "--smoke-test")
    assert result.returncode == 0, result.stderr
    (key,) = maker.keys().values()
    return db, key


def copy_demo(demo_template, shop: Shop, name: str = "till.db") -> Path:
    """A copy of the template in this shop, its key in this shop's keyring."""
    from db.keystore import SERVICE, account_for

    template, key = demo_template
    db = shop.base / name
    shutil.copyfile(template, db)
    shop.keyring.write_text(json.dumps({**shop.keys(), f"{SERVICE}\x00{account_for(db)}": key}))
    return db


def test_frozen_version_names_the_app_qt_and_sqlcipher_4(frozen, shop):
    result = shop.run(frozen, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    app, qt, cipher = result.stdout.splitlines()
    assert app.startswith("The Till ")
    assert qt.startswith("Qt 6.")
    assert cipher.startswith("SQLCipher 4.")


def test_frozen_till_starts_on_a_new_encrypted_demo_database(frozen, shop):
    db = shop.base / "shop" / "demo.db"
    stamp = shop.base / "shown.json"
    result = shop.run(frozen, "--db", db, "--demo", "--smoke-test", "--startup-stamp", stamp)

    assert result.returncode == 0, result.stderr
    assert unexpected_stderr(result.stderr) == []
    assert result.stdout == ""
    shown = json.loads(stamp.read_text())
    assert (shown["window"], shown["page"], shown["visible"]) == ("tillWindow", "signInPage", True)
    # the database is encrypted, keyed from the keyring the test gave it, seeded (phone metadata at work)
    data = db.read_bytes()
    assert not data.startswith(b"SQLite format 3") and b"Emily Roberts" not in data
    from db.keystore import SERVICE, account_for

    key = shop.keys()[f"{SERVICE}\x00{account_for(db)}"]
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(db))
    conn.execute(f"PRAGMA key=\"x'{key}'\"")
    from db.migrations import LATEST

    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert conn.execute("SELECT phone FROM customer WHERE name = 'Emily Roberts'").fetchall() == [("+15550100001",)]
    conn.close()
    assert "seeding demo shop" in shop.log_text()

    again = shop.run(frozen, "--db", db, "--smoke-test")
    assert again.returncode == 0, again.stderr
    assert unexpected_stderr(again.stderr) == []


def test_frozen_till_with_a_wrong_key_says_so_and_leaves_the_file_alone(frozen, shop, demo_template):
    db = copy_demo(demo_template, shop)
    (account,) = shop.keys()
    shop.keyring.write_text(json.dumps({account: "EE" * 32}))
    before = db.read_bytes()

    result = shop.run(frozen, "--db", db, "--smoke-test")
    assert result.returncode == 2
    (line,) = result.stderr.splitlines()
    assert line.startswith("pos-till: ") and "cannot be opened with this till's key" in line
    assert db.read_bytes() == before


def test_frozen_unexpected_start_up_error_is_reported_with_the_log(frozen, shop):
    not_a_file = shop.base / "a-folder.db"
    not_a_file.mkdir()
    (not_a_file / "x").write_text("x")
    result = shop.run(frozen, "--db", not_a_file, "--smoke-test")
    assert result.returncode == 70
    assert "Traceback" in result.stderr
    assert "cannot start: unexpected error" in shop.log_text()


def test_frozen_unexpected_start_up_error_waits_in_a_dialog_instead_of_exiting(frozen, shop):
    not_a_file = shop.base / "a-folder.db"
    not_a_file.mkdir()
    (not_a_file / "x").write_text("x")
    process = subprocess.Popen([str(frozen), "--db", str(not_a_file)], env=shop.env(), cwd=shop.base,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(600):  # until the error is logged (the dialog opens right after), at most 60 s
            if "cannot start: unexpected error" in shop.log_text():
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=0.1)
                break
        # the till is still there, waiting on its error dialog; it did not exit silently
        with pytest.raises(subprocess.TimeoutExpired):
            process.wait(timeout=1)
    finally:
        process.kill()
        process.communicate()
    assert "cannot start: unexpected error" in shop.log_text()


def test_frozen_key_backup_moves_a_till_to_a_new_computer(frozen, shop, demo_template, tmp_path_factory):
    old_db = copy_demo(demo_template, shop)
    shown = shop.run(frozen, "--db", old_db, "key", "show", extra_env={"POS_MANAGER_PIN": "9999"})
    assert shown.returncode == 0, shown.stderr
    key = shown.stdout.strip()
    assert len(key) == 64

    new_computer = Shop(tmp_path_factory.mktemp("new-computer"))
    new_db = new_computer.base / "till.db"
    shutil.copyfile(old_db, new_db)
    refused = new_computer.run(frozen, "--db", new_db, "--smoke-test")
    assert refused.returncode == 2 and "not in this computer's keyring" in refused.stderr

    restored = new_computer.run(frozen, "--db", new_db, "key", "restore", stdin=key + "\n")
    assert restored.returncode == 0, restored.stderr
    started = new_computer.run(frozen, "--db", new_db, "--smoke-test")
    assert started.returncode == 0, started.stderr


def test_frozen_app_carries_keyring_backends_for_every_platform(frozen, shop, demo_template):
    assert shop.run(frozen, "--db", copy_demo(demo_template, shop), "--smoke-test").returncode == 0
    report = json.loads(shop.report.read_text())
    assert {"SecretService", "Windows", "macOS", "chainer"} <= set(report["entry_points"])
    for name in ["keyring.backends.SecretService", "keyring.backends.Windows", "keyring.backends.macOS"]:
        assert report[name]["imported"], report[name]
    if sys.platform.startswith("linux"):
        # secretstorage and its crypto are bundled: the backend gets as far as looking for D-Bus
        secret_service = report["keyring.backends.SecretService"]
        error = secret_service.get("error", "")
        assert "priority" in secret_service or "Unable to initialize SecretService" in error \
            or "D-Bus" in error, secret_service


def test_frozen_app_imports_every_module_and_its_lazy_libraries(frozen, shop, demo_template):
    """Inside the running frozen till: every module of app/, ui/, db/ imports, and the libraries loaded
    only when used (receipt printer, charts, printing, PDF, phone metadata) work."""
    report_file = shop.base / "imports.json"
    env_extra = {"TILL_FROZEN_IMPORT_REPORT": str(report_file)}
    result = shop.run(frozen, "--db", copy_demo(demo_template, shop), "--smoke-test", extra_env=env_extra)
    assert result.returncode == 0, result.stderr
    report = json.loads(report_file.read_text())
    assert report["failures"] == {}
    assert {"ui.sale_page", "ui.backoffice", "app.main", "db.connection"} <= set(report["imported"])


def test_frozen_build_contents_and_size(frozen):
    build = _load_build_module()
    assert build.check_build(FOLDER) == []
    modules = build.bundled_modules(FOLDER)
    assert {"ui.sale_page", "ui.backoffice", "ui.startup", "app.main", "db.connection"} <= modules
    assert not any(m == "central" or m.startswith("central.") for m in modules)
    assert not any(m.startswith(("phonenumbers.geodata", "PySide6.QtWebEngine", "PySide6.QtQuick")) for m in modules)
    assert "phonenumbers.data.region_US" in modules
    libraries = {p.name for p in FOLDER.rglob("*") if p.is_file()}
    assert not any(n.startswith(("libQt6Quick", "libQt6WebEngine", "libQt63D", "libQt6Multimedia"))
                   for n in libraries)
    assert build.folder_size(FOLDER) < 250e6


def test_tarball_has_the_build_desktop_entry_and_icons_and_runs_unpacked(frozen, shop):
    build = _load_build_module()
    version = build.pyproject_version()
    tarballs = sorted((FOLDER.parent).glob(f"pos-till-{version}-linux-*.tar.gz"))
    assert tarballs, f"no tarball for version {version} beside {FOLDER}"
    with tarfile.open(tarballs[-1]) as tar:
        names = set(tar.getnames())
        top = f"pos-till-{version}"
        assert {f"{top}/pos-till", f"{top}/pos-till.desktop", f"{top}/install.sh", f"{top}/INSTALL.md",
                f"{top}/icons/hicolor/256x256/apps/pos-till.png",
                f"{top}/icons/hicolor/scalable/apps/pos-till.svg"} <= names
        assert tar.getmember(f"{top}/pos-till").mode & 0o111
        assert tar.getmember(f"{top}/install.sh").mode & 0o111
        desktop = tar.extractfile(f"{top}/pos-till.desktop").read().decode()
        tar.extractall(shop.base / "unpacked", filter="tar")
    assert "Exec=" in desktop and "Icon=pos-till" in desktop and "Type=Application" in desktop
    result = shop.run(shop.base / "unpacked" / top / "pos-till", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == f"The Till {version}"
