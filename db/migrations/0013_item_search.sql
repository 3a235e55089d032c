-- The items dialog at 200,000 items (app/items.py): every live item in name order from an index alone, and
-- any word of a name by prefix ("cook" finds "Oat Cookie") from item_word, which holds each word of every
-- live item's normalised name. Triggers keep it current on every write path (the dialog, CSV import, sync).
CREATE INDEX "item_live_name" ON "item" ("name_norm") WHERE "deleted_at" IS NULL;

CREATE TABLE "item_word" ("word" TEXT NOT NULL, "item_id" VARCHAR(36) NOT NULL, PRIMARY KEY ("word", "item_id")) WITHOUT ROWID;

CREATE INDEX "item_word_item" ON "item_word" ("item_id");

-- A name as a JSON array of its words (hyphenated names give each part); '[]' when the name cannot be one (json_each must never fail a write).
CREATE VIEW "item_name_words" AS SELECT i.id AS item_id, j.value AS word FROM item i, json_each(CASE WHEN json_valid('["' || replace(replace(replace(replace(i.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]') THEN '["' || replace(replace(replace(replace(i.name_norm, '\', '\\'), '"', '\"'), ' ', '","'), '-', '","') || '"]' ELSE '[]' END) j WHERE i.deleted_at IS NULL AND j.value <> '';

INSERT OR IGNORE INTO item_word (word, item_id) SELECT word, item_id FROM item_name_words;

CREATE TRIGGER "item_word_insert" AFTER INSERT ON "item" BEGIN
  DELETE FROM item_word WHERE item_id = NEW.id;
  INSERT OR IGNORE INTO item_word (word, item_id) SELECT w.word, w.item_id FROM item_name_words w WHERE w.item_id = NEW.id;
END;

CREATE TRIGGER "item_word_update" AFTER UPDATE OF "name_norm", "deleted_at" ON "item" BEGIN
  DELETE FROM item_word WHERE item_id = NEW.id;
  INSERT OR IGNORE INTO item_word (word, item_id) SELECT w.word, w.item_id FROM item_name_words w WHERE w.item_id = NEW.id;
END;

CREATE TRIGGER "item_word_delete" AFTER DELETE ON "item" BEGIN
  DELETE FROM item_word WHERE item_id = OLD.id;
END;
