"""The Till's domain model (peewee). One database file per till, encrypted with SQLCipher.

Conventions (see ARCHITECTURE.md): UUIDv7 text keys made on the till; money in integer minor units
(cents); rates in basis points (1% = 100); times are aware UTC datetimes. Tables that sync with the
central store derive from ``SyncedModel``: every save writes an outbox row in the same transaction.
Tables that never leave the till (local configuration, derived figures, the outbox itself) derive from
``LocalModel``.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from db.fields import JSONField, UTCDateTimeField
from db.ids import new_id, utcnow

database = DatabaseProxy()


class LocalModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


class SyncedModel(LocalModel):
    """A row that syncs: UUIDv7 id, HLC ``updated_at``, tombstone ``deleted_at``, ``server_version``."""

    id = CharField(primary_key=True, max_length=36, default=new_id)
    updated_at = CharField(default="")
    deleted_at = UTCDateTimeField(null=True)
    server_version = BigIntegerField(null=True)

    # Bills, payments, loyalty events and audit entries are never edited after they are written.
    append_only = False

    def __init__(self, *args, **kwargs):
        loaded_from_db = bool(kwargs.get("__no_default__"))
        super().__init__(*args, **kwargs)
        self._is_new_row = not loaded_from_db

    def save(self, force_insert=False, only=None, *, sync=True):
        """Insert or update, and (unless ``sync=False``, used when applying rows pulled from the central
        store) stamp the edit with the hybrid clock and queue it in the outbox in the same transaction."""
        from db import synced_writer  # imported late: the writer imports this module

        return synced_writer.save(self, force_insert, only, sync)

    def delete_instance(self, *args, **kwargs):
        """Synced rows are never removed: they get a tombstone that syncs like any other edit."""
        self.deleted_at = utcnow()
        return self.save()

    @classmethod
    def live(cls, *fields):
        return cls.select(*fields).where(cls.deleted_at.is_null())


# --- the till itself (never synced) -------------------------------------------------------------------


class LocalConfig(LocalModel):
    """Per-till configuration and state: till code, receipt sequence, central URL, sync cursor."""

    key = CharField(primary_key=True)
    value = JSONField(null=True)


class Outbox(LocalModel):
    """Changes waiting to be pushed to the central store, in the order they were made."""

    seq = AutoField()  # the rowid: later changes always get a larger seq than every queued one
    op_id = CharField(unique=True, default=new_id)
    table_name = CharField()
    row_id = CharField()
    hlc = CharField()
    fields = JSONField()  # the columns this change set (a customer merges field by field)
    payload = JSONField()  # the whole row as it is after the change
    created_at = UTCDateTimeField(default=utcnow)
    attempts = IntegerField(default=0)
    state = CharField(default="pending", index=True)  # pending | quarantined
    error = TextField(null=True)


class ConflictLog(LocalModel):
    """The losing side of a field decided by the later hybrid clock, kept for the manager to see."""

    id = CharField(primary_key=True, default=new_id)
    at = UTCDateTimeField(default=utcnow)
    table_name = CharField()
    row_id = CharField()
    field = CharField()
    winner = JSONField(null=True)
    loser = JSONField(null=True)
    winner_stamp = CharField()
    loser_stamp = CharField()


# --- people and shop settings ---------------------------------------------------------------------------


class User(SyncedModel):
    name = CharField(unique=True)
    role = CharField(default="cashier")  # cashier | manager
    pin_hash = CharField()
    active = BooleanField(default=True)


class AuditLog(SyncedModel):
    """Who did what to which record and when, including who viewed or exported a customer's data."""

    append_only = True
    at = UTCDateTimeField(default=utcnow, index=True)
    user = ForeignKeyField(User, null=True, backref="audit_entries")
    action = CharField()  # e.g. customer.view, customer.update, settings.update, sale.void
    entity = CharField()
    entity_id = CharField(null=True, index=True)
    detail = JSONField(null=True)


class Setting(SyncedModel):
    """A shop-wide business setting; the id is the setting's key (see app/settings.py for the list)."""

    value = JSONField(null=True)


# --- catalogue and pricing ------------------------------------------------------------------------------


class PriceList(SyncedModel):
    name = CharField(unique=True)
    active = BooleanField(default=True)


class CustomerProfile(SyncedModel):
    """A named pricing profile picked on the bill: Retail, Wholesale, Staff, VIP..."""

    name = CharField(unique=True)
    active = BooleanField(default=True)
    rule = CharField(default="none")  # none | price_list | discount
    discount_bp = IntegerField(default=0)
    price_list = ForeignKeyField(PriceList, null=True, backref="profiles")
    description = TextField(default="")


