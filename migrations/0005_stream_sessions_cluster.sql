ALTER TABLE "stream_sessions" ADD COLUMN "holders" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "stream_sessions" ADD COLUMN "url_key" text;--> statement-breakpoint
UPDATE "stream_sessions" SET "holders" = GREATEST(1, COALESCE(("params"->>'holders')::integer, 1));
