"""Checks shared by the restore and convergence tests: at quiescence every synced table is equal field by
field on every node, every bill is whole, figures equal a recomputation and balances equal ledger sums."""

from __future__ import annotations

from pathlib import Path

from sync_helpers import comparable, opened, sync, table_rows

from central.tables import TABLES

SYNCED = ["user", "setting", "customer_profile", "customer_category", "item", "customer", "customer_address",
          "customer_preference", "bill", "bill_line", "payment", "loyalty_entry"]


def quiesce(paths: list[Path], rounds: int = 3) -> None:
    """Every till syncs, in turn, until nothing moves (a fixed number of full passes)."""
    for _ in range(rounds):
        for path in paths:
            sync(path)


def central_tables(server, shop, tables=SYNCED) -> dict[str, dict]:
    return {t: {i: comparable(r, TABLES[t].column_names) for i, r in server.rows(shop, t).items()} for t in tables}


def assert_converged(server, shop, paths: list[Path], tables=SYNCED, refused_ok: bool = False) -> dict[str, dict]:
    """Every till holds exactly the central store's rows of ``tables``, nothing is left to push, every
    bill is whole, and each till's customer figures equal a recomputation. Returns the central rows."""
    from app import stats
    from db.models import CustomerStats, Outbox

    expected = central_tables(server, shop, tables)
    bills = expected.get("bill", {})
    for table in ("bill_line", "payment"):
        orphans = [r["id"] for r in expected.get(table, {}).values() if r["bill_id"] not in bills]
        assert not orphans, f"{table} rows pointing at no bill at the central store: {orphans[:3]}"
    for path in paths:
        with opened(path):
            left = [(o.table_name, o.state, o.error) for o in Outbox.select()
                    if not (refused_ok and o.state == "quarantined")]
            assert not left, f"{path.name}: outbox not empty: {left[:3]}"
            for table in tables:
                # a head-office row a counter till made and the store refused is withdrawn on that till as
                # a tombstone the store never held (app/sync/quarantine.restore_refused): not a live row
                local = {i: comparable(r, TABLES[table].column_names) for i, r in table_rows(table).items()
                         if i in expected[table] or r.get("deleted_at") is None or r.get("server_version")}
                if local != expected[table]:
                    only_here = sorted(set(local) - set(expected[table]))[:3]
                    only_there = sorted(set(expected[table]) - set(local))[:3]
                    changed = [(i, {k: (v, expected[table][i][k]) for k, v in local[i].items()
                                    if v != expected[table][i][k]})
                               for i in set(local) & set(expected[table]) if local[i] != expected[table][i]][:3]
                    raise AssertionError(f"{path.name}: {table} differs from the central store: only here "
                                         f"{only_here}, only there {only_there}, changed {changed}")
            kept = {s.customer_id: _figures(s) for s in CustomerStats.select()}
            for customer_id, figures in kept.items():
                again = _figures(stats.recompute(customer_id))
                assert figures == again, \
                    f"{path.name}: figures of {customer_id} differ from a recomputation: {figures} != {again}"
    return expected


def _figures(s) -> tuple:
    return (s.orders, s.spent, s.last_visit, s.points, dict(s.item_counts or {}), dict(s.payment_counts or {}))


def receipts(rows: dict) -> list[str]:
    return sorted(r["receipt_no"] for r in rows.values())