class CustomerCategory(SyncedModel):
    name = CharField(unique=True)
    discount_bp = IntegerField(default=0)
    earns_loyalty = BooleanField(default=True)
    active = BooleanField(default=True)


class LoyaltyTier(SyncedModel):
    name = CharField(unique=True)
    min_spend = BigIntegerField(default=0)  # lifetime spend (minor units) that reaches this tier
    discount_bp = IntegerField(default=0)
    earn_multiplier_pct = IntegerField(default=100)


class Item(SyncedModel):
    code = CharField(unique=True)
    name = CharField()
    name_norm = CharField(index=True)  # casefolded, accents removed: for search by name
    price = BigIntegerField()  # minor units
    tax_rate_bp = IntegerField(default=0)
    tax_inclusive = BooleanField(null=True)  # None: the shop's setting decides
    department = CharField(default="")
    tags = JSONField(default=list)  # e.g. ["vegetarian", "vegan"]
    allergens = JSONField(default=list)  # e.g. ["nuts", "gluten"]
    active = BooleanField(default=True)


class Barcode(SyncedModel):
    item = ForeignKeyField(Item, backref="barcodes")
    code = CharField(unique=True)


class PriceListEntry(SyncedModel):
    price_list = ForeignKeyField(PriceList, backref="entries")
    item = ForeignKeyField(Item, backref="price_list_entries")
    price = BigIntegerField()

    class Meta:
        indexes = ((("price_list", "item"), True),)


# --- customers --------------------------------------------------------------------------------------------


class Customer(SyncedModel):
    name = CharField()
    name_norm = CharField(index=True)
    phone = CharField(null=True, unique=True)  # working phone, E.164; None only once erased
    email = CharField(null=True, index=True)  # working email, lowercased
    personal_phone = CharField(null=True)
    personal_email = CharField(null=True)
    status = CharField(default="active", index=True)  # active | inactive
    gender = CharField(null=True)
    date_of_birth = CharField(null=True)  # ISO date
    photo = BlobField(null=True)
    notes = TextField(default="")
    marketing_consent = BooleanField(default=False)
    marketing_consent_at = UTCDateTimeField(null=True)
    default_profile = ForeignKeyField(CustomerProfile, null=True, backref="customers")
    category = ForeignKeyField(CustomerCategory, null=True, backref="customers")
    loyalty_tier = ForeignKeyField(LoyaltyTier, null=True, backref="customers")
    created_at = UTCDateTimeField(default=utcnow)
    merged_into = ForeignKeyField("self", null=True, backref="merged_from")
    erased_at = UTCDateTimeField(null=True)


class CustomerAddress(SyncedModel):
    customer = ForeignKeyField(Customer, backref="addresses")
    kind = CharField(default="home")  # home | work | delivery | billing
    line1 = CharField()
    line2 = CharField(default="")
    city = CharField(default="")
    region = CharField(default="")
    postcode = CharField(default="")
    country = CharField(default="")
    is_default = BooleanField(default=False)


class CustomerItemPrice(SyncedModel):
    """"Customer vs item": a fixed price or a discount for one customer on one item."""

    customer = ForeignKeyField(Customer, backref="item_prices")
    item = ForeignKeyField(Item, backref="customer_prices")
    price = BigIntegerField(null=True)
    discount_bp = IntegerField(null=True)

    class Meta:
        indexes = ((("customer", "item"), True),)


class PreferenceDefinition(SyncedModel):
    """A preference the shop tracks, with its global default (set by managers)."""

    key = CharField(unique=True)  # e.g. allergy.nuts, diet.vegetarian, payment.preferred
    label = CharField()
    category = CharField()  # dietary | allergy | payment | seating | communication | instructions
    value_type = CharField(default="bool")  # bool | text | choice
    choices = JSONField(default=list)
    default = JSONField(null=True)
    active = BooleanField(default=True)
    sort_order = IntegerField(default=0)


class CustomerPreference(SyncedModel):
    """One customer's override of one preference. The id is derived from (customer, key) so two tills
    setting the same preference write the same row and merge by clock instead of clashing."""

    customer = ForeignKeyField(Customer, backref="preferences")
    key = CharField()
    value = JSONField(null=True)

    class Meta:
        indexes = ((("customer", "key"), True),)


# --- sales ------------------------------------------------------------------------------------------------


