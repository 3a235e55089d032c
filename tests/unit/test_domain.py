"""Domain rules of the foundation: unique normalised phone, settings permissions, outbox atomicity."""

from __future__ import annotations

import pytest
from peewee import IntegrityError

from app import auth, customers, preferences, settings
from app.contact import normalise_email, normalise_phone
from app.errors import PermissionDenied, ValidationError
from db import hlc
from db.ids import derived_id, new_id
from db.models import SYNCED_MODELS, AuditLog, Bill, Customer, CustomerProfile, Outbox, Setting, database


def test_phone_normalises_to_e164_whatever_the_format():
    assert normalise_phone("+1 555 010 0000", "US") == "+15550100000"
    assert normalise_phone("(555) 010-0000", "US") == "+15550100000"
    assert normalise_phone("555.010.0000", "US") == "+15550100000"
    assert normalise_phone("020 7946 0018", "GB") == "+442079460018"
    for bad in ["", "12", "call me", "+1 555 010 00000000"]:
        with pytest.raises(ValidationError):
            normalise_phone(bad, "US")


def test_email_is_validated_and_lowercased():
    assert normalise_email("  Emily.Roberts@Example.COM ") == "emily.roberts@example.com"
    assert normalise_email("") is None
    for bad in ["emily", "emily@", "@example.com", "a b@example.com"]:
        with pytest.raises(ValidationError):
            normalise_email(bad)


def test_unique_normalised_phone_is_enforced(fresh_db):
    first = customers.create({"name": "Dana Ortiz", "phone": "+1 555 010 0000"}, None)
    with pytest.raises(customers.DuplicatePhone) as err:
        customers.create({"name": "Someone Else", "phone": "(555) 010-0000"}, None)
    assert err.value.existing.id == first.id
    assert "belongs to Dana Ortiz" in err.value.message
    assert Customer.select().count() == 1
    # and the database refuses it too, whatever path a row takes
    with pytest.raises(IntegrityError):
        Customer(name="Raw", name_norm="raw", phone="+15550100000").save()


def test_customer_requires_name_and_valid_phone(fresh_db):
    with pytest.raises(ValidationError) as err:
        customers.create({"name": "  ", "phone": "5550100000"}, None)
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        customers.create({"name": "Ann", "phone": "12"}, None)
    assert err.value.field == "phone"
    with pytest.raises(ValidationError) as err:
        customers.create({"name": "Ann", "phone": "5550100000", "email": "not-an-email"}, None)
    assert err.value.field == "email"
    assert Customer.select().count() == 0 and Outbox.select().count() == 0


def test_cashier_cannot_change_settings(demo_db):
    cashier = auth.sign_in("1111")
    manager = auth.sign_in("9999")
    with pytest.raises(PermissionDenied):
        settings.update({"show_customer_profile": True}, cashier)
    assert settings.get("show_customer_profile") is False
    assert settings.update({"show_customer_profile": True}, manager) == {"show_customer_profile": True}
    assert settings.get("show_customer_profile") is True
    entry = AuditLog.select().where(AuditLog.action == "settings.update").order_by(AuditLog.at.desc()).first()
    assert entry.user_id == manager.id and entry.detail["show_customer_profile"] == [False, True]


def test_settings_reject_wrong_types(demo_db):
    manager = auth.sign_in("9999")
    for bad in [{"show_customer_profile": "yes"}, {"cash_rounding": -5}, {"no_such": 1}]:
        with pytest.raises(ValidationError):
            settings.update(bad, manager)


def test_pins_are_hashed_and_sign_in_checks_them(demo_db):
    for user in auth.User.select():
        assert "9999" not in user.pin_hash and "1111" not in user.pin_hash
    assert auth.sign_in("9999").role == "manager"
    with pytest.raises(PermissionDenied):
        auth.sign_in("0000")


def test_every_change_to_a_synced_row_writes_an_outbox_row_in_the_same_transaction(fresh_db):
    profile = CustomerProfile(name="Wholesale", rule="discount", discount_bp=1500)
    profile.save()
    row = Outbox.get(Outbox.row_id == profile.id)
    assert row.table_name == "customer_profile" and row.payload["discount_bp"] == 1500
    profile.discount_bp = 1200
    profile.save()
    latest = Outbox.select().order_by(Outbox.seq.desc()).first()
    assert latest.fields == ["discount_bp", "updated_at"] and latest.payload["discount_bp"] == 1200
    assert latest.hlc > row.hlc

    with pytest.raises(RuntimeError), database.atomic():
        Customer(name="Ghost", name_norm="ghost", phone="+15550100999").save()
        raise RuntimeError("the sale failed half-way")
    assert Customer.select().count() == 0
    assert Outbox.select().where(Outbox.table_name == "customer").count() == 0


def test_tombstones_not_deletes(fresh_db):
    profile = CustomerProfile(name="Staff")
    profile.save()
    profile.delete_instance()
    assert CustomerProfile.get_by_id(profile.id).deleted_at is not None
    assert CustomerProfile.live().count() == 0
    assert Outbox.select().where(Outbox.row_id == profile.id).count() == 2


def test_append_only_documents_refuse_edits(demo_db):
    from db.models import User

    cashier = User.get(User.name == "Cashier")
    bill = Bill(receipt_no="TEST-1", till_code="TEST", cashier=cashier, total=250)
    bill.save()
    bill.total = 0
    with pytest.raises(ValueError, match="append-only"):
        bill.save()


def test_all_synced_tables_carry_sync_columns():
    for model in SYNCED_MODELS:
        names = set(model._meta.fields)
        assert {"id", "updated_at", "deleted_at", "server_version"} <= names, model


def test_keys_are_uuid7_and_derived_ids_are_stable():
    a, b = new_id(), new_id()
    assert a[14] == "7" and a < b
    assert derived_id("x", "1") == derived_id("x", "1") != derived_id("x", "2")


def test_hybrid_clock_orders_after_a_remote_stamp_even_with_a_slow_wall_clock():
    slow = hlc.HybridClock("till-b", wall=lambda: 1_000)
    remote = hlc.format_stamp(1_000 + 6 * 3600 * 1000, 3, "till-a")  # six hours ahead
    slow.observe(remote)
    assert slow.now() > remote


def test_preferences_override_global_defaults(demo_db):
    emily = Customer.get(Customer.name == "Emily Roberts")
    values = preferences.effective_map(emily)
    assert values["allergy.nuts"] is True and values["payment.preferred"] == "Card"
    assert values["communication.channel"] == "Email"  # the global default
    assert preferences.allergies(emily) == ["nuts"]
    with pytest.raises(ValidationError):
        preferences.set_override(emily, "payment.preferred", "Bitcoin", None)


def test_setting_rows_are_synced(demo_db):
    assert Setting.get_by_id("shop_name").value == "Corner Café & Deli"
