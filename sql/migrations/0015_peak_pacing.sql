-- Peak pacing (server/assignment/pacing.ts, docs/decisions/023): one rule per restaurant, read
-- only while the flag assignment.peak_pacing is on for it. Times are local wall-clock times of the
-- restaurant's time zone.
CREATE TABLE "peak_pacing_rules" (
	"restaurant_id" uuid PRIMARY KEY NOT NULL REFERENCES "restaurants"("id") ON DELETE cascade,
	"min_party_size" integer NOT NULL,
	"table_count" integer NOT NULL,
	"peak_from" text NOT NULL,
	"peak_until" text NOT NULL,
	"release_hours_before" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "peak_pacing_rules_party" CHECK ("min_party_size" >= 2),
	CONSTRAINT "peak_pacing_rules_tables" CHECK ("table_count" >= 1),
	CONSTRAINT "peak_pacing_rules_times" CHECK ("peak_from" ~ '^\d\d:\d\d$' AND "peak_until" ~ '^\d\d:\d\d$'),
	CONSTRAINT "peak_pacing_rules_release" CHECK ("release_hours_before" >= 0)
);
