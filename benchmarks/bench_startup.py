"""Start-up: from starting the process to the sign-in window painted, frozen build against source.

    python -m benchmarks.bench_startup [--runs 9] [--db PATH] [--frozen dist/pos-till] [--no-frozen]

Each run starts the till as a new process with the hidden `--smoke-test --startup-stamp FILE` options: the
till writes the wall-clock time at which its sign-in page was first painted, then exits. The figure is
that time minus the time just before the process was started; the stamp also says when the database had
opened (from then on a PIN can be checked). A till that has started once paints its sign-in page before it
opens the database (the shop's name and language are kept beside it, app/start_hint); the "first start" row
deletes that hint before each of its runs, so the database opens first, as on a till's very first start.
Source (`python -m app`) is the baseline;
the frozen build (packaging/build.py) is compared with it in the same run, the runs interleaved. A bare
PySide6 window timed the same way shows how much of it is Python and Qt starting at all.

Without --db a new demo database is made in a temp folder. With --db (for example a database made by
`python -m benchmarks.generate`) its key is read from the benchmark keyring file (bench-data/keyring.json,
or --keyring-file); a database at an older schema is migrated by the warm-up run, as a till would do
(with its backup copy beside it). Target: the frozen till starts within 1.5x of the source till.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app import start_hint
from benchmarks.common import DATA, ROOT, Table

FIRST_START = "source, first start (no sign-in hint yet)"

MEMORY_KEYRING = ROOT / "tests" / "memory_keyring.py"
# For scale: a bare PySide6 main window of the till's size, timed the same way (the stamp path comes last).
BARE_WINDOW = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
label = QLabel("bare")
window.setCentralWidget(label)
window.resize(1280, 800)
window.show()
def shown():
    with open(sys.argv[-1], "w") as fh:
        fh.write(json.dumps({"shown_at_ns": time.time_ns()}))
    app.quit()
class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Paint:
            obj.removeEventFilter(self)
            QTimer.singleShot(0, shown)
        return False
first_paint = FirstPaint()
label.installEventFilter(first_paint)
app.exec()
"""


def _env(keyring_file: Path, home: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "QT_"))}
    runtime = home / "run"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env.update(QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(runtime), XDG_STATE_HOME=str(home / "state"),
               XDG_DATA_HOME=str(home / "data"), TILL_TEST_KEYRING_FILE=str(keyring_file),
               PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               PYTHONPATH=str(ROOT / "tests"),                 # source runs find the keyring here
               TILL_KEYRING_BACKEND_FILE=str(MEMORY_KEYRING))  # the frozen till through its runtime hook
    return env


def start_once(command: list[str], db: Path, env: dict, stamp: Path, extra: tuple = ()) -> tuple[float, float, float]:
    """Milliseconds from starting the process to the window painted, to the database open (the PIN can be
    checked; the window may paint before it, app/start_hint), and to the process gone."""
    stamp.unlink(missing_ok=True)
    args = [*command, "--db", str(db), *extra, "--smoke-test", "--startup-stamp", str(stamp)]
    started = time.time_ns()
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    ended = time.time_ns()
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    times = json.loads(stamp.read_text())
    shown = times["shown_at_ns"]
    ready = max(shown, times.get("ready_at_ns", shown))  # the bare window has no database
    return (shown - started) / 1e6, (ready - started) / 1e6, (ended - started) / 1e6


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 1e6


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=9, help="timed runs of each (after one warm-up run)")
    p.add_argument("--db", type=Path, help="an existing till database (default: a new demo database)")
    p.add_argument("--keyring-file", type=Path, help="the JSON keyring holding --db's key "
                                                     "(default bench-data/keyring.json)")
    p.add_argument("--frozen", type=Path, default=ROOT / "dist" / "pos-till", help="the one-folder build")
    p.add_argument("--no-frozen", action="store_true", help="time the source till only")
    args = p.parse_args(argv)

    source = [sys.executable, "-m", "app"]
    frozen_exe = args.frozen / ("pos-till.exe" if os.name == "nt" else "pos-till")
    commands = {"source (python -m app)": source, "bare PySide6 window (python -c)": [sys.executable, "-c", BARE_WINDOW],
                FIRST_START: source}
    if not args.no_frozen:
        if not frozen_exe.exists():
            raise SystemExit(f"no frozen build at {args.frozen}: run python3 packaging/build.py, or --no-frozen")
        built = sorted(p.name for p in (args.frozen / "_internal" / "db" / "migrations").glob("*.sql"))
        if built != sorted(p.name for p in (ROOT / "db" / "migrations").glob("*.sql")):
            raise SystemExit("the frozen build has other migrations than the source (one would refuse the "
                             "database the other upgraded): rebuild with python3 packaging/build.py")
        commands["frozen (dist/pos-till)"] = [str(frozen_exe)]

    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        home = Path(tmp)
        if args.db:
            db = args.db.resolve()
            keyring_file = (args.keyring_file or DATA / "keyring.json").resolve()
            label = f"{db.name} ({size_mb(db):.0f} MB)"
        else:
            db = home / "demo.db"
            keyring_file = home / "keyring.json"
            label = "new demo database"
            print("making the demo database ...", flush=True)
            start_once(source, db, _env(keyring_file, home), home / "stamp.json", ("--demo",))
        env = _env(keyring_file, home)
        stamp = home / "stamp.json"
        shown = {name: [] for name in commands}
        ready = {name: [] for name in commands}
        gone = {name: [] for name in commands}
        for command in commands.values():  # warm-up: file cache, a pending migration
            start_once(command, db, env, stamp)
        for _ in range(args.runs):
            for name, command in commands.items():  # interleaved, so drift hits both alike
                if name == FIRST_START:  # no hint kept from a start before: the database opens first
                    start_hint.hint_path(db).unlink(missing_ok=True)
                to_window, to_ready, to_exit = start_once(command, db, env, stamp)
                shown[name].append(to_window)
                ready[name].append(to_ready)
                gone[name].append(to_exit)

    table = Table(f"Start-up to the sign-in window, {label}, {args.runs} runs each")
    source, bare = shown["source (python -m app)"], shown["bare PySide6 window (python -c)"]
    for name in commands:
        what = "start to window painted" if name.startswith("bare") else "start to sign-in window"
        if name.startswith("bare"):
            table.add(f"{name}: {what}", shown[name])
        elif "frozen" in name:
            table.add(f"{name}: {what}", shown[name], source, "<= 1.5x source")
        else:  # Python and Qt starting at all is the floor: the ratio is what the till adds to it
            table.add(f"{name}: {what}", shown[name], bare, "" if name == FIRST_START else "<= 2x bare window")
    for name in commands:
        if not name.startswith("bare"):
            table.add(f"{name}: start to database open (a PIN can be checked)", ready[name], bare)
            table.add(f"{name}: start to process exit", gone[name])
    table.print()
    if not args.no_frozen:
        tarballs = sorted(args.frozen.parent.glob("pos-till-*.tar.gz"))
        print(f"\nbuild folder {args.frozen}: {size_mb(args.frozen):.1f} MB (target < 250 MB)"
              + (f"; {tarballs[-1].name}: {size_mb(tarballs[-1]):.1f} MB" if tarballs else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
