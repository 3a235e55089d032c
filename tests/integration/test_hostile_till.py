"""A hostile till, black-box: an enrolled till's real token (or none) against the central store's HTTP API,
trying to change or hide what another till of the shop stored. Real PostgreSQL, a real server on loopback,
plain HTTP requests as any program could send them."""

from __future__ import annotations

import uuid

import pytest
from test_zero_trust import _op, _results, http  # noqa: F401  (http: the fixture, used by name)

from central import roles

pytestmark = pytest.mark.postgres


def _new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def hostile_shop(central_server, shop, http):  # noqa: F811
    """A shop seeded by its office till (a manager, an item, a customer), two counter tills C1 and C2 and
    one sale of C1's: (clients by till code, ids)."""
    clients = {code: http(central_server.enroll_till(shop, code, office=code == "HQ")) for code in ("HQ", "C1", "C2")}
    ids = {"manager": _new_id(), "item": _new_id(), "customer": _new_id(), "bill": _new_id()}
    seeded = _results(clients["HQ"], [
        _op("user", {"id": ids["manager"], "name": "Boss", "role": "manager", "pin_hash": "x" * 20}),
        _op("item", {"id": ids["item"], "code": "1001", "name": "Espresso", "name_norm": "espresso", "price": 250}),
        _op("customer", {"id": ids["customer"], "name": "Emily", "name_norm": "emily", "phone": "+15550100001"}),
    ])
    assert {r["result"] for r in seeded.values()} == {"ok"}
    sale = _results(clients["C1"], _sale(ids["bill"], "C1-1", ids))
    assert {r["result"] for r in sale.values()} == {"ok"}
    return clients, ids


def _sale(bill_id: str, receipt_no: str, ids: dict, op_id: str | None = None) -> list[dict]:
    bill = {"id": bill_id, "receipt_no": receipt_no, "till_code": receipt_no.split("-")[0],
            "cashier_id": ids["manager"], "customer_id": ids["customer"], "status": "completed", "kind": "sale",
            "opened_at": "2026-01-01T09:59:00.000000Z", "completed_at": "2026-01-01T10:00:00.000000Z",
            "subtotal": 250, "total": 250}
    line = {"id": _new_id(), "bill_id": bill_id, "line_no": 1, "item_id": ids["item"], "code": "1001",
            "name": "Espresso", "quantity": 1, "unit_price": 250, "total": 250}
    payment = {"id": _new_id(), "bill_id": bill_id, "method": "card", "amount": 250}
    return [_op("bill", bill, op_id=op_id), _op("bill_line", line), _op("payment", payment)]


def _children_of(central_server, shop, bill_id: str) -> dict[str, int]:
    return {table: sum(1 for row in central_server.rows(shop, table).values() if row.get("bill_id") == bill_id)
            for table in ("bill_line", "payment", "loyalty_entry")}


def test_a_till_cannot_add_lines_payments_or_points_to_another_tills_sale(central_server, shop, hostile_shop,
                                                                          http):  # noqa: F811
    clients, ids = hostile_shop
    bill = ids["bill"]
    attack = [
        _op("payment", {"id": _new_id(), "bill_id": bill, "method": "cash", "amount": -250}),
        _op("bill_line", {"id": _new_id(), "bill_id": bill, "line_no": 2, "code": "1001", "name": "Espresso",
                          "quantity": 40, "unit_price": 250, "total": 10000}),
        _op("loyalty_entry", {"id": _new_id(), "bill_id": bill, "customer_id": ids["customer"], "kind": "earn",
                              "points": 100000, "at": "2026-01-01T10:00:00.000000Z"}),
    ]
    for hostile in ("C2", "HQ"):  # another counter till, and even the office till: a sale is its till's
        answers = _results(clients[hostile], [dict(op, op_id=f"{op['op_id']}-{hostile}") for op in attack])
        assert [r["result"] for r in answers.values()] == ["rejected"] * 3, answers
        assert all("another till" in r["reason"] for r in answers.values())
    assert _children_of(central_server, shop, bill) == {"bill_line": 1, "payment": 1, "loyalty_entry": 0}
    # nor can a till of another shop, which does not even learn that the bill exists
    outsider = http(central_server.enroll_till(central_server.new_shop(), "X1", office=False))
    answer = _results(outsider, attack[:1])[attack[0]["op_id"]]
    assert answer["result"] == "rejected" and "names no bill of this shop" in answer["reason"]

    # the sale's own till still adds to it (a document split over two pushes), even under a renamed receipt
    clashing = _new_id()
    first = _results(clients["C1"], _sale(clashing, "C1-1", ids)[:1])  # C1-1 is taken: kept as C1-1~...
    assert [r["result"] for r in first.values()] == ["ok"]
    assert central_server.rows(shop, "bill")[clashing]["receipt_no"].startswith("C1-1~")
    rest = _results(clients["C1"], _sale(clashing, "C1-1", ids)[1:])
    assert [r["result"] for r in rest.values()] == ["ok", "ok"]
    assert _children_of(central_server, shop, clashing) == {"bill_line": 1, "payment": 1, "loyalty_entry": 0}


