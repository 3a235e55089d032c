"""Know your customers at size: list a segment, open the preference audit queue, run the service report.

    python -m benchmarks.bench_crm [--customers 1000000] [--items 200000] [--bills 1000000] [--runs 7]

On a scratch copy of the generated database (benchmarks/generate.py): the visit fields are filled as
migration 14 fills them, a fifth of the customers get a date of birth, 5% get saved preferences of which
a part are old (stale) and some are flagged (contradicted), and the service summary gets a year of days
for every profile, cashier and visitor. Measured through the app's own functions (app/segment_lists.head and
segments.ids, what the Customers window runs on its worker; app/preference_audit.queue;
app/service_metrics.report), each next to a bare SQLCipher query in the same run: the one read the feature
cannot avoid. A list is shown from its count and first rows (what the user waits for, measured with the
first screen of rows read), while its whole ordered rowid list is read behind them (measured too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random

from benchmarks.common import DATA, Table, scratch_copy, timed, use_bench_keyring

BACKFILL = """
UPDATE customer_stats SET
  first_visit = (SELECT min(b.completed_at) FROM bill b WHERE b.customer_id = customer_stats.customer_id
                 AND b.kind = 'sale'),
  recent_visits = COALESCE((SELECT json_group_array(t) FROM (SELECT b.completed_at AS t FROM bill b
                 WHERE b.customer_id = customer_stats.customer_id AND b.kind = 'sale'
                 ORDER BY b.completed_at DESC LIMIT 20)), '[]')
