-- Central schema 2: till roles and what the store knows of each till.
-- office: a back-office till may change head-office data (catalogue, prices, staff, settings ...).
-- seen_version: the highest version this till has pulled up to; a server_version claimed in a push is
--   never trusted beyond it.
-- seeding: the till that brought a new shop its first data (a demo database); it may create
--   head-office rows only until its first pull.
ALTER TABLE till ADD COLUMN office BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE till ADD COLUMN seen_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE till ADD COLUMN seeding BOOLEAN NOT NULL DEFAULT false;