class Bill(SyncedModel):
    """A completed (or voided) sale. Bills are append-only: a void is a new Bill that points at the one
    it voids. Bills being rung up or on hold live in memory and in HeldBill, not here."""

    append_only = True
    receipt_no = CharField(unique=True)  # TILLCODE-sequence
    till_code = CharField()
    cashier = ForeignKeyField(User, backref="bills")
    customer = ForeignKeyField(Customer, null=True, backref="bills")
    profile = ForeignKeyField(CustomerProfile, null=True, backref="bills")
    status = CharField(default="completed", index=True)  # completed | void
    kind = CharField(default="sale")  # sale | void | return
    voids = ForeignKeyField("self", null=True, backref="voided_by")
    opened_at = UTCDateTimeField(default=utcnow)
    completed_at = UTCDateTimeField(default=utcnow, index=True)
    currency = CharField(default="USD")
    subtotal = BigIntegerField(default=0)
    discount_total = BigIntegerField(default=0)
    tax_total = BigIntegerField(default=0)
    rounding = BigIntegerField(default=0)
    total = BigIntegerField(default=0)
    bill_discount_bp = IntegerField(default=0)
    bill_discount_amount = BigIntegerField(default=0)
    preferences_applied = JSONField(default=dict)
    instructions = TextField(default="")
    points_earned = BigIntegerField(default=0)
    points_redeemed = BigIntegerField(default=0)
    # a return (app/returns.py) points at the sale it refunds part of; its lines carry the sale's line_no
    returns = ForeignKeyField("self", null=True, backref="returned_by")


class BillLine(SyncedModel):
    append_only = True
    bill = ForeignKeyField(Bill, backref="lines")
    line_no = IntegerField()
    item = ForeignKeyField(Item, null=True, backref="bill_lines")
    code = CharField()
    name = CharField()
    quantity = IntegerField()
    unit_price = BigIntegerField()
    price_source = CharField(default="base")  # base | customer | price_list | profile | manual
    base_price = BigIntegerField(default=0)
    discount = BigIntegerField(default=0)
    tax_rate_bp = IntegerField(default=0)
    tax = BigIntegerField(default=0)
    total = BigIntegerField()
    allergens_confirmed = JSONField(default=list)


class Payment(SyncedModel):
    append_only = True
    bill = ForeignKeyField(Bill, backref="payments")
    method = CharField()  # cash | card | other | loyalty
    amount = BigIntegerField()  # what this tender paid towards the bill
    tendered = BigIntegerField(default=0)
    change = BigIntegerField(default=0)
    reference = CharField(default="")  # never a card number


class LoyaltyEntry(SyncedModel):
    """Append-only points ledger; the balance is the sum. Ids derive from the bill so a retry cannot
    earn twice."""

    append_only = True
    customer = ForeignKeyField(Customer, backref="loyalty_entries")
    bill = ForeignKeyField(Bill, null=True, backref="loyalty_entries")
    kind = CharField()  # earn | redeem | expire | adjust
    points = BigIntegerField()
    at = UTCDateTimeField(default=utcnow)
    note = CharField(default="")


class Reservation(SyncedModel):
    """A table booked for a customer (app/reservations.py). Merged field by field like customers; never
    deleted: a booking that will not happen is Cancelled or a No-show."""

    customer = ForeignKeyField(Customer, backref="reservations")
    day = CharField()  # YYYY-MM-DD, the shop's local date
    time = CharField()  # HH:MM, local
    party_size = IntegerField(default=2)
    seating = CharField(default="")
    notes = TextField(default="")
    status = CharField(default="booked")  # booked | seated | completed | cancelled | no_show
    created_at = UTCDateTimeField(default=utcnow)

    def delete_instance(self, *args, **kwargs):
        raise ValueError("A reservation is never deleted: cancel it instead.")


class Promotion(SyncedModel):
    """A targeted offer (app/promotions.py), managed at an office till. Who: segment, default profile,
    category, birthday week (empty / false: anyone); what: percent off (basis points), amount off (minor
    units) or bonus points; when: local dates, inclusive (empty: open); channel: till | email | sms."""

    name = CharField()
    active = BooleanField(default=True)
    segment = CharField(default="")
    profile_id = CharField(default="")
    category_id = CharField(default="")
    birthday_week = BooleanField(default=False)
    kind = CharField(default="percent")  # percent | amount | points
    value = BigIntegerField(default=0)
    starts_on = CharField(default="")
    ends_on = CharField(default="")
    channel = CharField(default="till")
    needs_consent = BooleanField(default=True)


# --- derived on the till -----------------------------------------------------------------------------------


