"""One record of what the central store has sent each till (``till.served_version``, central migration
0005): raised by pull pages and by snapshot pages alike, it caps the ``server_version`` a push claims and
tells a till whose cursor is ahead of a restored store."""

from __future__ import annotations

import pytest
from sync_helpers import enroll, opened, sync, table_rows

from app.sync.client import SyncError
from db.models import Item

pytestmark = pytest.mark.postgres


def test_an_office_edit_based_on_a_snapshot_is_not_taken_for_a_stale_one(central_server, shop, first_till,
                                                                        tmp_path, proxy):
    """A new office till downloads the shop (snapshot), its first pull is lost, it changes a price: the
    store knows the till saw the item's version (the snapshot sent it) and takes the change. With the
    version known from pull pages only, the change was refused as "changed by another till since this till
    last synced"."""
    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=True))
    sync(path)
    other = tmp_path / "T2.db"
    with opened(other):
        pass
    enroll(other, proxy.url, central_server.enroll_till(shop, "T2", office=True))
    proxy.add("/v1/pull", "drop")
    with pytest.raises(SyncError):
        sync(other)
    with opened(other):
        item = Item.get(Item.code == "1001")
        assert item.server_version > 0  # the snapshot brought it
        item.price = 275
        item.save()
    report = sync(other)
    assert report.rejected == 0 and report.pushed >= 1
    rows = central_server.rows(shop, "item")
    assert rows[item.id]["price"] == 275
    sync(path)
    with opened(path):
        assert table_rows("item")[item.id]["price"] == 275
    served, shop_version = central_server.run(lambda conn: conn.execute(
        "SELECT t.served_version, s.version FROM till t JOIN shop s ON s.id = t.shop_id "
        "WHERE t.code = 'T2' AND s.id = %s", (central_server.shop_id(shop),)).fetchone())
    assert served == shop_version  # its last pull brought it up to the shop's version
