-- Schema 9: reservations (app/reservations.py), synced and merged field by field like customers.
CREATE TABLE "reservation" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "customer_id" VARCHAR(36) NOT NULL, "day" VARCHAR(255) NOT NULL, "time" VARCHAR(255) NOT NULL, "party_size" INTEGER NOT NULL, "seating" VARCHAR(255) NOT NULL, "notes" TEXT NOT NULL, "status" VARCHAR(255) NOT NULL, "created_at" TEXT NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"));

CREATE INDEX "reservation_day" ON "reservation" ("day", "time");

CREATE INDEX "reservation_customer_id" ON "reservation" ("customer_id", "day");
