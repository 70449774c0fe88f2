CREATE TABLE "log_cursors" (
	"name" text PRIMARY KEY NOT NULL,
	"seq" bigint NOT NULL,
	"epoch" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
