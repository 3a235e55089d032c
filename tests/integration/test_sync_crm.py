"""Segments, tiers and applied promotions are the same on every till: each derives them from synced data
(bills, tiers, promotions, settings), two tills syncing through a real central server on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sync_helpers import enroll, opened, sell, sync, table_rows

pytestmark = pytest.mark.postgres


@pytest.fixture
def two_tills(central_server, shop, first_till, tmp_path):
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    other = tmp_path / "T2.db"
    with opened(other):
        pass
    enroll(other, central_server.url, central_server.enroll_till(shop, "T2"))
    sync(other)
    return path, other, known


def _derived(at: dt.datetime) -> dict:
    """What this till derives: each customer's segments and tier, each segment's members, each bill's
    promotions and tier."""
    from app import segments, tiers

    people = sorted(table_rows("customer"))
    out = {
        "segments": {c: segments.of_customer(c, at) for c in people},
        "tiers": {c: (t.name if (t := tiers.current(c, at)) else None) for c in people},
    }
    from db.models import database

    ids = dict(database.execute_sql("SELECT rowid, id FROM customer").fetchall())
    out["lists"] = {s: sorted(ids[r] for r in segments.ids(s, now=at)) for s in segments.SEGMENTS}
    out["bills"] = {b: (r["preferences_applied"]) for b, r in table_rows("bill").items()}
    return out


def test_segments_tiers_and_promotions_agree_on_two_tills(central_server, shop, two_tills):
    t1, t2, known = two_tills
    first, second = known["customers"][0], known["customers"][1]
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
        for name, spend, bp in (("Bronze", 0, 0), ("Silver", 1000, 500)):
            made = admin.post("/v1/admin/loyalty_tier", json={"name": name, "min_spend": spend, "discount_bp": bp})
            assert made.status_code == 200, made.text
        for name, consent in (("Regulars 10%", False), ("Consented only", True)):
            made = admin.post("/v1/admin/promotion", json={"name": name, "kind": "percent", "value": 1000,
                                                          "segment": "regular", "needs_consent": consent})
            assert made.status_code == 200, made.text
    for path in (t1, t2):
        sync(path)
    with opened(t1):
        for _ in range(3):
            sell(first, ("1003",))  # 3 x 6.90: three visits and past Silver's 10.00
        fourth = sell(first, ("1001",))
        from db.models import Bill

        applied = Bill.get_by_id(fourth.bill_id).preferences_applied
        assert [p["name"] for p in applied["promotions"]] == ["Regulars 10%"]  # not the consent-only one
        assert applied["loyalty_tier"] == "Silver"
    with opened(t2):
        sell(second, ("1004",))
    for path in (t1, t2, t1):
        sync(path)
    at = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    with opened(t1):
        mine = _derived(at)
    with opened(t2):
        theirs = _derived(at)
    assert mine == theirs
    assert "regular" in mine["segments"][first] and "new" in mine["segments"][second]
    assert mine["tiers"][first] == "Silver" and mine["tiers"][second] == "Bronze"
    assert first in mine["lists"]["regular"] and second in mine["lists"]["new"]
    assert len(mine["bills"]) == 5
