ALTER TABLE "cameras" ADD COLUMN "device_type" text DEFAULT 'Camera' NOT NULL;--> statement-breakpoint
CREATE INDEX "cameras_device_type_id_idx" ON "cameras" USING btree ("device_type","id");