DROP INDEX "events_plate_prefix_seq_idx";--> statement-breakpoint
DROP INDEX "events_camera_occurred_idx";--> statement-breakpoint
CREATE INDEX "events_occurred_hour_seq_idx" ON "events" USING btree (date_bin('1 hour'::interval, "occurred_at", '2000-01-01 00:00:00+00'::timestamptz),"seq","occurred_at");--> statement-breakpoint
CREATE INDEX "events_plate_prefix_seq_idx" ON "events" USING btree ("plate_normalized" text_pattern_ops,"seq","occurred_at");--> statement-breakpoint
CREATE INDEX "events_camera_occurred_idx" ON "events" USING btree ("camera_id","occurred_at","seq");