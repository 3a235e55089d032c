"""A shop that is not the demo: first-run setup, staff rules, item rules and item import, without Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest

from app import auth, catalogue, item_import, items, settings, shop_setup, staff
from app.errors import TillError, ValidationError
from db.models import AuditLog, User


def details(**over) -> shop_setup.ShopDetails:
    values = dict(shop_name="Rosa's Bakery", currency="EUR", phone_region="IE", prices_include_tax=True,
                  default_tax_rate="13.5", manager_name="Rosa", manager_pin="4321", manager_pin_repeat="4321")
    values.update(over)
    return shop_setup.ShopDetails(**values)


def test_a_new_shop_is_set_up_once_with_its_manager(fresh_db):
    assert shop_setup.needs_setup()
    manager = shop_setup.set_up_shop(details())
    assert not shop_setup.needs_setup()
    assert auth.sign_in("4321").id == manager.id and auth.is_manager(manager)
    assert settings.get("shop_name") == "Rosa's Bakery" and settings.get("currency") == "EUR"
    assert settings.get("phone_region") == "IE" and settings.get("default_tax_rate_bp") == 1350
    assert AuditLog.select().where(AuditLog.action == "shop.setup").count() == 1
    with pytest.raises(TillError, match="already has a shop"):
        shop_setup.set_up_shop(details(manager_name="Other", manager_pin="5555", manager_pin_repeat="5555"))


@pytest.mark.parametrize("over, field", [
    ({"shop_name": "  "}, "shop_name"),
    ({"currency": "XXX"}, "currency"),
    ({"phone_region": "ZZ"}, "phone_region"),
    ({"default_tax_rate": "101"}, "default_tax_rate"),
    ({"default_tax_rate": "8.125"}, "default_tax_rate"),
    ({"default_tax_rate": "eight"}, "default_tax_rate"),
    ({"manager_name": ""}, "manager_name"),
    ({"manager_pin": "12", "manager_pin_repeat": "12"}, "pin"),
    ({"manager_pin_repeat": "4322"}, "manager_pin_repeat"),
])
def test_bad_setup_details_name_their_field_and_write_nothing(fresh_db, over, field):
    with pytest.raises(ValidationError) as caught:
        shop_setup.set_up_shop(details(**over))
    assert caught.value.field == field
    assert shop_setup.needs_setup()


def test_iso_lists():
    assert "EUR" in shop_setup.currency_codes() and "KWD" in shop_setup.currency_codes()
    assert "GB" in shop_setup.region_codes() and "001" not in shop_setup.region_codes()
    from app.money import format_money, parse_money
    assert format_money(1234, "KWD").endswith("1.234") and parse_money("5", "JPY") == 5  # babel (CLDR) decimals


@pytest.fixture
def shop(fresh_db):
    return shop_setup.set_up_shop(details())


def test_staff_add_edit_pin_clash_and_last_manager(shop):
    cashier = staff.save_staff(None, "Sam", auth.CASHIER, "1111", True, shop)
    assert auth.sign_in("1111").id == cashier.id
    with pytest.raises(ValidationError, match="already uses this PIN"):
        staff.save_staff(None, "Kim", auth.CASHIER, "1111", True, shop)
    with pytest.raises(ValidationError, match="already uses this PIN"):
        staff.save_staff(cashier.id, "Sam", auth.CASHIER, "4321", True, shop)  # the manager's
    with pytest.raises(ValidationError, match="already on the staff list"):
        staff.save_staff(None, "sam".title(), auth.CASHIER, "2222", True, shop)
    with pytest.raises(ValidationError, match="last active manager"):
        staff.save_staff(shop.id, "Rosa", auth.MANAGER, "", False, shop)
    with pytest.raises(ValidationError, match="last active manager"):
        staff.save_staff(shop.id, "Rosa", auth.CASHIER, "", True, shop)
    staff.save_staff(cashier.id, "Sam Lee", auth.CASHIER, "2468", True, shop)  # reset the PIN
    with pytest.raises(TillError):
        auth.sign_in("1111")
    assert auth.sign_in("2468").name == "Sam Lee"
    staff.save_staff(cashier.id, "Sam Lee", auth.CASHIER, "", False, shop)
    with pytest.raises(TillError):
        auth.sign_in("2468")
    with pytest.raises(ValidationError, match="new PIN to reactivate"):
        staff.save_staff(cashier.id, "Sam Lee", auth.CASHIER, "", True, shop)
    # a second manager: now the first may step down
    second = User.get_by_id(staff.save_staff(None, "Ana", auth.MANAGER, "7777", True, shop).id)
    staff.save_staff(shop.id, "Rosa", auth.CASHIER, "", True, second)
    actions = [a.action for a in AuditLog.select().where(AuditLog.entity == "user").order_by(AuditLog.at)]
    assert "user.deactivate" in actions and actions.count("user.create") >= 3
    assert all("pin" not in str(a.detail).replace("pin_changed", "") for a in AuditLog.select())
    with pytest.raises(TillError, match="Only a manager"):
        staff.save_staff(None, "X", auth.CASHIER, "9191", True, User.get(User.name == "Sam Lee"))


def test_a_saved_item_is_found_by_code_and_barcode(shop):
    record = items.save_item(None, items.ItemForm("B100", "Sourdough Loaf", "4.80", "5012345678900 777",
                                                  None, "Gluten", "vegan, bread"), shop)
    assert record.tax_rate_bp == 1350 and record.allergens == ("gluten",) and record.tags == ("vegan", "bread")
    assert catalogue.lookup("B100").name == "Sourdough Loaf"
    assert catalogue.lookup("5012345678900").price == 480
    with pytest.raises(ValidationError, match="belongs to Sourdough Loaf") as caught:
        items.save_item(None, items.ItemForm("B101", "Rye", "3", "777"), shop)
    assert caught.value.field == "barcodes"
    with pytest.raises(ValidationError) as caught:
        items.save_item(None, items.ItemForm("B100", "Rye", "3"), shop)
    assert caught.value.field == "code"
    with pytest.raises(ValidationError) as caught:
        items.save_item(None, items.ItemForm("B102", "Rye", "3.001"), shop)
    assert caught.value.field == "price"
    # moving a barcode: removed from one item, it may go to another
    items.save_item(record.id, items.ItemForm("B100", "Sourdough Loaf", "4.90", "5012345678900", "0"), shop)
    rye = items.save_item(None, items.ItemForm("B101", "Rye", "3", "777"), shop)
    assert catalogue.lookup("777").id == rye.id and catalogue.lookup("B100").price == 490
    items.save_item(rye.id, items.ItemForm("B101", "Rye", "3", "777", active=False), shop)
    assert not catalogue.lookup("B101").active
    assert [items.rows(items.ids("sour")).popitem()[1].name] == ["Sourdough Loaf"]
    assert len(items.ids("")) == 2 and len(items.ids("501")) == 1 and len(items.ids("loaf")) == 1
    assert len(items.ids("lo sour")) == 1 and len(items.ids("loaf rye")) == 0
    items.save_item(record.id, items.ItemForm("B100", "Country Bread", "4.90"), shop)  # words follow renames
    assert len(items.ids("loaf")) == 0 and len(items.ids("bread")) == 1


def test_item_csv_import_rejects_rows_with_reasons(shop, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text("Code,Name,Price,Barcode,Tax rate,Allergens,Tags,Active\n"
                    "C1,Flat White,3.40,,,dairy,,yes\n"
                    "C2,Oat Latte,abc,,,,,\n"
                    "C1,Duplicate,1.00,,,,,\n"
                    "C3,Tea,2.00,4006381333931,0,,,no\n"
                    "C4,Scone,2.50,4006381333931,,,,\n", encoding="utf-8")
    dry = item_import.import_file(path, shop, dry_run=True)
    assert (dry.added, len(dry.rejected)) == (2, 3) and catalogue.lookup("C1") is None
    result = item_import.import_file(path, shop)
    assert (result.added, result.updated) == (2, 0)
    assert [r.line for r in result.rejected] == [3, 4, 6]
    assert "not an amount" in result.rejected[0].reason and "already on line 2" in result.rejected[1].reason
    assert "C3 Tea" in result.rejected[2].reason
    assert catalogue.lookup("C1").allergens == ("dairy",) and not catalogue.lookup("C3").active
    again = item_import.import_file(path, shop)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    path.write_text("code,name,price,barcode\nC1,Flat White,3.60,777 888\nC3,Tea,2.00,4006381333931\n"
                    "C9,Cake,4,888\nC8,Pie,4,C1\n", encoding="utf-8")
    third = item_import.import_file(path, shop)
    assert (third.added, third.updated, [r.line for r in third.rejected]) == (0, 2, [4, 5])
    assert catalogue.lookup("888").code == "C1" and catalogue.lookup("C1").price == 360
    # the outbox carries every imported row, as a save through the form would
    from db.models import Outbox
    assert Outbox.select().where(Outbox.table_name == "item", Outbox.row_id == catalogue.lookup("C1").id).count() == 2
    assert Outbox.select().where(Outbox.table_name == "barcode").count() == 3


def test_import_items_cli(db_path, tmp_path, monkeypatch):
    from db.connection import open_database

    opened = open_database(db_path)
    shop_setup.set_up_shop(details())
    opened.close()
    path = tmp_path / "items.csv"
    path.write_text("code,name,price\nA1,Apple,0.50\nA2,,1\n", encoding="utf-8")
    # in-process (the test keyring holds the key): the CLI's own entry point
    from app.main import main

    monkeypatch.delenv("POS_MANAGER_PIN", raising=False)
    assert main(["--db", str(db_path), "import-items", str(path)]) == 2  # changes shop data: a manager's PIN
    monkeypatch.setenv("POS_MANAGER_PIN", "4321")
    assert main(["--db", str(db_path), "import-items", str(path)]) == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("code,name\nA1,Apple\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import-items", str(bad)]) == 1
    assert subprocess.run([sys.executable, "-m", "app", "--help"], capture_output=True, text=True,
                          check=True).stdout.count("import-items") >= 1
