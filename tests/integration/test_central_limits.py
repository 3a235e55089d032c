"""Limits of the central store: oversized bodies get 413 before they fill the server's memory, JSON nested
too deep and text that is not Unicode get 422, never a server error; TLS; tokens listed and revoked."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import ssl
import subprocess
import sys
import time

import httpx
import pytest
from sync_helpers import TESTS

from central import limits

pytestmark = pytest.mark.postgres


@pytest.fixture
def tokens_of(central_server, shop):
    return central_server.enroll_till(shop, "L1", office=False), central_server.admin_token(shop)


def _post(url, token, path, body: bytes, **headers):
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as http:
        return http.post(path, content=body, headers={"Content-Type": "application/json", **headers})


def test_oversized_bodies_get_413(central_server, tokens_of):
    till, admin = tokens_of
    note = "n" * (limits.MAX_BODY + 1024)  # the 150 MB note of the issue, at the cap's scale
    body = json.dumps({"ops": [{"op_id": "a", "table": "customer", "row_id": "c", "hlc": "1-1-1",
                                "payload": {"id": "c", "notes": note}}]}).encode()
    assert _post(central_server.url, till, "/v1/push", body).status_code == 413

    def streamed():  # no Content-Length: counted as it arrives
        chunk = b" " * (1024 * 1024)
        for _ in range(limits.MAX_BODY // len(chunk) + 2):
            yield chunk

    with httpx.Client(base_url=central_server.url, headers={"Authorization": f"Bearer {till}"}, timeout=120) as http:
        assert http.post("/v1/push", content=streamed()).status_code == 413
    big_row = json.dumps({"code": "1", "name": "x" * (limits.MAX_ADMIN_BODY + 10)}).encode()
    assert _post(central_server.url, admin, "/v1/admin/item", big_row).status_code == 413
    # the store still answers
    assert _post(central_server.url, till, "/v1/push", b'{"ops": []}').status_code == 200


def test_deeply_nested_json_gets_422(central_server, tokens_of):
    till, admin = tokens_of
    deep = b"[" * 3000 + b"]" * 3000
    push = b'{"ops": [{"op_id": "a", "table": "customer", "row_id": "c", "hlc": "x", "payload": {"id": ' + deep + b"}}]}"
    assert _post(central_server.url, till, "/v1/push", push).status_code == 422
    assert _post(central_server.url, till, "/v1/push", deep).status_code == 422
    answer = _post(central_server.url, admin, "/v1/admin/item", b'{"code": "1", "name": ' + deep + b"}")
    assert answer.status_code == 422, answer.text
    answer = _post(central_server.url, admin, "/v1/admin/setting", b'{"id": "x", "value": ' + deep + b"}")
    assert answer.status_code == 422, answer.text


def test_text_that_is_not_unicode_gets_422_or_a_rejection(central_server, tokens_of):
    till, admin = tokens_of
    envelope = (b'{"ops": [{"op_id": "a\\ud800", "table": "customer", "row_id": "c", "hlc": "1700000000000-00000-x", '
                b'"payload": {"id": "c"}}]}')
    assert _post(central_server.url, till, "/v1/push", envelope).status_code == 422
    bad_key = (b'{"ops": [{"op_id": "b", "table": "customer", "row_id": "c", "hlc": "1700000000000-00000-x", '
               b'"payload": {"id": "c", "n\\udc00": 1}}]}')
    assert _post(central_server.url, till, "/v1/push", bad_key).status_code in (200, 422)
    in_value = (b'{"ops": [{"op_id": "c", "table": "customer", "row_id": "c2", "hlc": "1700000000000-00000-x", "payload": '
                b'{"id": "c2", "name": "x\\ud800", "name_norm": "x", "phone": "+15550101234"}}]}')
    answer = _post(central_server.url, till, "/v1/push", in_value)
    assert answer.status_code == 200 and answer.json()["results"][0]["result"] == "rejected"
    answer = _post(central_server.url, admin, "/v1/admin/item",
                   b'{"code": "1", "name": "x\\ud800", "name_norm": "x", "price": 1}')
    assert answer.status_code == 422, answer.text


def _cli(*args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(TESTS.parent))
    return subprocess.run([sys.executable, "-m", "central.cli", *args], capture_output=True, text=True,
                          input=stdin, env=env, cwd=TESTS.parent, timeout=120)


def test_tokens_of_every_kind_are_listed_and_revoked(central_server, pg_url, shop):
    office = _cli("enroll-till", "--database-url", pg_url, "--store", shop, "--till", "B1", "--office")
    counter = _cli("enroll-till", "--database-url", pg_url, "--store", shop, "--till", "C1")
    admin = _cli("admin-token", "--database-url", pg_url, "--store", shop)
    assert office.returncode == counter.returncode == admin.returncode == 0
    listed = _cli("tokens", "list", "--database-url", pg_url, "--store", shop)
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.strip().splitlines()
    assert len(lines) == 3
    assert "till B1 (office)" in lines[0] and "till C1 (counter)" in lines[1] and "head office" in lines[2]
    assert all(line.endswith("live") for line in lines)
    for token, line in [(office.stdout.strip(), lines[0]), (admin.stdout.strip(), lines[2])]:
        token_id = line.split("\t")[0]
        assert token[:8] not in token_id  # the id is not the secret
        with httpx.Client(base_url=central_server.url, headers={"Authorization": f"Bearer {token}"}) as http:
            path = "/v1/pull" if token.startswith("tt_") else "/v1/admin/item"
            assert http.get(path).status_code == 200
            revoked = _cli("tokens", "revoke", "--database-url", pg_url, "--store", shop, token_id)
            assert revoked.returncode == 0 and "revoked" in revoked.stdout
            assert http.get(path).status_code == 401
    after = _cli("tokens", "list", "--database-url", pg_url, "--store", shop).stdout.splitlines()
    assert "revoked" in after[0] and after[1].endswith("live") and "revoked" in after[2]
    wrong = _cli("tokens", "revoke", "--database-url", pg_url, "--store", shop, "zz")
    assert wrong.returncode != 0 and len(wrong.stderr.strip().splitlines()) == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_with_tls_and_a_till_that_enrolls_over_it(pg_url, shop, tmp_path, memory_keyring, monkeypatch):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "central.cli", "serve", "--database-url", pg_url, "--bind",
                                f"127.0.0.1:{port}", "--tls-cert", str(cert), "--tls-key", str(key),
                                "--log-level", "warning"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=TESTS.parent)
    url = f"https://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(url + "/health", verify=ssl.create_default_context(cafile=str(cert)),
                             timeout=1).status_code == 200:
                    break
            assert process.poll() is None and time.monotonic() < deadline, process.stderr.read()
            time.sleep(0.1)
        with pytest.raises(httpx.TransportError):  # plain HTTP on the TLS port gets nowhere
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2).raise_for_status()
        from app.sync import client, engine
        from central import tokens as central_tokens
        from central.cli import _run

        token = _run(pg_url, lambda conn: central_tokens.enroll_till(conn, shop, "S1", office=True))
        monkeypatch.setenv("POS_TILL_CA_FILE", str(cert))
        client._tls_context.cache_clear()
        from sync_helpers import opened

        with opened(tmp_path / "tls.db"):
            info = engine.enroll(tmp_path / "tls.db", url, token)
            assert info.office and info.till_code == "S1"
            assert engine.sync_round(tmp_path / "tls.db").cursor >= 0
        client._tls_context.cache_clear()
    finally:
        process.terminate()
        process.wait(30)
        process.stdout.close()
        process.stderr.close()


def _till(path, keyring_path, *args, stdin=None):
    env = dict(os.environ, PYTHONPATH=str(TESTS), PYTHON_KEYRING_BACKEND="memory_keyring.FileKeyring",
               TILL_TEST_KEYRING_FILE=str(keyring_path), QT_QPA_PLATFORM="offscreen",
               XDG_STATE_HOME=str(path.parent / "state"), XDG_DATA_HOME=str(path.parent / "data"))
    return subprocess.run([sys.executable, "-m", "app", "--db", str(path), *args], env=env, text=True, input=stdin,
                          capture_output=True, cwd=TESTS.parent, timeout=120)


def test_enroll_reads_the_token_from_stdin_and_refuses_plain_http_to_another_computer(
        central_server, shop, tmp_path, memory_keyring):
    from sync_helpers import keyring_file_for, opened

    from app import settings

    path = tmp_path / "till.db"
    with opened(path):
        pass
    keys = keyring_file_for(memory_keyring, path)
    token = central_server.enroll_till(shop, "E1", office=False)
    elsewhere = _till(path, keys, "enroll", "--central", "http://192.0.2.10:8700", stdin=token + "\n")
    assert elsewhere.returncode != 0 and "plain HTTP" in elsewhere.stderr and "--insecure" in elsewhere.stderr
    piped = _till(path, keys, "enroll", "--central", central_server.url, stdin=token + "\n")
    assert piped.returncode == 0, piped.stderr
    assert "Enrolled as till E1" in piped.stdout
    with opened(path):
        assert settings.local("till_code") == "E1" and not settings.local("till_office")
