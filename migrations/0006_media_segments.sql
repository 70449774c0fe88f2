ALTER TABLE "media" ADD COLUMN "segment" text;--> statement-breakpoint
ALTER TABLE "media" ADD COLUMN "offset" bigint;