CREATE TABLE "stream_sessions" (
	"id" text PRIMARY KEY NOT NULL,
	"adapter" text NOT NULL,
	"instance" text NOT NULL,
	"camera_id" text NOT NULL,
	"mode" text NOT NULL,
	"params" jsonb NOT NULL,
	"vendor_session_id" text NOT NULL,
	"playlist_url" text NOT NULL,
	"keepalive_interval_ms" integer NOT NULL,
	"state" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp (3) with time zone NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL
);
