-- Hand-written; see docs/decisions/013-jobs-and-outages.md.
-- The outbox also carries mail that is not about a booking (alerts): booking_id becomes optional,
-- and such mail may name a dedupe key so that a repeated alert is queued once per kind and key.
ALTER TABLE "email_outbox" ALTER COLUMN "booking_id" DROP NOT NULL;
--> statement-breakpoint
ALTER TABLE "email_outbox" ADD COLUMN "dedupe_key" text;
--> statement-breakpoint
CREATE UNIQUE INDEX "email_outbox_kind_dedupe_key" ON "email_outbox" ("kind", "dedupe_key") WHERE "dedupe_key" IS NOT NULL;
--> statement-breakpoint
-- a confirmation whose booking was cancelled before it went out is skipped, not sent
ALTER TYPE "email_status" ADD VALUE IF NOT EXISTS 'skipped';
--> statement-breakpoint
-- the sweep looks for open bookings without a live job; this keeps it to the few open ones
CREATE INDEX "bookings_open_created_idx" ON "bookings" ("created_at") WHERE "status" = 'pending_allocation';
