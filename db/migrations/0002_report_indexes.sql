-- Schema 2: indexes for the customer view, reports by profile and the customer list.
CREATE INDEX "bill_customer_completed" ON "bill" ("customer_id", "completed_at");

CREATE INDEX "bill_profile_completed" ON "bill" ("profile_id", "completed_at");

CREATE INDEX "customer_created_at" ON "customer" ("created_at");

CREATE INDEX "loyalty_entry_customer_at" ON "loyalty_entry" ("customer_id", "at");
