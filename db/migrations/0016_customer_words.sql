-- Customer search the way cashiers ask (app/customer_search.py): any word of the name ("smith" finds
-- "Mary Ann Smith"), ranked so recent visitors come first, and the last 4+ digits of a phone.
-- customer_word holds each word of every live customer's normalised name with the customer's last visit;
-- the index (word, last_visit DESC) gives a word's customers most recent first, stopping at the limit.
-- Triggers keep it current on every write path (till forms, import, sync, merge, erasure, sales).
CREATE TABLE "customer_word" ("word" TEXT NOT NULL, "customer_id" VARCHAR(36) NOT NULL, "last_visit" TEXT NOT NULL DEFAULT '', PRIMARY KEY ("word", "customer_id")) WITHOUT ROWID;

CREATE INDEX "customer_word_recent" ON "customer_word" ("word", "last_visit" DESC);

CREATE INDEX "customer_word_customer" ON "customer_word" ("customer_id");

CREATE INDEX "customer_phone_tail" ON "customer" (substr("phone", -4));

-- A name as a JSON array of its words (hyphenated names give each part); '[]' when the name cannot be one (json_each must never fail a write).
CREATE VIEW "customer_name_words" AS SELECT c.id AS customer_id, j.value AS word FROM customer c, json_each(CASE WHEN json_valid('["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]') THEN '["' || replace(replace(replace(replace(c.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]' ELSE '[]' END) j WHERE c.deleted_at IS NULL AND c.merged_into_id IS NULL AND j.value <> '';

INSERT OR IGNORE INTO customer_word (word, customer_id, last_visit) SELECT w.word, w.customer_id, COALESCE(s.last_visit, '') FROM customer_name_words w LEFT JOIN customer_stats s ON s.customer_id = w.customer_id;

CREATE TRIGGER "customer_word_insert" AFTER INSERT ON "customer" BEGIN
  DELETE FROM customer_word WHERE customer_id = NEW.id;
  INSERT OR IGNORE INTO customer_word (word, customer_id, last_visit) SELECT w.word, w.customer_id, COALESCE((SELECT s.last_visit FROM customer_stats s WHERE s.customer_id = NEW.id), '') FROM customer_name_words w WHERE w.customer_id = NEW.id;
END;

CREATE TRIGGER "customer_word_update" AFTER UPDATE OF "name_norm", "deleted_at", "merged_into_id" ON "customer" BEGIN
  DELETE FROM customer_word WHERE customer_id = NEW.id;
  INSERT OR IGNORE INTO customer_word (word, customer_id, last_visit) SELECT w.word, w.customer_id, COALESCE((SELECT s.last_visit FROM customer_stats s WHERE s.customer_id = NEW.id), '') FROM customer_name_words w WHERE w.customer_id = NEW.id;
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
