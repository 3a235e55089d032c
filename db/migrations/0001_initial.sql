-- Schema 1: the initial domain model (frozen snapshot; do not edit, add a new migration).

CREATE TABLE "user" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "role" VARCHAR(255) NOT NULL, "pin_hash" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL);

CREATE TABLE "audit_log" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "at" TEXT NOT NULL, "user_id" VARCHAR(36), "action" VARCHAR(255) NOT NULL, "entity" VARCHAR(255) NOT NULL, "entity_id" VARCHAR(255), "detail" TEXT, FOREIGN KEY ("user_id") REFERENCES "user" ("id"));

CREATE TABLE "item" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "code" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "name_norm" VARCHAR(255) NOT NULL, "price" INTEGER NOT NULL, "tax_rate_bp" INTEGER NOT NULL, "tax_inclusive" INTEGER, "department" VARCHAR(255) NOT NULL, "tags" TEXT NOT NULL, "allergens" TEXT NOT NULL, "active" INTEGER NOT NULL);

CREATE TABLE "barcode" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "item_id" VARCHAR(36) NOT NULL, "code" VARCHAR(255) NOT NULL, FOREIGN KEY ("item_id") REFERENCES "item" ("id"));

CREATE TABLE "price_list" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL);

CREATE TABLE "customer_profile" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "active" INTEGER NOT NULL, "rule" VARCHAR(255) NOT NULL, "discount_bp" INTEGER NOT NULL, "price_list_id" VARCHAR(36), "description" TEXT NOT NULL, FOREIGN KEY ("price_list_id") REFERENCES "price_list" ("id"));

CREATE TABLE "customer_category" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "discount_bp" INTEGER NOT NULL, "earns_loyalty" INTEGER NOT NULL, "active" INTEGER NOT NULL);

CREATE TABLE "loyalty_tier" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "min_spend" INTEGER NOT NULL, "discount_bp" INTEGER NOT NULL, "earn_multiplier_pct" INTEGER NOT NULL);

CREATE TABLE "customer" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "name" VARCHAR(255) NOT NULL, "name_norm" VARCHAR(255) NOT NULL, "phone" VARCHAR(255), "email" VARCHAR(255), "personal_phone" VARCHAR(255), "personal_email" VARCHAR(255), "status" VARCHAR(255) NOT NULL, "gender" VARCHAR(255), "date_of_birth" VARCHAR(255), "photo" BLOB, "notes" TEXT NOT NULL, "marketing_consent" INTEGER NOT NULL, "marketing_consent_at" TEXT, "default_profile_id" VARCHAR(36), "category_id" VARCHAR(36), "loyalty_tier_id" VARCHAR(36), "created_at" TEXT NOT NULL, "merged_into_id" VARCHAR(36), "erased_at" TEXT, FOREIGN KEY ("default_profile_id") REFERENCES "customer_profile" ("id"), FOREIGN KEY ("category_id") REFERENCES "customer_category" ("id"), FOREIGN KEY ("loyalty_tier_id") REFERENCES "loyalty_tier" ("id"), FOREIGN KEY ("merged_into_id") REFERENCES "customer" ("id"));

CREATE TABLE "bill" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "receipt_no" VARCHAR(255) NOT NULL, "till_code" VARCHAR(255) NOT NULL, "cashier_id" VARCHAR(36) NOT NULL, "customer_id" VARCHAR(36), "profile_id" VARCHAR(36), "status" VARCHAR(255) NOT NULL, "kind" VARCHAR(255) NOT NULL, "voids_id" VARCHAR(36), "opened_at" TEXT NOT NULL, "completed_at" TEXT NOT NULL, "currency" VARCHAR(255) NOT NULL, "subtotal" INTEGER NOT NULL, "discount_total" INTEGER NOT NULL, "tax_total" INTEGER NOT NULL, "rounding" INTEGER NOT NULL, "total" INTEGER NOT NULL, "bill_discount_bp" INTEGER NOT NULL, "bill_discount_amount" INTEGER NOT NULL, "preferences_applied" TEXT NOT NULL, "instructions" TEXT NOT NULL, "points_earned" INTEGER NOT NULL, "points_redeemed" INTEGER NOT NULL, FOREIGN KEY ("cashier_id") REFERENCES "user" ("id"), FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"), FOREIGN KEY ("profile_id") REFERENCES "customer_profile" ("id"), FOREIGN KEY ("voids_id") REFERENCES "bill" ("id"));

