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


_SHARED_CODES = [1, 7, 44, 47, 61, 262, 290, 358, 590, 599]  # calling codes several regions share


@settings(max_examples=400, deadline=None)
@given(code=st.sampled_from(_SHARED_CODES + [33, 49, 91]), digits=st.from_regex(r"[0-9]{4,12}", fullmatch=True),
       region=st.sampled_from(["US", "CA", "AG", "DO", "PR", "GB", "GG", "JE", "IM", "AU", "CX", "RU", "KZ", "NO",
                               "SJ", "FI", "AX", "GP", "BL", "MF", "RE", "YT", "SH", "TA", "CW", "BQ", "FR", "DE"]))
def test_phone_shown_nationally_exactly_when_it_is_the_shops_region(code, digits, region):
    """format_phone's shortcut tries only the regions up to the shop's; the answer is the library's own."""
    import phonenumbers

    from app.contact import format_phone

    e164 = f"+{code}{digits}"
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return
    national = phonenumbers.region_code_for_number(number) == region
    fmt = phonenumbers.PhoneNumberFormat.NATIONAL if national else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    assert format_phone(e164, region) == phonenumbers.format_number(number, fmt)
