CREATE TABLE "adapter_records" (
	"adapter" text NOT NULL,
	"instance" text NOT NULL,
	"collection" text NOT NULL,
	"key" text NOT NULL,
	"time" timestamp (3) with time zone NOT NULL,
	"data" jsonb NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "adapter_records_adapter_instance_collection_key_pk" PRIMARY KEY("adapter","instance","collection","key")
);
--> statement-breakpoint
CREATE INDEX "adapter_records_time_idx" ON "adapter_records" USING btree ("adapter","instance","collection","time");