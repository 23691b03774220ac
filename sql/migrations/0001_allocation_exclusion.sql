-- Hand-written: drizzle cannot express extensions or exclusion constraints.
CREATE EXTENSION IF NOT EXISTS btree_gist;
--> statement-breakpoint
ALTER TABLE "table_allocations"
  ADD CONSTRAINT "table_allocations_window_not_empty" CHECK (NOT isempty("window") AND lower_inc("window") AND NOT upper_inc("window"));
--> statement-breakpoint
ALTER TABLE "table_allocations"
  ADD CONSTRAINT "table_allocations_hold_expiry" CHECK ("kind" <> 'hold' OR "hold_expires_at" IS NOT NULL);
--> statement-breakpoint
-- Two live allocations of one table can never overlap; SQLSTATE 23P01 means "taken".
ALTER TABLE "table_allocations"
  ADD CONSTRAINT "table_allocations_no_overlap"
  EXCLUDE USING gist ("table_id" WITH =, "window" WITH &&) WHERE ("released_at" IS NULL);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "table_allocations_live_window_idx"
  ON "table_allocations" USING gist ("restaurant_id", "window") WHERE ("released_at" IS NULL);
