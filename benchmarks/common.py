"""Shared pieces of the benchmark scripts: a keyring for benchmark databases, timing, the table."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("TILL_BENCH_DATA", ROOT / "bench-data"))


def use_bench_keyring() -> None:
    """Benchmark databases keep their keys in a JSON keyring file under bench-data/ (never for real data)."""
    import keyring

    sys.path.insert(0, str(ROOT / "tests"))
    from memory_keyring import FileKeyring

    DATA.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("TILL_TEST_KEYRING_FILE", str(DATA / "keyring.json"))
    keyring.set_keyring(FileKeyring())


def percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def timed(fn, *args, repeat: int = 1, **kwargs) -> tuple[list[float], object]:
    """Run fn repeat times; return the wall times in milliseconds and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append((time.perf_counter() - start) * 1000)
    return times, result


ALL_TABLES: list[Table] = []  # every table made in this process, for the combined report


class Table:
    """Rows of: what, median ms, p99 ms, baseline median ms, ratio, target."""

    def __init__(self, title: str, unit: str = "ms"):
        self.title = title
        self.unit = unit
        self.rows: list[tuple] = []
        ALL_TABLES.append(self)

    def add(self, what: str, samples: list[float], baseline: list[float] | None = None, target: str = ""):
        med = statistics.median(samples)
        p99 = percentile(samples, 99)
        base = statistics.median(baseline) if baseline else None
        ratio = f"{med / base:.2f}x" if base else ""
        if self.unit != "ms":
            what = f"{what} [{self.unit}]"
        self.rows.append((what, f"{med:.3f}", f"{p99:.3f}", f"{base:.3f}" if base else "", ratio, target,
                          str(len(samples))))

    def print(self) -> None:
        head = ("what", f"median {self.unit}", f"p99 {self.unit}", f"baseline {self.unit}", "ratio", "target", "n")
        widths = [max(len(str(r[i])) for r in [head, *self.rows]) for i in range(len(head))]
        print(f"\n## {self.title}\n")
        print("| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |")
        print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        for row in self.rows:
            print("| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
        sys.stdout.flush()


def scratch_copy(source: Path, name: str) -> Path:
    """A throw-away copy of a generated database (its key registered too), so a benchmark that writes never
    changes the shared one. A source under DATA is first brought to the current schema (once, not per copy);
    one elsewhere (``--source``, shared and read-only) is copied as it is, and the copy upgraded when opened."""
    import shutil

    import filelock
    import keyring

    from db.connection import open_database
    from db.errors import DatabaseLockedError
    from db.keystore import SERVICE, account_for

    ours = Path(source).resolve().is_relative_to(DATA.resolve())
    for attempt in range(240):
        try:
            if ours:
                open_database(source).close()
            else:  # only wait until no process has it open
                lock = filelock.FileLock(str(Path(source).resolve()) + ".lock", timeout=0)
                lock.acquire()
                lock.release()
            break
        except (DatabaseLockedError, filelock.Timeout):
            if attempt == 0:
                print(f"{source.name} is open in another process; waiting for it …", flush=True)
            time.sleep(5)
    work = DATA / name
    for stale in work.parent.glob(work.name + "*"):
        stale.unlink()
    shutil.copyfile(source, work)
    if Path(str(source) + "-wal").exists():
        shutil.copyfile(str(source) + "-wal", str(work) + "-wal")
    keyring.set_password(SERVICE, account_for(work), keyring.get_password(SERVICE, account_for(source)))
    return work
