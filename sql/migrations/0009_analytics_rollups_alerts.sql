-- Analytics rollups and alerts (server/analytics, server/alerts; docs/metrics.md, ADR 016).
-- The first rollup table was never written; it is replaced by one keyed for every filter the
-- dashboards offer, so a read takes one slice instead of summing restaurants at query time.
DROP TABLE IF EXISTS "observability_rollups";
--> statement-breakpoint
CREATE TABLE "observability_rollups" (
	"series" text NOT NULL,
	"restaurant_key" text NOT NULL,
	"pipeline_key" text NOT NULL,
	"grain" text NOT NULL,
	"bucket_start" timestamp with time zone NOT NULL,
	"label" text NOT NULL,
	"count" bigint NOT NULL,
	"count_a" bigint DEFAULT 0 NOT NULL,
	"count_b" bigint DEFAULT 0 NOT NULL,
	"value_sum" double precision DEFAULT 0 NOT NULL,
	"value_max" double precision,
	"hist" jsonb DEFAULT '{}'::jsonb NOT NULL,
	CONSTRAINT "observability_rollups_pk" PRIMARY KEY("series","restaurant_key","pipeline_key","grain","bucket_start","label")
);
--> statement-breakpoint
CREATE TABLE "observability_rollup_marks" (
	"grain" text PRIMARY KEY NOT NULL,
	"rolled_until" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"key" text PRIMARY KEY NOT NULL,
	"description" text NOT NULL,
	"severity" text NOT NULL,
	"metric" text NOT NULL,
	"reason" text,
	"comparator" text NOT NULL,
	"threshold" double precision,
	"relative_to" text,
	"max_delta_pct" double precision,
	"baseline_minutes" integer DEFAULT 1440 NOT NULL,
	"window_minutes" integer NOT NULL,
	"for_minutes" integer DEFAULT 0 NOT NULL,
	"min_sample" integer DEFAULT 0 NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"state" text DEFAULT 'ok' NOT NULL,
	"since" timestamp with time zone,
	"value" double precision,
	"baseline" double precision,
	"sample_size" integer,
	"evaluated_at" timestamp with time zone,
	"acked_at" timestamp with time zone,
	"acked_by" text,
	"silenced_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text DEFAULT 'seed' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "alert_transitions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"from_state" text NOT NULL,
	"to_state" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"value" double precision,
	"threshold" double precision
);
--> statement-breakpoint
CREATE INDEX "alert_transitions_at_idx" ON "alert_transitions" USING btree ("at");
--> statement-breakpoint
CREATE INDEX "alert_transitions_key_idx" ON "alert_transitions" USING btree ("key","at");
--> statement-breakpoint
CREATE INDEX "observability_rollups_grain_time_idx" ON "observability_rollups" USING btree ("grain","bucket_start");
