-- What the store knows of each till's own documents, so a restore on either side loses nothing:
-- served_version: the highest version the store has sent this till (pull page or snapshot). A till whose
--   cursor is above it has seen changes the store no longer holds: the store was restored from a backup.
-- receipt_high: the highest receipt number (TILLCODE-n) the store holds for this till's code. A till whose
--   sequence is below it lost its own sales (restored from a backup, or a damaged -wal file).
ALTER TABLE till ADD COLUMN served_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE till ADD COLUMN receipt_high BIGINT NOT NULL DEFAULT 0;
UPDATE till t SET served_version = s.version FROM shop s WHERE s.id = t.shop_id;
UPDATE till t SET receipt_high = COALESCE((
    SELECT max(substring(k.val FROM '([0-9]+)$')::bigint) FROM sync_key k
    WHERE k.shop_id = t.shop_id AND k.tbl = 'bill' AND k.key = 'receipt_no'
      AND k.val ~ ('^' || t.code || '-[0-9]+$')), 0);

-- "Has this customer any bill?" (a customer with sales is deactivated, never deleted: central/customer_rules.py)
CREATE INDEX sync_row_bill_customer ON sync_row (shop_id, (data->>'customer_id')) WHERE tbl = 'bill';

-- A head-office row a till created offline under a name another row already had (the same profile added on
-- two tills): it is kept as a tombstone and every reference to it is re-pointed to the row kept
-- (central/aliases.py).
CREATE TABLE sync_alias (
    shop_id  TEXT NOT NULL,
    tbl      TEXT NOT NULL,
    id       TEXT NOT NULL,
    kept_id  TEXT NOT NULL,
    PRIMARY KEY (shop_id, tbl, id)
);
