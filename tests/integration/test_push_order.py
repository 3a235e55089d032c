"""Two push batches in flight, applied in the order the till sent them (central/push_order.py): over HTTP
against the real store, and through a real till's sync round."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from sync_helpers import enroll, opened, sell, sync

from central import push_order

pytestmark = pytest.mark.postgres


def _body(prefix: str, count: int) -> bytes:
    """``count`` audit entries (a table with no references: any order would be accepted)."""
    ops = []
    for n in range(count):
        row = {"id": f"{prefix}{n}", "updated_at": "", "deleted_at": None, "server_version": None,
               "at": "2026-01-01T00:00:00.000000Z", "user_id": None, "action": "sale", "entity": "bill",
               "entity_id": f"{prefix}{n}", "detail": "{}"}
        ops.append({"op_id": f"op-{prefix}{n}", "table": "audit_log", "row_id": row["id"],
                    "hlc": "1700000000000-00000-P1", "payload": row})
    return json.dumps({"ops": ops}).encode()


def _client(central_server, token: str) -> httpx.Client:
    return httpx.Client(base_url=central_server.url, timeout=60,
                        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def _push(http, body: bytes, push_id: str | None = None, after: str | None = None) -> httpx.Response:
    headers = {}
    if push_id:
        headers["X-Push-Id"] = push_id
    if after:
        headers["X-Push-After"] = after
    return http.post("/v1/push", content=body, headers=headers)


def _backlog(path) -> list[str]:
    """Six sales made in the till at ``path``: its outbox's row ids, in order (enough for several batches)."""
    with opened(path):
        for _ in range(6):
            sell(None, entries=("1001", "1003"))
        from db.models import database

        return [row_id for (row_id,) in database.execute_sql("SELECT row_id FROM outbox ORDER BY seq")]


def _all_stored_in_order(central_server, shop, path, outbox: list[str]) -> None:
    """Every row of ``outbox`` is in the store, those pushed once with versions in the till's order, and
    nothing is left pending in the till."""
    stored = {row_id: version for _, row_id, version, _ in central_server.versions(shop)}
    assert set(outbox) <= set(stored)
    once = [row_id for row_id in outbox if outbox.count(row_id) == 1]
    assert len(once) > 20 and [stored[r] for r in once] == sorted(stored[r] for r in once)
    with opened(path):
        from db.outbox import pending_count

        assert pending_count() == 0


def test_a_batch_that_arrives_first_waits_for_the_one_it_follows(central_server, shop):
    token = central_server.enroll_till(shop, "P1")
    answers = {}
    with _client(central_server, token) as http:
        second = threading.Thread(target=lambda: answers.update(b=_push(http, _body("b", 30), "B", "A")))
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second batch was answered before the first one arrived"
        assert not central_server.versions(shop)  # and nothing of it is stored
        answers["a"] = _push(http, _body("a", 30), "A")
        second.join(30)
    for key in "ab":
        assert answers[key].status_code == 200
        assert {r["result"] for r in answers[key].json()["results"]} == {"ok"}
        assert answers[key].json()["in_order"] is True
    versions = {row_id: version for _, row_id, version, _ in central_server.versions(shop)}
    assert max(versions[f"a{n}"] for n in range(30)) < min(versions[f"b{n}"] for n in range(30))


def test_a_batch_whose_predecessor_never_comes_is_answered_retry(central_server, shop, monkeypatch):
    monkeypatch.setattr(push_order, "WAIT_S", 0.4)
    token = central_server.enroll_till(shop, "P1")
    with _client(central_server, token) as http:
        answer = _push(http, _body("c", 3), "C", "never-sent")
        assert answer.status_code == 200
        assert [r["result"] for r in answer.json()["results"]] == ["retry"] * 3
        assert "before this one" in answer.json()["results"][0]["reason"]
        assert not central_server.versions(shop)
        # sent again once the batch it follows has been applied, it goes through
        assert _push(http, _body("n", 1), "never-sent").json()["results"][0]["result"] == "ok"
        assert {r["result"] for r in _push(http, _body("c", 3), "C", "never-sent").json()["results"]} == {"ok"}


def test_a_till_has_one_batch_waiting_at_most(central_server, shop, monkeypatch):
    """Each waiting batch holds its body: when another batch of the same till starts to wait, the one
    waiting before (left behind by an earlier round) is answered at once, not kept."""
    monkeypatch.setattr(push_order, "WAIT_S", 3.0)
    token = central_server.enroll_till(shop, "P1")
    answers = {}
    with _client(central_server, token) as http:
        first = threading.Thread(target=lambda: answers.update(a=_push(http, _body("h", 2), "H1", "nope")))
        first.start()
        time.sleep(0.5)
        start = time.monotonic()
        second = threading.Thread(target=lambda: answers.update(b=_push(http, _body("i", 2), "H2", "nope2")))
        second.start()
        first.join(2)
        assert not first.is_alive() and time.monotonic() - start < 1.5 and second.is_alive()
        second.join(10)
    assert [r["result"] for r in answers["a"].json()["results"]] == ["retry"] * 2
    assert [r["result"] for r in answers["b"].json()["results"]] == ["retry"] * 2
    assert not push_order._waiting


