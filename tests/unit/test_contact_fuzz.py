"""Fuzzing phone and email normalisation: any text gives a normalised value or a clear ValidationError."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.contact import normalise_email, normalise_phone
from app.errors import ValidationError

phoneish = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"\+?[0-9 ().\-]{0,20}", fullmatch=True),
    st.builds(lambda a, b, c: f"({a}) {b}-{c}", st.integers(200, 999), st.integers(200, 999),
              st.integers(0, 9999).map(lambda n: f"{n:04d}")),
)


@settings(max_examples=300, deadline=None)
@given(text=phoneish, region=st.sampled_from(["US", "GB", "DE", "IN", "AU"]))
def test_phone_normalisation_is_total_and_idempotent(text, region):
    try:
        e164 = normalise_phone(text, region)
    except ValidationError as exc:
        assert exc.field == "phone" and exc.message
        return
    assert e164.startswith("+") and e164[1:].isdigit()
    assert normalise_phone(e164, region) == e164


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(max_size=40), st.emails().map(str)))
def test_email_normalisation_is_total_and_idempotent(text):
    try:
        email = normalise_email(text)
    except ValidationError as exc:
        assert exc.field == "email" and exc.message
        return
    if email is None:
        assert not text.strip()
        return
    assert email == email.lower() and "@" in email
    assert normalise_email(email) == email
