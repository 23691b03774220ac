-- Leases for periodic work (server/scheduling/scheduler.ts): exactly one process runs each task.
CREATE TABLE "scheduler_leases" (
	"name" text PRIMARY KEY NOT NULL,
	"owner" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_run_at" timestamp with time zone
);
