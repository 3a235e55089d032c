-- Schema 6: the top customers of one profile over a date range read a covering index of that profile's
-- bills (the range of bill_completed_customer_total holds every profile's bills: a year is a million
-- entries to skip). It starts with the columns of bill_profile_completed (schema 2), which it replaces.
CREATE INDEX "bill_profile_completed_customer_total" ON "bill" ("profile_id", "completed_at", "customer_id", "kind", "total");

DROP INDEX "bill_profile_completed";
