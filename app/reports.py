"""Sales reports over a date range, optionally for one Customer Profile.

Figures come from the summaries the database keeps per local day (SalesSummary, PaymentSummary: kept by
triggers in the same transaction as every bill, voids netted out), so a report over a million bills reads
a few thousand summary rows. Top customers come from a covering index on the bills of the range.

Run reports off the UI thread: they read only, and peewee gives each worker thread its own connection.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from app import payment_methods, settings
from db.models import Customer, CustomerCategory, CustomerProfile, User, database

ALL_PROFILES = None  # the profile filter: None = every bill, "" = bills with no profile, else a profile id
NO_PROFILE = ""



@dataclass(frozen=True)
class Row:
    key: str
    label: str
    bills: int
    total: int


@dataclass
class SalesReport:
    start: dt.date
    end: dt.date
    profile_id: str | None
    currency: str
    bills: int = 0
    total: int = 0
    tax: int = 0
    discount: int = 0
    by_day: list[Row] = field(default_factory=list)
    by_profile: list[Row] = field(default_factory=list)
    by_category: list[Row] = field(default_factory=list)
    by_cashier: list[Row] = field(default_factory=list)
    by_payment: list[Row] = field(default_factory=list)
    top_customers: list[Row] = field(default_factory=list)
    # profile label -> [(day, total)] for every day of the range: the chart of sales by profile over time
    profile_series: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)

    @property
    def average_bill(self) -> int:
        return self.total // self.bills if self.bills else 0

    def sections(self) -> list[tuple[str, str, list[Row]]]:
        """(title, what the key column is, rows) in the order the window shows them."""
        return [
            ("Sales by day", "Day", self.by_day),
            ("Sales by profile", "Profile", self.by_profile),
            ("Sales by customer category", "Category", self.by_category),
            ("Sales by cashier", "Cashier", self.by_cashier),
            ("Sales by payment method", "Method", self.by_payment),
            ("Top customers", "Customer", self.top_customers),
        ]


def local_day_bounds_utc(start: dt.date, end: dt.date) -> tuple[str, str]:
    """The UTC instants (as stored text) of local midnight on ``start`` and on the day after ``end``."""
    lo = dt.datetime.combine(start, dt.time.min).astimezone(dt.UTC)
    hi = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min).astimezone(dt.UTC)
    return lo.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), hi.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _names(model, ids) -> dict[str, str]:
    ids = [i for i in ids if i]
    if not ids:
        return {}
    return {r.id: r.name for r in model.select(model.id, model.name).where(model.id.in_(ids))}


def profile_choices() -> list[tuple[str, str | None]]:
    """(label, filter value) for the profile filter: every profile, inactive ones marked (old bills keep
    them)."""
    out: list[tuple[str, str | None]] = [("All profiles", ALL_PROFILES), ("No profile", NO_PROFILE)]
    for p in CustomerProfile.live().order_by(CustomerProfile.active.desc(), CustomerProfile.name):
        out.append((p.name if p.active else f"{p.name} (inactive)", p.id))
    return out


def _profile_clause(profile_id: str | None, column: str = '"profile_id"') -> tuple[str, list]:
    """The SQL filter for a profile on the summaries (where "none" is '') or, for any column other than
    the summaries' own, on bills (where "none" is NULL)."""
    if profile_id is ALL_PROFILES:
        return "", []
    if profile_id == NO_PROFILE and column != '"profile_id"':
        return f" AND {column} IS NULL", []
    return f" AND {column} = ?", [profile_id]


def _sorted_rows(totals: dict, labels: dict, fallback: str) -> list[Row]:
    rows = [Row(k, labels.get(k) or fallback, b, t) for k, (b, t) in totals.items() if b or t]
    return sorted(rows, key=lambda r: (-r.total, r.label))