def test_a_till_cannot_claim_another_tills_operation_id(central_server, shop, hostile_shop, http):  # noqa: F811
    """Operation ids make a push idempotent for the till that sent it, never for another till: C2 using
    the id C1's next sale will carry does not get that sale answered "duplicate" and dropped."""
    clients, ids = hostile_shop
    taken = f"op-{_new_id()}"
    squat = _op("customer", {"id": _new_id(), "name": "Squatter", "name_norm": "squatter"}, op_id=taken)
    assert _results(clients["C2"], [squat])[taken]["result"] == "ok"

    bill = _new_id()
    sale = _sale(bill, "C1-2", ids, op_id=taken)
    assert _results(clients["C1"], sale)[taken]["result"] == "ok"
    assert bill in central_server.rows(shop, "bill")
    # each till's repeat is still a repeat, and nothing is stored twice
    assert _results(clients["C1"], sale)[taken]["result"] == "duplicate"
    assert _results(clients["C2"], [squat])[taken]["result"] == "duplicate"
    assert [row["name"] for row in central_server.rows(shop, "customer").values()].count("Squatter") == 1
    assert _children_of(central_server, shop, bill) == {"bill_line": 1, "payment": 1, "loyalty_entry": 0}
    # ids are per shop: another shop's till using the same id stores its own change
    outsider = http(central_server.enroll_till(central_server.new_shop(), "X1", office=False))
    assert _results(outsider, [squat])[taken]["result"] == "ok"


def _manager(name: str) -> dict:
    return _op("user", {"id": _new_id(), "name": name, "role": "manager", "pin_hash": "y" * 20})


def test_a_counter_till_that_seeded_a_new_shop_loses_the_right_once_anyone_else_writes(central_server, http):  # noqa: F811
    """The first till of a new shop may bring it head-office data (a demo database) until its first pull; a
    hostile first till that never pulls must not keep that right once the shop is in use by others (but a
    first till still sending its backlog is not cut off half-way by another till's push)."""
    for other in ("till", "head office"):
        shop = central_server.new_shop()
        first = http(central_server.enroll_till(shop, "C1", office=False))
        item = {"id": _new_id(), "code": "1001", "name": "Espresso", "name_norm": "espresso", "price": 250}
        assert _results(first, [_op("item", item)])[f"op-item-{item['id']}"]["result"] == "ok"  # seeding
        if other == "till":
            second = http(central_server.enroll_till(shop, "C2", office=False))
            customer = _op("customer", {"id": _new_id(), "name": "Emily", "name_norm": "emily"})
            assert _results(second, [customer])[customer["op_id"]]["result"] == "ok"
            # still sending its backlog (seen just now): another till's push does not cut it off half-way
            still = {"id": _new_id(), "code": "1002", "name": "Croissant", "name_norm": "croissant", "price": 320}
            assert _results(first, [_op("item", still)])[f"op-item-{still['id']}"]["result"] == "ok"
            _quiet_for(central_server, shop, roles.SEEDING_IDLE_S + 1)  # then it stops, and never pulls
            later = _op("customer", {"id": _new_id(), "name": "Li", "name_norm": "li"})
            assert _results(second, [later])[later["op_id"]]["result"] == "ok"
        else:
            admin = http(central_server.admin_token(shop))
            assert admin.put("/v1/admin/setting/currency", json={"value": "USD"}).status_code == 200
        evil = _manager("Evil")
        answer = _results(first, [evil])[evil["op_id"]]
        assert answer["result"] == "rejected" and "head-office data" in answer["reason"], (other, answer)
        assert "Evil" not in [row["name"] for row in central_server.rows(shop, "user").values()]


