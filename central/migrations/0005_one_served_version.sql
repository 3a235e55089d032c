-- One column for "what this store has sent the till": till.seen_version (0002, raised after pull pages and
-- used to cap the server_version a push claims) and till.served_version (0003, raised after pull pages and
-- snapshot pages and used to tell a till whose cursor is ahead of a restored store) recorded the same thing.
-- served_version keeps the higher of the two and is used for both (central/roles.py, central/refill.py).
UPDATE till SET served_version = GREATEST(served_version, seen_version);
ALTER TABLE till DROP COLUMN seen_version;