def sales_report(start: dt.date, end: dt.date, profile_id: str | None = ALL_PROFILES, top: int = 10) -> SalesReport:
    if end < start:
        start, end = end, start
    report = SalesReport(start, end, profile_id, settings.shop().currency)
    where, params = _profile_clause(profile_id)
    rows = database.execute_sql(
        'SELECT "day", "profile_id", "cashier_id", "category_id", sum("bills"), sum("total"), sum("tax"), '
        'sum("discount") FROM "sales_summary" WHERE "day" BETWEEN ? AND ?' + where
        + ' GROUP BY 1, 2, 3, 4',
        [start.isoformat(), end.isoformat(), *params],
    ).fetchall()
    by_day: dict = defaultdict(lambda: [0, 0])
    by_profile: dict = defaultdict(lambda: [0, 0])
    by_category: dict = defaultdict(lambda: [0, 0])
    by_cashier: dict = defaultdict(lambda: [0, 0])
    series: dict = defaultdict(lambda: defaultdict(int))
    for day, profile, cashier, category, bills, total, tax, discount in rows:
        report.bills += bills
        report.total += total
        report.tax += tax
        report.discount += discount
        for bucket, key in ((by_day, day), (by_profile, profile), (by_category, category), (by_cashier, cashier)):
            bucket[key][0] += bills
            bucket[key][1] += total
        series[profile][day] += total

    profile_names = _names(CustomerProfile, by_profile)
    report.by_day = [Row(d, d, b, t) for d, (b, t) in sorted(by_day.items()) if b or t]
    report.by_profile = _sorted_rows(by_profile, profile_names, "No profile")
    report.by_category = _sorted_rows(by_category, _names(CustomerCategory, by_category), "No category")
    report.by_cashier = _sorted_rows(by_cashier, _names(User, by_cashier), "Unknown cashier")

    payments = database.execute_sql(
        'SELECT "method", sum("payments"), sum("amount") FROM "payment_summary" WHERE "day" BETWEEN ? AND ?'
        + where + ' GROUP BY 1',
        [start.isoformat(), end.isoformat(), *params],
    ).fetchall()
    labels = {m: payment_methods.label(m) for m, _, _ in payments}
    report.by_payment = _sorted_rows({m: (n, a) for m, n, a in payments}, labels, "Other")

    days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
    for profile, per_day in series.items():
        label = profile_names.get(profile) or "No profile"
        report.profile_series[label] = [(d, per_day.get(d.isoformat(), 0)) for d in days]
    report.top_customers = top_customers(start, end, profile_id, top)
    return report


DIRECT_SCAN_BILLS = 100_000  # up to this many bills in the range, top customers are summed straight from them
MAX_CANDIDATES = 20_000
CANDIDATE_CHUNK = 250


def top_customers(start: dt.date, end: dt.date, profile_id: str | None = ALL_PROFILES, limit: int = 10) -> list[Row]:
    """The customers who spent most in the range (voided sales netted out; a merged customer's bills count
    for the customer it was merged into). Exact either way it is computed:

    - up to DIRECT_SCAN_BILLS bills in the range: one range scan of a covering index (of all bills, or of
      the profile's), summed per customer;
    - more (a year of a busy shop): customers are taken in order of lifetime spend (customer_stats), and
      each one's spend in the range is read by index; since spend in a range never exceeds lifetime spend,
      the search stops once the next customer's lifetime spend is below the current tenth best. If that
      needs more than MAX_CANDIDATES look-ups, the scan answers instead.
    """
    in_range = _bills_in_range(start, end, profile_id)
    if in_range > DIRECT_SCAN_BILLS:
        found = top_customers_by_lifetime(start, end, profile_id, limit)
        if found is not None:
            return found
    return top_customers_by_scan(start, end, profile_id, limit)


def _bills_in_range(start: dt.date, end: dt.date, profile_id: str | None) -> int:
    where, params = _profile_clause(profile_id)
    return database.execute_sql('SELECT COALESCE(sum("bills"), 0) FROM "sales_summary" WHERE "day" BETWEEN ? AND ?'
                                + where, [start.isoformat(), end.isoformat(), *params]).fetchone()[0]


def top_customers_by_scan(start: dt.date, end: dt.date, profile_id: str | None = ALL_PROFILES,
                          limit: int = 10) -> list[Row]:
    lo, hi = local_day_bounds_utc(start, end)
    if profile_id is ALL_PROFILES:
        index, where, params = "bill_completed_customer_total", "", []
    else:
        index = "bill_profile_completed_customer_total"
        where, params = _profile_clause(profile_id, '"bill"."profile_id"')
        where = where.replace(" AND ", "", 1) + " AND "
    # summed here rather than with GROUP BY: a dict beats SQLite's temporary b-tree of customer ids
    bills: dict[str, int] = defaultdict(int)
    totals: dict[str, int] = defaultdict(int)
    cursor = database.execute_sql(
        f'SELECT "customer_id", "total" FROM "bill" INDEXED BY "{index}" WHERE {where}"completed_at" >= ? '
        'AND "completed_at" < ? AND "kind" = \'sale\' AND "customer_id" IS NOT NULL', [*params, lo, hi])
    while batch := cursor.fetchmany(10000):
        for customer, total in batch:
            bills[customer] += 1
            totals[customer] += total
    # voided sales of the range (voids are few: read them through the partial index of voids)
    for customer, total in database.execute_sql(
        'SELECT o."customer_id", o."total" FROM "bill" AS v JOIN "bill" AS o ON o."id" = v."voids_id" '
        'WHERE v."voids_id" IS NOT NULL AND v."kind" = \'void\' AND o."customer_id" IS NOT NULL '
        'AND o."completed_at" >= ? AND o."completed_at" < ?' + _profile_clause(profile_id, 'o."profile_id"')[0],
        [lo, hi, *_profile_clause(profile_id, 'o."profile_id"')[1]],
    ):
        bills[customer] -= 1
        totals[customer] -= total
    # returns of the range's sales that still stand (negative totals), through the partial index of returns
    for customer, total in database.execute_sql(
        'SELECT o."customer_id", r."total" FROM "bill" AS r JOIN "bill" AS o '
        'ON o."id" = r."returns_id" WHERE r."returns_id" IS NOT NULL AND r."kind" = \'return\' '
        'AND r."deleted_at" IS NULL AND o."customer_id" IS NOT NULL AND o."completed_at" >= ? AND o."completed_at" < ? '
        'AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = o."id")'
        + _profile_clause(profile_id, 'o."profile_id"')[0],
        [lo, hi, *_profile_clause(profile_id, 'o."profile_id"')[1]],
    ):
        totals[customer] += total
    survivors = _survivors(totals)
    if survivors:
        for customer, target in survivors.items():
            bills[target] += bills.pop(customer)
            totals[target] += totals.pop(customer)
    best = heapq.nsmallest(limit, ((t, bills[c], c) for c, t in totals.items() if bills[c] > 0), key=_rank)
    names = _names(Customer, [c for _, _, c in best])
    return [Row(c, names.get(c, "Unknown customer"), b, t) for t, b, c in best]


