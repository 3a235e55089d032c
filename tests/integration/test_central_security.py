"""Security of the central store: every endpoint but /health needs a token, a token reaches only its own
shop, a revoked token is refused, till and head-office tokens cannot stand in for each other, and a
version mismatch gets a clear answer."""

from __future__ import annotations

import httpx
import pytest
from sync_helpers import enroll, opened, sync, table_rows

from app import customers
from app.sync.client import Refused

pytestmark = pytest.mark.postgres


@pytest.fixture
def client(central_server):
    """client(token) -> an httpx client on the central server with that bearer token (closed after)."""
    made = []

    def make(token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        made.append(httpx.Client(base_url=central_server.url, headers=headers))
        return made[-1]

    yield make
    for http in made:
        http.close()


def _op(table, row):
    return {"op_id": f"op-{row['id']}", "table": table, "row_id": row["id"], "hlc": "1700000000000-00000-x",
            "fields": list(row), "payload": row}


def test_no_endpoint_but_health_answers_without_a_token(central_server, client):
    http = client()
    assert http.get("/health").status_code == 200
    spec = http.get("/openapi.json").json()
    checked = 0
    for path, methods in spec["paths"].items():
        if path == "/health":
            continue
        concrete = path.replace("{table}", "item").replace("{row_id}", "x")
        for method in methods:
            response = http.request(method.upper(), concrete, json={"ops": []} if method != "get" else None)
            assert response.status_code == 401, (method, path, response.text)
            checked += 1
    assert checked >= 8
    bogus = http.get("/v1/pull", headers={"Authorization": "Bearer tt_not-a-real-token"})
    assert bogus.status_code == 401 and "unknown or has been revoked" in bogus.json()["detail"]


def test_a_tills_token_cannot_read_or_write_another_shops_data(central_server, client, first_till, tmp_path):
    path, known = first_till
    shop_a, shop_b = central_server.new_shop(), central_server.new_shop()
    enroll(path, central_server.url, central_server.enroll_till(shop_a, "T1"))
    sync(path)
    token_b = central_server.enroll_till(shop_b, "B1")
    http = client(token_b)

    # reading: shop B sees none of shop A's rows, by pull or by snapshot
    pulled = http.get("/v1/pull", params={"cursor": 0}).json()
    assert pulled["count"] == 0 and pulled["tables"] == []
    snap = http.get("/v1/snapshot").json()
    assert snap["tables"] == []

    # writing: a row with the id of one of A's customers lands in B only; A's row is untouched
    victim = known["customers"][0]
    before = central_server.rows(shop_a, "customer")[victim]
    forged = dict(before, name="Forged", server_version=None)
    answer = http.post("/v1/push", json={"ops": [_op("customer", forged)]}).json()
    assert answer["results"][0]["result"] == "ok"
    assert central_server.rows(shop_a, "customer")[victim] == before
    assert central_server.rows(shop_b, "customer")[victim]["name"] == "Forged"
    sync(path)
    with opened(path):
        assert table_rows("customer")[victim]["name"] == before["name"]

    # head-office tokens are bound to their shop too
    admin_b = client(central_server.admin_token(shop_b))
    item_a = next(iter(central_server.rows(shop_a, "item")))
    assert admin_b.get(f"/v1/admin/item/{item_a}").status_code == 404
    assert admin_b.get("/v1/admin/item").json() == []


def test_a_revoked_token_is_refused(central_server, shop, first_till):
    path, _ = first_till
    token = central_server.enroll_till(shop, "T1")
    enroll(path, central_server.url, token)
    sync(path)
    from central import tokens

    central_server.run(lambda conn: tokens.revoke_till(conn, shop, "T1"))
    with opened(path):
        customers.create({"name": "After Revocation", "phone": "+1 555 040 0001"}, None)
    with pytest.raises(Refused) as refused:
        sync(path)
    assert refused.value.status == 401 and "revoked" in refused.value.message
    with opened(path):
        from db.outbox import pending_count

        assert pending_count() > 0  # nothing lost: it waits for a new token
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    assert sync(path).pushed > 0


def test_till_and_head_office_tokens_cannot_stand_in_for_each_other(central_server, client, shop):
    till = client(central_server.enroll_till(shop, "T1"))
    admin = client(central_server.admin_token(shop))
    assert till.get("/v1/admin/item").status_code == 403
    assert admin.get("/v1/pull").status_code == 403
    assert admin.post("/v1/push", json={"ops": []}).status_code == 403


def test_a_protocol_or_schema_mismatch_gets_a_clear_answer(central_server, client, shop):
    from central.protocol import TILL_SCHEMA

    token = central_server.enroll_till(shop, "T1")
    http = client(token)
    old = http.get("/v1/pull", headers={"X-Till-Protocol": "0"})
    assert old.status_code == 426 and "protocol 0" in old.json()["detail"]
    newer = http.get("/v1/pull", headers={"X-Till-Schema": str(TILL_SCHEMA + 1)})
    assert newer.status_code == 426 and "Upgrade pos-central" in newer.json()["detail"]


def test_bad_operations_are_rejected_one_by_one_never_the_whole_batch(central_server, client, shop):
    token = central_server.enroll_till(shop, "T1")
    http = client(token)
    good = {"id": "c-good", "name": "Good", "name_norm": "good", "phone": "+15550500001"}
    ops = [
        _op("customer", good),
        _op("no_such_table", {"id": "x"}),
        _op("customer", {"id": "c-bad", "name": 12}),
        _op("customer", {"id": "c-nul", "name": "a\x00b"}),
        _op("conflict_log", {"id": "forged-conflict"}),
    ]
    results = http.post("/v1/push", json={"ops": ops}).json()["results"]
    assert [r["result"] for r in results] == ["ok", "rejected", "rejected", "rejected", "rejected"]
    assert "unknown table" in results[1]["reason"] and "customer.name" in results[2]["reason"]
    again = http.post("/v1/push", json={"ops": ops}).json()["results"]
    assert [r["result"] for r in again] == ["duplicate", "rejected", "rejected", "rejected", "rejected"]
