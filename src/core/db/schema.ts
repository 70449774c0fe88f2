/**
 * Drizzle schema of the event log, media, cameras (devices of every type) and per-instance adapter state.
 * Migrations in ./migrations are generated from this file by `npm run db:generate`.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });

export const events = pgTable(
  'events',
  {
    seq: bigint('seq', { mode: 'bigint' }).primaryKey().generatedAlwaysAsIdentity(),
    typeName: text('type_name').notNull(),
    kind: text('kind').notNull(),
    vendorType: text('vendor_type').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    receivedAt: ts('received_at').notNull(),
    adapter: text('adapter').notNull(),
    instance: text('instance').notNull(),
    cameraId: text('camera_id'),
    dedupeKey: text('dedupe_key').notNull(),
    plateNormalized: text('plate_normalized'),
    trackId: text('track_id'),
    plate: jsonb('plate'),
    analytics: jsonb('analytics'),
    data: jsonb('data').notNull(),
    raw: jsonb('raw').notNull(),
    media: jsonb('media').notNull().default(sql`'[]'::jsonb`),
    /**
     * The plate lists a PLATE_READ matched at ingest (core/plates/matcher.ts ListMatch[]: listId,
     * listName, kind, entryPlate, entryLabel, distance), as they were then: history keeps showing the
     * match after the entry is removed or the list deleted. NULL when nothing matched (most events),
     * so the GIN index below holds only matching events.
     */
    listMatches: jsonb('list_matches'),
  },
  (t) => [
    uniqueIndex('events_dedupe_uq').on(t.adapter, t.instance, t.dedupeKey),
    index('events_occurred_seq_idx').on(t.occurredAt, t.seq), // time windows read seqs from the index alone (event-repo.ts)
    index('events_camera_seq_idx').on(t.cameraId, t.seq),
    index('events_kind_seq_idx').on(t.kind, t.seq),
    index('events_vendor_type_seq_idx').on(t.vendorType, t.seq), // a rare vendorType would otherwise walk the whole seq index
    index('events_source_seq_idx').on(t.adapter, t.instance, t.seq),
    index('events_plate_seq_idx').on(t.plateNormalized, t.seq),
    index('events_plate_prefix_seq_idx').using('btree', sql`${t.plateNormalized} text_pattern_ops`, t.seq), // prefix searches read seqs from the index alone
    index('events_track_idx').on(t.trackId, t.seq),
    index('events_camera_occurred_idx').on(t.cameraId, t.occurredAt), // events of a camera around a time (Event.related)
    /*
     * EventFilter.plateListIds: `list_matches @> '[{"listId": …}]'` reads the matching events from this
     * index (bitmap), then the page is the newest of those. Chosen over a side table
     * event_list_matches(list_id, seq): no second insert per matched event in the writer's one
     * batch statement and nothing to keep in step, and the matches of a list are a small share of all
     * reads (the planner keeps the seq walk when they are not).
     */
    index('events_list_matches_gin_idx').using('gin', sql`${t.listMatches} jsonb_path_ops`),
  ],
);

