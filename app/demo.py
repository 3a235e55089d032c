"""The demo shop: a believable café-deli with the known records of UI_CONTRACT.md.

Known records (tests and training rely on them): items 1001 Espresso 2.50, 1002 Almond Croissant 3.20
(nuts, gluten), 1003 Veggie Wrap 6.90 (vegetarian); profiles Retail, Wholesale 15%, Staff 20%, VIP 10%;
Emily Roberts (+1 555 010 0001, VIP profile, allergic to nuts, pays by card) and Michael Chen
(+1 555 010 0002, inactive); users Manager (PIN 9999) and Cashier (PIN 1111). The rest is random but
repeatable (a fixed seed).
"""

from __future__ import annotations

import datetime as dt
import random

from app import auth, customers, preferences, settings
from app.payment_methods import MONEY_METHODS, PaymentMethod
from app.text import normalise_name
from db.ids import utcnow
from db.models import (
    Barcode,
    CustomerCategory,
    CustomerProfile,
    Item,
    LoyaltyTier,
    PreferenceDefinition,
    PriceList,
    PriceListEntry,
    database,
)

PREFERENCES = [
    # key, label, category, type, choices, default
    ("allergy.nuts", "Nut allergy", "allergy", "bool", [], False),
    ("allergy.gluten", "Gluten intolerance", "allergy", "bool", [], False),
    ("allergy.dairy", "Dairy allergy", "allergy", "bool", [], False),
    ("allergy.shellfish", "Shellfish allergy", "allergy", "bool", [], False),
    ("allergy.egg", "Egg allergy", "allergy", "bool", [], False),
    ("diet.vegetarian", "Vegetarian", "dietary", "bool", [], False),
    ("diet.vegan", "Vegan", "dietary", "bool", [], False),
    ("diet.halal", "Halal", "dietary", "bool", [], False),
    ("payment.preferred", "Preferred payment", "payment", "choice", [m.label for m in MONEY_METHODS], None),
    ("seating.preferred", "Preferred seating", "seating", "choice", ["Window", "Booth", "Bar", "Outside"], None),
    ("communication.channel", "Contact by", "communication", "choice", ["Email", "SMS", "Phone", "None"], "Email"),
    ("instructions.special", "Special instructions", "instructions", "text", [], ""),
]

ALLERGENS = ["nuts", "gluten", "dairy", "shellfish", "egg"]

CATALOGUE = {
    "Coffee": ["Americano", "Latte", "Cappuccino", "Flat White", "Mocha", "Macchiato", "Cortado", "Cold Brew"],
    "Tea": ["Green Tea", "Earl Grey", "Chai Latte", "Peppermint Tea", "Matcha Latte", "Rooibos"],
    "Bakery": ["Butter Croissant", "Pain au Chocolat", "Blueberry Muffin", "Cinnamon Roll", "Scone", "Bagel",
               "Banana Bread", "Brownie", "Walnut Cake", "Lemon Tart"],
    "Deli": ["Ham Sandwich", "Chicken Wrap", "Tuna Melt", "Caprese Panini", "BLT", "Falafel Wrap",
             "Egg Salad Roll", "Prawn Sandwich", "Halloumi Wrap"],
    "Drinks": ["Orange Juice", "Sparkling Water", "Still Water", "Cola", "Lemonade", "Iced Tea", "Smoothie"],
    "Grocery": ["Coffee Beans 250g", "Oat Milk 1L", "Granola", "Honey Jar", "Almond Butter", "Dark Chocolate"],
}
# What a café-deli charges (cents): a base price range per department, and each variant's price from the
# base (a multiplier in percent and an amount added), so a large latte costs a little more than a latte.
PRICES = {"Coffee": (260, 420), "Tea": (240, 380), "Bakery": (180, 420), "Deli": (550, 890), "Drinks": (150, 380),
          "Grocery": (390, 1190)}