CREATE TABLE "bill_line" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "bill_id" VARCHAR(36) NOT NULL, "line_no" INTEGER NOT NULL, "item_id" VARCHAR(36), "code" VARCHAR(255) NOT NULL, "name" VARCHAR(255) NOT NULL, "quantity" INTEGER NOT NULL, "unit_price" INTEGER NOT NULL, "price_source" VARCHAR(255) NOT NULL, "base_price" INTEGER NOT NULL, "discount" INTEGER NOT NULL, "tax_rate_bp" INTEGER NOT NULL, "tax" INTEGER NOT NULL, "total" INTEGER NOT NULL, "allergens_confirmed" TEXT NOT NULL, FOREIGN KEY ("bill_id") REFERENCES "bill" ("id"), FOREIGN KEY ("item_id") REFERENCES "item" ("id"));

CREATE TABLE "conflict_log" ("id" VARCHAR(255) NOT NULL PRIMARY KEY, "at" TEXT NOT NULL, "table_name" VARCHAR(255) NOT NULL, "row_id" VARCHAR(255) NOT NULL, "field" VARCHAR(255) NOT NULL, "winner" TEXT, "loser" TEXT, "winner_stamp" VARCHAR(255) NOT NULL, "loser_stamp" VARCHAR(255) NOT NULL);

CREATE TABLE "customer_address" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "customer_id" VARCHAR(36) NOT NULL, "kind" VARCHAR(255) NOT NULL, "line1" VARCHAR(255) NOT NULL, "line2" VARCHAR(255) NOT NULL, "city" VARCHAR(255) NOT NULL, "region" VARCHAR(255) NOT NULL, "postcode" VARCHAR(255) NOT NULL, "country" VARCHAR(255) NOT NULL, "is_default" INTEGER NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"));

CREATE TABLE "customer_item_price" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "customer_id" VARCHAR(36) NOT NULL, "item_id" VARCHAR(36) NOT NULL, "price" INTEGER, "discount_bp" INTEGER, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"), FOREIGN KEY ("item_id") REFERENCES "item" ("id"));

CREATE TABLE "customer_preference" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "customer_id" VARCHAR(36) NOT NULL, "key" VARCHAR(255) NOT NULL, "value" TEXT, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"));

CREATE TABLE "customer_stats" ("customer_id" VARCHAR(36) NOT NULL PRIMARY KEY, "orders" INTEGER NOT NULL, "spent" INTEGER NOT NULL, "last_visit" TEXT, "points" INTEGER NOT NULL, "item_counts" TEXT NOT NULL, "payment_counts" TEXT NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"));

CREATE TABLE "held_bill" ("id" VARCHAR(255) NOT NULL PRIMARY KEY, "label" VARCHAR(255) NOT NULL, "cashier_id" VARCHAR(36) NOT NULL, "held_at" TEXT NOT NULL, "data" TEXT NOT NULL, FOREIGN KEY ("cashier_id") REFERENCES "user" ("id"));

CREATE TABLE "local_config" ("key" VARCHAR(255) NOT NULL PRIMARY KEY, "value" TEXT);

CREATE TABLE "loyalty_entry" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "customer_id" VARCHAR(36) NOT NULL, "bill_id" VARCHAR(36), "kind" VARCHAR(255) NOT NULL, "points" INTEGER NOT NULL, "at" TEXT NOT NULL, "note" VARCHAR(255) NOT NULL, FOREIGN KEY ("customer_id") REFERENCES "customer" ("id"), FOREIGN KEY ("bill_id") REFERENCES "bill" ("id"));

CREATE TABLE "outbox" ("seq" INTEGER NOT NULL PRIMARY KEY, "op_id" VARCHAR(255) NOT NULL, "table_name" VARCHAR(255) NOT NULL, "row_id" VARCHAR(255) NOT NULL, "hlc" VARCHAR(255) NOT NULL, "fields" TEXT NOT NULL, "payload" TEXT NOT NULL, "created_at" TEXT NOT NULL, "attempts" INTEGER NOT NULL, "state" VARCHAR(255) NOT NULL, "error" TEXT);

CREATE TABLE "payment" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "bill_id" VARCHAR(36) NOT NULL, "method" VARCHAR(255) NOT NULL, "amount" INTEGER NOT NULL, "tendered" INTEGER NOT NULL, "change" INTEGER NOT NULL, "reference" VARCHAR(255) NOT NULL, FOREIGN KEY ("bill_id") REFERENCES "bill" ("id"));

CREATE TABLE "preference_definition" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "key" VARCHAR(255) NOT NULL, "label" VARCHAR(255) NOT NULL, "category" VARCHAR(255) NOT NULL, "value_type" VARCHAR(255) NOT NULL, "choices" TEXT NOT NULL, "default" TEXT, "active" INTEGER NOT NULL, "sort_order" INTEGER NOT NULL);

