CREATE TABLE "rule_runs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "rule_runs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"rule_id" text NOT NULL,
	"event_seq" bigint NOT NULL,
	"action" integer NOT NULL,
	"camera_id" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"next_attempt_at" timestamp (3) with time zone,
	"idempotency_key" text NOT NULL,
	"at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"when" jsonb NOT NULL,
	"actions" jsonb NOT NULL,
	"cooldown_sec" integer DEFAULT 0 NOT NULL,
	"from_seq" bigint NOT NULL,
	"last_fired_at" timestamp (3) with time zone,
	"origin" text DEFAULT 'api' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "rules_cooldown_ck" CHECK ("rules"."cooldown_sec" between 0 and 86400)
);
--> statement-breakpoint
ALTER TABLE "rule_runs" ADD CONSTRAINT "rule_runs_rule_id_rules_id_fk" FOREIGN KEY ("rule_id") REFERENCES "public"."rules"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "rule_runs_rule_event_action_uq" ON "rule_runs" USING btree ("rule_id","event_seq","action");--> statement-breakpoint
CREATE INDEX "rule_runs_rule_id_idx" ON "rule_runs" USING btree ("rule_id","id");--> statement-breakpoint
CREATE INDEX "rule_runs_due_idx" ON "rule_runs" USING btree ("next_attempt_at") WHERE "rule_runs"."status" = 'PENDING';--> statement-breakpoint
CREATE INDEX "rule_runs_cooldown_idx" ON "rule_runs" USING btree ("rule_id","camera_id","occurred_at") WHERE "rule_runs"."status" <> 'SKIPPED';--> statement-breakpoint
CREATE UNIQUE INDEX "rules_name_uq" ON "rules" USING btree ("name");