#!/usr/bin/env python3
"""One-command setup for a fresh machine with only Python 3.11+ (standard library only).

    python3 dev.py demo      create .venv, install the Till, launch it on a demo database
    python3 dev.py test      create .venv, install the Till with its test tools, run ruff and the whole suite
    python3 dev.py bench     run the benchmarks (see README)
    python3 dev.py package   build the PyInstaller one-folder till into dist/
    python3 dev.py central   install the central store's extra and run it: with no arguments
                             `pos-central serve --bind 127.0.0.1:8700` (embedded PostgreSQL in the user
                             data folder); with arguments, that pos-central command (e.g. enroll-till …)

Re-running is cheap: the venv is reused until pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_venv(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py runs on whatever python3 the machine has
        sys.exit("The Till needs Python 3.11 or newer.")
    stamp = VENV / f".installed-{extras or 'base'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and PY.exists():
        return
    if not PY.exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print(f"Installing the Till{' with ' + extras if extras else ''} into .venv (first time takes a minute) …",
          flush=True)
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    target = f".[{extras}]" if extras else "."
    subprocess.check_call([str(PY), "-m", "pip", "install", "-q", "-e", target], cwd=ROOT)
    stamp.write_text(wanted)


def run(args: list[str], env: dict | None = None) -> int:
    return subprocess.call(args, cwd=ROOT, env=env)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "demo"
    rest = argv[1:]
    if command == "demo":
        ensure_venv("")
        return run([str(PY), "-m", "app", "--demo", *rest])
    if command == "test":
        ensure_venv("test")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        code = run([str(PY), "-m", "ruff", "check", "."], env)
        if code:
            return code
        return run([str(PY), "-m", "pytest", *rest], env)
    if command == "bench":
        ensure_venv("test")
        return run([str(PY), "-m", "benchmarks", *rest], dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    if command == "central":
        ensure_venv("central")
        return run([str(PY), "-m", "central.entry", *(rest or ["serve", "--bind", "127.0.0.1:8700"])])
    if command == "package":
        ensure_venv("test,package")
        return run([str(PY), "packaging/build.py", *rest])
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
