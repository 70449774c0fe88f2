CREATE TABLE "adapter_state" (
	"adapter" text NOT NULL,
	"instance" text NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adapter_state_adapter_instance_key_pk" PRIMARY KEY("adapter","instance","key")
);
--> statement-breakpoint
CREATE TABLE "cameras" (
	"id" text PRIMARY KEY NOT NULL,
	"adapter" text NOT NULL,
	"instance" text NOT NULL,
	"vendor_id" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'UNKNOWN' NOT NULL,
	"capabilities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"first_seen_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events" (
	"seq" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "events_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type_name" text NOT NULL,
	"kind" text NOT NULL,
	"vendor_type" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	"adapter" text NOT NULL,
	"instance" text NOT NULL,
	"camera_id" text,
	"dedupe_key" text NOT NULL,
	"plate_normalized" text,
	"track_id" text,
	"plate" jsonb,
	"analytics" jsonb,
	"data" jsonb NOT NULL,
	"raw" jsonb NOT NULL,
	"media" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "media" (
	"id" text PRIMARY KEY NOT NULL,
	"content_type" text NOT NULL,
	"byte_size" integer NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "cameras_source_uq" ON "cameras" USING btree ("adapter","instance","vendor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "events_dedupe_uq" ON "events" USING btree ("adapter","instance","dedupe_key");--> statement-breakpoint
CREATE INDEX "events_occurred_at_idx" ON "events" USING btree ("occurred_at");--> statement-breakpoint
CREATE INDEX "events_camera_seq_idx" ON "events" USING btree ("camera_id","seq");--> statement-breakpoint
CREATE INDEX "events_kind_seq_idx" ON "events" USING btree ("kind","seq");--> statement-breakpoint
CREATE INDEX "events_source_seq_idx" ON "events" USING btree ("adapter","instance","seq");--> statement-breakpoint
CREATE INDEX "events_plate_seq_idx" ON "events" USING btree ("plate_normalized","seq");--> statement-breakpoint
CREATE INDEX "events_plate_prefix_idx" ON "events" USING btree ("plate_normalized" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "events_track_idx" ON "events" USING btree ("track_id","seq");