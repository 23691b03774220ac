-- Manual review (server/review, docs/decisions/019-manual-review.md). Hand-written.
-- Suggested plans are computed off the request path (a scheduled task) and stored per booking,
-- keyed by the availability and floor versions they were computed on: the page reads them at once
-- and the task recomputes only the rows whose versions went stale.
CREATE TABLE "review_suggestions" (
	"booking_id" uuid PRIMARY KEY NOT NULL REFERENCES "bookings"("id") ON DELETE CASCADE,
	"availability_version" bigint NOT NULL,
	"floor_version" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"suggestions" jsonb NOT NULL
);
--> statement-breakpoint
-- Staff notes on a booking in review: what the guest said on the phone, why it was moved.
CREATE TABLE "review_notes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"booking_id" uuid NOT NULL REFERENCES "bookings"("id") ON DELETE CASCADE,
	"author_user_id" uuid,
	"author" text NOT NULL,
	"body" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "review_notes_booking_idx" ON "review_notes" USING btree ("booking_id","created_at");
--> statement-breakpoint
-- The queue reads only bookings waiting for a person (manual_review, failed), earliest first; a partial index keeps that a short scan
-- however many bookings the restaurant has ever taken.
CREATE INDEX "bookings_review_queue_idx" ON "bookings" USING btree ("start_at") WHERE "assignment_state" IN ('manual_review', 'failed');
