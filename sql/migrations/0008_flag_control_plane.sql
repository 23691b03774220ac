-- Flag control plane (issue 13): the "why" of every change, staged ramps as data the runner
-- executes, and the guardrail readings a ramp's page draws over time.
ALTER TABLE "flag_audit" ADD COLUMN "comment" text;--> statement-breakpoint
ALTER TABLE "flag_audit" ADD COLUMN "ramp_id" uuid;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "start_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "stage_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "template" text;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "guardrail_status" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "history" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD COLUMN "version" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- at most one ramp in flight per flag and scope (global: restaurant_id null); finished ones stay as history
CREATE UNIQUE INDEX "flag_ramps_one_active" ON "flag_ramps" USING btree ("flag_key", coalesce("restaurant_id", '00000000-0000-0000-0000-000000000000'::uuid)) WHERE "state" in ('scheduled', 'running', 'paused');--> statement-breakpoint
CREATE INDEX "flag_ramps_flag_idx" ON "flag_ramps" USING btree ("flag_key", "created_at");--> statement-breakpoint
CREATE TABLE "flag_ramp_readings" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ramp_id" uuid NOT NULL,
	"stage" integer NOT NULL,
	"guardrail" integer NOT NULL,
	"metric" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"value" double precision,
	"limit" double precision,
	"sample_size" integer NOT NULL,
	"status" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "flag_ramp_readings" ADD CONSTRAINT "flag_ramp_readings_ramp_id_flag_ramps_id_fk" FOREIGN KEY ("ramp_id") REFERENCES "public"."flag_ramps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "flag_ramp_readings_ramp_idx" ON "flag_ramp_readings" USING btree ("ramp_id", "at");
