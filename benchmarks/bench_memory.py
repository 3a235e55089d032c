"""Peak memory (VmHWM, resident set) of the till with a million customers, against a bare PySide6 window
and the till on the demo database, each a separate process, measured in the same run.

    python -m benchmarks.bench_memory [--customers 1000000] [--items 200000] [--bills 1000000] [--runs 3]

Each till process builds the real window, signs in, types 40 customer searches, rings up and completes
20 sales, then reports its peak and current resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.common import DATA, ROOT, Table, scratch_copy, use_bench_keyring

TILL_SESSION = r"""
import json, os, sys
from PySide6.QtWidgets import QApplication
sys.path.insert(0, os.path.join(sys.argv[2], "tests"))
import keyring
from memory_keyring import FileKeyring
keyring.set_keyring(FileKeyring())
app = QApplication([])
from app.main import build_till
from app import customer_search, settings
from app.billing import Tender, complete_sale
from app.cart import Cart
window = build_till(["--db", sys.argv[1]] + (["--demo"] if sys.argv[3] == "demo" else []))
app.processEvents()
user = window.till.sign_in("1111")
window.on_signed_in(user)
app.processEvents()
for text in ["em", "emily", "rob", "john smi", "555", "(555) 300", "maria", "chen", "a", "kw"] * 4:
    customer_search.search(text)
for n in range(20):
    cart = Cart(settings.all_settings())
    for code in ("1001", "1003", "2*1004"):
        cart.add_entry(code)
    complete_sale(cart, [Tender("card", cart.price().total)], user)
app.processEvents()
status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith(("VmHWM", "VmRSS")))
print(json.dumps({k: int(v.split()[0]) / 1024 for k, v in status.items()}))
window.close()
window.till.close()
"""

BARE = r"""
import json
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
w = QLabel("bare"); w.show(); app.processEvents()
status = dict(line.split(":", 1) for line in open("/proc/self/status") if line.startswith(("VmHWM", "VmRSS")))
print(json.dumps({k: int(v.split()[0]) / 1024 for k, v in status.items()}))
"""


def _run(code: str, args: list[str], env: dict) -> dict:
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--bills", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=3, help="processes of each kind, interleaved")
    args = p.parse_args(argv)
    use_bench_keyring()
    from benchmarks.generate import generate

    source = generate(DATA / f"till-{args.customers}c-{args.items}i-{args.bills}b.db",
                      customers=args.customers, items=args.items, bills=args.bills)
    work = scratch_copy(source, "bench-memory-scratch.db")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    bare, demo, big = [], [], []
    try:
        for _ in range(args.runs):  # interleaved, so drift hits all three alike
            bare.append(_run(BARE, [], env)["VmHWM"])
            with tempfile.TemporaryDirectory() as tmp:
                demo_env = dict(env, TILL_TEST_KEYRING_FILE=str(Path(tmp) / "keyring.json"))
                demo.append(_run(TILL_SESSION, [str(Path(tmp) / "demo.db"), str(ROOT), "demo"], demo_env)["VmHWM"])
            big.append(_run(TILL_SESSION, [str(work), str(ROOT), "plain"], env)["VmHWM"])
    finally:
        for stale in work.parent.glob(work.name + "*"):
            stale.unlink()
    table = Table(f"Peak memory of the till (one process each; {args.customers:,} customers)", unit="MB")
    table.add("bare PySide6 window: peak RSS (baseline)", bare, bare)
    table.add("till on the demo database (500 customers): peak RSS", demo, bare)
    table.add(f"till with {args.customers:,} customers after searches and 20 sales: peak RSS", big, bare,
              "< 400 MB")
    table.print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
