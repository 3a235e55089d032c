"""Zero trust at the central store (issue 10): one till's token, stolen or broken, cannot poison, stop or
take over the shop. Real PostgreSQL, a real central server, real encrypted till files."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest
from sync_helpers import enroll, join_new_till, opened, sell, sync, table_rows

from app import auth, settings
from app.errors import PermissionDenied, ValidationError
from db import hlc
from db.models import (
    Barcode,
    CustomerCategory,
    CustomerProfile,
    Item,
    LoyaltyTier,
    Outbox,
    PreferenceDefinition,
    User,
)

pytestmark = pytest.mark.postgres
NOW_STAMP = "1700000000000-00000-evil"


@pytest.fixture
def shop_of_two(central_server, shop, first_till, tmp_path):
    """An office till T1 (it brought the shop its data) and a counter till T2, both synced; T2's token."""
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=True))
    sync(path)
    counter = tmp_path / "T2.db"
    token = central_server.enroll_till(shop, "T2", office=False)
    enroll(counter, central_server.url, token)
    sync(counter)
    return path, counter, token, known


@pytest.fixture
def http(central_server):
    made = []

    def make(token):
        made.append(httpx.Client(base_url=central_server.url, headers={"Authorization": f"Bearer {token}"},
                                 timeout=60))
        return made[-1]

    yield make
    for client in made:
        client.close()


def _op(table, row, stamp=None, op_id=None):
    stamp = stamp or hlc.format_stamp(int(time.time() * 1000), 0, "evil")
    row = dict(row)
    row.setdefault("updated_at", stamp)
    return {"op_id": op_id or f"op-{table}-{row['id']}", "table": table, "row_id": row["id"], "hlc": stamp,
            "fields": [c for c in row if c != "id"], "payload": row}


def _customer(row_id, **values):
    base = {"id": row_id, "name": "Poison", "name_norm": "poison", "phone": f"+1555077{abs(hash(row_id)) % 10000:04d}"}
    base.update(values)
    return base


def _bill(row_id, cashier, **values):
    base = {"id": row_id, "receipt_no": f"EV-{row_id}", "till_code": "EV", "cashier_id": cashier,
            "completed_at": "2026-01-01T10:00:00.000000Z", "opened_at": "2026-01-01T09:59:00.000000Z",
            "total": 100, "subtotal": 100}
    base.update(values)
    return base


def _results(client, ops):
    response = client.post("/v1/push", json={"ops": ops})
    assert response.status_code == 200, response.text
    return {r["op_id"]: r for r in response.json()["results"]}


def _everyone_keeps_working(central_server, shop, t1, t2, tmp_path, customer_id):
    """T1 sells and syncs, T2 pulls the sale and sells too, a new till joins and takes the whole shop."""
    with opened(t1):
        sell(customer_id)
    assert sync(t1).rejected == 0
    with opened(t2):
        sell(None)
    report = sync(t2)
    assert report.rejected == 0 and report.new_bills >= 1
    joined = join_new_till(central_server, shop, tmp_path / "T3.db", "T3")
    assert joined.bootstrapped > 0
    with opened(tmp_path / "T3.db"):
        assert len(table_rows("bill")) >= 2
        from app.sync.quarantine import pulled_count

        assert pulled_count() == 0
        assert settings.get("currency")  # settings read: no JSONDecodeError


