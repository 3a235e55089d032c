-- Customer search without touching the customer table while it filters (app/customer_search.py).
-- "james smi" scans the customers having the word "james", most recent visit first, and keeps those whose
-- name has a word starting with "smi". 0016 joined every candidate to customer to test its name: a common
-- first name has tens of thousands of customers (825 ms for a name that matches none at a million).
-- Now customer_word is ordered as the search reads it (word, last visit newest first) and carries the
-- name, ' ' || words separated by single spaces (hyphens too), so the filter is an instr() on the row.
DROP TRIGGER IF EXISTS "customer_word_insert";

DROP TRIGGER IF EXISTS "customer_word_update";

DROP TRIGGER IF EXISTS "customer_word_delete";

DROP TRIGGER IF EXISTS "customer_word_visit_insert";

DROP TRIGGER IF EXISTS "customer_word_visit_update";

-- Dropped without zeroing each freed page (secure_delete FAST: 280 MB of writes at a million customers):
-- it holds only the words of live customers' names, all written again just below; an erased customer's
-- rows were already removed, with secure delete, when they were erased.
PRAGMA secure_delete = FAST;

DROP TABLE "customer_word";

DROP INDEX IF EXISTS "customer_phone_tail";

PRAGMA secure_delete = ON;

DROP VIEW "customer_name_words";

-- As in 0016, with the name as the search filters it.
CREATE VIEW "customer_name_words" AS SELECT c.id AS customer_id, j.value AS word, ' ' || replace(c.name_norm, '-', ' ') AS name FROM customer c, json_each(CASE WHEN json_valid('["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]') THEN '["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]' ELSE '[]' END) j WHERE c.deleted_at IS NULL AND c.merged_into_id IS NULL AND j.value <> '';

CREATE TABLE "customer_word" ("word" TEXT NOT NULL, "last_visit" TEXT NOT NULL DEFAULT '', "customer_id" VARCHAR(36) NOT NULL, "name" TEXT NOT NULL DEFAULT '', PRIMARY KEY ("word", "last_visit" DESC, "customer_id")) WITHOUT ROWID;

-- The view's words, written out so that each customer's last visit is looked up once (not once a word),
-- sorted as the table is, so the rows are appended rather than scattered over the tree.
INSERT OR IGNORE INTO customer_word (word, last_visit, customer_id, name) SELECT j.value, COALESCE(s.last_visit, ''), c.id, ' ' || replace(c.name_norm, '-', ' ') FROM customer c LEFT JOIN customer_stats s ON s.customer_id = c.id CROSS JOIN json_each(CASE WHEN json_valid('["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]') THEN '["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]' ELSE '[]' END) j WHERE c.deleted_at IS NULL AND c.merged_into_id IS NULL AND j.value <> '' ORDER BY 1, 2 DESC, 3;

CREATE INDEX "customer_word_customer" ON "customer_word" ("customer_id");

CREATE TRIGGER "customer_word_insert" AFTER INSERT ON "customer" BEGIN
  DELETE FROM customer_word WHERE customer_id = NEW.id;
  INSERT OR IGNORE INTO customer_word (word, last_visit, customer_id, name) SELECT w.word, COALESCE((SELECT s.last_visit FROM customer_stats s WHERE s.customer_id = NEW.id), ''), w.customer_id, w.name FROM customer_name_words w WHERE w.customer_id = NEW.id;
END;

CREATE TRIGGER "customer_word_update" AFTER UPDATE OF "name_norm", "deleted_at", "merged_into_id" ON "customer" BEGIN
  DELETE FROM customer_word WHERE customer_id = NEW.id;
  INSERT OR IGNORE INTO customer_word (word, last_visit, customer_id, name) SELECT w.word, COALESCE((SELECT s.last_visit FROM customer_stats s WHERE s.customer_id = NEW.id), ''), w.customer_id, w.name FROM customer_name_words w WHERE w.customer_id = NEW.id;
END;

CREATE TRIGGER "customer_word_delete" AFTER DELETE ON "customer" BEGIN
  DELETE FROM customer_word WHERE customer_id = OLD.id;
END;

CREATE TRIGGER "customer_word_visit_insert" AFTER INSERT ON "customer_stats" BEGIN
  UPDATE customer_word SET last_visit = COALESCE(NEW.last_visit, '') WHERE customer_id = NEW.customer_id;
END;

CREATE TRIGGER "customer_word_visit_update" AFTER UPDATE OF "last_visit" ON "customer_stats" WHEN NEW.last_visit IS NOT OLD.last_visit BEGIN
  UPDATE customer_word SET last_visit = COALESCE(NEW.last_visit, '') WHERE customer_id = NEW.customer_id;
END;

-- The last four digits of a phone ("4321") match about a hundred customers at a million: 0016's index on
-- substr(phone, -4) made the search read each one's row to check the rest of the number and that it is
-- live (that index is dropped above). This one holds the phone and id of live customers, so only the 20
-- shown are read.
CREATE INDEX "customer_phone_tail_live" ON "customer" (substr("phone", -4), "phone", "id", "deleted_at", "merged_into_id") WHERE "deleted_at" IS NULL AND "merged_into_id" IS NULL;
