"""The sign-up form's fields, checked and normalised with the same rules as the till's customer form
(app/customers.clean, app/contact.py; the name key is db/text.py, shared). The central store does not import
app/ (issue 16), so the other rules are restated here; tests/unit/test_signup_rules.py runs both on the same inputs and asserts
they agree, so a change to one without the other fails."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from db.text import normalise_name

DEFAULT_REGION = "US"  # app/settings.DEFAULTS["phone_region"]
MAX_NAME = 120
# What one field may hold before it is even looked at (the form's size caps).
MAX_RAW = {"name": 200, "phone": 40, "email": 254, "date_of_birth": 20}


class FieldError(ValueError):
    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Signup:
    name: str
    name_norm: str
    phone: str  # E.164
    email: str | None
    date_of_birth: str | None  # ISO date
    marketing_consent: bool


def clean_name(text: str) -> str:
    name = " ".join((text or "").split())
    if not name:
        raise FieldError("A customer needs a name.", "name")
    if len(name) > MAX_NAME:
        raise FieldError(f"The name is longer than {MAX_NAME} characters.", "name")
    return name


def normalise_phone(text: str, region: str = DEFAULT_REGION, field: str = "phone") -> str:
    """As app.contact.normalise_phone: E.164, or FieldError when it is not a possible working number."""
    raw = (text or "").strip()
    if not raw:
        raise FieldError("A phone number is required.", field)
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        raise FieldError(f"'{raw}' is not a phone number.", field) from None
    if not phonenumbers.is_possible_number(number):
        raise FieldError(f"'{raw}' has the wrong number of digits for a phone number.", field)
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.E164) != e164:
        raise FieldError(f"'{raw}' is not a phone number.", field)
    return e164


def normalise_email(text: str | None, field: str = "email") -> str | None:
    """As app.contact.normalise_email: lower-cased and syntax-checked (no DNS look-up); None if blank."""
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        result = validate_email(raw, check_deliverability=False)
    except EmailNotValidError as exc:
        raise FieldError(f"'{raw}' is not a valid email address: {exc}", field) from None
    return result.normalized.lower()


def clean_date_of_birth(text: str | None, today: dt.date | None = None) -> str | None:
    raw = (text or "").strip()
    if not raw:
        return None
    try:
        born = dt.date.fromisoformat(raw)
    except ValueError:
        raise FieldError("Date of birth must be a date (YYYY-MM-DD).", "date_of_birth") from None
    if born > (today or dt.date.today()) or born.year < 1900:
        raise FieldError("Date of birth is not a believable date.", "date_of_birth")
    return born.isoformat()


def ticked(form: dict[str, str], box: str) -> bool:
    """A checkbox is ticked when the form sends it: browsers send its value ("yes" here), a form posted by
    hand often "on" (HTML's default) or "true"; an unticked box is not sent at all."""
    return form.get(box, "").strip().lower() not in ("", "no", "off", "false", "0")


def clean(form: dict[str, str], region: str) -> tuple[Signup | None, dict[str, str]]:
    """The submitted form as a Signup, or None and every field's error message (field -> message)."""
    errors: dict[str, str] = {}
    values: dict[str, object] = {}
    for field, check in (("name", clean_name), ("phone", lambda t: normalise_phone(t, region)),
                         ("email", normalise_email), ("date_of_birth", clean_date_of_birth)):
        text = form.get(field, "")
        if len(text) > MAX_RAW[field]:
            errors[field] = f"That is too long for a {field.replace('_', ' ')}."
            continue
        try:
            values[field] = check(text)
        except FieldError as exc:
            errors[field] = str(exc)
    if not ticked(form, "privacy_accepted"):
        errors["privacy_accepted"] = "Please read and accept the privacy notice to sign up."
    if errors:
        return None, errors
    name = values["name"]
    return Signup(name=name, name_norm=normalise_name(name), phone=values["phone"], email=values["email"],
                  date_of_birth=values["date_of_birth"],
                  marketing_consent=ticked(form, "marketing_consent")), {}