VARIANTS = {
    "Coffee": [("", 100, 0), (" Small", 100, -40), (" Large", 100, 60), (" Iced", 100, 40)],
    "Tea": [("", 100, 0), (" Small", 100, -40), (" Large", 100, 60), (" Iced", 100, 40)],
    "Bakery": [("", 100, 0), (" Mini", 60, 0), (" Box of 4", 360, 0), (" Warmed", 100, 30)],
    "Deli": [("", 100, 0), (" Half", 60, 0), (" Meal Deal", 100, 250), (" Toasted", 100, 50)],
    "Drinks": [("", 100, 0), (" Small", 100, -40), (" Large", 100, 60), (" 1L", 100, 150)],
    "Grocery": [("", 100, 0), (" Small", 60, 0), (" Large", 160, 0), (" Twin Pack", 190, 0)],
}

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "David", "Linda", "William", "Sofia",
         "Aisha", "Mateo", "Yuki", "Priya", "Olga", "Chen", "Fatima", "Lucas", "Amara", "Noah", "Zoe", "Ivan",
         "Maria", "Kwame", "Elena", "Omar", "Grace", "Hiro", "Ana", "Leo"]
LAST = ["Smith", "Johnson", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Lee", "Walker", "Khan",
        "Nguyen", "Patel", "Kim", "Müller", "Rossi", "Silva", "Okafor", "Novak", "Cohen", "Haddad", "Tanaka",
        "Brown", "Wilson", "Moore", "Taylor", "Anderson", "Thomas", "Jackson", "White", "Harris"]


def ean13(rng: random.Random) -> str:
    digits = [rng.randrange(10) for _ in range(12)]
    checksum = (10 - sum(d * (3 if i % 2 else 1) for i, d in enumerate(digits)) % 10) % 10
    return "".join(map(str, digits)) + str(checksum)


def _item(code, name, price, department, tags=(), allergens=(), tax_rate_bp=800, rng=None) -> Item:
    item = Item(code=code, name=name, name_norm=normalise_name(name), price=price, tax_rate_bp=tax_rate_bp,
                department=department, tags=list(tags), allergens=list(allergens))
    item.save()
    Barcode(item=item, code=ean13(rng)).save()
    return item


def _since(customer, days: int) -> None:
    """A demo customer joined before their first demo visit (those are at most 120 days back)."""
    customer.created_at = utcnow() - dt.timedelta(days=days)
    customer.save()


