-- Found by EXPLAIN after a load run (docs/decisions/010-booking-path-throughput.md):
-- * the outbox claim bitmap-scanned a (status, next_attempt_at) index in which every row sent since
--   the last vacuum left a dead "pending" entry; a partial index read in order stays small, and
--   ordered index scans mark dead entries, which bitmap scans never do;
-- * confirming or releasing a hold found its rows by hold_id with no index: every live row scanned.
DROP INDEX "email_outbox_due_idx";--> statement-breakpoint
CREATE INDEX "table_allocations_live_hold_idx" ON "table_allocations" USING btree ("hold_id") WHERE "table_allocations"."released_at" is null;--> statement-breakpoint
CREATE INDEX "email_outbox_pending_due_idx" ON "email_outbox" USING btree ("next_attempt_at") WHERE "email_outbox"."status" = 'pending';