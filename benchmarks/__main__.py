"""Run every benchmark and print one table: median and p99 next to a baseline from the same run.

    python -m benchmarks            full sizes: 1M customers, 200k items, 1M bills (generated once,
                                    reused; the first run takes a while)
    python -m benchmarks --quick    small sizes, a smoke run that finishes in a few minutes
    python -m benchmarks --only bill,reports

Each benchmark also prints its own table with the details; the combined table comes last.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
import traceback

from benchmarks import common

FULL = {
    "open": ["--runs", "30"],
    "startup": ["--runs", "7", "--no-frozen"],
    "bill": [],
    "customer_view": [],
    "reports": [],
    "import": [],
    "sync": [],
    "signup": [],
    "memory": [],
    "items": [],
    "felt": [],
    "crm": [],
    "load": ["--seconds", "30"],
}
QUICK = {
    "open": ["--runs", "5"],
    "startup": ["--runs", "2", "--no-frozen"],
    "bill": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--names", "20", "--adds", "200",
             "--sales", "30"],
    "customer_view": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--bills-of-one", "500",
                      "--runs", "3"],
    "reports": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--repeat", "2", "--sales", "20"],
    "import": ["--rows", "5000", "--repeat", "1"],
    "sync": ["--bills", "300", "--pull-customers", "2000", "--bootstrap-customers", "5000", "--runs", "1",
             "--bootstrap-runs", "1"],
    "signup": ["--seconds", "4", "--tills", "2", "--signup-workers", "2"],
    "memory": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--runs", "1"],
    "items": ["--items", "20000", "--runs", "10"],
    "felt": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--names", "4", "--lines", "20"],
    "crm": ["--customers", "20000", "--items", "5000", "--bills", "20000", "--runs", "3"],
    "load": ["--tills", "100", "--shops", "10", "--seconds", "10", "--sale-every", "10"],
}


def machine() -> str:
    import os

    cpu = platform.processor() or platform.machine()
    mem = ""
    try:
        with open("/proc/meminfo") as fh:
            mem = f", {int(fh.readline().split()[1]) / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} CPUs{mem}, Python {platform.python_version()}"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--only", help="comma-separated names: " + ",".join(FULL))
    args = p.parse_args(argv)
    plan = QUICK if args.quick else FULL
    names = args.only.split(",") if args.only else list(plan)
    failed = []
    started = time.perf_counter()
    for name in names:
        module = __import__(f"benchmarks.bench_{name}", fromlist=["main"])
        print(f"\n=== bench_{name} {' '.join(plan[name])}", flush=True)
        try:
            code = module.main(plan[name])
        except SystemExit as exc:
            code = exc.code
        except Exception:
            traceback.print_exc()
            code = 1
        if code:
            failed.append(name)
    print(f"\n# All benchmarks ({'quick' if args.quick else 'full'} sizes) on {machine()}")
    combined = common.Table("Combined: every figure (ms unless marked)")
    combined.rows = [(f"{t.title.split(' (')[0]}: {row[0]}", *row[1:]) for t in common.ALL_TABLES
                     if t is not combined for row in t.rows]
    combined.print()
    print(f"\n{len(names) - len(failed)} benchmarks ran, {len(failed)} failed "
          f"{failed if failed else ''} in {time.perf_counter() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
