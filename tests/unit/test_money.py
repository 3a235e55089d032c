"""Money shown and read the way the shop writes it (babel/CLDR): a German shop in EUR, a Kuwaiti one in KWD."""

from __future__ import annotations

import pytest

from app import money
from app.errors import ValidationError


@pytest.fixture
def shop_locale():
    def use(code):
        money.use_locale(code)

    yield use
    money.use_locale("en_US")


def test_us_shop_in_dollars(shop_locale):
    shop_locale("en_US")
    assert money.format_money(123450, "USD") == "$1,234.50"
    assert money.format_money(-1250, "USD") == "-$12.50"
    assert money.parse_money("$1,234.5", "USD") == 123450
    assert money.parse_money("12.5", "USD") == 1250
    with pytest.raises(ValidationError, match="not an amount"):
        money.parse_money("12,50", "USD")  # never 1,250.00 by dropping the comma


def test_german_shop_in_euros(shop_locale):
    shop_locale("de_DE")
    assert money.format_money(123450, "EUR") == "1.234,50\xa0€"
    assert money.format_amount(1250, "EUR") == "12,50"
    assert money.parse_money("12,50", "EUR") == 1250
    assert money.parse_money("12,50 €", "EUR") == 1250
    assert money.parse_money("1.234,50", "EUR") == 123450
    assert money.parse_money("12.50", "EUR") == 1250  # the numpad's point is still read as typed
    with pytest.raises(ValidationError, match="more decimals"):
        money.parse_money("1,234", "EUR")


def test_kuwaiti_dinar_has_three_decimals(shop_locale):
    shop_locale("en_US")
    assert money.minor_digits("KWD") == 3 and money.minor_digits("JPY") == 0
    assert money.format_money(1234, "KWD").replace("\xa0", "") == "KWD1.234"
    assert money.parse_money("1.234", "KWD") == 1234
    assert money.parse_money("2", "KWD") == 2000
    with pytest.raises(ValidationError, match="more decimals"):
        money.parse_money("1.2345", "KWD")
    assert money.format_money(500, "JPY") == "¥500"


@pytest.mark.parametrize("typed", ["1E999999", "inf", "NaN", "1e12", "--5", "", "12abc"])
def test_odd_amounts_get_a_clear_refusal(shop_locale, typed):
    with pytest.raises(ValidationError):
        money.parse_money(typed, "USD")


def test_the_locale_setting_is_checked_and_applied(demo_db):
    from app import settings
    from db.models import User

    manager = User.get(User.name == "Manager")
    with pytest.raises(ValidationError, match="not a locale"):
        settings.update({"locale": "xx_NOPE"}, manager)
    with pytest.raises(ValidationError, match="ISO 4217"):
        settings.update({"currency": "DOLLARS"}, manager)
    try:
        settings.update({"locale": "de_DE", "currency": "EUR"}, manager)
        assert money.format_money(250, settings.get("currency")) == "2,50\xa0€"
    finally:
        settings.update({"locale": "en_US", "currency": "USD"}, manager)
    assert money.format_money(250, "USD") == "$2.50"