def test_poison_rows_from_a_counter_till_are_refused_nothing_stored_and_the_shop_keeps_selling(
        central_server, shop, shop_of_two, http, tmp_path):
    t1, t2, token, known = shop_of_two
    cashier = known["manager"]
    client = http(token)
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20).decode()
    poison = {
        # head-office data: refused to a counter till whatever its content
        "setting-not-json": _op("setting", {"id": "currency", "value": "not json {"}),
        "item-tags": _op("item", {"id": "it-1", "code": "X1", "name": "X", "name_norm": "x", "price": 100,
                                  "tags": "not json"}),
        "barcode-no-item": _op("barcode", {"id": "bc-1", "item_id": "no-such-item", "code": "999"}),
        "negative-price": _op("item", {"id": "it-2", "code": "X2", "name": "X", "name_norm": "x", "price": -1}),
        "new-manager": _op("user", {"id": "u-evil", "name": "Evil", "role": "manager", "pin_hash": "x"}),
        # what a counter till may push, but not like this
        "stamp-not-hlc": _op("customer", _customer("c-1", updated_at="garbage")),
        "op-stamp-not-hlc": _op("customer", _customer("c-2"), stamp="yesterday"),
        "photo-not-b64": _op("customer", _customer("c-3", photo={"$b64": "!!! not base64 !!!"})),
        "photo-not-image": _op("customer", _customer("c-4", photo={"$b64": base64.b64encode(b"MZ" * 50).decode()})),
        "bill-time-garbage": _op("bill", _bill("b-1", cashier, completed_at="garbage")),
        "bill-far-future": _op("bill", _bill("b-2", cashier, completed_at="2999-01-01T00:00:00.000000Z")),
        "bill-no-customer": _op("bill", _bill("b-3", cashier, customer_id="no-such-customer")),
        "line-no-bill": _op("bill_line", {"id": "l-1", "bill_id": "no-such-bill", "line_no": 1, "code": "1001",
                                          "name": "Espresso", "quantity": 1, "unit_price": 250, "total": 250}),
        "payment-no-bill": _op("payment", {"id": "p-1", "bill_id": "no-such-bill", "method": "cash", "amount": 1}),
        "points-no-customer": _op("loyalty_entry", {"id": "le-1", "customer_id": "nobody", "kind": "earn",
                                                    "points": 5}),
        "lone-surrogate": _op("customer", _customer("c-5", notes="bad \ud800 text")),
        "huge-note": _op("customer", _customer("c-6", notes="n" * 100_000)),
        "deep-preferences": _op("bill", _bill("b-4", cashier, preferences_applied="[" * 50 + "]" * 50)),
        "huge-quantity": _op("bill_line", {"id": "l-2", "bill_id": "b-ok", "line_no": 1, "code": "1001",
                                           "name": "Espresso", "quantity": 10**9, "unit_price": 250, "total": 1}),
    }
    for key, op in poison.items():
        op["op_id"] = f"op-{key}"
    good_bill = _op("bill", _bill("b-ok", cashier))
    good_customer = _op("customer", _customer("c-ok", photo={"$b64": png}))
    # the lone surrogate travels as the JSON escape a hostile client would send
    body = json.dumps({"ops": [*poison.values(), good_bill, good_customer]}).encode()
    response = client.post("/v1/push", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    answers = {r["op_id"]: r for r in response.json()["results"]}
    for key in poison:
        answer = answers[f"op-{key}"]
        assert answer["result"] == "rejected", (key, answer)
        assert answer["reason"], key
    assert answers[good_bill["op_id"]]["result"] == "ok"
    assert answers[good_customer["op_id"]]["result"] == "ok"
    assert "head-office data" in answers["op-new-manager"]["reason"]
    assert "hybrid clock" in answers["op-stamp-not-hlc"]["reason"]
    assert "base64" in answers["op-photo-not-b64"]["reason"]
    assert "image" in answers["op-photo-not-image"]["reason"]
    assert "names no customer" in answers["op-bill-no-customer"]["reason"]
    assert "Unicode" in answers["op-lone-surrogate"]["reason"]
    # nothing of them stored
    for table, row_id in [("setting", "currency"), ("item", "it-1"), ("barcode", "bc-1"), ("user", "u-evil"),
                          ("customer", "c-1"), ("customer", "c-3"), ("customer", "c-5"), ("customer", "c-6"),
                          ("bill", "b-1"), ("bill", "b-3"), ("bill_line", "l-1"), ("payment", "p-1")]:
        assert row_id not in central_server.rows(shop, table), (table, row_id)
    _everyone_keeps_working(central_server, shop, t1, t2, tmp_path, known["customers"][0])


def test_poison_in_head_office_data_is_refused_even_from_an_office_till(central_server, shop, shop_of_two, http,
                                                                       tmp_path):
    t1, t2, _, known = shop_of_two
    office = http(central_server.enroll_till(shop, "T1", office=True))
    answers = _results(office, [
        _op("setting", {"id": "currency", "value": "not json {"}, op_id="s"),
        _op("item", {"id": "it-1", "code": "X1", "name": "X", "name_norm": "x", "price": 100, "tags": "no"},
            op_id="tags"),
        _op("barcode", {"id": "bc-1", "item_id": "no-such-item", "code": "999"}, op_id="bc"),
        _op("item", {"id": "it-2", "code": "X2", "name": "X", "name_norm": "x", "price": -1}, op_id="neg"),
        _op("user", {"id": "u-x", "name": "X", "role": "owner", "pin_hash": "x"}, op_id="role"),
    ])
    assert {k: a["result"] for k, a in answers.items()} == dict.fromkeys(["s", "tags", "bc", "neg", "role"],
                                                                        "rejected")
    assert "not JSON" in answers["s"]["reason"] and "negative" in answers["neg"]["reason"]
    assert "names no item" in answers["bc"]["reason"]
    assert central_server.rows(shop, "setting").get("currency", {}).get("value") != "not json {"
    _everyone_keeps_working(central_server, shop, t1, t2, tmp_path, known["customers"][0])


def _head_office_edits(manager_id):
    """On the open till: a manager changes a price, adds a manager, re-PINs the Manager, adds a profile,
    a category, a loyalty tier and a preference definition, and changes a setting."""
    from app.text import normalise_name

    manager = User.get_by_id(manager_id)
    item = Item.get(Item.code == "1001")
    item.price = 1
    item.save()
    Barcode(item=item, code="50000001").save()
    auth.create_user("Intruder", auth.MANAGER, "5555")
    manager.pin_hash = auth.hash_pin("8888")
    manager.save()
    CustomerProfile(name="Friends", rule="discount", discount_bp=10000).save()
    CustomerCategory(name="Everyone", discount_bp=5000).save()
    LoyaltyTier(name="Platinum", min_spend=0, discount_bp=9000).save()
    PreferenceDefinition(key="diet.free", label="Free", category="dietary").save()
    settings.update({"line_discount_limit_bp": 10000}, manager)
    return normalise_name


def test_a_counter_till_cannot_change_head_office_data_and_gets_the_shops_back(central_server, shop, shop_of_two):
    t1, t2, _, known = shop_of_two
    before = {t: central_server.rows(shop, t) for t in ("item", "user", "setting", "customer_profile")}
    with opened(t2):
        _head_office_edits(known["manager"])
    report = sync(t2)
    assert report.rejected == 9  # price, barcode, new user, PIN, profile, category, tier, preference, setting
    assert all("head-office data" in r for r in report.rejections), report.rejections
    for table, rows in before.items():
        after = central_server.rows(shop, table)
        assert after.keys() == rows.keys(), table
        assert all({k: v for k, v in after[i].items() if k != "server_version"}
                   == {k: v for k, v in r.items() if k != "server_version"} for i, r in rows.items()), table
    sync(t2)  # the store's rows come back
    with opened(t2):
        assert Outbox.select().where(Outbox.state == "pending").count() == 0
        assert Item.get(Item.code == "1001").price == 250
        assert User.get_or_none((User.name == "Intruder") & User.deleted_at.is_null()) is None
        assert auth.sign_in("9999").name == "Manager"  # the real Manager's PIN is the shop's again
        assert CustomerProfile.get_or_none((CustomerProfile.name == "Friends") & CustomerProfile.deleted_at.is_null()) is None
        assert settings.get("line_discount_limit_bp") == 1000
    sync(t1)
    with opened(t1):
        assert Item.get(Item.code == "1001").price == 250
        assert auth.sign_in("9999").name == "Manager"
        with pytest.raises(PermissionDenied):
            auth.sign_in("5555")


def test_an_office_till_and_the_head_office_can_change_head_office_data(central_server, shop, shop_of_two):
    t1, t2, _, known = shop_of_two
    with opened(t1):
        _head_office_edits(known["manager"])
    report = sync(t1)
    assert report.rejected == 0, report.rejections
    sync(t2)
    with opened(t2):
        assert Item.get(Item.code == "1001").price == 1
        assert auth.sign_in("5555").name == "Intruder"
        assert auth.sign_in("8888").name == "Manager"
        assert CustomerProfile.get(CustomerProfile.name == "Friends").discount_bp == 10000
        assert LoyaltyTier.get(LoyaltyTier.name == "Platinum")
        assert PreferenceDefinition.get(PreferenceDefinition.key == "diet.free")
        assert settings.get("line_discount_limit_bp") == 10000
    # the head office, with its own token
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
        item_id = next(i for i, r in central_server.rows(shop, "item").items() if r["code"] == "1001")
        assert admin.put(f"/v1/admin/item/{item_id}", json={"price": 275}).status_code == 200
        assert admin.put("/v1/admin/setting/line_discount_limit_bp", json={"value": 500}).status_code == 200
        assert admin.put("/v1/admin/item/" + item_id, json={"price": -5}).status_code == 422
        manager_id = known["manager"]
        assert admin.put(f"/v1/admin/user/{manager_id}", json={"pin": "1111"}).status_code == 422  # the Cashier's
        assert admin.put(f"/v1/admin/user/{manager_id}", json={"pin": "424242"}).status_code == 200
        made = admin.post("/v1/admin/user", json={"name": "Head Office Hire", "role": "cashier", "pin": "7373"})
        assert made.status_code == 200, made.text
    for path in (t1, t2):
        sync(path)
        with opened(path):
            assert Item.get(Item.code == "1001").price == 275
            assert settings.get("line_discount_limit_bp") == 500
            assert auth.sign_in("424242").name == "Manager"
            assert auth.sign_in("7373").name == "Head Office Hire"


def test_a_claimed_server_version_overrides_nothing(central_server, shop, shop_of_two, http):
    t1, _, _, _ = shop_of_two
    office = http(central_server.enroll_till(shop, "T1", office=True))
    item_id, row = next((i, r) for i, r in central_server.rows(shop, "item").items() if r["code"] == "1001")
    with httpx.Client(base_url=central_server.url,
                      headers={"Authorization": f"Bearer {central_server.admin_token(shop)}"}) as admin:
        assert admin.put(f"/v1/admin/item/{item_id}", json={"price": 300}).status_code == 200
    forged = dict(row, price=1, server_version=10**15)
    answers = _results(office, [_op("item", forged, op_id="forged")])
    assert answers["forged"]["result"] == "rejected" and "head office" in answers["forged"]["reason"]
    assert central_server.rows(shop, "item")[item_id]["price"] == 300


def test_a_far_future_stamp_moves_no_clock_and_gets_no_sale_refused(central_server, shop, shop_of_two, http,
                                                                  tmp_path):
    t1, t2, token, known = shop_of_two
    client = http(token)
    far = "9999999999999-99999-evil"
    customer_id = known["customers"][1]
    row = dict(central_server.rows(shop, "customer")[customer_id], name="From The Future", updated_at=far)
    row.pop("server_version")
    answers = _results(client, [_op("customer", row, stamp=far, op_id="future-edit"),
                                _op("bill", _bill("b-future", known["manager"], updated_at=far), stamp=far,
                                    op_id="future-bill")])
    assert answers["future-edit"]["result"] == "ok" and answers["future-bill"]["result"] == "ok"
    stored = central_server.rows(shop, "customer")[customer_id]
    limit = hlc.format_stamp(int(time.time() * 1000) + 11 * 60 * 1000, 0, "")
    assert stored["updated_at"] < limit  # re-stamped at the store's clock
    before = int(time.time() * 1000)
    for path in (t1, t2):
        sync(path)
        with opened(path):
            assert hlc.parse_stamp(hlc.clock.now())[0] < before + 3600 * 1000
            assert (settings.local("hlc_seen") or "") < limit
            sell(customer_id)
        report = sync(path)
        assert report.rejected == 0, report.rejections
        with opened(path):
            stamp = hlc.clock.now()
            assert hlc.well_formed(stamp) and stamp < limit
    # a later edit on a till with a right clock wins over the one from the future
    with opened(t1):
        from app import customers

        customers.update(customer_id, {"name": "Edited Now"}, User.get_by_id(known["manager"]))
    sync(t1)
    sync(t2)
    with opened(t2):
        assert table_rows("customer")[customer_id]["name"] == "Edited Now"


def test_a_pulled_row_the_till_cannot_read_is_set_aside_and_the_cursor_moves_on(central_server, shop, shop_of_two,
                                                                               tmp_path):
    """Rows written past the store's checks (an older store, a restored dump) cannot stop a till."""
    t1, t2, _, known = shop_of_two
    shop_id = central_server.shop_id(shop)
    bad = [("setting", "currency", {"id": "currency", "value": "not json {", "updated_at": "", "deleted_at": None}),
           ("customer", "c-bad-photo", {"id": "c-bad-photo", "name": "P", "name_norm": "p", "phone": "+15550990001",
                                        "photo": {"$b64": "!!!"}, "updated_at": ""}),
           ("bill", "b-bad", {"id": "b-bad", "receipt_no": "Z-1", "till_code": "Z", "cashier_id": known["manager"],
                              "completed_at": "garbage", "opened_at": "garbage", "updated_at": "9999999999999-99999-x"}),
           ("item", "i-bad", {"id": "i-bad", "code": "Q1", "name": "Q", "name_norm": "q", "price": 5,
                              "tags": "nope", "updated_at": "not a stamp"}),
           ("customer", "c-dict-name", {"id": "c-dict-name", "name": {"first": "No"}, "name_norm": "no",
                                        "phone": "+15550990002", "updated_at": ""})]

    def poison(conn):
        version = conn.execute("SELECT version FROM shop WHERE id = %s FOR UPDATE", (shop_id,)).fetchone()[0]
        for n, (table, row_id, data) in enumerate(bad, 1):
            conn.execute("INSERT INTO sync_row (shop_id, tbl, id, version, origin, data) VALUES "
                         "(%s, %s, %s, %s, 'x', %s) ON CONFLICT (shop_id, tbl, id) DO UPDATE SET "
                         "version = excluded.version, data = excluded.data",
                         (shop_id, table, row_id, version + n, json.dumps(data)))
        conn.execute("UPDATE shop SET version = %s WHERE id = %s", (version + len(bad), shop_id))
        return version + len(bad)

    top = central_server.run(poison)
    for path in (t2, t1):
        report = sync(path)
        assert report.cursor >= top  # past the rows it set aside
        with opened(path):
            from app.sync.quarantine import pulled_problems

            kept = {(q.table_name, q.row_id): q.reason for q in pulled_problems()}
            assert set(kept) == {(t, i) for t, i, _ in bad}, kept
            assert "JSON" in kept[("setting", "currency")]
            assert "refused it" in kept[("customer", "c-dict-name")]
            assert settings.get("currency") == "USD"
            assert hlc.parse_stamp(hlc.clock.now())[0] < int(time.time() * 1000) + 3600 * 1000
            sell(known["customers"][0])
        assert sync(path).rejected == 0
    joined = join_new_till(central_server, shop, tmp_path / "T3.db", "T3")
    assert joined.bootstrapped > 0


def test_a_pin_clash_made_offline_ends_the_same_on_every_till(central_server, shop, first_till, tmp_path):
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=True))
    sync(path)
    other = tmp_path / "T2.db"
    enroll(other, central_server.url, central_server.enroll_till(shop, "T2", office=True))
    sync(other)
    # offline, each till gives out PIN 4321; and T2 gives the cashier's PIN 1111 to a new manager
    with opened(path):
        auth.create_user("Alice", auth.CASHIER, "4321")
    with opened(other):
        auth.create_user("Bob", auth.MANAGER, "4321")
        with pytest.raises(ValidationError, match="already has this PIN"):
            auth.create_user("Carol", auth.MANAGER, "1111")  # unique among the staff this till knows
    for till in (path, other, path):
        assert sync(till).rejected == 0
    for till in (path, other):
        with opened(till):
            with pytest.raises(auth.PinClash):
                auth.sign_in("4321")
            assert auth.find_by_pin("4321") is None
            assert [sorted(u.name for u in group) for group in auth.pin_clashes()] == [["Alice", "Bob"]]
            from app.sync.quarantine import problem_count

            assert problem_count() == 1
            assert auth.sign_in("1111").name == "Cashier"
    # a manager gives Bob a new PIN: Alice's 4321 signs in as Alice, on every till
    with opened(path):
        bob = User.get(User.name == "Bob")
        bob.pin_hash = auth.hash_pin("246810")  # 6 digits
        bob.save()
    sync(path)
    sync(other)
    for till in (path, other):
        with opened(till):
            assert auth.sign_in("4321").name == "Alice"
            assert auth.sign_in("246810").name == "Bob"
            assert auth.pin_clashes() == []


