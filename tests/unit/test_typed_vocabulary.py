"""One payment-method vocabulary (app/payment_methods.py) and typed shop settings (app/settings.ShopSettings)."""

from __future__ import annotations

import dataclasses

import pytest

from app import auth, billing, payment_methods, receipt, reports, settings
from app.payment_methods import PaymentMethod
from app.resources import resource_dir
from db.models import Payment, Setting


def test_methods_are_the_values_stored_today_with_one_label_each(demo_db):
    assert [m.value for m in PaymentMethod] == ["cash", "card", "other", "loyalty"]
    assert PaymentMethod.CARD == "card" and PaymentMethod.of("Card") is PaymentMethod.CARD  # a stated preference
    assert PaymentMethod.of("cheque") is None and payment_methods.label("cheque") == "Cheque"
    stored = {m for (m,) in Payment.select(Payment.method).distinct().tuples()}
    assert stored and stored <= {m.value for m in PaymentMethod}  # the demo's payments: no data change needed
    # receipts and reports print the one label
    assert receipt.ReceiptPayment("loyalty", 100, 100, 0).label == "Loyalty points"
    assert "Card" in {row.label for row in reports.sales_report(*_all_time()).by_payment}


def _all_time():
    import datetime as dt

    return dt.date(2000, 1, 1), dt.date(2100, 1, 1)


def test_a_tender_of_an_unknown_method_is_refused(demo_db):
    with pytest.raises(billing.ValidationError, match="Unknown payment method 'cheque'"):
        billing.plan_payments(500, [billing.Tender("cheque", 500)], settings.shop())


def test_method_labels_are_translatable():
    """pyside6-lupdate collected the labels (context PaymentMethod) and the German .qm translates them."""
    from PySide6.QtCore import QTranslator

    translator = QTranslator()
    assert translator.load(str(resource_dir() / "translations" / "till_de_DE.qm"))
    assert [translator.translate("PaymentMethod", m.label) for m in PaymentMethod] == [
        "Bar", "Karte", "Sonstige", "Treuepunkte"]


def test_shop_settings_are_typed_with_defaults(demo_db):
    shop = settings.shop()
    assert isinstance(shop, settings.ShopSettings) and dataclasses.is_dataclass(shop)
    assert dataclasses.asdict(settings.ShopSettings()) == settings.DEFAULTS
    with pytest.raises(dataclasses.FrozenInstanceError):
        shop.currency = "EUR"
    manager = auth.User.get(auth.User.name == "Manager")
    settings.update({"currency": "EUR", "cash_rounding": 5}, manager)
    shop = settings.shop()
    assert (shop.currency, shop.cash_rounding, shop.line_discount_limit_bp) == ("EUR", 5, 1000)
    assert settings.get("currency") == "EUR" and settings.all_settings()["cash_rounding"] == 5


def test_a_stored_value_of_the_wrong_type_reads_as_its_default(demo_db):
    """A setting row from another till or older data that is not of the setting's type cannot break a sale."""
    Setting.insert(id="line_discount_limit_bp", value="lots", updated_at="").on_conflict_replace().execute()
    Setting.insert(id="ask_for_allergies", value=None, updated_at="").on_conflict_replace().execute()
    Setting.insert(id="no_such_setting", value=1, updated_at="").on_conflict_replace().execute()
    shop = settings.shop()
    assert shop.line_discount_limit_bp == 1000 and shop.ask_for_allergies is True
    assert settings.ShopSettings.of({"cash_rounding": "5", "tier_basis": 3}).cash_rounding == 5
    assert settings.ShopSettings.of({"tier_basis": 3}).tier_basis == "lifetime"
    changed = shop.replace({"currency": "GBP", "till_code": "T9"})  # local keys in a change list are ignored
    assert (changed.currency, shop.currency) == ("GBP", "USD")


def test_sync_state_is_typed_and_kept_under_the_same_keys(fresh_db):
    import datetime as dt

    from app.sync import state

    known = state.load()
    assert (known.linked, known.till_code, known.cursor, known.last_sync_at, known.office) == (
        False, "T1", 0, None, None)
    when = dt.datetime(2026, 11, 3, 14, 5, tzinfo=dt.UTC)
    state.save(central_url="https://hq.example.com", till_id="till-2", office=False, cursor=42, last_sync_at=when)
    known = state.load()
    assert known.linked and known.counter_till and known.cursor == 42 and known.last_sync_at == when
    # the storage is what it was: local_config rows under the old keys
    assert (settings.local("sync_cursor"), settings.local("till_office"), settings.local("last_sync_at")) == (
        42, False, when.isoformat())
    state.save(cursor=None)
    assert state.load().cursor == 0
    with pytest.raises(KeyError):
        state.save(cursr=1)  # a misspelt field is an error, not a new key
    settings.set_local("sync_cursor", "not a number")
    assert state.load().cursor == 0
