"""Head-office data (catalogue, profiles, categories, price lists, loyalty rules, settings) is decided
centrally: edits made through the admin API or the pos-central CLI flow down to every till of the shop;
a till's edit the head office has overtaken is quarantined with its reason and never blocks the rest."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest
from sync_helpers import TESTS, enroll, opened, sync, table_rows

from app import customers, settings
from db.models import Item, Outbox

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
    return path, other


@pytest.fixture
def admin(central_server, shop):
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as http:
        yield http


def _item(path, code):
    with opened(path):
        return table_rows("item").get(next((i for i, r in table_rows("item").items() if r["code"] == code), ""))


def test_admin_api_edits_flow_down_to_every_till(two_tills, admin):
    t1, t2 = two_tills
    created = admin.post("/v1/admin/item", json={"code": "2001", "name": "Flat White", "price": 340,
                                                 "tax_rate_bp": 800, "tags": ["vegetarian"]})
    assert created.status_code == 200, created.text
    item_id = created.json()["id"]
    espresso = next(r for r in admin.get("/v1/admin/item").json() if r["code"] == "1001")
    assert admin.put(f"/v1/admin/item/{espresso['id']}", json={"price": 275}).status_code == 200
    for path in (t1, t2):
        sync(path)
        with opened(path):
            assert Item.get_by_id(item_id).name_norm == "flat white"
            assert Item.get_by_id(item_id).tags == ["vegetarian"]
            assert Item.get(Item.code == "1001").price == 275
    assert admin.delete(f"/v1/admin/item/{item_id}").status_code == 200
    sync(t2)
    with opened(t2):
        assert Item.get_by_id(item_id).deleted_at is not None


def test_admin_api_refuses_bad_edits_with_a_clear_message(two_tills, admin):
    duplicate = admin.post("/v1/admin/item", json={"code": "1001", "name": "Second Espresso", "price": 1})
    assert duplicate.status_code == 409 and "'1001' already belongs to another item" in duplicate.json()["detail"]
    missing = admin.post("/v1/admin/item", json={"code": "2002"})
    assert missing.status_code == 422 and "needs" in missing.json()["detail"]
    assert admin.post("/v1/admin/customer", json={"name": "x"}).status_code == 404
    bad_ref = admin.post("/v1/admin/barcode", json={"code": "123", "item_id": "no-such-item"})
    assert bad_ref.status_code == 422 and "not a item of this shop" in bad_ref.json()["detail"]


def test_the_cli_enrolls_tills_and_sets_settings_that_reach_the_tills(two_tills, pg_url, shop, central_server,
                                                                       tmp_path):
    t1, _ = two_tills

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "central.cli", *args], capture_output=True, text=True,
                              timeout=120, cwd=TESTS.parent)

    enrolled = cli("enroll-till", "--database-url", pg_url, "--store", shop, "--till", "T9")
    assert enrolled.returncode == 0, enrolled.stderr
    lines = enrolled.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("tt_")
    third = tmp_path / "T9.db"
    with opened(third):
        pass
    enroll(third, central_server.url, lines[0])
    assert sync(third).bootstrapped > 0

    setting = cli("set-setting", "--database-url", pg_url, "--store", shop, "show_customer_profile", "true")
    assert setting.returncode == 0, setting.stderr
    bad = cli("enroll-till", "--database-url", pg_url, "--store", shop, "--till", "no spaces allowed")
    assert bad.returncode != 0 and bad.stderr.count("\n") == 1 and "till code" in bad.stderr
    for path in (t1, third):
        sync(path)
        with opened(path):
            assert settings.get("show_customer_profile") is True


def test_a_till_edit_the_head_office_overtook_is_quarantined_and_blocks_nothing(two_tills, admin):
    t1, t2 = two_tills
    espresso = next(r for r in admin.get("/v1/admin/item").json() if r["code"] == "1001")
    with opened(t1):
        item = Item.get(Item.code == "1001")
        item.price = 199  # a manager on T1 cuts the price, offline
        item.save()
        later = customers.create({"name": "Made After", "phone": "+1 555 060 0001"}, None)
    admin.put(f"/v1/admin/item/{espresso['id']}", json={"price": 300})  # head office, meanwhile
    report = sync(t1)
    assert report.rejected == 1 and report.pushed > 0
    with opened(t1):
        quarantined = list(Outbox.select().where(Outbox.state == "quarantined"))
        assert [q.table_name for q in quarantined] == ["item"]
        assert "changed by the head office" in quarantined[0].error
        assert Item.get(Item.code == "1001").price == 300  # the central decision
        assert Outbox.select().where(Outbox.state == "pending").count() == 0
    sync(t2)
    with opened(t2):
        assert Item.get(Item.code == "1001").price == 300
        assert later.id in table_rows("customer")


def test_a_till_edit_of_head_office_data_nobody_else_touched_is_accepted(two_tills):
    t1, t2 = two_tills
    with opened(t1):
        item = Item.get(Item.code == "1003")
        item.price = 720
        item.save()
    assert sync(t1).rejected == 0
    sync(t2)
    with opened(t2):
        assert Item.get(Item.code == "1003").price == 720