def test_pins_are_argon2_and_old_scrypt_hashes_still_sign_in(tmp_path, memory_keyring):
    import hashlib
    import secrets

    with opened(tmp_path / "pins.db"):
        user = auth.create_user("Dana", auth.CASHIER, "123456")
        assert user.pin_hash.startswith("$argon2id$") and "123456" not in user.pin_hash
        salt = secrets.token_bytes(16)
        digest = hashlib.scrypt(b"7777", salt=salt, dklen=32, n=2**12, r=8, p=1)
        old = User.create(name="Old", role="cashier", pin_hash=f"scrypt${salt.hex()}${digest.hex()}")
        assert auth.sign_in("7777").id == old.id
        assert User.get_by_id(old.id).pin_hash.startswith("$argon2id$")  # rehashed at sign-in
        assert auth.sign_in("7777").id == old.id
        assert auth.sign_in("123456").id == user.id


def test_a_new_shops_first_till_brings_its_data_even_as_a_counter_till_then_cannot_change_it(
        central_server, shop, first_till, tmp_path):
    """A demo database enrolled with a plain enroll-till seeds the empty shop in its first round; after
    that first pull it is a counter till like any other."""
    path, known = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1", office=False))
    assert sync(path).rejected == 0
    assert any(r["code"] == "1001" for r in central_server.rows(shop, "item").values())
    assert known["manager"] in central_server.rows(shop, "user")
    joined = join_new_till(central_server, shop, tmp_path / "T2.db", "T2")
    assert joined.bootstrapped > 0
    with opened(tmp_path / "T2.db"):
        assert auth.sign_in("9999").name == "Manager"
    with opened(path):
        item = Item.get(Item.code == "1001")
        item.price = 1
        item.save()
    report = sync(path)
    assert report.rejected == 1 and "head-office data" in report.rejections[0]
    with opened(path):
        assert Item.get(Item.code == "1001").price == 250
    # a second shop whose first push carries no head-office data: no till of it may seed later
    other = central_server.new_shop()
    token = central_server.enroll_till(other, "X1", office=False)
    with httpx.Client(base_url=central_server.url, headers={"Authorization": f"Bearer {token}"}) as client:
        first = _results(client, [_op("customer", _customer("c-first"), op_id="first")])
        assert first["first"]["result"] == "ok"
        later = _results(client, [_op("item", {"id": "i-x", "code": "9", "name": "X", "name_norm": "x", "price": 1},
                                      op_id="later")])
        assert later["later"]["result"] == "rejected"


