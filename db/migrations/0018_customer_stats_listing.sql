-- Schema 18: a segment with the Active/Inactive tab or a profile filter, read from one covering index.
-- Each customer's figures (customer_stats) carry how the Customers window lists the customer:
-- list_status 'active' or 'inactive' (a live customer's status), 'erased', or NULL when the customer is
-- not listed (deleted, or merged into another); and profile_rowid, the rowid of the customer's default
-- profile (an integer keeps the indexes small). Triggers keep both current on every write path: till forms,
-- import, merge and erasure, and rows pulled by sync (whose upserts and updates fire them too). The four
-- segment indexes of migration 14 keep their names and their order and gain both columns, so a segment
-- list filtered by tab or profile never reads the customer table.

ALTER TABLE "customer_stats" ADD COLUMN "list_status" TEXT;

ALTER TABLE "customer_stats" ADD COLUMN "profile_rowid" INTEGER;

DROP INDEX "customer_stats_first_visit";

DROP INDEX "customer_stats_last_visit";

DROP INDEX "customer_stats_regular_since";

DROP INDEX "customer_stats_spent_rowid";

-- (the indexes are dropped first: filling the columns with them in place costs a write to each per row;
-- the listing of every customer is read in one pass over the customer table into a temporary table keyed
-- by rowid, which migration 14 stored: a look-up per figures row costs a random page read, 13 s instead of
-- 3 s at a million customers)
UPDATE "customer_stats" SET "customer_rowid" = (SELECT c.rowid FROM "customer" AS c WHERE c.id = "customer_stats"."customer_id")
WHERE "customer_rowid" IS NULL;

CREATE TEMP TABLE "listing_18" ("r" INTEGER PRIMARY KEY, "st" TEXT, "pr" INTEGER);

INSERT INTO temp."listing_18" ("r", "st", "pr")
SELECT c.rowid,
       CASE WHEN c.deleted_at IS NOT NULL OR c.merged_into_id IS NOT NULL THEN NULL
            WHEN c.erased_at IS NOT NULL THEN 'erased' ELSE c.status END,
       p.rowid
FROM "customer" AS c LEFT JOIN "customer_profile" AS p ON p.id = c.default_profile_id;

UPDATE "customer_stats" SET ("list_status", "profile_rowid") = (
  SELECT l."st", l."pr" FROM temp."listing_18" AS l WHERE l."r" = "customer_stats"."customer_rowid");

DROP TABLE temp."listing_18";

CREATE INDEX "customer_stats_first_visit" ON "customer_stats" ("first_visit", "customer_rowid", "list_status", "profile_rowid");

CREATE INDEX "customer_stats_last_visit" ON "customer_stats" ("last_visit", "customer_rowid", "list_status", "profile_rowid");

CREATE INDEX "customer_stats_regular_since" ON "customer_stats" ("regular_since", "customer_rowid", "list_status", "profile_rowid");

CREATE INDEX "customer_stats_spent_rowid" ON "customer_stats" ("spent", "customer_rowid", "list_status", "profile_rowid");

-- The deleted customers, so the plain list's count is every customer (SQLite counts a whole table a page
-- at a time) less these, instead of a step through a million entries of the name index.
CREATE INDEX "customer_deleted" ON "customer" ("status") WHERE "deleted_at" IS NOT NULL;

-- A new figures row (a customer's first bill, made here or pulled) takes the customer's listing.
CREATE TRIGGER "customer_stats_listing_new" AFTER INSERT ON "customer_stats" BEGIN
  UPDATE "customer_stats" SET ("customer_rowid", "list_status", "profile_rowid") = (
    SELECT c.rowid,
           CASE WHEN c.deleted_at IS NOT NULL OR c.merged_into_id IS NOT NULL THEN NULL
                WHEN c.erased_at IS NOT NULL THEN 'erased' ELSE c.status END,
           (SELECT p.rowid FROM "customer_profile" AS p WHERE p.id = c.default_profile_id)
    FROM "customer" AS c WHERE c.id = NEW.customer_id)
  WHERE customer_id = NEW.customer_id;
END;

-- A customer written (a form, an import, a merge, an erasure, a pulled row) re-lists its figures row when
-- a column of the listing changed (peewee's save and sync's upsert name every column: the WHEN keeps the
-- others at a few comparisons).
CREATE TRIGGER "customer_stats_listing_customer_insert" AFTER INSERT ON "customer" BEGIN
  UPDATE "customer_stats" SET ("customer_rowid", "list_status", "profile_rowid") = (
    NEW.rowid,
    CASE WHEN NEW.deleted_at IS NOT NULL OR NEW.merged_into_id IS NOT NULL THEN NULL
         WHEN NEW.erased_at IS NOT NULL THEN 'erased' ELSE NEW.status END,
    (SELECT p.rowid FROM "customer_profile" AS p WHERE p.id = NEW.default_profile_id))
  WHERE customer_id = NEW.id;
END;

CREATE TRIGGER "customer_stats_listing_customer_update" AFTER UPDATE OF "status", "default_profile_id", "deleted_at", "erased_at", "merged_into_id" ON "customer"
WHEN NEW.status IS NOT OLD.status OR NEW.default_profile_id IS NOT OLD.default_profile_id
  OR NEW.deleted_at IS NOT OLD.deleted_at OR NEW.erased_at IS NOT OLD.erased_at
  OR NEW.merged_into_id IS NOT OLD.merged_into_id BEGIN
  UPDATE "customer_stats" SET ("list_status", "profile_rowid") = (
    CASE WHEN NEW.deleted_at IS NOT NULL OR NEW.merged_into_id IS NOT NULL THEN NULL
         WHEN NEW.erased_at IS NOT NULL THEN 'erased' ELSE NEW.status END,
    (SELECT p.rowid FROM "customer_profile" AS p WHERE p.id = NEW.default_profile_id))
  WHERE customer_id = NEW.id;
END;
