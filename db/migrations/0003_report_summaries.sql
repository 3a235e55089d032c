-- Schema 3: sales summaries for reports, kept by triggers in the same transaction as each bill or payment
-- (local sales and bills pulled from the central store alike), and an index for the customer list.
-- A day is the till's local calendar day of completed_at. A void takes its original off the original's
-- day; a sale that is already voided (pulled after its void) is never counted.
-- The backfill below finds voided bills with NOT IN (one pass over the voids), never with a look-up per
-- bill: after ANALYZE the all-NULL voids_id index looks useless and such a look-up scans the table.

CREATE TABLE "sales_summary" ("day" TEXT NOT NULL, "profile_id" VARCHAR(36) NOT NULL, "cashier_id" VARCHAR(36) NOT NULL, "category_id" VARCHAR(36) NOT NULL, "bills" INTEGER NOT NULL, "total" INTEGER NOT NULL, "tax" INTEGER NOT NULL, "discount" INTEGER NOT NULL, PRIMARY KEY ("day", "profile_id", "cashier_id", "category_id")) WITHOUT ROWID;

CREATE TABLE "payment_summary" ("day" TEXT NOT NULL, "profile_id" VARCHAR(36) NOT NULL, "method" VARCHAR(255) NOT NULL, "payments" INTEGER NOT NULL, "amount" INTEGER NOT NULL, PRIMARY KEY ("day", "profile_id", "method")) WITHOUT ROWID;

CREATE INDEX "customer_list" ON "customer" ("deleted_at", "name_norm", "status");

CREATE INDEX "bill_completed_customer_total" ON "bill" ("completed_at", "customer_id", "profile_id", "kind", "total");

CREATE TRIGGER "sales_summary_sale" AFTER INSERT ON "bill" WHEN NEW."kind" = 'sale' AND NEW."deleted_at" IS NULL
BEGIN
  INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
  SELECT date(NEW."completed_at", 'localtime'), COALESCE(NEW."profile_id", ''), NEW."cashier_id",
         COALESCE((SELECT "category_id" FROM "customer" WHERE "id" = NEW."customer_id"), ''),
         1, NEW."total", NEW."tax_total", NEW."discount_total"
  WHERE NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = NEW."id")
  ON CONFLICT ("day", "profile_id", "cashier_id", "category_id") DO UPDATE SET
    "bills" = "bills" + excluded."bills", "total" = "total" + excluded."total",
    "tax" = "tax" + excluded."tax", "discount" = "discount" + excluded."discount";
END;

CREATE TRIGGER "sales_summary_void" AFTER INSERT ON "bill" WHEN NEW."kind" = 'void' AND NEW."voids_id" IS NOT NULL AND NEW."deleted_at" IS NULL
BEGIN
  INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), o."cashier_id",
         COALESCE((SELECT "category_id" FROM "customer" WHERE "id" = o."customer_id"), ''),
         -1, -o."total", -o."tax_total", -o."discount_total"
  FROM "bill" AS o
  WHERE o."id" = NEW."voids_id" AND o."kind" = 'sale' AND o."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = NEW."voids_id" AND v."id" <> NEW."id")
  ON CONFLICT ("day", "profile_id", "cashier_id", "category_id") DO UPDATE SET
    "bills" = "bills" + excluded."bills", "total" = "total" + excluded."total",
    "tax" = "tax" + excluded."tax", "discount" = "discount" + excluded."discount";
  INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), p."method", -1, -p."amount"
  FROM "bill" AS o JOIN "payment" AS p ON p."bill_id" = o."id"
  WHERE o."id" = NEW."voids_id" AND o."kind" = 'sale' AND o."deleted_at" IS NULL AND p."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = NEW."voids_id" AND v."id" <> NEW."id")
  ON CONFLICT ("day", "profile_id", "method") DO UPDATE SET
    "payments" = "payments" + excluded."payments", "amount" = "amount" + excluded."amount";
END;

CREATE TRIGGER "payment_summary_payment" AFTER INSERT ON "payment" WHEN NEW."deleted_at" IS NULL
BEGIN
  INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
  SELECT date(b."completed_at", 'localtime'), COALESCE(b."profile_id", ''), NEW."method", 1, NEW."amount"
  FROM "bill" AS b
  WHERE b."id" = NEW."bill_id" AND b."kind" = 'sale' AND b."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = b."id")
  ON CONFLICT ("day", "profile_id", "method") DO UPDATE SET
    "payments" = "payments" + excluded."payments", "amount" = "amount" + excluded."amount";
END;

INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
SELECT date(b."completed_at", 'localtime'), COALESCE(b."profile_id", ''), b."cashier_id", COALESCE(c."category_id", ''),
       count(*), sum(b."total"), sum(b."tax_total"), sum(b."discount_total")
FROM "bill" AS b LEFT JOIN "customer" AS c ON c."id" = b."customer_id"
WHERE b."kind" = 'sale' AND b."deleted_at" IS NULL
  AND b."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
GROUP BY 1, 2, 3, 4;

INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
SELECT date(b."completed_at", 'localtime'), COALESCE(b."profile_id", ''), p."method", count(*), sum(p."amount")
FROM "bill" AS b JOIN "payment" AS p ON p."bill_id" = b."id"
WHERE b."kind" = 'sale' AND b."deleted_at" IS NULL AND p."deleted_at" IS NULL
  AND b."id" NOT IN (SELECT "voids_id" FROM "bill" WHERE "voids_id" IS NOT NULL AND "deleted_at" IS NULL)
GROUP BY 1, 2, 3;
