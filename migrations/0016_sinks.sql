CREATE TABLE "sink_deliveries" (
	"sink_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"message_id" text NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 1 NOT NULL,
	"http_status" integer,
	"error" text,
	"at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "sink_deliveries_sink_id_seq_pk" PRIMARY KEY("sink_id","seq")
);
--> statement-breakpoint
CREATE TABLE "sinks" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"url" text NOT NULL,
	"topic" text,
	"qos" integer,
	"filter" jsonb,
	"secret" text,
	"state" text NOT NULL,
	"last_error" text,
	"failing_since" timestamp (3) with time zone,
	"origin" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sinks_qos_ck" CHECK ("sinks"."qos" is null or "sinks"."qos" between 0 and 2)
);
--> statement-breakpoint
ALTER TABLE "sink_deliveries" ADD CONSTRAINT "sink_deliveries_sink_id_sinks_id_fk" FOREIGN KEY ("sink_id") REFERENCES "public"."sinks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sinks_name_uq" ON "sinks" USING btree ("name");