def test_a_batch_sent_again_after_its_answer_was_lost_is_answered_duplicate(central_server, shop):
    token = central_server.enroll_till(shop, "P1")
    with _client(central_server, token) as http:
        assert {r["result"] for r in _push(http, _body("d", 2), "D1").json()["results"]} == {"ok"}
        assert {r["result"] for r in _push(http, _body("e", 2), "D2", "D1").json()["results"]} == {"ok"}
        again = _push(http, _body("e", 2), "D2", "D1")  # its answer lost, the till's client sends it again
        assert {r["result"] for r in again.json()["results"]} == {"duplicate"}
        assert {r["result"] for r in _push(http, _body("f", 2), "D3", "D2").json()["results"]} == {"ok"}


def test_malformed_order_headers_are_refused_with_one_line(central_server, shop):
    token = central_server.enroll_till(shop, "P1")
    with _client(central_server, token) as http:
        for push_id, after, detail in [("x" * 65, None, "X-Push-Id must be"), ("ok", "bad id!", "X-Push-After must be"),
                                       (None, "A", "X-Push-After needs X-Push-Id")]:
            headers = {k: v for k, v in (("X-Push-Id", push_id), ("X-Push-After", after)) if v is not None}
            answer = http.post("/v1/push", content=_body("g", 1), headers=headers)
            assert answer.status_code == 400 and detail in answer.text, answer.text
        # an unknown token is answered as such first, whatever its headers
        answer = http.post("/v1/push", content=_body("g", 1),
                           headers={"X-Push-Id": "bad id!", "Authorization": "Bearer not-a-token"})
        assert answer.status_code == 401
    assert not central_server.versions(shop)


def test_a_till_sends_its_backlog_two_batches_at_a_time_in_order(central_server, shop, first_till, monkeypatch):
    """The till's round: after the store's first answer says it keeps the order, the next batch goes out
    while the one before is still in flight, and the store holds every row in the till's outbox order."""
    from app.sync import client as client_module

    path, _ = first_till
    outbox = _backlog(path)
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))

    calls, overlapped, held = [], threading.Event(), []
    original = client_module.CentralClient.push

    def push(self, ops_json, order=None):
        calls.append(order)
        if len(calls) == 2:  # hold the second batch until the third is on its way
            held.append(overlapped.wait(5))
        if len(calls) == 3:
            overlapped.set()
        return original(self, ops_json, order)

    monkeypatch.setattr(client_module.CentralClient, "push", push)
    report = sync(path, engine_kwargs={"push_batch": 5})
    assert held == [True], "the third batch was not sent while the second was in flight"
    assert all(order is not None for order in calls)
    assert report.pushed == len(outbox) and report.rejected == 0 and report.retry == 0
    assert calls[0][1] is None and all(calls[n][1] == calls[n - 1][0] for n in range(1, len(calls)))
    assert len(calls) == -(-len(outbox) // 5)
    _all_stored_in_order(central_server, shop, path, outbox)


def test_an_everyday_push_of_one_batch_is_not_named(central_server, shop, first_till, monkeypatch):
    from app.sync import client as client_module

    path, _ = first_till
    enroll(path, central_server.url, central_server.enroll_till(shop, "T1"))
    sync(path)
    with opened(path):
        sell(None)
    calls = []
    original = client_module.CentralClient.push

    def push(self, ops_json, order=None):
        calls.append(order)
        return original(self, ops_json, order)

    monkeypatch.setattr(client_module.CentralClient, "push", push)
    report = sync(path)
    assert report.pushed > 0 and calls == [None]


def test_a_batch_lost_on_the_way_ends_the_round_and_the_next_round_sends_all(
        central_server, shop, first_till, proxy, monkeypatch):
    """The second batch never reaches the store while the third is in flight: the store holds the third
    back (WAIT_S), then answers it "retry"; the round reports the failure; the next round sends
    everything, and nothing is stored twice or out of the till's order."""
    from app.sync.client import Offline

    monkeypatch.setattr(push_order, "WAIT_S", 1.0)
    path, _ = first_till
    outbox = _backlog(path)
    enroll(path, proxy.url, central_server.enroll_till(shop, "T1"))
    proxy.add("/v1/push", "drop", skip=1)
    start = time.monotonic()
    with pytest.raises(Offline):
        sync(path, engine_kwargs={"push_batch": 5})
    assert time.monotonic() - start < 4
    report = sync(path, engine_kwargs={"push_batch": 5})
    assert report.rejected == 0 and report.retry == 0
    _all_stored_in_order(central_server, shop, path, outbox)
