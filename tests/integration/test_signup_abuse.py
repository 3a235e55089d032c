"""The sign-up page over plain HTTP, as a browser or a robot sends it, against a real central server and
PostgreSQL: a phone already on file creates nothing and reveals nothing; consent is stored as given; CSRF,
the honeypot, the size caps and the rate limits (429) refuse what they should and keep nothing."""

from __future__ import annotations

import contextlib

import httpx
import pytest
from signup_steps import csrf_token, signup_path, submit
from sync_helpers import CentralServer, enroll, join_new_till, opened, sync

from db.models import AuditLog, ConflictLog, Customer

pytestmark = pytest.mark.postgres


@contextlib.contextmanager
def server_with(pg_url, **env):
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"POS_SIGNUP_PER_ADDRESS": "1000/60", "POS_SIGNUP_VIEWS_PER_ADDRESS": "1000/60",
                            **env}.items():
            patch.setenv(name, value)
        server = CentralServer(pg_url)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="module")
def server(pg_url):
    with server_with(pg_url) as central:
        yield central


def customers(server, shop) -> dict[str, dict]:
    return server.rows(shop, "customer")


@pytest.fixture
def linked(server, first_till):
    """A shop whose first till brought three customers (phones +1 555 010 0001..3), and its page."""
    path, known = first_till
    shop = server.new_shop()
    enroll(path, server.url, server.enroll_till(shop, "T1"))
    sync(path)
    return shop, path, signup_path(server.central.conninfo, shop)


def test_a_phone_already_on_file_creates_nothing_and_reveals_nothing(server, linked):
    shop, path, page = linked
    before = customers(server, shop)
    with httpx.Client(base_url=server.url) as browser:
        new = submit(browser, page, {"name": "New Person", "phone": "+1 555 010 0099", "privacy_accepted": "yes"})
        again = submit(browser, page, {"name": "Someone Else", "phone": "(555) 010-0001", "email": "x@example.com",
                                       "marketing_consent": "yes", "privacy_accepted": "yes"})
    assert new.status_code == again.status_code == 200
    assert "Thank you" in again.text
    assert new.text == again.text, "the answer for a phone on file is the same page, word for word"
    assert "Customer 1" not in again.text
    after = customers(server, shop)
    assert len(after) == len(before) + 1, "only the new phone made a customer"
    existing_id = next(i for i, row in after.items() if row["phone"] == "+15550100001")
    kept = after[existing_id]
    assert (kept["name"], kept["email"]) == ("Customer 1", None), "nothing but consent changes"
    assert kept["marketing_consent"] is True and kept["marketing_consent_at"], "consent given is switched on"

    sync(path)
    with opened(path):
        assert Customer.get_by_id(existing_id).marketing_consent is True
        request = AuditLog.get((AuditLog.entity_id == existing_id) & (AuditLog.action == "customer.signup_existing"))
        assert request.detail["submitted_name"] == "Someone Else"
        assert request.detail["submitted_email"] == "x@example.com"
        assert request.detail["consent_updated"] is True and request.detail["source"] == "web sign-up"
        notice = ConflictLog.get((ConflictLog.row_id == existing_id) & (ConflictLog.field == "web sign-up"))
        assert "Someone Else" in notice.loser and notice.winner == "Customer 1, on file with this phone; marketing consent switched on"


def test_consent_is_never_withdrawn_by_a_sign_up_without_it(server, linked):
    shop, _, page = linked
    with httpx.Client(base_url=server.url) as browser:
        submit(browser, page, {"name": "Customer 2", "phone": "+15550100002", "marketing_consent": "yes",
                               "privacy_accepted": "yes"})
        consented = next(r for r in customers(server, shop).values() if r["phone"] == "+15550100002")
        submit(browser, page, {"name": "Customer 2", "phone": "+15550100002", "privacy_accepted": "yes"})
    again = next(r for r in customers(server, shop).values() if r["phone"] == "+15550100002")
    assert again["marketing_consent"] is True
    assert again["marketing_consent_at"] == consented["marketing_consent_at"]