"""


def prepare(db, rng: random.Random) -> None:
    """Segment fields, birthdays, preferences (some stale, some flagged) and a year of service summary."""
    from db.hlc import format_stamp

    with db.atomic():
        db.execute_sql(BACKFILL)
        db.execute_sql("UPDATE customer_stats SET regular_since = json_extract(recent_visits, '$[2]'), "
                       "customer_rowid = (SELECT rowid FROM customer WHERE id = customer_stats.customer_id)")
        db.execute_sql("INSERT OR REPLACE INTO local_config (key, value) VALUES ('segment_regular_k', '3')")
        ids = [r[0] for r in db.execute_sql("SELECT id FROM customer")]
        births = [(f"19{rng.randrange(40, 99)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}", cid)
                  for cid in rng.sample(ids, len(ids) // 5)]
        db.cursor().executemany("UPDATE customer SET date_of_birth = ? WHERE id = ?", births)
        now_ms = int(dt.datetime.now(dt.UTC).timestamp() * 1000)
        prefs, flagged = [], []
        for n, cid in enumerate(rng.sample(ids, len(ids) // 20)):
            age_days = rng.randrange(0, 900)
            stamp = format_stamp(now_ms - age_days * 86_400_000, 0, "bench")
            key = rng.choice(["payment.preferred", "seating.preferred", "diet.vegetarian"])
            value = {"payment.preferred": '"Card"', "seating.preferred": '"Window"', "diet.vegetarian": "true"}[key]
            prefs.append((f"bench-pref-{n}", stamp, cid, key, value))
            if n % 50 == 0:
                flagged.append((f"{cid}:{key}", cid, key, "contradicted", "benchmark", 0,
                                dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")))
        db.cursor().executemany("INSERT OR IGNORE INTO customer_preference (id, updated_at, customer_id, key, value) "
                                "VALUES (?, ?, ?, ?, ?)", prefs)
        db.cursor().executemany("INSERT OR REPLACE INTO preference_review (id, customer_id, key, reason, detail, "
                                "overrides, flagged_at, open) VALUES (?, ?, ?, ?, ?, ?, ?, 1)", flagged)
        profiles = [r[0] for r in db.execute_sql("SELECT id FROM customer_profile")] + [""]
        cashiers = [r[0] for r in db.execute_sql('SELECT id FROM "user"')]
        today = dt.date.today()
        rows = []
        for d in range(365):
            day = (today - dt.timedelta(days=d)).isoformat()
            for profile in profiles:
                for cashier in cashiers:
                    for visitor in ("new", "returning", "walk_in"):
                        bills = rng.randrange(1, 40)
                        rows.append((day, profile, cashier, visitor, bills, bills * rng.randrange(20_000, 120_000),
                                     bills * 2, bills // 5, bills))
        db.cursor().executemany(
            "INSERT OR REPLACE INTO service_summary (day, profile_id, cashier_id, visitor, bills, checkout_ms, "
            "applied, overridden, prefs_bills) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    db.execute_sql("ANALYZE")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--customers", type=int, default=1_000_000)
    p.add_argument("--items", type=int, default=200_000)
    p.add_argument("--bills", type=int, default=1_000_000)
    p.add_argument("--runs", type=int, default=7)
    args = p.parse_args(argv)
    use_bench_keyring()
    from benchmarks.generate import generate

    source = generate(DATA / f"till-{args.customers}c-{args.items}i-{args.bills}b.db",
                      customers=args.customers, items=args.items, bills=args.bills)
    work = scratch_copy(source, "bench-crm-scratch.db")

    import keyring
    from sqlcipher3 import dbapi2 as sqlcipher

    from app import customer_list, preference_audit, segment_lists, segments, service_metrics
    from app.till import open_till
    from db.fields import UTCDateTimeField
    from db.keystore import SERVICE, account_for

    till = open_till(work)
    try:
        prepare(till.db, random.Random(7))
        rule = segments.rules()
        now = dt.datetime.now(dt.UTC)
        bare = sqlcipher.connect(str(work))
        bare.execute(f"PRAGMA key = \"x'{keyring.get_password(SERVICE, account_for(work))}'\"")
        lapsed_since = UTCDateTimeField().db_value(now - dt.timedelta(days=rule.lapsed_days))
        table = Table(f"Know your customers ({args.customers:,} customers, {args.bills:,} bills)")

        def bare_lapsed():
            bare.execute("SELECT customer_id FROM customer_stats WHERE last_visit < ?", (lapsed_since,)).fetchall()

        def bare_count():
            bare.execute("SELECT count(*) FROM customer_stats WHERE last_visit < ?", (lapsed_since,)).fetchall()

        baseline, _ = timed(bare_lapsed, repeat=args.runs)
        table.add("bare SQLCipher: ids of lapsed customers' figures, no join or order (baseline)", baseline, baseline)
        count_base, _ = timed(bare_count, repeat=args.runs)
        table.add("bare SQLCipher: count of lapsed customers' figures (baseline of a first screen)", count_base,
                  count_base)
        sizes = {}
        profile = till.db.execute_sql("SELECT id FROM customer_profile ORDER BY name LIMIT 1").fetchone()[0]

        def shown(segment, profile_id, status):
            """What the user waits for: the list's count and first rows (the reads worker), then the first
            screen of rows (read by the model on the UI thread)."""
            head = segment_lists.head(segment, profile_id, status, now=now, rule=rule)
            customer_list.rows(list(head.rowids[:64]))
            return head

        def listing(segment, profile_id, status):
            """The whole list's ordered rowids (read on the worker while the first rows are on screen)."""
            return segments.ids(segment, profile_id, status, now=now, rule=rule)

        lists = [(None, None, None, "All customers (no filter)")]
        for segment in segments.SEGMENTS:
            name = segments.LABELS[segment]
            lists += [(segment, None, None, name), (segment, None, "active", f"{name}, Active tab"),
                      (segment, profile, None, f"{name} and a profile")]
        lists.append((None, profile, None, "a profile alone"))
        for segment, profile_id, status, label in lists:
            segments.forget_cache()
            whole, found = timed(listing, segment, profile_id, status, repeat=args.runs)
            sizes[label] = len(found)
            if segment_lists.head(segment, profile_id, status, now=now, rule=rule) is None:
                table.add(f"list {label} ({len(found):,}): read at once", whole, baseline, "< 200 ms")
                continue
            first, head = timed(shown, segment, profile_id, status, repeat=args.runs)
            assert head.count == len(found) and list(head.rowids) == list(found[:len(head.rowids)])
            table.add(f"list {label} ({len(found):,}): count and first rows shown", first, count_base, "< 200 ms")
            table.add(f"list {label}: the whole ordered list read behind them", whole, baseline)

        def fresh_threshold():
            segments.vip_threshold(rule.vip_top_pct, fresh=True)

        samples, _ = timed(fresh_threshold, repeat=args.runs)
        table.add("VIP threshold after a sale (customer pick on the till)", samples, baseline)

        def bare_queue():
            bare.execute("SELECT * FROM preference_review WHERE open LIMIT 200").fetchall()

        queue_base, _ = timed(bare_queue, repeat=args.runs)
        table.add("bare SQLCipher: a page of the review table (baseline)", queue_base, queue_base)
        samples, entries = timed(preference_audit.queue, repeat=args.runs)
        table.add(f"open the preference audit queue ({len(entries)} entries shown)", samples, queue_base,
                  "< 200 ms")

        def bare_summary():
            bare.execute("SELECT sum(bills), sum(checkout_ms) FROM service_summary").fetchall()

        report_base, _ = timed(bare_summary, repeat=args.runs)
        table.add("bare SQLCipher: sum of the service summary (baseline)", report_base, report_base)
        start = dt.date.today() - dt.timedelta(days=364)
        for by in ("day", "profile", "cashier"):
            samples, rows = timed(service_metrics.report, start, dt.date.today(), by, repeat=args.runs)
            table.add(f"service report for a year by {by} ({len(rows) - 1} rows)", samples, report_base, "< 200 ms")
        bare.close()
        table.print()
        print(json.dumps({"segment_sizes": sizes}))
    finally:
        till.close()
        for stale in work.parent.glob(work.name + "*"):
            stale.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
