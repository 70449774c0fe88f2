DROP INDEX "events_plate_prefix_idx";--> statement-breakpoint
CREATE INDEX "events_plate_prefix_seq_idx" ON "events" USING btree ("plate_normalized" text_pattern_ops,"seq");