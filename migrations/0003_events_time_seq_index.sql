DROP INDEX "events_occurred_at_idx";--> statement-breakpoint
CREATE INDEX "events_occurred_seq_idx" ON "events" USING btree ("occurred_at","seq");