def seed(customer_count: int = 500, seed_value: int = 7) -> dict:
    """Fill an empty database with the demo shop. Returns the known records by name."""
    rng = random.Random(seed_value)
    with database.atomic():
        manager = auth.create_user("Manager", auth.MANAGER, "9999")
        cashier = auth.create_user("Cashier", auth.CASHIER, "1111")
        settings.update({"shop_name": "Corner Café & Deli", "shop_address": "12 Market Street, Springfield",
                         "shop_tax_number": "TAX-0042", "currency": "USD", "phone_region": "US",
                         "prices_include_tax": True}, manager)
        for order, (key, label, category, value_type, choices, default) in enumerate(PREFERENCES):
            PreferenceDefinition(key=key, label=label, category=category, value_type=value_type,
                                 choices=choices, default=default, sort_order=order).save()

        wholesale_list = PriceList(name="Wholesale prices")
        wholesale_list.save()
        profiles = {}
        for name, rule, bp, desc in [
            ("Retail", "none", 0, "Shelf prices"),
            ("Wholesale", "discount", 1500, "Trade customers: 15% off"),
            ("Staff", "discount", 2000, "Staff meals: 20% off"),
            ("VIP", "discount", 1000, "VIP guests: 10% off"),
        ]:
            profiles[name] = CustomerProfile(name=name, rule=rule, discount_bp=bp, description=desc)
            profiles[name].save()
        categories = {}
        for name, bp in [("VIP", 500), ("Loyal", 200), ("Ordinary", 0)]:
            categories[name] = CustomerCategory(name=name, discount_bp=bp)
            categories[name].save()
        tiers = {}
        for name, spend, bp in [("Bronze", 0, 0), ("Silver", 50_000, 200), ("Gold", 200_000, 500)]:
            tiers[name] = LoyaltyTier(name=name, min_spend=spend, discount_bp=bp)
            tiers[name].save()

        items = {
            "1001": _item("1001", "Espresso", 250, "Coffee", rng=rng),
            "1002": _item("1002", "Almond Croissant", 320, "Bakery", allergens=["nuts", "gluten"], rng=rng),
            "1003": _item("1003", "Veggie Wrap", 690, "Deli", tags=["vegetarian"], rng=rng),
        }
        code = 1004
        for department, names in CATALOGUE.items():
            for base in names:
                low, high = PRICES[department]
                base_price = rng.randrange(low, high + 1, 10)
                for size, percent, extra in VARIANTS[department]:
                    if code >= 1200:
                        break
                    allergens = []
                    if department == "Bakery":
                        allergens = ["gluten"] + (["nuts"] if "Walnut" in base or "Almond" in base else [])
                    if "Almond" in base:
                        allergens = sorted(set(allergens + ["nuts"]))
                    if "Prawn" in base:
                        allergens = ["shellfish", "gluten"]
                    if department in ("Coffee", "Tea") and "Latte" in base:
                        allergens = ["dairy"]
                    tags = ["vegetarian"] if department in ("Bakery", "Drinks", "Tea") or "Falafel" in base else []
                    price = max(100, -(-(base_price * percent // 100 + extra) // 10) * 10)
                    items[str(code)] = _item(str(code), base + size, price, department, tags, allergens, rng=rng)
                    code += 1
        for item in list(items.values())[::3]:
            PriceListEntry(price_list=wholesale_list, item=item, price=item.price * 80 // 100).save()

        emily = customers.create({"name": "Emily Roberts", "phone": "+1 555 010 0001",
                                  "email": "emily.roberts@example.com", "status": "active",
                                  "default_profile": profiles["VIP"].id, "marketing_consent": True,
                                  "notes": "Regular: flat white most mornings."}, manager)
        _since(emily, 700)
        preferences.set_override(emily, "allergy.nuts", True, manager)
        preferences.set_override(emily, "payment.preferred", PaymentMethod.CARD.label, manager)
        michael = customers.create({"name": "Michael Chen", "phone": "+1 555 010 0002",
                                    "email": "michael.chen@example.com", "status": "inactive"}, manager)
        _since(michael, 400)
        # Each demo customer has a name of their own: shared names made the duplicates list cry wolf.
        names = [(f, la) for f in FIRST for la in LAST if (f, la) not in (("Emily", "Roberts"), ("Michael", "Chen"))]
        rng.shuffle(names)
        for n in range(customer_count - 2):
            first, last = names[n % len(names)]
            values = {
                "name": f"{first} {last}",
                "phone": f"+1 555 {200 + n // 10000:03d} {n % 10000:04d}",
                "email": f"{first}.{last}.{n}@example.com".lower().replace("ü", "u"),
                "status": "active" if rng.random() > 0.08 else "inactive",
                "category": rng.choice(list(categories.values())).id,
                "loyalty_tier": rng.choice(list(tiers.values())).id,
                "marketing_consent": rng.random() > 0.5,
            }
            if rng.random() < 0.15:
                values["default_profile"] = rng.choice(list(profiles.values())).id
            customer = customers.create(values, manager)
            _since(customer, rng.randint(130, 900))
            if rng.random() < 0.2:
                preferences.set_override(customer, f"allergy.{rng.choice(ALLERGENS)}", True, manager)
            if rng.random() < 0.2:
                preferences.set_override(customer, rng.choice(["diet.vegetarian", "diet.vegan", "diet.halal"]), True, manager)
            if rng.random() < 0.4:
                preferences.set_override(customer, "payment.preferred", rng.choice([PaymentMethod.CASH.label, PaymentMethod.CARD.label]), manager)
        from app.demo_sales import seed_sales  # late: demo_sales rings sales up through app.billing

        seed_sales(cashier, emily)
    return {"manager": manager, "cashier": cashier, "emily": emily, "michael": michael,
            "profiles": profiles, "items": items, "categories": categories, "tiers": tiers}
