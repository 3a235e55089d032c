"""Back-office rules without Qt: profiles, categories, loyalty rules, delete vs deactivate, merge and undo,
data-subject export and erasure."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest
from backoffice_helpers import make_bill, void_bill

from app import (
    categories,
    customers,
    loyalty_rules,
    merge,
    preference_defaults,
    preferences,
    privacy,
    profiles,
    stats,
)
from app.errors import PermissionDenied, ValidationError
from app.profiles import ProfileValues
from db.ids import utcnow
from db.models import (
    AuditLog,
    Customer,
    CustomerAddress,
    CustomerPreference,
    CustomerProfile,
    CustomerStats,
    LoyaltyEntry,
    Outbox,
    PriceList,
    User,
)


@pytest.fixture
def staff(demo_db):
    return User.get(User.name == "Manager"), User.get(User.name == "Cashier")


def test_profile_names_are_required_and_unique_and_rules_validated(staff):
    manager, cashier = staff
    with pytest.raises(ValidationError, match="needs a name"):
        profiles.save(ProfileValues("  "), manager)
    with pytest.raises(ValidationError, match="already a profile called VIP"):
        profiles.save(ProfileValues(" vip "), manager)
    with pytest.raises(ValidationError, match="more than 0%"):
        profiles.save(ProfileValues("Trade", rule="discount", discount_bp=0), manager)
    with pytest.raises(ValidationError, match="price list"):
        profiles.save(ProfileValues("Trade", rule="price_list"), manager)
    with pytest.raises(PermissionDenied):
        profiles.save(ProfileValues("Trade"), cashier)
    price_list = PriceList.get()
    trade = profiles.save(ProfileValues("Trade", rule="price_list", price_list_id=price_list.id), manager)
    assert profiles.describe_rule(trade) == "Price list: Wholesale prices"
    staff_profile = CustomerProfile.get(CustomerProfile.name == "Staff")
    profiles.set_active(staff_profile.id, False, manager)
    assert "Staff" not in [p.name for p in profiles.active_profiles()]
    assert "Staff" in [p.name for p in profiles.all_profiles()]
    actions = [e.action for e in AuditLog.select().where(AuditLog.entity == "customer_profile")]
    assert actions.count("profile.create") == 1 and actions.count("profile.deactivate") == 1
    profiles.set_active(staff_profile.id, True, manager)
    assert "Staff" in [p.name for p in profiles.active_profiles()]


def test_categories_price_lists_customer_prices_and_tiers(staff):
    manager, _ = staff
    with pytest.raises(ValidationError, match="already a category"):
        categories.save_category(manager, name="loyal", discount_bp=0, earns_loyalty=True)
    cat = categories.save_category(manager, name="Students", discount_bp=750, earns_loyalty=False)
    assert (cat.discount_bp, cat.earns_loyalty) == (750, False)
    plist = categories.save_price_list(manager, name="Events")
    categories.set_list_price(manager, plist.id, "1001", 199)
    categories.set_list_price(manager, plist.id, "1001", 180)
    assert [(e.price, i.code) for e, i in categories.price_list_entries(plist.id)] == [(180, "1001")]
    categories.set_list_price(manager, plist.id, "1001", None)
    assert categories.price_list_entries(plist.id) == []
    categories.set_list_price(manager, plist.id, "1001", 150)  # back again on the same row
    assert [(e.price, i.code) for e, i in categories.price_list_entries(plist.id)] == [(150, "1001")]
    with pytest.raises(ValidationError, match="no item with code"):
        categories.set_list_price(manager, plist.id, "nope", 100)
    emily = Customer.get(Customer.name == "Emily Roberts")
    with pytest.raises(ValidationError, match="either a fixed price or a discount"):
        categories.set_customer_item_price(manager, emily.id, "1003", price=500, discount_bp=100)
    categories.set_customer_item_price(manager, emily.id, "1003", discount_bp=1500)
    assert [(p.discount_bp, i.code) for p, i in categories.customer_item_prices(emily.id)] == [(1500, "1003")]
    tier = loyalty_rules.save_tier(manager, name="Platinum", min_spend=500_000, discount_bp=800)
    assert loyalty_rules.tier_for_spend(600_000).id == tier.id
    assert loyalty_rules.tier_for_spend(60_000).name == "Silver"
    loyalty_rules.update_rules(manager, loyalty_rules.Rules(2, 5, 30))
    assert loyalty_rules.rules() == loyalty_rules.Rules(2, 5, 30)


def test_old_points_expire_once(staff):
    manager, cashier = staff
    loyalty_rules.expire_points(manager)  # whatever the demo shop already had
    ann = customers.create({"name": "Ann Points", "phone": "+1 555 700 1300"}, manager)
    old = utcnow() - dt.timedelta(days=400)
    make_bill(cashier, customer=ann, points=50, when=old)
    make_bill(cashier, customer=ann, points=20)
    LoyaltyEntry(customer=ann, kind="redeem", points=-10).save()
    assert loyalty_rules.expire_points(manager) == 40
    assert loyalty_rules.expire_points(manager) == 0
    assert merge.points_of(ann.id) == 20


def test_global_default_preferences(staff):
    manager, cashier = staff
    with pytest.raises(ValidationError):
        preference_defaults.set_defaults({"communication.channel": "Pigeon"}, manager)
    assert preference_defaults.set_defaults({"communication.channel": "SMS", "allergy.nuts": False}, manager) == {
        "communication.channel": "SMS"}
    michael = Customer.get(Customer.name == "Michael Chen")
    assert preferences.effective_map(michael)["communication.channel"] == "SMS"


def test_a_customer_with_sales_is_deactivated_not_deleted(staff):
    manager, cashier = staff
    buyer = customers.create({"name": "Has Bought", "phone": "+1 555 700 1000"}, manager)
    make_bill(cashier, customer=buyer)
    with pytest.raises(PermissionDenied):
        customers.delete(buyer.id, cashier)
    assert customers.delete(buyer.id, manager) == "deactivated"
    assert Customer.get_by_id(buyer.id).status == "inactive" and Customer.get_by_id(buyer.id).deleted_at is None
    browser = customers.create({"name": "Never Bought", "phone": "+1 555 700 1001"}, manager)
    customers.save_addresses(browser, [{"line1": "1 High St", "city": "Springfield", "is_default": True}], manager)
    assert customers.delete(browser.id, manager) == "deleted"
    assert Customer.get_by_id(browser.id).deleted_at is not None
    assert CustomerAddress.live().where(CustomerAddress.customer == browser.id).count() == 0
    # the phone is free again for a new customer
    customers.create({"name": "New Owner", "phone": "+1 555 700 1001"}, manager)


def test_card_numbers_are_refused_in_notes(staff):
    manager, _ = staff
    with pytest.raises(ValidationError, match="card number"):
        customers.create({"name": "Card Holder", "phone": "+1 555 700 1100", "notes": "pays 4111-1111-1111-1111"},
                         manager)
    holder = customers.create({"name": "Card Holder", "phone": "+1 555 700 1100"}, manager)
    with pytest.raises(ValidationError, match="card number"):
        customers.save_addresses(holder, [{"line1": "4111 1111 1111 1111"}], manager)
    with pytest.raises(ValidationError, match="card number"):
        customers.save_form(holder.id, {}, None, {"instructions.special": "card 4111111111111111"}, manager)
    assert privacy.contains_card_number("5500 0055 5555 5559")
    assert not privacy.contains_card_number("order 1234567890123 of +1 555 010 0001")


def _figures(*ids):
    return [(s.orders, s.spent, s.points, sorted(s.item_counts.items()), sorted(s.payment_counts.items()))
            for s in (CustomerStats.get(CustomerStats.customer == i) for i in ids)]


def test_merge_moves_bills_points_preferences_and_undo_restores_everything(staff):
    manager, cashier = staff
    emily = Customer.get(Customer.name == "Emily Roberts")
    twin = customers.create({"name": "Emily Robert", "phone": "+1 555 700 1200", "personal_phone": "+1 555 010 0001",
                             "date_of_birth": "1990-02-03"}, manager)
    preferences.set_override(twin, "diet.vegan", True, manager)
    preferences.set_override(twin, "allergy.nuts", False, manager)  # emily has her own: hers wins
    customers.save_addresses(twin, [{"line1": "9 Elm Row", "is_default": True}], manager)
    make_bill(cashier, customer=emily, lines=[(None, 2, 1500)], points=30)
    make_bill(cashier, customer=twin, lines=[(None, 1, 4000)], method="card", points=40)
    voided = make_bill(cashier, customer=twin, lines=[(None, 1, 999)], points=9)
    void_bill(voided, manager)
    LoyaltyEntry(customer=twin, kind="adjust", points=-9, note="void").save()
    for c in (emily, twin):
        stats.recompute(c.id)
    before = _figures(emily.id, twin.id)

    suggested = merge.suggestions()
    assert any({s.first_id, s.second_id} == {emily.id, twin.id} and s.reason.startswith("Same phone")
               for s in suggested)
    assert any(s.second_id == twin.id for s in merge.duplicates_of(emily.id))

    merge_id = merge.merge(emily.id, twin.id, manager)
    after = _figures(emily.id, twin.id)
    assert after[0][:3] == (before[0][0] + before[1][0], before[0][1] + before[1][1], before[0][2] + before[1][2])
    assert after[1][:3] == (0, 0, 0)
    assert merge.points_of(emily.id) == before[0][2] + before[1][2]
    assert stats.bill_owners(emily.id) == [emily.id, twin.id]
    emily = Customer.get_by_id(emily.id)
    assert emily.date_of_birth == "1990-02-03"
    assert preferences.effective_map(emily)["diet.vegan"] is True
    assert preferences.effective_map(emily)["allergy.nuts"] is True
    assert [a.line1 for a in customers.addresses(emily.id)] == ["9 Elm Row"]
    assert Customer.get_by_id(twin.id).merged_into_id == emily.id
    with pytest.raises(ValidationError):
        merge.merge(emily.id, twin.id, manager)

    merge.undo(merge_id, manager)
    assert _figures(emily.id, twin.id) == before
    emily = Customer.get_by_id(emily.id)
    twin = Customer.get_by_id(twin.id)
    assert (twin.merged_into_id, twin.status, emily.date_of_birth) == (None, "active", None)
    assert "diet.vegan" not in {p.key for p in CustomerPreference.live().where(CustomerPreference.customer == emily)}
    assert [a.line1 for a in customers.addresses(twin.id)] == ["9 Elm Row"]
    assert customers.addresses(emily.id) == []
    with pytest.raises(ValidationError, match="already been undone"):
        merge.undo(merge_id, manager)
    assert [r.undone for r in merge.recent_merges()] == [True]


def test_export_everything_about_one_customer_and_erase(staff, tmp_path):
    manager, cashier = staff
    emily = Customer.get(Customer.name == "Emily Roberts")
    customers.save_addresses(emily, [{"line1": "12 Rose Lane", "city": "Springfield"}], manager)
    bill = make_bill(cashier, customer=emily, lines=[(None, 1, 2500)], points=25)
    spent_before = stats.recompute(emily.id).spent
    json_path, csv_path = privacy.export_customer(emily.id, tmp_path, manager)
    data = json.loads(json_path.read_text())
    assert data["customer"]["phone"] == "+15550100001"
    assert data["addresses"][0]["line1"] == "12 Rose Lane"
    assert {p["key"] for p in data["preferences"]} >= {"allergy.nuts", "payment.preferred"}
    exported = next(b for b in data["bills"] if b["id"] == bill.id)
    assert exported["total"] == 2500 and exported["payments"][0]["method"] == "cash"
    assert any(e["bill_id"] == bill.id and e["points"] == 25 for e in data["loyalty"])
    rows = list(csv.reader(csv_path.read_text(encoding="utf-8").splitlines()))
    assert ["customer.name", "Emily Roberts"] in rows and ["addresses[0].line1", "12 Rose Lane"] in rows
    assert AuditLog.select().where((AuditLog.entity_id == emily.id) & (AuditLog.action == "customer.export")).exists()

    with pytest.raises(PermissionDenied):
        privacy.erase(emily.id, cashier)
    privacy.erase(emily.id, manager)
    erased = Customer.get_by_id(emily.id)
    assert (erased.name, erased.phone, erased.email, erased.notes, erased.status) == (
        "Erased customer", None, None, "", "inactive")
    assert erased.erased_at is not None and not erased.marketing_consent
    assert CustomerAddress.live().where(CustomerAddress.customer == emily.id).count() == 0
    assert CustomerPreference.live().where(CustomerPreference.customer == emily.id).count() == 0
    assert stats.recompute(emily.id).spent == spent_before  # the sales stay in the books
    # nothing queued for sync still carries her personal data
    for change in Outbox.select().where(Outbox.row_id == emily.id):
        assert "Emily" not in json.dumps(change.payload) and "5550100001" not in json.dumps(change.payload)
    with pytest.raises(ValidationError, match="already been erased"):
        privacy.erase(emily.id, manager)


def test_marketing_consent_keeps_its_date(staff):
    manager, _ = staff
    michael = Customer.get(Customer.name == "Michael Chen")
    assert michael.marketing_consent_at is None
    customers.update(michael.id, {"marketing_consent": True}, manager)
    assert Customer.get_by_id(michael.id).marketing_consent_at is not None
    customers.update(michael.id, {"marketing_consent": False}, manager)
    assert Customer.get_by_id(michael.id).marketing_consent_at is None
