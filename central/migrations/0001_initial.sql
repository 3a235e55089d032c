-- Central schema 1. Every table's primary key starts with the shop, so the store can be spread over a
-- distributed PostgreSQL (Citus, CockroachDB) by shop; no sequences: versions come from the shop row.

CREATE TABLE shop (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    version     BIGINT NOT NULL DEFAULT 0,   -- the shop's change counter, taken inside each writing transaction
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE till (
    shop_id      TEXT NOT NULL REFERENCES shop (id),
    id           TEXT NOT NULL,
    code         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    enrolled_at  TIMESTAMPTZ,
    last_seen_at TIMESTAMPTZ,
    PRIMARY KEY (shop_id, id),
    UNIQUE (shop_id, code)
);

-- Tokens are stored as SHA-256 of a 256-bit random secret; the secret itself is shown once.
CREATE TABLE access_token (
    token_hash  TEXT PRIMARY KEY,
    shop_id     TEXT NOT NULL REFERENCES shop (id),
    till_id     TEXT,                        -- NULL for a head-office (admin) token
    kind        TEXT NOT NULL,               -- till | admin
    label       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at  TIMESTAMPTZ
);
CREATE INDEX access_token_shop ON access_token (shop_id, till_id);

-- The shop's rows: one JSON document per (shop, table, id), with the version of its latest change.
-- Pulling "changes since v" reads rows with version > v; a row changed twice is sent once.
CREATE TABLE sync_row (
    shop_id  TEXT NOT NULL,
    tbl      TEXT NOT NULL,
    id       TEXT NOT NULL,
    version  BIGINT NOT NULL,
    origin   TEXT NOT NULL,                  -- till id of the last writer, or 'hq'
    stamps   JSONB,                          -- merge tables: column -> [hlc stamp, version]
    data     JSONB NOT NULL,                 -- column -> value, as the till stores it
    PRIMARY KEY (shop_id, tbl, id)
);
CREATE INDEX sync_row_version ON sync_row (shop_id, version);

-- The values the tills hold unique (customer phone, item code, receipt number ...), per shop.
CREATE TABLE sync_key (
    shop_id  TEXT NOT NULL,
    tbl      TEXT NOT NULL,
    key      TEXT NOT NULL,
    val      TEXT NOT NULL,
    row_id   TEXT NOT NULL,
    PRIMARY KEY (shop_id, tbl, key, val)
);

-- Every operation applied, with its answer: a replayed operation gets the stored answer.
CREATE TABLE sync_op (
    shop_id  TEXT NOT NULL,
    op_id    TEXT NOT NULL,
    till_id  TEXT NOT NULL,
    result   TEXT NOT NULL,                  -- ok | rejected
    reason   TEXT,
    at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (shop_id, op_id)
);
