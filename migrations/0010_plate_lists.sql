CREATE TABLE "plate_list_entries" (
	"list_id" text NOT NULL,
	"plate_normalized" text NOT NULL,
	"plate" text NOT NULL,
	"label" text,
	"valid_from" timestamp (3) with time zone,
	"valid_to" timestamp (3) with time zone,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plate_list_entries_list_id_plate_normalized_pk" PRIMARY KEY("list_id","plate_normalized")
);
--> statement-breakpoint
CREATE TABLE "plate_lists" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"max_distance" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plate_lists_max_distance_ck" CHECK ("plate_lists"."max_distance" between 0 and 3)
);
--> statement-breakpoint
ALTER TABLE "events" ADD COLUMN "list_matches" jsonb;--> statement-breakpoint
ALTER TABLE "plate_list_entries" ADD CONSTRAINT "plate_list_entries_list_id_plate_lists_id_fk" FOREIGN KEY ("list_id") REFERENCES "public"."plate_lists"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "plate_lists_name_uq" ON "plate_lists" USING btree ("name");--> statement-breakpoint
CREATE INDEX "events_list_matches_gin_idx" ON "events" USING gin ("list_matches" jsonb_path_ops);