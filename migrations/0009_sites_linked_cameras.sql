CREATE TABLE "sites" (
	"key" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"timezone" text,
	"origin" text DEFAULT 'config' NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "linked_into" text;--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "link_rank" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "site_key" text;--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "camera_key" text;--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "custom_name" text;--> statement-breakpoint
ALTER TABLE "cameras" ADD COLUMN "link_origin" text;--> statement-breakpoint
CREATE INDEX "cameras_linked_into_idx" ON "cameras" USING btree ("linked_into");--> statement-breakpoint
CREATE UNIQUE INDEX "cameras_camera_key_uq" ON "cameras" USING btree ("camera_key");--> statement-breakpoint
CREATE INDEX "cameras_site_key_idx" ON "cameras" USING btree ("site_key");--> statement-breakpoint
CREATE INDEX "events_camera_occurred_idx" ON "events" USING btree ("camera_id","occurred_at");