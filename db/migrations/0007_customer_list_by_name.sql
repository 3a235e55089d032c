-- Schema 7: the Customers window's covering index leads with the name. Led by deleted_at (schema 3), it
-- looked like the best index for any query on live customers to a planner without statistics for it
-- (a database analysed before schema 3), which then walked all of it for a phone or email prefix.
DROP INDEX "customer_list";

CREATE INDEX "customer_by_name" ON "customer" ("name_norm", "deleted_at", "status");
