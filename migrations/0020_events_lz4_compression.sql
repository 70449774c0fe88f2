-- The events' jsonb values are compressed with lz4 where the server has it (PostgreSQL built with
-- lz4, as the Debian/Ubuntu/official images are; PGlite has only pglz and keeps it). An FF row is
-- ~3 KB, over the 2 KB TOAST threshold, so every insert compressed raw and data: pglz_compress was
-- 20% of the batch INSERT's backend CPU (perf). Values stored before keep pglz (both stay readable).
DO $$
BEGIN
  IF 'lz4' = ANY ((SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression')::text[]) THEN
    ALTER TABLE events
      ALTER COLUMN raw SET COMPRESSION lz4,
      ALTER COLUMN data SET COMPRESSION lz4,
      ALTER COLUMN plate SET COMPRESSION lz4,
      ALTER COLUMN analytics SET COMPRESSION lz4,
      ALTER COLUMN media SET COMPRESSION lz4,
      ALTER COLUMN list_matches SET COMPRESSION lz4;
  END IF;
END $$;