def test_the_demo_shop_passes_every_check_and_seeds_a_new_shop(central_server, shop, tmp_path, memory_keyring):
    """Every row a real till writes (the demo shop: catalogue, staff, customers with preferences, sales,
    points) passes the store's checks: a demo till enrolled with a plain token brings it all."""
    from app.till import open_till

    path = tmp_path / "demo.db"
    open_till(path, demo_data=True).close()
    enroll(path, central_server.url, central_server.enroll_till(shop, "D1", office=False))
    report = sync(path)
    assert report.rejected == 0, report.rejections[:5]
    assert report.pushed > 100
    joined = tmp_path / "D2.db"
    assert join_new_till(central_server, shop, joined, "D2").bootstrapped >= report.pushed // 2
    with opened(joined):
        assert auth.sign_in("9999").name == "Manager" and auth.sign_in("1111").name == "Cashier"
        assert Item.get(Item.code == "1002").price == 320
        from app.sync.quarantine import pulled_count

        assert pulled_count() == 0


def test_promotions_are_head_office_data(central_server, shop, shop_of_two):
    """A promotion gives money away at every counter: only an office till (or the head office) sets one."""
    from app import promotions

    t1, t2, _, known = shop_of_two
    with opened(t2):
        promotions.save(User.get_by_id(known["manager"]), {"name": "Counter giveaway", "kind": "percent",
                                                          "value": 9000})
    report = sync(t2)
    assert report.rejected == 1 and "head-office data" in report.rejections[0], report.rejections
    assert not central_server.rows(shop, "promotion")
    with opened(t1):
        promotions.save(User.get_by_id(known["manager"]), {"name": "Office offer", "kind": "percent",
                                                          "value": 500})
    assert sync(t1).rejected == 0
    sync(t2)
    with opened(t2):
        assert [r.name for r in promotions.all_rules()] == ["Office offer"]


def test_a_refused_change_goes_back_to_its_till_even_with_a_sale_naming_the_row_in_the_same_push(
        central_server, shop, shop_of_two, http):
    """The store versions a refused row again so its till's next pull brings the store's copy back. A bill
    in the same push naming that customer read the customer once more, over the batch's own write: the
    new version was lost and the till kept the value the store had refused."""
    t1, t2, token, known = shop_of_two
    customer = known["customers"][0]
    before = {row_id: version for _, row_id, version, _ in central_server.versions(shop)}[customer]
    stored = central_server.rows(shop, "customer")[customer]
    results = _results(http(token), [
        _op("customer", _customer(customer, default_profile_id="no-such-profile"), op_id="refused-edit"),
        _op("bill", _bill("b-names-the-customer", known["manager"], customer_id=customer), op_id="sale")])
    assert results["refused-edit"]["result"] == "rejected" and results["sale"]["result"] == "ok"
    after = {row_id: version for _, row_id, version, _ in central_server.versions(shop)}[customer]
    assert after > before
    row = central_server.rows(shop, "customer")[customer]
    assert row["default_profile_id"] == stored["default_profile_id"] and row["name"] == stored["name"]
    assert row["server_version"] == after