CREATE TABLE "price_list_entry" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "price_list_id" VARCHAR(36) NOT NULL, "item_id" VARCHAR(36) NOT NULL, "price" INTEGER NOT NULL, FOREIGN KEY ("price_list_id") REFERENCES "price_list" ("id"), FOREIGN KEY ("item_id") REFERENCES "item" ("id"));

CREATE TABLE "setting" ("id" VARCHAR(36) NOT NULL PRIMARY KEY, "updated_at" VARCHAR(255) NOT NULL, "deleted_at" TEXT, "server_version" INTEGER, "value" TEXT);

CREATE UNIQUE INDEX "user_name" ON "user" ("name");

CREATE INDEX "audit_log_at" ON "audit_log" ("at");

CREATE INDEX "audit_log_user_id" ON "audit_log" ("user_id");

CREATE INDEX "audit_log_entity_id" ON "audit_log" ("entity_id");

CREATE UNIQUE INDEX "item_code" ON "item" ("code");

CREATE INDEX "item_name_norm" ON "item" ("name_norm");

CREATE INDEX "barcode_item_id" ON "barcode" ("item_id");

CREATE UNIQUE INDEX "barcode_code" ON "barcode" ("code");

CREATE UNIQUE INDEX "price_list_name" ON "price_list" ("name");

CREATE UNIQUE INDEX "customer_profile_name" ON "customer_profile" ("name");

CREATE INDEX "customer_profile_price_list_id" ON "customer_profile" ("price_list_id");

CREATE UNIQUE INDEX "customer_category_name" ON "customer_category" ("name");

CREATE UNIQUE INDEX "loyalty_tier_name" ON "loyalty_tier" ("name");

CREATE INDEX "customer_name_norm" ON "customer" ("name_norm");

CREATE UNIQUE INDEX "customer_phone" ON "customer" ("phone");

CREATE INDEX "customer_email" ON "customer" ("email");

CREATE INDEX "customer_status" ON "customer" ("status");

CREATE INDEX "customer_default_profile_id" ON "customer" ("default_profile_id");

CREATE INDEX "customer_category_id" ON "customer" ("category_id");

CREATE INDEX "customer_loyalty_tier_id" ON "customer" ("loyalty_tier_id");

CREATE INDEX "customer_merged_into_id" ON "customer" ("merged_into_id");

CREATE UNIQUE INDEX "bill_receipt_no" ON "bill" ("receipt_no");

CREATE INDEX "bill_cashier_id" ON "bill" ("cashier_id");

CREATE INDEX "bill_customer_id" ON "bill" ("customer_id");

CREATE INDEX "bill_profile_id" ON "bill" ("profile_id");

CREATE INDEX "bill_status" ON "bill" ("status");

CREATE INDEX "bill_voids_id" ON "bill" ("voids_id");

CREATE INDEX "bill_completed_at" ON "bill" ("completed_at");

CREATE INDEX "bill_line_bill_id" ON "bill_line" ("bill_id");

CREATE INDEX "bill_line_item_id" ON "bill_line" ("item_id");

CREATE INDEX "customer_address_customer_id" ON "customer_address" ("customer_id");

CREATE INDEX "customer_item_price_customer_id" ON "customer_item_price" ("customer_id");

CREATE INDEX "customer_item_price_item_id" ON "customer_item_price" ("item_id");

CREATE UNIQUE INDEX "customer_item_price_customer_id_item_id" ON "customer_item_price" ("customer_id", "item_id");

CREATE INDEX "customer_preference_customer_id" ON "customer_preference" ("customer_id");

CREATE UNIQUE INDEX "customer_preference_customer_id_key" ON "customer_preference" ("customer_id", "key");

CREATE INDEX "held_bill_cashier_id" ON "held_bill" ("cashier_id");

CREATE INDEX "loyalty_entry_customer_id" ON "loyalty_entry" ("customer_id");

CREATE INDEX "loyalty_entry_bill_id" ON "loyalty_entry" ("bill_id");

CREATE UNIQUE INDEX "outbox_op_id" ON "outbox" ("op_id");

CREATE INDEX "outbox_state" ON "outbox" ("state");

CREATE INDEX "payment_bill_id" ON "payment" ("bill_id");

CREATE UNIQUE INDEX "preference_definition_key" ON "preference_definition" ("key");

CREATE INDEX "price_list_entry_price_list_id" ON "price_list_entry" ("price_list_id");

CREATE INDEX "price_list_entry_item_id" ON "price_list_entry" ("item_id");

CREATE UNIQUE INDEX "price_list_entry_price_list_id_item_id" ON "price_list_entry" ("price_list_id", "item_id");
