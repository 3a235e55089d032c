"""The items dialog at 200,000 items: the list's searches (app/items.ids), a page of rows, and the real
dialog driven offscreen from a typed search to its rows painted.

    python -m benchmarks.bench_items [--items 200000] [--runs 40]

Searches, each over random queries: the whole list in name order (the dialog's opening state), a name
prefix ("smo"), a code prefix ("2012"), a barcode prefix, a word inside the name ("cookie"). Baseline in
the same run: a bare indexed prefix query on item.name_norm returning rowids (the floor for any search).
The dialog figure is from QTest key to the view having painted the new rows, search debounce excluded
(the model's reload is called the moment the debounce would fire).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time

from benchmarks.common import DATA, Table, timed, use_bench_keyring
from benchmarks.generate import KINDS, WORDS, generate


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--runs", type=int, default=40)
    p.add_argument("--import-rows", type=int, default=20_000)
    args = p.parse_args(argv)
    use_bench_keyring()
    path = generate(DATA / f"items-{args.items}.db", customers=1000, items=args.items, bills=1000)

    from app import items
    from db.connection import open_database

    opened = open_database(path)
    rng = random.Random(5)
    db = opened.db
    table = Table(f"Items dialog list ({args.items:,} items)")
    floor = []
    for _ in range(args.runs):
        prefix = rng.choice(WORDS).lower()[:3]
        floor += timed(lambda q=prefix: [r[0] for r in db.execute_sql(
            "SELECT rowid FROM item WHERE name_norm >= ? AND name_norm < ? AND deleted_at IS NULL LIMIT 5000",
            (q, q + "\U0010ffff"))])[0]
    whole, _ = timed(items.ids, "", repeat=max(3, args.runs // 8))
    table.add("all items in name order (items.ids(''))", whole, target="< 300 ms, on a worker")
    queries = {
        "name prefix ('smo')": lambda: rng.choice(WORDS).lower()[:3],
        "code prefix ('2012')": lambda: str(200000 + rng.randrange(args.items))[:4],
        "barcode prefix (10 digits)": lambda: f"20{rng.randrange(args.items):011d}"[:10],
        "word in the name ('cookie')": lambda: rng.choice(KINDS).lower(),
        "exact code": lambda: str(200000 + rng.randrange(args.items)),
    }
    counts = {}
    for label, make in queries.items():
        samples = []
        for _ in range(args.runs):
            query = make()
            t, found = timed(items.ids, query)
            samples += t
            counts[label] = len(found)
        table.add(f"search: {label}", samples, floor, target="< 50 ms")
    page = list(items.ids("")[:64])
    rows_t, _ = timed(items.rows, page, repeat=args.runs)
    table.add("one page of 64 rows (items.rows)", rows_t, target="< 5 ms")
    opened.close()
    gui = _gui(path, args.runs, rng)
    _import(table, args.import_rows)
    table.print()
    if gui:
        gui.print()
    print(f"\nrows found by the last query of each kind: {counts}")
    return 0


def _import(table: Table, rows: int) -> None:
    """pos-till import-items into a new shop: a new catalogue, then the same file again (all unchanged)."""
    import shutil
    import tempfile
    from pathlib import Path

    from app import item_import, shop_setup
    from db.connection import open_database

    folder = Path(tempfile.mkdtemp(prefix="till-items-"))
    try:
        opened = open_database(folder / "shop.db")
        manager = shop_setup.set_up_shop(shop_setup.ShopDetails("Bench", "USD", "US", True, "8", "M", "1234", "1234"))
        path = folder / "items.csv"
        with open(path, "w", encoding="utf-8") as fh:
            fh.write("code,name,price,barcode,allergens,tags\n")
            for n in range(rows):
                fh.write(f"C{n},{WORDS[n % len(WORDS)]} {KINDS[n % len(KINDS)]} {n},{(100 + n % 4900) / 100:.2f},"
                         f"{4000000000000 + n},nuts,vegan\n")
        first, result = timed(item_import.import_file, path, manager)
        assert result.added == rows, result.summary()
        again, result = timed(item_import.import_file, path, manager)
        assert result.unchanged == rows, result.summary()
        table.add(f"import {rows:,} new items from CSV (per 1,000 rows)", [t * 1000 / rows for t in first],
                  target="< 1,000 ms")
        table.add(f"import the same {rows:,} again, all unchanged (per 1,000 rows)", [t * 1000 / rows for t in again])
        opened.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _gui(path, runs: int, rng) -> Table | None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QObject, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.main import build_till
    from db.models import User

    app = QApplication.instance() or QApplication(sys.argv[:1])
    window = build_till(["--db", str(path)])
    window.till.sign_in("9999")
    window.on_signed_in(User.get(User.name == "Manager"))
    from ui.items_dialog import ItemsDialog

    dialog = ItemsDialog(window, window.till.user)
    dialog._search_timer.setInterval(0)  # measure the search, not the debounce
    dialog.resize(1120, 680)
    dialog.show()

    painted = {"at": None}

    class Watch(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Paint and painted["at"] is None and not dialog.model.loading:
                painted["at"] = time.perf_counter()
            return False

    watch = Watch()
    dialog.view.viewport().installEventFilter(watch)

    def wait(pred, timeout=20.0):
        end = time.perf_counter() + timeout
        while not pred() and time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.0005)

    wait(lambda: not dialog.model.loading)
    samples, opening = [], []
    for _ in range(runs):
        word = rng.choice(KINDS).lower()
        dialog.search_edit.clear()
        wait(lambda: not dialog.model.loading)
        app.processEvents()
        painted["at"] = None
        start = time.perf_counter()
        QTest.keyClicks(dialog.search_edit, word[:3])
        wait(lambda: painted["at"] is not None)
        samples.append((painted["at"] - start) * 1000)
    table = Table("Items dialog, real window offscreen")
    table.add("typed 3 letters -> rows painted (debounce excluded)", samples, target="< 100 ms")
    for _ in range(max(3, runs // 8)):
        start = time.perf_counter()
        other = ItemsDialog(window, window.till.user)
        other.show()
        wait(lambda o=other: not o.model.loading)
        opening.append((time.perf_counter() - start) * 1000)
        other.close()
    table.add("open the dialog -> every item listed", opening, target="< 500 ms")
    QTest.keyClick(dialog.search_edit, Qt.Key_Escape)
    dialog.close()
    window.close()
    window.till.close()
    return table


if __name__ == "__main__":
    sys.exit(main())
