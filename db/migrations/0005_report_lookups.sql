-- Schema 5: look-ups that stay selective after ANALYZE, for reports and the summary triggers.
-- Almost every bill has voids_id NULL, so ANALYZE records bill_voids_id as matching every bill for any
-- value, and SQLite then scans the whole table for "is this bill voided?" (once per sale, inside the
-- summary triggers of schema 3). A partial index of the voids alone has one entry per void.
CREATE INDEX "bill_voided" ON "bill" ("voids_id") WHERE "voids_id" IS NOT NULL;

-- Customer figures by lifetime spend: app/reports.top_customers reads candidates in this order.
CREATE INDEX "customer_stats_spent" ON "customer_stats" ("spent");

-- The same for merges: customers merged into another are few, and app/stats.bill_owners looks them up.
CREATE INDEX "customer_merged" ON "customer" ("merged_into_id") WHERE "merged_into_id" IS NOT NULL;