class HeldBill(LocalModel):
    id = CharField(primary_key=True, default=new_id)
    label = CharField(default="")
    cashier = ForeignKeyField(User)
    held_at = UTCDateTimeField(default=utcnow)
    data = JSONField()


class CustomerStats(LocalModel):
    """Per-customer figures kept current in the same transaction as each sale (or pulled bill), so the
    till shows them at once with any number of customers."""

    customer = ForeignKeyField(Customer, primary_key=True, backref="stats")
    orders = IntegerField(default=0)
    spent = BigIntegerField(default=0)
    last_visit = UTCDateTimeField(null=True)
    points = BigIntegerField(default=0)
    item_counts = JSONField(default=dict)  # item id -> quantity bought, for "order again"
    payment_counts = JSONField(default=dict)  # method -> times used
    first_visit = UTCDateTimeField(null=True)  # segments (app/segments.py, migration 14)
    recent_visits = JSONField(default=list)  # newest first, at most segments.MAX_RECENT stored UTC texts
    regular_since = CharField(null=True)  # the K-th most recent visit (K: the Regular rule)
    customer_rowid = IntegerField(null=True)  # the customer's rowid: segment lists read only stats indexes
    # how the Customers window lists the customer, kept by triggers on customer (migration 18): 'active',
    # 'inactive', 'erased', or NULL (deleted, merged); and the default profile's rowid
    list_status = CharField(null=True)
    profile_rowid = IntegerField(null=True)


class SalesSummary(LocalModel):
    """Sales per local day, profile, cashier and customer category (the category at the time of sale),
    kept by triggers (migration 0003) in the same transaction as each bill; voids net out. Reports read
    this instead of scanning every bill. Empty strings stand for "none"."""

    day = CharField()  # YYYY-MM-DD, the till's local date of completed_at
    profile_id = CharField(default="")
    cashier_id = CharField(default="")
    category_id = CharField(default="")
    bills = IntegerField(default=0)
    total = BigIntegerField(default=0)
    tax = BigIntegerField(default=0)
    discount = BigIntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("day", "profile_id", "cashier_id", "category_id")
        without_rowid = True


class PreferenceReview(LocalModel):
    """The manager's preference audit queue (app/preference_audit.py): a preference contradicted by the
    customer's behaviour or overridden at checkout, flagged at sale time. Stale preferences are not stored:
    they are a range on customer_preference.updated_at."""

    id = CharField(primary_key=True)  # customer id + key
    customer_id = CharField(index=True)
    key = CharField()
    reason = CharField()  # contradicted | overridden
    detail = TextField(default="")
    overrides = IntegerField(default=0)
    flagged_at = UTCDateTimeField(default=utcnow, index=True)
    open = BooleanField(default=True)


class ServiceSummary(LocalModel):
    """Service per local day, bill profile, cashier and visitor (new | returning | walk_in), kept by a
    trigger (migration 15) from each sale's ``preferences_applied["service"]`` record."""

    day = CharField()
    profile_id = CharField(default="")
    cashier_id = CharField(default="")
    visitor = CharField()
    bills = IntegerField(default=0)
    checkout_ms = BigIntegerField(default=0)
    applied = IntegerField(default=0)
    overridden = IntegerField(default=0)
    prefs_bills = IntegerField(default=0)  # bills on which at least one preference was applied

    class Meta:
        primary_key = CompositeKey("day", "profile_id", "cashier_id", "visitor")
        without_rowid = True


class PaymentSummary(LocalModel):
    """Payments per local day, bill profile and method, kept by triggers like SalesSummary."""

    day = CharField()
    profile_id = CharField(default="")
    method = CharField()
    payments = IntegerField(default=0)
    amount = BigIntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("day", "profile_id", "method")
        without_rowid = True


SYNCED_MODELS = [
    User,
    AuditLog,
    Setting,
    PriceList,
    CustomerProfile,
    CustomerCategory,
    LoyaltyTier,
    Item,
    Barcode,
    PriceListEntry,
    Customer,
    CustomerAddress,
    CustomerItemPrice,
    PreferenceDefinition,
    CustomerPreference,
    Bill,
    BillLine,
    Payment,
    LoyaltyEntry,
    Reservation,
    Promotion,
]
LOCAL_MODELS = [LocalConfig, Outbox, ConflictLog, HeldBill, CustomerStats, SalesSummary, PaymentSummary,
                PreferenceReview, ServiceSummary]
ALL_MODELS = SYNCED_MODELS + LOCAL_MODELS
MODELS_BY_TABLE = {m._meta.table_name: m for m in ALL_MODELS}