def top_customers_by_lifetime(start: dt.date, end: dt.date, profile_id: str | None = ALL_PROFILES,
                              limit: int = 10, max_candidates: int = MAX_CANDIDATES) -> list[Row] | None:
    """The threshold search over customers by lifetime spend, a chunk of candidates per query; None if it
    would need more than ``max_candidates`` of them (a short range, or a small profile), when the scan is
    the better way."""
    lo, hi = local_day_bounds_utc(start, end)
    where, params = _profile_clause(profile_id, 'b."profile_id"')
    merged = _survivors_table()
    children: dict[str, list[str]] = defaultdict(list)
    for child, parent in merged.items():
        children[parent].append(child)

    def owners(customer: str) -> list[str]:  # app/stats.bill_owners, from the table in memory
        if customer in merged:
            return []
        found, frontier = [customer], [customer]
        while frontier:
            frontier = [c for f in frontier for c in children.get(f, ()) if c not in found]
            found += frontier
        return found

    best: list[tuple[int, int, str]] = []
    candidates = database.execute_sql(
        'SELECT s."customer_id", s."spent" FROM "customer_stats" AS s INDEXED BY "customer_stats_spent" '
        'WHERE s."spent" > 0 ORDER BY s."spent" DESC')
    seen = 0
    while chunk := candidates.fetchmany(CANDIDATE_CHUNK):
        if len(best) >= limit and chunk[0][1] < best[-1][0]:
            break
        if seen >= max_candidates:
            return None
        seen += len(chunk)
        owner_of = {o: c for c, _ in chunk for o in owners(c)}
        marks = ",".join("?" * len(owner_of))
        sums: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for owner, bills, total in database.execute_sql(
            f'SELECT b."customer_id", count(*), sum(b."total" + (SELECT COALESCE(sum(r."total"), 0) FROM "bill" AS r '
            'WHERE r."returns_id" = b."id" AND r."kind" = \'return\' AND r."deleted_at" IS NULL)) '
            f'FROM "bill" AS b WHERE b."customer_id" IN ({marks}) '
            'AND b."completed_at" >= ? AND b."completed_at" < ? AND b."kind" = \'sale\' AND b."deleted_at" IS NULL'
            + where + ' AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = b."id" '
            'AND v."deleted_at" IS NULL) GROUP BY 1', [*owner_of, lo, hi, *params]):
            sums[owner_of[owner]][0] += bills
            sums[owner_of[owner]][1] += total
        best.extend((total, bills, customer) for customer, (bills, total) in sums.items() if bills > 0)
        best.sort(key=_rank)
        del best[limit:]
    names = _names(Customer, [c for _, _, c in best])
    return [Row(c, names.get(c, "Unknown customer"), b, t) for t, b, c in best]


def _rank(entry: tuple[int, int, str]) -> tuple:
    total, bills, customer = entry
    return (-total, -bills, customer)


def _survivors_table() -> dict[str, str]:
    """Every merged customer -> the customer it was merged into (few: the partial index of migration 5)."""
    return dict(database.execute_sql(
        'SELECT "id", "merged_into_id" FROM "customer" WHERE "merged_into_id" IS NOT NULL').fetchall())


