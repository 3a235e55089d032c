-- Schema 14: segments and life-cycle status (app/segments.py). Each customer's figures gain the first
-- visit and the most recent visits (newest first, at most 20), and regular_since: the K-th most recent
-- visit, so "at least K visits in the last M days" is one range on an index; and the customer's rowid, so a
-- segment's list is read from one covering index (New on first_visit, Regular on regular_since, Lapsed on
-- last_visit, VIP on spent) without touching the customer table. "Birthday this week" is a range on the
-- month and day of the date of birth; the profile filter walks its own index already in name order.
-- The backfill counts a customer's own live (not voided) sales.

ALTER TABLE "customer_stats" ADD COLUMN "first_visit" TEXT;

ALTER TABLE "customer_stats" ADD COLUMN "recent_visits" TEXT NOT NULL DEFAULT '[]';

ALTER TABLE "customer_stats" ADD COLUMN "regular_since" TEXT;

ALTER TABLE "customer_stats" ADD COLUMN "customer_rowid" INTEGER;

UPDATE "customer_stats" SET "customer_rowid" = (SELECT c.rowid FROM "customer" AS c WHERE c."id" = "customer_stats"."customer_id");

UPDATE "customer_stats" SET
  "first_visit" = (SELECT min(b."completed_at") FROM "bill" AS b
                   WHERE b."customer_id" = "customer_stats"."customer_id" AND b."kind" = 'sale'
                     AND b."deleted_at" IS NULL
                     AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = b."id" AND v."deleted_at" IS NULL)),
  "recent_visits" = COALESCE((SELECT json_group_array(t) FROM (
                     SELECT b."completed_at" AS t FROM "bill" AS b
                     WHERE b."customer_id" = "customer_stats"."customer_id" AND b."kind" = 'sale'
                       AND b."deleted_at" IS NULL
                       AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = b."id" AND v."deleted_at" IS NULL)
                     ORDER BY b."completed_at" DESC LIMIT 20)), '[]');

UPDATE "customer_stats" SET "regular_since" = json_extract("recent_visits", '$[2]');

CREATE INDEX "customer_stats_first_visit" ON "customer_stats" ("first_visit", "customer_rowid");

CREATE INDEX "customer_stats_last_visit" ON "customer_stats" ("last_visit", "customer_rowid");

CREATE INDEX "customer_stats_regular_since" ON "customer_stats" ("regular_since", "customer_rowid");

CREATE INDEX "customer_stats_spent_rowid" ON "customer_stats" ("spent", "customer_rowid");

CREATE INDEX "customer_birthday" ON "customer" (substr("date_of_birth", 6, 5));

CREATE INDEX "customer_by_profile" ON "customer" ("default_profile_id", "name_norm", "deleted_at", "status");

INSERT OR REPLACE INTO "local_config" ("key", "value") VALUES ('segment_regular_k', '3');