def _quiet_for(central_server, shop: str, seconds: int, column: str = "last_seen_at") -> None:
    """Every till of the shop last seen (or linked) ``seconds`` ago: time passing, without the wait."""
    shop_id = central_server.shop_id(shop)
    central_server.run(lambda conn: conn.execute(
        f"UPDATE till SET {column} = now() - make_interval(secs => %s) WHERE shop_id = %s", (seconds, shop_id)))


def test_a_first_till_that_keeps_pushing_and_never_pulls_loses_seeding_an_hour_after_it_was_linked(
        central_server, http):  # noqa: F811
    shop = central_server.new_shop()
    first = http(central_server.enroll_till(shop, "C1", office=False))
    item = {"id": _new_id(), "code": "1001", "name": "Espresso", "name_norm": "espresso", "price": 250}
    assert _results(first, [_op("item", item)])[f"op-item-{item['id']}"]["result"] == "ok"  # seeding
    _quiet_for(central_server, shop, roles.SEEDING_MAX_S + 1, "created_at")  # linked an hour ago, busy now
    second = http(central_server.enroll_till(shop, "C2", office=False))
    customer = _op("customer", {"id": _new_id(), "name": "Emily", "name_norm": "emily"})
    assert _results(second, [customer])[customer["op_id"]]["result"] == "ok"
    evil = _manager("Evil")
    assert _results(first, [evil])[evil["op_id"]]["result"] == "rejected"


def test_an_erased_customer_stays_erased_whatever_a_till_pushes(central_server, shop, hostile_shop):
    clients, ids = hostile_shop
    customer = ids["customer"]
    erased = {"id": customer, "name": "Erased customer", "name_norm": "erased customer", "phone": None,
              "status": "inactive", "erased_at": "2026-01-02T10:00:00.000000Z"}
    assert _results(clients["C1"], [_op("customer", erased)])[f"op-customer-{customer}"]["result"] == "ok"
    back = _op("customer", {"id": customer, "name": "Emily", "name_norm": "emily", "phone": "+15550100001",
                            "status": "active", "erased_at": None}, op_id="un-erase")
    assert _results(clients["C2"], [back])["un-erase"]["result"] in ("ok", "rejected")
    row = central_server.rows(shop, "customer")[customer]
    assert (row["name"], row["phone"], row["status"]) == ("Erased customer", None, "inactive")
    assert row["erased_at"] == erased["erased_at"]


def test_a_revoked_token_gets_nothing_anywhere_and_one_tills_push_order_never_holds_up_another(
        central_server, shop, hostile_shop, http, monkeypatch):  # noqa: F811
    from central import push_order

    monkeypatch.setattr(push_order, "WAIT_S", 0.5)  # the in-process server's wait for a batch that never comes
    clients, ids = hostile_shop
    token = central_server.enroll_till(shop, "C3", office=False)
    revoked = http(token)
    from central import tokens

    central_server.run(lambda conn: tokens.revoke_token(conn, token))
    for method, path, params in (("POST", "/v1/enroll", None), ("POST", "/v1/push", None),
                                 ("GET", "/v1/pull", {"cursor": 0}), ("GET", "/v1/snapshot", None),
                                 ("GET", "/v1/own", {"after": 0}), ("GET", "/v1/admin/item", None)):
        response = revoked.request(method, path, params=params, json={"ops": []} if method == "POST" else None)
        assert response.status_code == 401, (path, response.text)
    # C2 names batches as C1 would and leaves one waiting for a batch that never comes
    customer = _op("customer", {"id": _new_id(), "name": "Squatter", "name_norm": "squatter"})
    clients["C2"].post("/v1/push", json={"ops": [customer]}, headers={"X-Push-Id": "b1"})
    waiting = _op("customer", {"id": _new_id(), "name": "Waits", "name_norm": "waits"})
    held = clients["C2"].post("/v1/push", json={"ops": [waiting]}, headers={"X-Push-Id": "b3", "X-Push-After": "b2"})
    assert held.json()["results"][0]["result"] == "retry"
    sale = _sale(_new_id(), "C1-2", ids)
    answer = clients["C1"].post("/v1/push", json={"ops": sale}, headers={"X-Push-Id": "b2", "X-Push-After": "b1"})
    assert [r["result"] for r in answer.json()["results"]] == ["retry"] * 3  # C1 never sent b1: its own order
    answer = clients["C1"].post("/v1/push", json={"ops": sale}, headers={"X-Push-Id": "b1"})
    assert [r["result"] for r in answer.json()["results"]] == ["ok"] * 3


