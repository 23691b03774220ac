CREATE TYPE "public"."allocation_kind" AS ENUM('hold', 'assignment');--> statement-breakpoint
CREATE TYPE "public"."assignment_state" AS ENUM('created', 'capacity_verified', 'assignment_pending', 'assignment_in_progress', 'assigned', 'confirmed', 'manual_review', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."booking_status" AS ENUM('pending_allocation', 'confirmed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."flag_ramp_state" AS ENUM('scheduled', 'running', 'paused', 'completed', 'rolled_back');--> statement-breakpoint
CREATE TYPE "public"."flag_value_type" AS ENUM('boolean', 'number', 'string');--> statement-breakpoint
CREATE TYPE "public"."event_severity" AS ENUM('debug', 'info', 'warning', 'error');--> statement-breakpoint
CREATE TYPE "public"."email_status" AS ENUM('pending', 'sent', 'failed');--> statement-breakpoint
CREATE TABLE "table_allocations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"table_id" uuid NOT NULL,
	"booking_id" uuid,
	"hold_id" uuid,
	"kind" "allocation_kind" NOT NULL,
	"window" "tstzrange" NOT NULL,
	"hold_expires_at" timestamp with time zone,
	"released_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assignment_attempts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"booking_id" uuid NOT NULL,
	"attempt_number" integer NOT NULL,
	"pipeline" text NOT NULL,
	"strategy" jsonb NOT NULL,
	"trigger" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"duration_ms" real NOT NULL,
	"outcome" text NOT NULL,
	"reason_code" text,
	"plan" jsonb
);
--> statement-breakpoint
CREATE TABLE "assignment_state_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"booking_id" uuid NOT NULL,
	"from_state" text,
	"to_state" text NOT NULL,
	"version" integer NOT NULL,
	"reason" text,
	"actor" text NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shadow_comparisons" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"booking_id" uuid NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"match" boolean NOT NULL,
	"mismatch_kind" text,
	"legacy_outcome" jsonb NOT NULL,
	"v3_outcome" jsonb NOT NULL,
	"legacy_duration_ms" real,
	"v3_duration_ms" real,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "shadow_comparisons_booking" UNIQUE("booking_id")
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"actor_user_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "permissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"action" text NOT NULL,
	"entity" text NOT NULL,
	"access" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "permissions_action_entity_access" UNIQUE("action","entity","access")
);
--> statement-breakpoint
CREATE TABLE "restaurant_memberships" (
	"user_id" uuid NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"role" text NOT NULL,
	CONSTRAINT "restaurant_memberships_user_id_restaurant_id_pk" PRIMARY KEY("user_id","restaurant_id")
);
--> statement-breakpoint
CREATE TABLE "role_permissions" (
	"role_id" uuid NOT NULL,
	"permission_id" uuid NOT NULL,
	CONSTRAINT "role_permissions_role_id_permission_id_pk" PRIMARY KEY("role_id","permission_id")
);
--> statement-breakpoint
CREATE TABLE "roles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	CONSTRAINT "roles_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "user_roles" (
	"user_id" uuid NOT NULL,
	"role_id" uuid NOT NULL,
	CONSTRAINT "user_roles_user_id_role_id_pk" PRIMARY KEY("user_id","role_id")
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_email_unique" UNIQUE("email")
);
--> statement-breakpoint
CREATE TABLE "bookings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"party_size" integer NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"end_at" timestamp with time zone NOT NULL,
	"guest_name" text NOT NULL,
	"guest_email" text NOT NULL,
	"guest_phone" text,
	"zone_id" uuid,
	"status" "booking_status" DEFAULT 'pending_allocation' NOT NULL,
	"assignment_state" "assignment_state" DEFAULT 'created' NOT NULL,
	"assignment_state_version" integer DEFAULT 0 NOT NULL,
	"auto_assign_last_result" jsonb,
	"manual_review_reason" text,
	"idempotency_key" text,
	"confirmed_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "bookings_reference_unique" UNIQUE("reference"),
	CONSTRAINT "bookings_restaurant_idempotency_key" UNIQUE("restaurant_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "feature_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"value_type" "flag_value_type" NOT NULL,
	"description" text NOT NULL,
	"default_value" jsonb NOT NULL,
	"env_override" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_audit" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"flag_key" text NOT NULL,
	"restaurant_id" uuid,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"before" jsonb,
	"after" jsonb,
	"occurred_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_ramps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flag_key" text NOT NULL,
	"restaurant_id" uuid,
	"stages" jsonb NOT NULL,
	"guardrails" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"state" "flag_ramp_state" DEFAULT 'scheduled' NOT NULL,
	"current_stage" integer DEFAULT 0 NOT NULL,
	"next_stage_at" timestamp with time zone,
	"last_reason" text,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flag_rules" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"flag_key" text NOT NULL,
	"restaurant_id" uuid,
	"enabled" boolean NOT NULL,
	"rollout_percent" integer DEFAULT 100 NOT NULL,
	"value" jsonb,
	"updated_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flag_rules_flag_restaurant" UNIQUE NULLS NOT DISTINCT("flag_key","restaurant_id"),
	CONSTRAINT "flag_rules_rollout_range" CHECK ("flag_rules"."rollout_percent" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "observability_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"source" text NOT NULL,
	"event_type" text NOT NULL,
	"severity" "event_severity" DEFAULT 'info' NOT NULL,
	"restaurant_id" uuid,
	"booking_id" uuid,
	"context" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "observability_rollups" (
	"minute" timestamp with time zone NOT NULL,
	"event_type" text NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"count" integer NOT NULL,
	"duration_sum_ms" double precision DEFAULT 0 NOT NULL,
	"duration_buckets" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"failures" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "observability_rollups_minute_event_type_restaurant_id_pk" PRIMARY KEY("minute","event_type","restaurant_id")
);
--> statement-breakpoint
CREATE TABLE "email_outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"booking_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"recipient" text NOT NULL,
	"subject" text NOT NULL,
	"body" text NOT NULL,
	"status" "email_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"transport_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "email_outbox_booking_kind" UNIQUE("booking_id","kind")
);
--> statement-breakpoint
CREATE TABLE "tables" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"zone_id" uuid NOT NULL,
	"key" text NOT NULL,
	"capacity" integer NOT NULL,
	"min_party" integer DEFAULT 1 NOT NULL,
	"max_party" integer,
	"mergeable" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "tables_restaurant_key" UNIQUE("restaurant_id","key"),
	CONSTRAINT "tables_capacity_positive" CHECK ("tables"."capacity" >= 1),
	CONSTRAINT "tables_min_party_positive" CHECK ("tables"."min_party" >= 1)
);
--> statement-breakpoint
CREATE TABLE "restaurants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"timezone" text NOT NULL,
	"service_periods" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"turn_minutes" jsonb NOT NULL,
	"buffer_minutes" integer DEFAULT 15 NOT NULL,
	"floor_version" integer DEFAULT 1 NOT NULL,
	"availability_version" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "restaurants_slug_unique" UNIQUE("slug")
);
--> statement-breakpoint
CREATE TABLE "table_adjacency" (
	"restaurant_id" uuid NOT NULL,
	"table_a_id" uuid NOT NULL,
	"table_b_id" uuid NOT NULL,
	CONSTRAINT "table_adjacency_table_a_id_table_b_id_pk" PRIMARY KEY("table_a_id","table_b_id"),
	CONSTRAINT "table_adjacency_ordered" CHECK ("table_adjacency"."table_a_id" < "table_adjacency"."table_b_id")
);
--> statement-breakpoint
CREATE TABLE "zones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"restaurant_id" uuid NOT NULL,
	"key" text NOT NULL,
	"name" text NOT NULL,
	CONSTRAINT "zones_restaurant_key" UNIQUE("restaurant_id","key")
);
--> statement-breakpoint
ALTER TABLE "table_allocations" ADD CONSTRAINT "table_allocations_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "table_allocations" ADD CONSTRAINT "table_allocations_table_id_tables_id_fk" FOREIGN KEY ("table_id") REFERENCES "public"."tables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "table_allocations" ADD CONSTRAINT "table_allocations_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_attempts" ADD CONSTRAINT "assignment_attempts_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assignment_state_history" ADD CONSTRAINT "assignment_state_history_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_comparisons" ADD CONSTRAINT "shadow_comparisons_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shadow_comparisons" ADD CONSTRAINT "shadow_comparisons_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restaurant_memberships" ADD CONSTRAINT "restaurant_memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "restaurant_memberships" ADD CONSTRAINT "restaurant_memberships_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "role_permissions" ADD CONSTRAINT "role_permissions_permission_id_permissions_id_fk" FOREIGN KEY ("permission_id") REFERENCES "public"."permissions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "user_roles" ADD CONSTRAINT "user_roles_role_id_roles_id_fk" FOREIGN KEY ("role_id") REFERENCES "public"."roles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "bookings" ADD CONSTRAINT "bookings_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD CONSTRAINT "flag_ramps_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_ramps" ADD CONSTRAINT "flag_ramps_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_rules" ADD CONSTRAINT "flag_rules_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "flag_rules" ADD CONSTRAINT "flag_rules_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "email_outbox" ADD CONSTRAINT "email_outbox_booking_id_bookings_id_fk" FOREIGN KEY ("booking_id") REFERENCES "public"."bookings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tables" ADD CONSTRAINT "tables_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tables" ADD CONSTRAINT "tables_zone_id_zones_id_fk" FOREIGN KEY ("zone_id") REFERENCES "public"."zones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "table_adjacency" ADD CONSTRAINT "table_adjacency_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "table_adjacency" ADD CONSTRAINT "table_adjacency_table_a_id_tables_id_fk" FOREIGN KEY ("table_a_id") REFERENCES "public"."tables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "table_adjacency" ADD CONSTRAINT "table_adjacency_table_b_id_tables_id_fk" FOREIGN KEY ("table_b_id") REFERENCES "public"."tables"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "zones" ADD CONSTRAINT "zones_restaurant_id_restaurants_id_fk" FOREIGN KEY ("restaurant_id") REFERENCES "public"."restaurants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "table_allocations_booking_idx" ON "table_allocations" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "table_allocations_restaurant_idx" ON "table_allocations" USING btree ("restaurant_id");--> statement-breakpoint
CREATE INDEX "assignment_attempts_booking_idx" ON "assignment_attempts" USING btree ("booking_id","attempt_number");--> statement-breakpoint
CREATE INDEX "assignment_state_history_booking_idx" ON "assignment_state_history" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "shadow_comparisons_restaurant_idx" ON "shadow_comparisons" USING btree ("restaurant_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_log_entity_idx" ON "audit_log" USING btree ("entity_type","entity_id");--> statement-breakpoint
CREATE INDEX "sessions_user_idx" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "bookings_restaurant_start_idx" ON "bookings" USING btree ("restaurant_id","start_at");--> statement-breakpoint
CREATE INDEX "bookings_assignment_state_idx" ON "bookings" USING btree ("assignment_state");--> statement-breakpoint
CREATE INDEX "flag_audit_flag_idx" ON "flag_audit" USING btree ("flag_key","occurred_at");--> statement-breakpoint
CREATE INDEX "flag_ramps_state_idx" ON "flag_ramps" USING btree ("state");--> statement-breakpoint
CREATE INDEX "observability_events_type_time_idx" ON "observability_events" USING btree ("event_type","occurred_at");--> statement-breakpoint
CREATE INDEX "observability_events_restaurant_time_idx" ON "observability_events" USING btree ("restaurant_id","occurred_at");--> statement-breakpoint
CREATE INDEX "observability_events_booking_idx" ON "observability_events" USING btree ("booking_id");--> statement-breakpoint
CREATE INDEX "observability_events_time_idx" ON "observability_events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "email_outbox_due_idx" ON "email_outbox" USING btree ("status","next_attempt_at");--> statement-breakpoint
CREATE INDEX "tables_zone_idx" ON "tables" USING btree ("zone_id");--> statement-breakpoint
CREATE INDEX "table_adjacency_restaurant_idx" ON "table_adjacency" USING btree ("restaurant_id");