def test_csrf_and_honeypot_refusals_keep_nothing(server, linked):
    shop, _, page = linked
    before = customers(server, shop)
    fields = {"name": "Robot", "phone": "+1 555 010 0200", "privacy_accepted": "yes"}
    with httpx.Client(base_url=server.url) as robot:
        no_cookie = robot.post(page, data={**fields, "csrf_token": "1.abc"})
        assert no_cookie.status_code == 403 and "Thank you" not in no_cookie.text
        token = csrf_token(robot.get(page).text)
        stamp, mac = token.split(".")
        forged = robot.post(page, data={**fields, "csrf_token": f"{int(stamp) + 1}.{mac}"})
        assert forged.status_code == 403
        robot.cookies.clear()
        other_cookie = robot.post(page, data={**fields, "csrf_token": token})
        assert other_cookie.status_code == 403, "a token works only with the cookie it was made for"
        honeypot = submit(robot, page, {**fields, "website": "http://spam.example"})
        assert honeypot.status_code == 200 and "Thank you" in honeypot.text, "robots are not told"
    assert customers(server, shop) == before


def test_size_caps_and_bad_bodies(server, linked):
    shop, _, page = linked
    before = customers(server, shop)
    with httpx.Client(base_url=server.url) as browser:
        token = csrf_token(browser.get(page).text)
        huge = browser.post(page, data={"csrf_token": token, "name": "x" * 9000, "phone": "+15550100300",
                                        "privacy_accepted": "yes"})
        assert huge.status_code == 413
        long_name = browser.post(page, data={"csrf_token": token, "name": "x" * 300, "phone": "+15550100300",
                                             "privacy_accepted": "yes"})
        assert long_name.status_code == 422 and "too long" in long_name.text
        as_json = browser.post(page, json={"csrf_token": token, "name": "J", "phone": "+15550100300"})
        assert as_json.status_code == 400
        nul = browser.post(page, data={"csrf_token": token, "name": "A\x00B", "phone": "+15550100300",
                                       "privacy_accepted": "yes"})
        assert nul.status_code == 400
        assert browser.get("/signup/AAAAAAAAAAAAAAAAAAAA").status_code == 404
        assert browser.get("/signup/not-a-slug").status_code == 404
    assert customers(server, shop) == before


def test_rate_limits_answer_429_per_address_and_per_shop(pg_url, tmp_path):
    with server_with(pg_url, POS_SIGNUP_PER_ADDRESS="3/600", POS_SIGNUP_PER_SHOP="1000/60") as server:
        shop = server.new_shop()
        page = signup_path(pg_url, shop)
        with httpx.Client(base_url=server.url) as browser:
            answers = [submit(browser, page, {"name": f"P{n}", "phone": f"+1555010{n:04d}", "privacy_accepted": "yes"})
                       for n in range(400, 404)]
            assert [a.status_code for a in answers] == [200, 200, 200, 429]
            assert int(answers[-1].headers["Retry-After"]) > 0
            assert "Please try again in" in answers[-1].text and answers[-1].headers["content-type"].startswith(
                "text/html")
        # another address is not held back by this one
        with httpx.Client(base_url=server.url, transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
            assert submit(other, page, {"name": "Q", "phone": "+15550100500", "privacy_accepted": "yes"}).status_code == 200
        # and the tills' sync is not either: a new till gets the shop, the sign-ups included
        join_new_till(server, shop, tmp_path / "T1.db")
        with opened(tmp_path / "T1.db"):
            assert Customer.select().count() == 4
    with server_with(pg_url, POS_SIGNUP_PER_SHOP="2/600") as server:
        shop, other_shop = server.new_shop(), server.new_shop()
        page, other_page = signup_path(pg_url, shop), signup_path(pg_url, other_shop)
        with httpx.Client(base_url=server.url) as browser:
            codes = [submit(browser, page, {"name": f"S{n}", "phone": f"+1555010{n:04d}", "privacy_accepted": "yes"})
                     .status_code for n in range(600, 603)]
            assert codes == [200, 200, 429]
            assert submit(browser, other_page, {"name": "T", "phone": "+15550100700",
                                                "privacy_accepted": "yes"}).status_code == 200
        assert len(server.rows(shop, "customer")) == 2


def test_each_shop_has_its_own_stable_unguessable_path(server, pg_url):
    shop, other = server.new_shop(), server.new_shop()
    path = signup_path(pg_url, shop)  # the CLI makes the shop if it is new, as set-setting does
    assert signup_path(pg_url, shop) == path
    assert signup_path(pg_url, other) != path
    shop_id = server.shop_id(shop)
    assert shop_id not in path and len(path.rsplit("/", 1)[1]) >= 32
    with httpx.Client(base_url=server.url) as browser:
        assert browser.get(path).status_code == 200
        forged = path[:-1] + ("A" if path[-1] != "A" else "B")
        assert browser.get(forged).status_code == 404, "a path is checked, not guessed"
