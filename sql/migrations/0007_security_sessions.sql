-- Sign-in hardening (issue 8, ADR 014): disabled accounts, idle session timeout, login throttling
-- shared by every process, and the roles and permissions a production install needs before anyone
-- can sign in (demo mode seeds demo users on top; it no longer creates the roles).
ALTER TABLE "users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "last_seen_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE TABLE "login_failures" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account" text NOT NULL,
	"client_ip" text NOT NULL,
	"failed_at" timestamp with time zone DEFAULT now() NOT NULL
);--> statement-breakpoint
CREATE INDEX "login_failures_account_idx" ON "login_failures" USING btree ("account","failed_at");--> statement-breakpoint
CREATE INDEX "login_failures_ip_idx" ON "login_failures" USING btree ("client_ip","failed_at");--> statement-breakpoint
-- Baseline of server/auth/roles.ts (tests/integration/roles-migration.test.ts keeps the two equal);
-- permissions added later in code are reconciled at start by ensureRolesAndPermissions.
INSERT INTO "permissions" ("action", "entity", "access") VALUES
	('read', 'dashboard', 'any'),
	('read', 'event', 'any'),
	('read', 'review', 'any'),
	('update', 'review', 'any'),
	('read', 'flag', 'any'),
	('update', 'flag', 'any'),
	('update', 'restaurant', 'any'),
	('read', 'user', 'any')
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "roles" ("name", "description") VALUES
	('ops', 'Watches the dashboards and alerts'),
	('staff', 'Resolves the manual-review queue'),
	('engineer', 'Ramps feature flags and reads telemetry'),
	('admin', 'Everything')
ON CONFLICT DO NOTHING;--> statement-breakpoint
INSERT INTO "role_permissions" ("role_id", "permission_id")
SELECT r."id", p."id"
FROM (VALUES
	('ops', 'read:dashboard:any'), ('ops', 'read:event:any'), ('ops', 'read:review:any'), ('ops', 'read:flag:any'),
	('staff', 'read:review:any'), ('staff', 'update:review:any'),
	('engineer', 'read:dashboard:any'), ('engineer', 'read:event:any'), ('engineer', 'read:review:any'),
	('engineer', 'read:flag:any'), ('engineer', 'update:flag:any')
) AS grants("role", "permission")
JOIN "roles" r ON r."name" = grants."role"
JOIN "permissions" p ON p."action" || ':' || p."entity" || ':' || p."access" = grants."permission"
UNION ALL
SELECT r."id", p."id" FROM "roles" r CROSS JOIN "permissions" p WHERE r."name" = 'admin'
ON CONFLICT DO NOTHING;
