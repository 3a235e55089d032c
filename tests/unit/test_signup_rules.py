"""The sign-up page checks a customer with the same rules as the till's customer form: the central store's
restatement (central/signup_rules.py, which may not import app/) gives the same answer as app/ on the same
inputs, value for value and refusal for refusal. Also the page's rate limiter, on a clock the test turns."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app import contact, text
from app.customers import clean as till_clean
from app.errors import ValidationError
from central import signup_rules as rules
from central.signup_limits import Buckets, Limits, Rate
from db.models import Customer

ROOT = Path(__file__).resolve().parents[2]
REGIONS = ["US", "GB", "DE", "FR", "IN", "AU", "BR", "JP", "KW"]
PHONES = ["+1 555 010 0001", "(555) 010-0001", "07700 900123", "+44 7700 900123", "030 1234567", "12",
          "+49 30 1234567", "0", "+0000000", "9" * 17, "phone", "+1 (0) 555", "020 7946 0018", "+96522345678",
          "٠٧٧٠٠ ٩٠٠١٢٣", "+1-800-FLOWERS", ""]
EMAILS = ["Ada@Example.COM", "a@b", "a@b.co", "x@@y.com", "user+tag@sub.example.org", "  ", "ü@exämple.de",
          "name@localhost", "a" * 70 + "@example.com", "@example.com", ""]
DATES = ["1990-05-17", "1899-12-31", "1900-01-01", "2999-01-01", "19900517", "1990-02-30", "17/05/1990", "",
         " 1990-05-17 ", "1990-5-7"]


def outcome(fn, *args):
    try:
        return "ok", fn(*args)
    except (ValidationError, rules.FieldError) as exc:
        return "refused", str(exc), getattr(exc, "field", None)


def till_form(values: dict):
    """app.customers.clean on the fields it would check for an existing customer (no database needed)."""
    cleaned = till_clean(values, region="US", current=Customer())
    return cleaned


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("phone", PHONES)
def test_phone_rules_agree(phone, region):
    assert outcome(rules.normalise_phone, phone, region) == outcome(contact.normalise_phone, phone, region)


@given(st.text(alphabet="0123456789 +-()x.#*", max_size=24), st.sampled_from(REGIONS))
@settings(max_examples=300, deadline=None)
def test_phone_rules_agree_on_anything_typed(phone, region):
    assert outcome(rules.normalise_phone, phone, region) == outcome(contact.normalise_phone, phone, region)


@pytest.mark.parametrize("email", EMAILS)
def test_email_rules_agree(email):
    assert outcome(rules.normalise_email, email) == outcome(contact.normalise_email, email)


@given(st.text(max_size=40))
@settings(max_examples=200, deadline=None)
def test_names_and_their_search_keys_agree(name):
    assert rules.normalise_name(name) == text.normalise_name(name)
    mine = outcome(rules.clean_name, name)
    theirs = outcome(lambda n: till_form({"name": n})["name"], name)
    assert mine == theirs


@pytest.mark.parametrize("born", DATES)
def test_date_of_birth_rules_agree(born):
    mine = outcome(rules.clean_date_of_birth, born)
    # the till's form strips what is typed (ui/customer_form.py) before its rules see it
    theirs = outcome(lambda d: till_form({"date_of_birth": d.strip()}).get("date_of_birth") or None, born)
    assert mine == theirs


def test_default_region_is_the_tills():
    from app.settings import DEFAULTS

    assert DEFAULTS["phone_region"] == rules.DEFAULT_REGION
    assert {"privacy_notice", "marketing_consent_wording", "shop_name", "phone_region"} <= set(DEFAULTS)


def test_the_form_is_cleaned_whole():
    signup, errors = rules.clean({"name": " Ada  Lovelace ", "phone": "07700 900123", "email": "ADA@example.com",
                                  "date_of_birth": "1990-05-17", "privacy_accepted": "yes"}, "GB")
    assert errors == {}
    assert signup == rules.Signup("Ada Lovelace", "ada lovelace", "+447700900123", "ada@example.com", "1990-05-17",
                                  False)
    signup, errors = rules.clean({"name": "", "phone": "1" * 41, "date_of_birth": "soon",
                                  "marketing_consent": "yes"}, "GB")
    assert signup is None
    assert set(errors) == {"name", "phone", "date_of_birth", "privacy_accepted"}


def test_the_central_store_does_not_import_app_for_the_page():
    code = ("import sys, central.api, central.cli, central.signup; "
            "print(sorted(m for m in sys.modules if m == 'app' or m.startswith('app.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_buckets_refuse_past_the_burst_and_refill_with_time():
    now = [0.0]
    buckets = Buckets(Rate(3, 60), max_keys=2, clock=lambda: now[0])
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    assert buckets.take("a") == pytest.approx(20)  # one token every 20 s
    assert buckets.take("b") == 0, "another key has its own bucket"
    now[0] = 20.0
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0
    buckets.take("c")  # a third key: the least recently used one is forgotten (bounded memory)
    assert len(buckets._buckets) == 2


def test_limits_read_from_the_environment():
    limits = Limits.from_env({"POS_SIGNUP_PER_ADDRESS": "5/60", "POS_SIGNUP_CONCURRENT": "3"})
    assert limits.per_address == Rate(5, 60) and limits.concurrent == 3
    assert limits.per_shop == Limits().per_shop
    with pytest.raises(ValueError):
        Rate.parse("0/60")
