-- Schema 3: customer search as the cashier types, at a million customers (app/customer_search.py).
-- Prefix range scans on indexes only: customer_name_norm (first name first), this surname-first rotation
-- ("emily roberts" -> "roberts emily"), customer_phone (E.164) and customer_email. The query repeats the
-- exact expression so SQLite uses the index.
CREATE INDEX "customer_name_rotated" ON "customer" ((substr("name_norm", instr("name_norm", ' ') + 1) || ' ' || substr("name_norm", 1, instr("name_norm", ' ') - 1)));
