"""The customers' sign-up page, in a real browser (the system's headless Chromium under selenium) against a
real central server on loopback and real PostgreSQL: the customer filled in on the page reaches every till
of the shop at its next sync, with the marketing consent and its time as given and the source recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from signup_steps import chromium, screenshot, signup_path
from sync_helpers import CentralServer, enroll, join_new_till, opened, sync

from central import store
from db.ids import utcnow
from db.models import AuditLog, Customer

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def server(pg_url):
    """A central server of its own, its per-address limits lifted: every request here comes from 127.0.0.1."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("POS_SIGNUP_PER_ADDRESS", "1000/60")
        env.setenv("POS_SIGNUP_VIEWS_PER_ADDRESS", "1000/60")
        central = CentralServer(pg_url)
    yield central
    central.close()


@pytest.fixture(scope="module")
def browser():
    driver = chromium(javascript=False)  # the page needs none
    yield driver
    driver.quit()


@pytest.fixture
def tills(server, first_till, tmp_path):
    """A shop of two tills (the first brought the small shop: staff, items, three customers), its phone
    region GB, its own privacy notice and consent wording."""
    path, known = first_till
    shop = server.new_shop()
    enroll(path, server.url, server.enroll_till(shop, "T1"))
    sync(path)
    other = tmp_path / "T2.db"
    join_new_till(server, shop, other)
    shop_id = server.shop_id(shop)
    for key, value in [("phone_region", "GB"), ("shop_name", "Corner Bistro"),
                       ("privacy_notice", "Corner Bistro keeps your details to know you at the till.\n\n"
                                          "Ask us to erase them at any time."),
                       ("marketing_consent_wording", "Send me the Corner Bistro newsletter and offers.")]:
        server.run(lambda conn, k=key, v=value: store.admin_write(conn, shop_id, "setting", k, {"value": v}))
    return shop, [path, other], known


def _fill(browser, values: dict, *, consent: bool, privacy: bool = True):
    from selenium.webdriver.common.by import By

    for name, text in values.items():
        box = browser.find_element(By.NAME, name)
        box.clear()
        box.send_keys(text)
    for name, wanted in (("marketing_consent", consent), ("privacy_accepted", privacy)):
        box = browser.find_element(By.NAME, name)
        if box.is_selected() != wanted:
            browser.find_element(By.CSS_SELECTOR, f"label[for='{box.get_attribute('id')}']").click()
    buttons = browser.find_elements(By.CSS_SELECTOR, "button, input[type=submit], input[type=image]")
    assert len(buttons) == 1, "the form has exactly one submit button"
    buttons[0].click()


def _wait_for_text(browser, text: str):
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # While the form's answer replaces the page, Chromium may report the old body as "Node with given id does
    # not belong to the document", a plain WebDriverException rather than a stale element: read it again.
    WebDriverWait(browser, 15, ignored_exceptions=(StaleElementReferenceException, WebDriverException)).until(
        lambda b: text in b.find_element(By.TAG_NAME, "body").text)


def test_a_customer_signs_up_in_the_browser_and_reaches_every_till(server, tills, browser, pg_url):
    from selenium.webdriver.common.by import By

    shop, paths, _ = tills
    url = server.url + signup_path(pg_url, shop)
    browser.set_window_size(1280, 900)
    browser.get(url)
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Corner Bistro" in body
    assert "Send me the Corner Bistro newsletter and offers." in body
    assert not browser.find_element(By.NAME, "marketing_consent").is_selected(), "consent starts unticked"
    for name in ("name", "phone", "email", "date_of_birth", "marketing_consent", "privacy_accepted"):
        field = browser.find_element(By.NAME, name)
        assert field.is_displayed()
        label = browser.find_element(By.CSS_SELECTOR, f"label[for='{field.get_attribute('id')}']")
        assert label.text.strip(), f"{name} has a visible label"
    assert not browser.find_element(By.NAME, "website").is_displayed(), "the honeypot is hidden"
    assert browser.find_elements(By.TAG_NAME, "script") == [], "the page has no scripts"
    screenshot(browser, "signup-form", 1280)
    screenshot(browser, "signup-form", 390)

    # The privacy notice the shop set, behind the link.
    notice = browser.find_element(By.PARTIAL_LINK_TEXT, "privacy notice").get_attribute("href")
    browser.get(notice)
    assert "Ask us to erase them at any time." in browser.find_element(By.TAG_NAME, "body").text
    screenshot(browser, "signup-privacy", 390)

    # Without the privacy notice accepted and with a bad phone: nothing kept, every problem said.
    browser.get(url)
    _fill(browser, {"name": "Ada Lovelace", "phone": "12", "email": "ada@example.com"}, consent=True,
          privacy=False)
    _wait_for_text(browser, "Please check")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "privacy notice" in body and "wrong number of digits" in body
    assert browser.find_element(By.NAME, "name").get_attribute("value") == "Ada Lovelace", "what was typed stays"
    screenshot(browser, "signup-errors", 1280)
    screenshot(browser, "signup-errors", 390)

    before = utcnow()
    browser.set_window_size(390, 844)  # filled in on a phone-sized window
    browser.get(url)
    _fill(browser, {"name": "  Ada   Lovelace ", "phone": "07700 900123", "email": "Ada@Example.COM",
                    "date_of_birth": "1990-05-17"}, consent=True)
    _wait_for_text(browser, "Thank you")
    screenshot(browser, "signup-thanks", 1280)
    screenshot(browser, "signup-thanks", 390)
    after = utcnow()

    for path in paths:
        sync(path)
        with opened(path):
            ada = Customer.get(Customer.phone == "+447700900123")  # normalised with the shop's region (GB)
            assert (ada.name, ada.name_norm, ada.email, ada.date_of_birth) == (
                "Ada Lovelace", "ada lovelace", "ada@example.com", "1990-05-17")
            assert ada.marketing_consent is True
            assert before - dt.timedelta(seconds=1) <= ada.marketing_consent_at <= after + dt.timedelta(seconds=1)
            assert ada.status == "active" and ada.merged_into_id is None
            entry = AuditLog.get((AuditLog.entity_id == ada.id) & (AuditLog.action == "customer.signup"))
            assert entry.detail["source"] == "web sign-up"
            assert entry.detail["marketing_consent"] is True
            assert entry.detail["consent_wording"] == "Send me the Corner Bistro newsletter and offers."
            assert Customer.select().where(Customer.name == "Ada Lovelace").count() == 1


def test_consent_left_unticked_is_stored_as_not_given(server, tills, browser, pg_url):
    shop, paths, _ = tills
    browser.set_window_size(1280, 900)
    browser.get(server.url + signup_path(pg_url, shop))
    _fill(browser, {"name": "Grace Hopper", "phone": "07700 900456"}, consent=False)
    _wait_for_text(browser, "Thank you")
    sync(paths[1])
    with opened(paths[1]):
        grace = Customer.get(Customer.phone == "+447700900456")
        assert (grace.marketing_consent, grace.marketing_consent_at, grace.email, grace.date_of_birth) == (
            False, None, None, None)
        entry = AuditLog.get((AuditLog.entity_id == grace.id) & (AuditLog.action == "customer.signup"))
        assert entry.detail["marketing_consent"] is False
