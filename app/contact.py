"""Phone numbers (E.164 via ``phonenumbers``) and email addresses (``email-validator``)."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from app.errors import ValidationError


def normalise_phone(text: str, region: str = "US", field: str = "phone") -> str:
    """The number in E.164 (``+15550100000``); ValidationError if it is not a possible working number."""
    raw = (text or "").strip()
    if not raw:
        raise ValidationError("A phone number is required.", field)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(f"'{raw}' is not a phone number.", field) from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(f"'{raw}' has the wrong number of digits for a phone number.", field)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Some odd inputs (a country code followed by zeros) format to a string that parses as another number;
    # accept only numbers whose E.164 form reads back as itself, so stored numbers stay unique and stable.
    if phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.E164) != e164:
        raise ValidationError(f"'{raw}' is not a phone number.", field)
    return e164


def format_phone(e164: str | None, region: str = "US") -> str:
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if _is_region_of(number, region)
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


_FIRST_MATCH = getattr(phonenumbers.phonenumberutil, "_region_code_for_number_from_list", None)


def _is_region_of(number, region: str) -> bool:
    """``region_code_for_number(number) == region``, without trying every region of the calling code:
    that returns the first region of the code's list that matches (25 share +1, the US first), so only the
    regions up to ``region`` matter (a customer list formats 20 numbers at each keystroke)."""
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code) or ()
    if region not in regions or len(regions) == 1 or _FIRST_MATCH is None:
        return phonenumbers.region_code_for_number(number) == region
    return _FIRST_MATCH(number, regions[: regions.index(region) + 1]) == region


def normalise_email(text: str | None, field: str = "email") -> str | None:
    """Lower-cased, syntax-checked address (no DNS look-up: the till may be offline); None if blank."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValidationError(f"'{raw}' is not a valid email address: {exc}", field) from None
    return result.normalized.lower()