def _survivors(customer_ids) -> dict[str, str]:
    """customer id -> the customer it was (finally) merged into, for the merged ones among ``customer_ids``."""
    merged = _survivors_table()
    out = {}
    for cid in (c for c in customer_ids if c in merged):
        target, seen = cid, set()
        while target in merged and target not in seen:
            seen.add(target)
            target = merged[target]
        if target != cid:
            out[cid] = target
    return out


def bills_total(start: dt.date, end: dt.date, profile_id: str | None = ALL_PROFILES) -> tuple[int, int]:
    """(bills, total) straight from the bills, voids and returns netted out: the slow reference the summaries
    must match."""
    lo, hi = local_day_bounds_utc(start, end)
    where, params = _profile_clause(profile_id, 'b."profile_id"')
    return tuple(database.execute_sql(
        'SELECT count(*), COALESCE(sum(b."total" + (SELECT COALESCE(sum(r."total"), 0) FROM "bill" AS r '
        'WHERE r."returns_id" = b."id" AND r."kind" = \'return\' AND r."deleted_at" IS NULL)), 0) '
        'FROM "bill" AS b WHERE b."kind" = \'sale\' '
        'AND b."deleted_at" IS NULL AND b."completed_at" >= ? AND b."completed_at" < ?' + where
        + ' AND b."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)',
        [lo, hi, *params],
    ).fetchone())


REBUILD_SQL = [
    'DELETE FROM "sales_summary"',
    'DELETE FROM "payment_summary"',
    """INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
    SELECT date(b."completed_at", 'localtime'), COALESCE(b."profile_id", ''), b."cashier_id", COALESCE(c."category_id", ''),
           count(*), sum(b."total"), sum(b."tax_total"), sum(b."discount_total")
    FROM "bill" AS b LEFT JOIN "customer" AS c ON c."id" = b."customer_id"
    WHERE b."kind" = 'sale' AND b."deleted_at" IS NULL
      AND b."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
    GROUP BY 1, 2, 3, 4""",
    """INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
    SELECT date(b."completed_at", 'localtime'), COALESCE(b."profile_id", ''), p."method", count(*), sum(p."amount")
    FROM "bill" AS b JOIN "payment" AS p ON p."bill_id" = b."id"
    WHERE b."kind" = 'sale' AND b."deleted_at" IS NULL AND p."deleted_at" IS NULL
      AND b."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
    GROUP BY 1, 2, 3""",
    # returns come off their sale's day, profile, cashier and category (migration 8), unless it was voided
    """INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
    SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), o."cashier_id", COALESCE(c."category_id", ''),
           0, sum(r."total"), sum(r."tax_total"), sum(r."discount_total")
    FROM "bill" AS r JOIN "bill" AS o ON o."id" = r."returns_id" LEFT JOIN "customer" AS c ON c."id" = o."customer_id"
    WHERE r."returns_id" IS NOT NULL AND r."kind" = 'return' AND r."deleted_at" IS NULL AND o."kind" = 'sale'
      AND o."deleted_at" IS NULL
      AND o."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
    GROUP BY 1, 2, 3, 4
    ON CONFLICT ("day", "profile_id", "cashier_id", "category_id") DO UPDATE SET
      "bills" = "bills" + excluded."bills", "total" = "total" + excluded."total",
      "tax" = "tax" + excluded."tax", "discount" = "discount" + excluded."discount"
    """,
    """INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
    SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), p."method", 0, sum(p."amount")
    FROM "bill" AS r JOIN "bill" AS o ON o."id" = r."returns_id" JOIN "payment" AS p ON p."bill_id" = r."id"
    WHERE r."returns_id" IS NOT NULL AND r."kind" = 'return' AND r."deleted_at" IS NULL AND p."deleted_at" IS NULL
      AND o."kind" = 'sale' AND o."deleted_at" IS NULL
      AND o."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
    GROUP BY 1, 2, 3
    ON CONFLICT ("day", "profile_id", "method") DO UPDATE SET
      "payments" = "payments" + excluded."payments", "amount" = "amount" + excluded."amount"
    """,
]


def rebuild_summaries() -> None:
    """Recompute the summaries from the bills (a repair, or after the computer's time zone changed)."""
    with database.atomic():
        for statement in REBUILD_SQL:
            database.execute_sql(statement)


def summary_rows() -> list[tuple]:
    """Every summary row, sorted: lets a test check that the triggers and a rebuild agree."""
    sales = database.execute_sql('SELECT * FROM "sales_summary" WHERE "bills" != 0 OR "total" != 0 ORDER BY 1, 2, 3, 4')
    pays = database.execute_sql('SELECT * FROM "payment_summary" WHERE "payments" != 0 OR "amount" != 0 ORDER BY 1, 2, 3')
    return [tuple(r) for r in sales.fetchall()] + [tuple(r) for r in pays.fetchall()]
