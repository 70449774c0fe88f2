CREATE TABLE "retention_policies" (
	"position" integer PRIMARY KEY NOT NULL,
	"policy" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "media_expired_at" timestamp (3) with time zone;--> statement-breakpoint
CREATE INDEX "events_media_ids_gin_idx" ON "events" USING gin (jsonb_path_query_array(media, '$[*].id') jsonb_path_ops) WITH (fastupdate=false) WHERE "events"."media" <> '[]'::jsonb;--> statement-breakpoint
CREATE INDEX "events_media_live_occurred_idx" ON "events" USING btree ("occurred_at","seq") WHERE "events"."media_expired_at" is null and "events"."media" <> '[]'::jsonb;--> statement-breakpoint
CREATE INDEX "media_segment_idx" ON "media" USING btree ("segment");