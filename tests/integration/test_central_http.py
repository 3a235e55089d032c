"""pos-central over HTTP: ``pos-central serve`` keeps an idle connection open longer than its clients do
(httpx drops an idle kept-alive connection after 5 s): with both at 5 s, a request sent as the server
closed the connection got no answer at all ("Server disconnected without sending a response", bench_load
at 10x). And no answer of the store is cached by anyone in between (``Cache-Control: no-store``)."""

from __future__ import annotations

import http.client
import json
import time

import httpx
import pytest

from central import push_fast
from central.child import serving
from central.cli import KEEP_ALIVE_S
from central.database import migrate

pytestmark = pytest.mark.postgres

CLIENT_EXPIRY_S = httpx.Limits().keepalive_expiry  # what the tills' client and the load benchmark keep


def test_an_idle_connection_outlives_the_clients_keep_alive(pg_url):
    assert CLIENT_EXPIRY_S is not None and KEEP_ALIVE_S >= CLIENT_EXPIRY_S + 5
    migrate(pg_url)
    with serving(pg_url) as base:
        host, port = base.removeprefix("http://").split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request("GET", "/health")
            first = conn.getresponse()
            assert first.status == 200 and first.getheader("connection", "").lower() != "close"
            first.read()
            # idle a little past the clients' limit: the time at which both used to give the connection up
            time.sleep(CLIENT_EXPIRY_S + 1)
            conn.request("GET", "/health")  # the same socket (http.client reconnects only if it knows it closed)
            second = conn.getresponse()
            assert second.status == 200
            second.read()
            assert conn.sock is not None
        finally:
            conn.close()


def test_every_answer_says_no_store(central_server, shop):
    token = central_server.enroll_till(shop, "H1")
    with httpx.Client(base_url=central_server.url) as http:
        answers = [http.get("/health"), http.get("/v1/pull", headers={"Authorization": "Bearer nope"}),
                   http.post("/v1/push", content=b'{"ops": []}', headers={"Authorization": f"Bearer {token}"}),
                   http.post("/v1/push", content=b"not json", headers={"Authorization": f"Bearer {token}"}),
                   http.get("/v1/pull", headers={"Authorization": f"Bearer {token}"})]
    assert [a.status_code for a in answers] == [200, 401, 200, 422, 200]
    assert all(a.headers.get_list("cache-control") == ["no-store"] for a in answers), [a.headers for a in answers]


def test_a_row_stored_as_sent_is_the_row_that_was_checked(central_server, shop):
    """A new append-only row is stored from the till's own text (central/batch.py ``_as_sent``): what
    PostgreSQL keeps, and what another till pulls, is exactly the row the checks saw, whatever the text's
    key order, spacing, escapes or repeated keys (the last one counts, in the checks as in jsonb)."""
    token = central_server.enroll_till(shop, "S1")
    stamp = "1700000000000-00000-S1"
    payload = ('{ "detail" : "{\\"note\\": \\"a \\\\\\"quoted\\\\\\" \\\\u00e9 line\\\\nbreak\\"}",\n'
               '  "action": "sale", "action": "sale.void", "entity": "bill", "entity_id": "b\\u00e9\\/1",'
               '  "id": "a1", "updated_at": "", "deleted_at": null, "server_version": 99,'
               '  "at": "2026-01-01T00:00:00.000000Z", "user_id": null }')
    body = ('{"ops": [{"op_id": "o1", "table": "audit_log", "row_id": "a1", "hlc": "' + stamp + '", "payload": '
            + payload + "}]}").encode()
    (parsed,) = push_fast.parse(body)
    assert parsed.op.refused is None and parsed.text is not None  # it takes the stored-as-sent way
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    with httpx.Client(base_url=central_server.url, headers=headers) as http:
        answer = http.post("/v1/push", content=body).json()
        assert answer["results"] == [{"op_id": "o1", "result": "ok", "reason": None}]
        other = {"Authorization": f"Bearer {central_server.enroll_till(shop, 'S2')}"}
        pulled = http.get("/v1/pull", params={"cursor": 0}, headers=other).json()
    expected = json.loads(payload)  # the last "action" counts
    assert expected["action"] == "sale.void" and json.loads(expected["detail"])["note"] == 'a "quoted" é line\nbreak'
    expected["server_version"] = answer["shop_version"]
    stored = central_server.rows(shop, "audit_log")["a1"]
    assert stored == expected
    (table,) = pulled["tables"]
    assert table["table"] == "audit_log" and table["rows"] == [expected]
