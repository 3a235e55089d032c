-- Schema 15: promotions (synced, head-office data), the preference audit queue and the service summary.
-- service_summary is kept by a trigger from each sale's preferences_applied["service"] record (local
-- sales and bills pulled from other tills alike), so the service report never scans bills. Stale
-- preferences are a range on customer_preference.updated_at (a hybrid clock stamp: wall time first).

CREATE TABLE "promotion" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "segment" VARCHAR(255) NOT NULL, "profile_id" VARCHAR(255) NOT NULL, "category_id" VARCHAR(255) NOT NULL, "birthday_week" INTEGER NOT NULL, "kind" VARCHAR(255) NOT NULL, "value" INTEGER NOT NULL, "starts_on" VARCHAR(255) NOT NULL, "ends_on" VARCHAR(255) NOT NULL, "channel" VARCHAR(255) NOT NULL, "needs_consent" INTEGER NOT NULL);

CREATE TABLE "preference_review" ("id" VARCHAR(255) NOT NULL PRIMARY KEY, "customer_id" VARCHAR(255) NOT NULL, "key" VARCHAR(255) NOT NULL, "reason" VARCHAR(255) NOT NULL, "detail" TEXT NOT NULL, "overrides" INTEGER NOT NULL, "flagged_at" TEXT NOT NULL, "open" INTEGER NOT NULL);

CREATE INDEX "preference_review_customer_id" ON "preference_review" ("customer_id");

CREATE INDEX "preference_review_flagged_at" ON "preference_review" ("flagged_at");

CREATE INDEX "preference_review_open" ON "preference_review" ("open", "flagged_at") WHERE "open";

CREATE INDEX "customer_preference_updated" ON "customer_preference" ("updated_at") WHERE "deleted_at" IS NULL;

CREATE TABLE "service_summary" ("day" TEXT NOT NULL, "profile_id" VARCHAR(36) NOT NULL, "cashier_id" VARCHAR(36) NOT NULL, "visitor" VARCHAR(255) NOT NULL, "bills" INTEGER NOT NULL, "checkout_ms" INTEGER NOT NULL, "applied" INTEGER NOT NULL, "overridden" INTEGER NOT NULL, "prefs_bills" INTEGER NOT NULL, PRIMARY KEY ("day", "profile_id", "cashier_id", "visitor")) WITHOUT ROWID;

CREATE TRIGGER "service_summary_sale" AFTER INSERT ON "bill" WHEN NEW."kind" = 'sale' AND NEW."deleted_at" IS NULL AND json_valid(NEW."preferences_applied") AND json_extract(NEW."preferences_applied", '$.service.checkout_ms') IS NOT NULL
BEGIN
  INSERT INTO "service_summary" ("day", "profile_id", "cashier_id", "visitor", "bills", "checkout_ms", "applied", "overridden", "prefs_bills")
  SELECT date(NEW."completed_at", 'localtime'), COALESCE(NEW."profile_id", ''), NEW."cashier_id",
         COALESCE(json_extract(NEW."preferences_applied", '$.service.visitor'), 'walk_in'), 1,
         max(0, CAST(json_extract(NEW."preferences_applied", '$.service.checkout_ms') AS INTEGER)),
         COALESCE(json_array_length(NEW."preferences_applied", '$.service.applied'), 0),
         COALESCE(json_array_length(NEW."preferences_applied", '$.service.overridden'), 0),
         COALESCE(json_array_length(NEW."preferences_applied", '$.service.applied'), 0) > 0
  ON CONFLICT ("day", "profile_id", "cashier_id", "visitor") DO UPDATE SET
    "bills" = "bills" + excluded."bills", "checkout_ms" = "checkout_ms" + excluded."checkout_ms",
    "applied" = "applied" + excluded."applied", "overridden" = "overridden" + excluded."overridden",
    "prefs_bills" = "prefs_bills" + excluded."prefs_bills";
END;
