#!/usr/bin/env python3
"""Build the Till for shop computers without Python: one command on a fresh clone.

    python3 packaging/build.py            (or: python3 dev.py package)

1. Sets up the environment: run by a Python without the Till's dependencies, it creates .venv (as
   `dev.py` does) and runs itself again there; installs PyInstaller when it is missing.
2. Runs PyInstaller on packaging/till.spec: dist/pos-till/ (the one-folder build, executable `pos-till`).
3. Checks the build and fails with the reason when something the till needs is missing from it: every
   module of app/, ui/ and db/; every module their code imports; every runtime file of resources/ and every
   migration; the Qt platform plugins. The central service (central/) must not be in it.
4. On Linux packs dist/pos-till-VERSION-linux-ARCH.tar.gz: the build, a .desktop entry, icons,
   INSTALL.md and install.sh.

Options: --clean (rebuild from scratch, ignoring PyInstaller's cache), --no-tar (skip step 4).
Standard library only until step 1 is done.
"""

from __future__ import annotations

import argparse
import ast
import fnmatch
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DIST = ROOT / "dist"
WORK = ROOT / "build"
NAME = "pos-till"
OWN_PACKAGES = ("app", "ui", "db")
# Files of resources/ that only the build uses (the Windows and macOS icon containers), and the package's
# own module (resources/ is a package so that a wheel carries these files too).
BUILD_ONLY_RESOURCES = ["icons/*.ico", "icons/*.icns", "*.py", "__pycache__/*",
                        "translations/*.ts"]  # translation sources: the build carries their compiled .qm
# The .desktop entry shipped in the tarball; install.sh rewrites Exec to where it installs the till.
DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=The Till
GenericName=Point of Sale
Comment=Sell, find customers and sync with the central store
Exec=/opt/pos-till/pos-till
Icon=pos-till
Terminal=false
Categories=Office;Finance;
Keywords=POS;till;sale;cash register;checkout;
StartupNotify=true
"""
INSTALL_SH = """\
#!/bin/sh
# Install the Till from this unpacked folder. It needs no Python.
#   as root:    ./install.sh [PREFIX]   (default /opt/pos-till; menu entry for all users; /usr/local/bin/pos-till)
#   as a user:  ./install.sh [PREFIX]   (default ~/.local/opt/pos-till; menu entry and ~/.local/bin/pos-till)
# An upgrade replaces the program files only: databases, keys and logs live in the user's folders
# (see INSTALL.md) and are never touched here.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" = 0 ]; then
  prefix=${1:-/opt/pos-till}; share=/usr/share; bindir=/usr/local/bin
else
  prefix=${1:-$HOME/.local/opt/pos-till}; share=${XDG_DATA_HOME:-$HOME/.local/share}; bindir=$HOME/.local/bin
