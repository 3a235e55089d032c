-- Schema 8: returns (app/returns.py). A return is a bill of kind 'return' pointing at the sale it refunds
-- part of (returns_id), with negative amounts; each of its lines carries the sale's line_no. Like a void,
-- a return comes off the sale's own day, profile, cashier and category in the summaries; a void takes the
-- whole sale off, so returns of a voided sale are netted out again (in whichever order the two arrive).
ALTER TABLE "bill" ADD COLUMN "returns_id" VARCHAR(36) REFERENCES "bill" ("id");

-- the returns of a sale, few among all bills (as bill_voided of schema 5)
CREATE INDEX "bill_returned" ON "bill" ("returns_id") WHERE "returns_id" IS NOT NULL;

CREATE TRIGGER "sales_summary_return" AFTER INSERT ON "bill" WHEN NEW."kind" = 'return' AND NEW."returns_id" IS NOT NULL AND NEW."deleted_at" IS NULL
BEGIN
  INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), o."cashier_id",
         COALESCE((SELECT "category_id" FROM "customer" WHERE "id" = o."customer_id"), ''),
         0, NEW."total", NEW."tax_total", NEW."discount_total"
  FROM "bill" AS o
  WHERE o."id" = NEW."returns_id" AND o."kind" = 'sale' AND o."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = o."id")
  ON CONFLICT ("day", "profile_id", "cashier_id", "category_id") DO UPDATE SET
    "bills" = "bills" + excluded."bills", "total" = "total" + excluded."total",
    "tax" = "tax" + excluded."tax", "discount" = "discount" + excluded."discount";
END;

CREATE TRIGGER "payment_summary_refund" AFTER INSERT ON "payment" WHEN NEW."deleted_at" IS NULL AND NEW."amount" < 0
BEGIN
  INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), NEW."method", 0, NEW."amount"
  FROM "bill" AS r JOIN "bill" AS o ON o."id" = r."returns_id"
  WHERE r."id" = NEW."bill_id" AND r."kind" = 'return' AND r."deleted_at" IS NULL
    AND o."kind" = 'sale' AND o."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = o."id")
  ON CONFLICT ("day", "profile_id", "method") DO UPDATE SET
    "payments" = "payments" + excluded."payments", "amount" = "amount" + excluded."amount";
END;

-- A void arriving after returns of its sale (another till returned part of it first): the void takes the
-- whole sale off, so the returns already netted come back in.
CREATE TRIGGER "sales_summary_void_after_returns" AFTER INSERT ON "bill" WHEN NEW."kind" = 'void' AND NEW."voids_id" IS NOT NULL AND NEW."deleted_at" IS NULL
BEGIN
  INSERT INTO "sales_summary" ("day", "profile_id", "cashier_id", "category_id", "bills", "total", "tax", "discount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), o."cashier_id",
         COALESCE((SELECT "category_id" FROM "customer" WHERE "id" = o."customer_id"), ''),
         0, -sum(r."total"), -sum(r."tax_total"), -sum(r."discount_total")
  FROM "bill" AS o JOIN "bill" AS r ON r."returns_id" = o."id" AND r."kind" = 'return' AND r."deleted_at" IS NULL
  WHERE o."id" = NEW."voids_id" AND o."kind" = 'sale' AND o."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = NEW."voids_id" AND v."id" <> NEW."id")
  GROUP BY 1, 2, 3, 4
  ON CONFLICT ("day", "profile_id", "cashier_id", "category_id") DO UPDATE SET
    "bills" = "bills" + excluded."bills", "total" = "total" + excluded."total",
    "tax" = "tax" + excluded."tax", "discount" = "discount" + excluded."discount";
  INSERT INTO "payment_summary" ("day", "profile_id", "method", "payments", "amount")
  SELECT date(o."completed_at", 'localtime'), COALESCE(o."profile_id", ''), p."method", 0, -sum(p."amount")
  FROM "bill" AS o JOIN "bill" AS r ON r."returns_id" = o."id" AND r."kind" = 'return' AND r."deleted_at" IS NULL
  JOIN "payment" AS p ON p."bill_id" = r."id" AND p."deleted_at" IS NULL
  WHERE o."id" = NEW."voids_id" AND o."kind" = 'sale' AND o."deleted_at" IS NULL
    AND NOT EXISTS (SELECT 1 FROM "bill" AS v WHERE v."voids_id" = NEW."voids_id" AND v."id" <> NEW."id")
  GROUP BY 1, 2, 3
  ON CONFLICT ("day", "profile_id", "method") DO UPDATE SET
    "payments" = "payments" + excluded."payments", "amount" = "amount" + excluded."amount";
END;