export const media = pgTable('media', {
  id: text('id').primaryKey(),
  contentType: text('content_type').notNull(),
  byteSize: integer('byte_size').notNull(),
  /** Segment file under MEDIA_DIR/segments holding the bytes at `offset`; null: one file per image (media/ab/<id>, before segments). */
  segment: text('segment'),
  offset: bigint('offset', { mode: 'number' }),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const cameras = pgTable(
  'cameras',
  {
    id: text('id').primaryKey(),
    adapter: text('adapter').notNull(),
    instance: text('instance').notNull(),
    vendorId: text('vendor_id').notNull(),
    name: text('name').notNull(),
    /** The GraphQL object type presenting the device: 'Camera', or one its adapter declares (AcmeDoor). */
    deviceType: text('device_type').notNull().default('Camera'),
    status: text('status').notNull().default('UNKNOWN'),
    capabilities: jsonb('capabilities').notNull().default(sql`'[]'::jsonb`),
    details: jsonb('details').notNull().default(sql`'{}'::jsonb`),
    firstSeenAt: ts('first_seen_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    /**
     * Linked cameras (core/cameras/links.ts): the id of the primary row of the logical camera this
     * source joined; null for a primary (a camera of its own). A logical camera's id is its primary's.
     */
    linkedInto: text('linked_into'),
    /** Order of the sources of a logical camera (config order, then link order); the primary is 0. */
    linkRank: integer('link_rank').notNull().default(0),
    /** The site (sites.key) of the logical camera, on its primary row. */
    siteKey: text('site_key'),
    /** The configured camera id (config `cameras[].id`, e.g. gate-north), on the primary row. */
    cameraKey: text('camera_key'),
    /** Name from config or updateCamera; wins over the vendor's `name`. */
    customName: text('custom_name'),
    /** Who linked this source: 'config' (undone at start-up when no longer configured) or 'api'. */
    linkOrigin: text('link_origin'),
  },
  (t) => [
    uniqueIndex('cameras_source_uq').on(t.adapter, t.instance, t.vendorId),
    index('cameras_device_type_id_idx').on(t.deviceType, t.id),
    index('cameras_linked_into_idx').on(t.linkedInto),
    uniqueIndex('cameras_camera_key_uq').on(t.cameraKey),
    index('cameras_site_key_idx').on(t.siteKey),
  ],
);

/** Sites (config `sites:`): a place whose cameras share a time zone. */
export const sites = pgTable('sites', {
  key: text('key').primaryKey(),
  name: text('name').notNull(),
  /** IANA time zone, e.g. Europe/Prague. */
  timezone: text('timezone'),
  /** 'config' or 'api'. */
  origin: text('origin').notNull().default('config'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const adapterState = pgTable(
  'adapter_state',
  {
    adapter: text('adapter').notNull(),
    instance: text('instance').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.adapter, t.instance, t.key] })],
);

/**
 * Time-indexed documents an adapter keeps beside the event log (e.g. Camlytics hourly/daily
 * aggregates), per instance and collection, upserted by key.
 */
export const adapterRecords = pgTable(
  'adapter_records',
  {
    adapter: text('adapter').notNull(),
    instance: text('instance').notNull(),
    collection: text('collection').notNull(),
    key: text('key').notNull(),
    time: ts('time').notNull(),
    data: jsonb('data').notNull(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.adapter, t.instance, t.collection, t.key] }), index('adapter_records_time_idx').on(t.adapter, t.instance, t.collection, t.time)],
);

/**
 * Vendor stream sessions the server holds open (src/core/streams/): persisted so that a restarted
 * server resumes them (vendor keepalive still accepted) or stops them at the vendor — never leaks.
 * Only live sessions are kept: a stopped or failed session's row is deleted. With several server
 * instances the row is what they share: any instance finds a session here (HLS proxy, stopStream).
 */
export const streamSessions = pgTable('stream_sessions', {
  id: text('id').primaryKey(),
  adapter: text('adapter').notNull(),
  instance: text('instance').notNull(),
  cameraId: text('camera_id').notNull(),
  mode: text('mode').notNull(),
  /** The StreamRequest (cameraVendorId, from, width, height, audio). */
  params: jsonb('params').notNull(),
  /** startStream holds not yet released by stopStream, on any server instance (changed atomically). */
  holders: integer('holders').notNull().default(1),
  /** Secret of the session's proxy tokens (base64url), so every server instance mints and reads the same ones. */
  urlKey: text('url_key'),
  vendorSessionId: text('vendor_session_id').notNull(),
  playlistUrl: text('playlist_url').notNull(),
  keepaliveIntervalMs: integer('keepalive_interval_ms').notNull(),
  state: text('state').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  /** Last viewer use on any server instance (throttled); the `streams` lease holder expires idle sessions by it. */
  lastUsedAt: ts('last_used_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
});

/** Plate lists (contract "Plate lists"): ALLOW / DENY / WATCH lists matched against every plate read at ingest. */
export const plateLists = pgTable(
  'plate_lists',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /** ALLOW, DENY or WATCH. */
    kind: text('kind').notNull(),
    /** OCR-aware edit distance up to which a read matches an entry (0..3). */
    maxDistance: integer('max_distance').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('plate_lists_name_uq').on(t.name), check('plate_lists_max_distance_ck', sql`${t.maxDistance} between 0 and 3`)],
);

/** Entries of a plate list, one per normalized plate (upserted by it); removed with their list. */
export const plateListEntries = pgTable(
  'plate_list_entries',
  {
    listId: text('list_id')
      .notNull()
      .references(() => plateLists.id, { onDelete: 'cascade' }),
    plateNormalized: text('plate_normalized').notNull(),
    /** The plate as entered. */
    plate: text('plate').notNull(),
    label: text('label'),
    /** Valid from (inclusive) / to (exclusive) at the read's occurredAt; null: open. */
    validFrom: ts('valid_from'),
    validTo: ts('valid_to'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.plateNormalized] })],
);