fi
case "$prefix" in /*) ;; *) echo "install.sh: PREFIX must be an absolute path" >&2; exit 2 ;; esac
mkdir -p "$prefix" "$share/applications" "$bindir"
rm -rf "$prefix/_internal.old"
[ -d "$prefix/_internal" ] && mv "$prefix/_internal" "$prefix/_internal.old"
cp -a "$here/pos-till" "$here/_internal" "$prefix/"
rm -rf "$prefix/_internal.old"
cp "$here/INSTALL.md" "$prefix/"
for dir in "$here"/icons/hicolor/*/apps; do
  size=$(basename "$(dirname "$dir")")
  mkdir -p "$share/icons/hicolor/$size/apps"
  cp "$dir"/* "$share/icons/hicolor/$size/apps/"
done
sed "s|^Exec=.*|Exec=$prefix/pos-till|" "$here/pos-till.desktop" > "$share/applications/pos-till.desktop"
ln -sf "$prefix/pos-till" "$bindir/pos-till"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
# A user's own icon folder is better without a cache (a stale one hides icons other programs add later).
if [ "$(id -u)" = 0 ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
  gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
fi
echo "The Till is installed in $prefix (command: $bindir/pos-till, menu: The Till)."
"""


# --- 1. environment -----------------------------------------------------------------------------------------

def ensure_environment(argv: list[str]) -> None:
    """Make sure this interpreter has the Till and PyInstaller; else set up .venv and re-run there."""
    try:
        from importlib import metadata

        metadata.version("the-till")
        import PySide6  # noqa: F401
    except Exception:
        if Path(sys.prefix).resolve() == (ROOT / ".venv").resolve():
            sys.exit("build.py: the Till is not installed in .venv: run python3 dev.py package")
        print("build.py: setting up .venv with the Till (first time takes a few minutes) ...", flush=True)
        sys.path.insert(0, str(ROOT))
        import dev

        dev.ensure_venv("package")
        sys.exit(subprocess.call([str(dev.PY), str(Path(__file__).resolve()), *argv], cwd=ROOT))
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        print("build.py: installing PyInstaller ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "pyinstaller>=6.5"])
    check_version_metadata()


def pyproject_version() -> str:
    """The version written in app/__init__.py, which pyproject.toml reads (``dynamic = ["version"]``)."""
    import re

    text = (ROOT / "app" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.M).group(1)


def check_version_metadata() -> None:
    """The spec and the app read the version from the installed metadata: refresh it when stale."""
    from importlib import metadata

    wanted = pyproject_version()
    if metadata.version("the-till") != wanted:
        print(f"build.py: refreshing the installed metadata to version {wanted} ...", flush=True)
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])


# --- 2. build -----------------------------------------------------------------------------------------------

def run_pyinstaller(clean: bool) -> Path:
    command = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
               "--distpath", str(DIST), "--workpath", str(WORK), str(PACKAGING / "till.spec")]
    if clean:
        command.insert(3, "--clean")
    subprocess.check_call(command, cwd=ROOT)
    folder = DIST / NAME
    if sys.platform == "darwin":
        return DIST / "The Till.app" / "Contents" / "Frameworks" if (DIST / "The Till.app").exists() else folder
    return folder


def executable(folder: Path) -> Path:
    return folder / (f"{NAME}.exe" if os.name == "nt" else NAME)


# --- 3. checks ----------------------------------------------------------------------------------------------

def bundled_modules(folder: Path) -> set[str]:
    """Every Python module the frozen app can import: the PYZ, base_library.zip and extension modules."""
    import zipfile

    from PyInstaller.archive.readers import CArchiveReader

    modules = set(sys.builtin_module_names)
    archive = CArchiveReader(str(executable(folder)))
    modules |= set(archive.open_embedded_archive("PYZ.pyz").toc)
    internal = folder / "_internal" if (folder / "_internal").is_dir() else folder
    base = internal / "base_library.zip"
    if base.exists():
        with zipfile.ZipFile(base) as zf:
            for name in zf.namelist():
                if name.endswith(".pyc"):
                    parts = name[:-4].split("/")
                    modules.add(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    for path in internal.rglob("*"):
        if path.suffix in (".so", ".pyd") and path.is_file():
            relative = path.relative_to(internal)
            stem = relative.name.split(".")[0]
            parts = [*relative.parts[:-1], stem]
            if parts[0].startswith("python3"):  # lib-dynload
                parts = [stem]
            modules.add(".".join(parts))
    return modules


def own_modules() -> set[str]:
    found = set()
    for package in OWN_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found.add(".".join(parts))
    return found


def _optional(chain: list[ast.AST]) -> bool:
    """Is the import (chain[0], then its ancestors) optional: in the body of `try: ... except ImportError`
    or of `if TYPE_CHECKING:`?"""
    for child, up in zip(chain, chain[1:], strict=False):
        if isinstance(up, ast.Try) and child in up.body:
            caught = " ".join(ast.unparse(h.type) for h in up.handlers if h.type is not None)
            if "ImportError" in caught or "ModuleNotFoundError" in caught:
                return True
        if isinstance(up, ast.If) and child in up.body and "TYPE_CHECKING" in ast.unparse(up.test):
            return True
    return False


def imported_modules() -> dict[str, str]:
    """Absolute modules imported anywhere in app/, ui/, db/ (top level or inside functions), not optional.
    Returns module -> first place it is imported."""
    import importlib.util

    wanted: dict[str, str] = {}
    for package in OWN_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
            parents: dict[ast.AST, ast.AST] = {}
            for parent in ast.walk(tree):
                for child in ast.iter_child_nodes(parent):
                    parents[child] = parent
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names = [node.module]
                    for alias in node.names:  # `from PySide6 import QtCharts` imports a module
                        candidate = f"{node.module}.{alias.name}"
                        try:
                            if importlib.util.find_spec(candidate) is not None:
                                names.append(candidate)
                        except (ImportError, ValueError):
                            pass
                else:
                    continue
                chain = [node]
                while chain[-1] in parents:
                    chain.append(parents[chain[-1]])
                if _optional(chain):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                for name in names:
                    wanted.setdefault(name, where)
    return wanted


def check_build(folder: Path) -> list[str]:
    problems = []
    if not executable(folder).exists():
        return [f"the executable {executable(folder)} was not built"]
    modules = bundled_modules(folder)
    for name in sorted(own_modules() - modules):
        problems.append(f"module {name} is not in the build")
    for name, where in sorted(imported_modules().items()):
        if name not in modules:
            problems.append(f"{name} (imported at {where}) is not in the build")
    central = sorted(m for m in modules if m == "central" or m.startswith("central."))
    if central:
        problems.append(f"the till build contains the central service: {central[:5]}")
    internal = folder / "_internal" if (folder / "_internal").is_dir() else folder
    for path in sorted((ROOT / "resources").rglob("*")):
        relative = path.relative_to(ROOT / "resources").as_posix()
        build_only = any(fnmatch.fnmatch(relative, p) for p in BUILD_ONLY_RESOURCES)
        if path.is_file() and not build_only and not (internal / "resources" / relative).is_file():
            problems.append(f"resources/{relative} is not in the build (list it in till.spec DATA)")
    for path in sorted((ROOT / "db" / "migrations").glob("*.sql")):
        if not (internal / "db" / "migrations" / path.name).is_file():
            problems.append(f"migration {path.name} is not in the build")
    plugins = internal / "PySide6" / ("plugins" if os.name == "nt" else "Qt/plugins") / "platforms"
    platform_names = {"linux": ["qxcb", "qoffscreen"], "win32": ["qwindows"], "darwin": ["qcocoa"]}
    for plugin in platform_names.get(sys.platform, []):
        if not any(p.name.split(".")[0].removeprefix("lib") == plugin for p in plugins.glob("*")):
            problems.append(f"the Qt platform plugin {plugin} is not in the build")
    return problems


def warn_missing_system_libraries() -> None:
    """Qt's xcb plugin needs these; PyInstaller bundles them only when the build machine has them."""
    if not sys.platform.startswith("linux"):
        return
    try:
        known = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True).stdout
    except OSError:
        return
    missing = [lib for lib in ("libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                               "libxkbcommon-x11.so.0") if lib not in known]
    if missing:
        print(f"build.py: note: this machine lacks {', '.join(missing)}, so the build does not carry them; "
              "the shop computers' desktop must provide them (see INSTALL.md)", flush=True)


# --- 4. tarball ---------------------------------------------------------------------------------------------

def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def make_tarball(folder: Path, version: str) -> Path:
    arch = platform.machine().lower() or "unknown"
    top = f"{NAME}-{version}"
    target = DIST / f"{top}-linux-{arch}.tar.gz"
    extras = WORK / "tar-extras"
    shutil.rmtree(extras, ignore_errors=True)
    (extras / "icons").mkdir(parents=True)
    icons = ROOT / "resources" / "icons"
    for png in sorted(icons.glob("till-*.png")):
        size = png.stem.split("-")[1]
        dest = extras / "icons" / "hicolor" / f"{size}x{size}" / "apps"
        dest.mkdir(parents=True)
        shutil.copy2(png, dest / f"{NAME}.png")
    scalable = extras / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copy2(icons / "till.svg", scalable / f"{NAME}.svg")
    (extras / f"{NAME}.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    (extras / "install.sh").write_text(INSTALL_SH, encoding="utf-8")
    (extras / "install.sh").chmod(0o755)
    shutil.copy2(PACKAGING / "INSTALL.md", extras / "INSTALL.md")

    def owned_by_root(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.uid = info.gid = 0
        info.uname = info.gname = "root"
        return info

    partial = target.with_suffix(".partial")
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        for path in sorted(folder.iterdir()):
            tar.add(path, arcname=f"{top}/{path.name}", filter=owned_by_root)
        for path in sorted(extras.iterdir()):
            tar.add(path, arcname=f"{top}/{path.name}", filter=owned_by_root)
    partial.replace(target)
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--clean", action="store_true", help="rebuild from scratch (ignore PyInstaller's cache)")
    p.add_argument("--no-tar", action="store_true", help="skip the .tar.gz")
    args = p.parse_args(argv)
    ensure_environment(argv)
    from importlib import metadata

    version = metadata.version("the-till")
    started = time.monotonic()
    warn_missing_system_libraries()
    folder = run_pyinstaller(args.clean)
    built = time.monotonic()
    problems = check_build(folder)
    if problems:
        print("build.py: the build is incomplete:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    print(f"build.py: {folder} ({folder_size(folder) / 1e6:.1f} MB) built in {built - started:.0f} s; "
          f"checks passed", flush=True)
    if sys.platform.startswith("linux") and not args.no_tar:
        tarball = make_tarball(folder, version)
        print(f"build.py: {tarball} ({tarball.stat().st_size / 1e6:.1f} MB) in {time.monotonic() - built:.0f} s",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