def test_a_till_cannot_squat_the_id_a_sales_void_will_take(central_server, shop, hostile_shop):
    """A void's id derives from its sale's (two tills voiding one sale collide instead of refunding twice),
    so any till can work it out: a bill under that id that is not the void is refused, and the real void
    is stored when it comes."""
    from db.ids import derived_id

    clients, ids = hostile_shop
    void_id = derived_id("void", ids["bill"])
    squat = _results(clients["C2"], _sale(void_id, "C2-1", ids)[:1])
    assert [r["result"] for r in squat.values()] == ["rejected"]
    void = _sale(void_id, "C1-2", ids)[0]
    void["payload"].update(kind="void", status="void", voids_id=ids["bill"], total=-250, subtotal=-250)
    assert [r["result"] for r in _results(clients["C1"], [void]).values()] == ["ok"]
    assert central_server.rows(shop, "bill")[void_id]["voids_id"] == ids["bill"]


def test_a_till_cannot_squat_the_ids_a_voids_lines_refunds_and_points_will_take(central_server, shop, hostile_shop):
    """A void's lines, refunds and point reversals take ids derived from the void's (and so from the sale's):
    a till parking rows under them on a bill of its own is refused, and the real void is stored whole."""
    from db.ids import derived_id

    clients, ids = hostile_shop
    own_bill = _new_id()
    assert {r["result"] for r in _results(clients["C2"], _sale(own_bill, "C2-1", ids)).values()} == {"ok"}
    void_id = derived_id("void", ids["bill"])
    sale = central_server.rows(shop, "payment")
    paid = next(row_id for row_id, row in sale.items() if row["bill_id"] == ids["bill"])
    line_id = derived_id("bill_line", void_id, "1")
    refund_id = derived_id("payment", void_id, paid)
    points_id = derived_id("loyalty_entry", void_id, "earn")
    squats = [
        _op("bill_line", {"id": line_id, "bill_id": own_bill, "line_no": 2, "code": "1001", "name": "Espresso",
                          "quantity": 1, "unit_price": 250, "total": 250}),
        _op("payment", {"id": refund_id, "bill_id": own_bill, "method": "card", "amount": 1}),
        _op("loyalty_entry", {"id": points_id, "bill_id": own_bill, "customer_id": ids["customer"],
                              "kind": "earn", "points": 1, "at": "2026-01-01T10:00:00.000000Z"}),
    ]
    assert [r["result"] for r in _results(clients["C2"], squats).values()] == ["rejected"] * 3

    void = _sale(void_id, "C1-2", ids)
    void[0]["payload"].update(kind="void", status="void", voids_id=ids["bill"])
    void[1]["payload"].update(id=line_id, bill_id=void_id)
    void[2]["payload"].update(id=refund_id, bill_id=void_id, amount=-250)
    void = [_op(op["table"], op["payload"]) for op in void]
    void.append(_op("loyalty_entry", {"id": points_id, "bill_id": void_id, "customer_id": ids["customer"],
                                      "kind": "adjust", "points": -2, "at": "2026-01-01T11:00:00.000000Z"}))
    assert [r["result"] for r in _results(clients["C1"], void).values()] == ["ok"] * 4
