-- Schema 10: rows pulled from the central store that this till could not store or read. They are kept
-- here with the reason (a manager sees them in the sync problems dialog); the cursor moves past them.
CREATE TABLE "pulled_quarantine" (
    "id" INTEGER NOT NULL PRIMARY KEY,
    "at" TEXT NOT NULL,
    "table_name" VARCHAR(255) NOT NULL,
    "row_id" VARCHAR(255) NOT NULL,
    "reason" TEXT NOT NULL,
    "data" TEXT NOT NULL
);
CREATE INDEX "pulled_quarantine_row" ON "pulled_quarantine" ("table_name", "row_id");
