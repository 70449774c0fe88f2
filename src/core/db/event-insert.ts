/**
 * The event log's batch INSERT, built without drizzle's per-value query builder (which cost
 * ~100 ms per 1,000 rows): each row is serialised once to a JSON object, the batch goes to the
 * database as ONE text parameter, the objects one per line, and each line is expanded there by
 * `jsonb_to_record`; the batch's media and camera rows ride along in the same statement. One SQL
 * text for PGlite and PostgreSQL alike, run through `db.execute` (so it also works inside a drizzle
 * transaction).
 *
 * One line per row, not one JSON array of rows: PostgreSQL turns a 2.7 MB array (1,000 FF events)
 * into jsonb about nine times slower per byte than it parses the same objects one by one (backend
 * CPU, PostgreSQL 15: ~225 µs vs ~25 µs per 2.7 KB row), which made that cast the biggest cost of
 * the whole FF TCP ingest.
 *
 * Semantics match the drizzle insert it replaces: jsonb columns get `JSON.stringify` of the value
 * (null/undefined → SQL NULL, so NOT NULL still refuses a missing `raw`); text columns get the
 * string, with lone UTF-16 surrogates replaced by U+FFFD as the drivers' UTF-8 encoding did. A
 * value the database refuses (U+0000, an out-of-range date) fails the whole statement with an
 * SQLSTATE of class 22/23, and the writer isolates the row as before.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';
import type { cameras, events, media } from './schema.ts';

export interface InsertedEvent {
  seq: bigint;
  dedupeKey: string;
  adapter: string;
  instance: string;
}

/** The row as `insertEvents` takes it: everything but the generated `seq`. */
export type InsertableEventRow = Omit<typeof events.$inferInsert, 'seq'>;

type WellFormed = { toWellFormed(): string };
/** As the drivers encode text: a lone surrogate becomes U+FFFD (String.prototype.toWellFormed, Node ≥ 20). */
export const wellFormed = (s: string) => (s as unknown as WellFormed).toWellFormed();
const text = wellFormed;
const textOrNull = (s: string | null | undefined) => (s == null ? null : text(s));

/**
 * One row as a JSON object whose keys are the column names. Dates become ISO text (Date#toJSON);
 * an invalid Date becomes null and is refused by NOT NULL.
 */
export function eventRowJson(r: InsertableEventRow): string {
  return JSON.stringify({
    type_name: text(r.typeName),
    kind: text(r.kind),
    vendor_type: text(r.vendorType),
    occurred_at: r.occurredAt,
    received_at: r.receivedAt,
    adapter: text(r.adapter),
    instance: text(r.instance),
    camera_id: textOrNull(r.cameraId),
    dedupe_key: text(r.dedupeKey),
    plate_normalized: textOrNull(r.plateNormalized),
    track_id: textOrNull(r.trackId),
    plate: r.plate ?? null,
    analytics: r.analytics ?? null,
    data: r.data,
    raw: r.raw,
    media: r.media ?? [],
    list_matches: r.listMatches ?? null,
  });
}

const COLUMNS = sql.raw(
  'type_name, kind, vendor_type, occurred_at, received_at, adapter, instance, camera_id, dedupe_key, plate_normalized, track_id, plate, analytics, data, raw, media, list_matches',
);
const RECORD_TYPE = sql.raw(
  'type_name text, kind text, vendor_type text, occurred_at timestamptz, received_at timestamptz, adapter text, instance text, camera_id text, dedupe_key text, plate_normalized text, track_id text, plate jsonb, analytics jsonb, data jsonb, raw jsonb, media jsonb, list_matches jsonb',
);

/**
 * A JSON text never holds a raw line feed inside a string (it must be escaped there) and
 * JSON.stringify never writes one between tokens; a line feed between tokens (text from elsewhere)
 * is whitespace and becomes a space, so every row is exactly one line.
 */
const oneLine = (json: string) => (json.includes('\n') ? json.replace(/\n/g, ' ') : json);

/**
 * Seqs must become visible in seq order across every instance sharing the database, or a reader
 * (a subscription catching up, `events(after)`, the bus ordering events from other instances) could
 * pass seq 101 before seq 100 commits and never see 100. Each batch therefore takes a transaction-level
 * advisory lock before it draws seqs; the lock is released only after commit, so the next batch
 * (from any instance) draws larger seqs and commits later. One batch at a time per deployment is the
 * price; within one instance the writer already writes one batch at a time.
 */
export const COMMIT_ORDER_LOCK_KEY = 7413002;
const COMMIT_ORDER_LOCK = sql.raw(`commit_order as materialized (select pg_advisory_xact_lock(${COMMIT_ORDER_LOCK_KEY}) from (select count(*) from new_rows) parsed)`);

export type MediaRow = typeof media.$inferInsert;
export type CameraRow = typeof cameras.$inferInsert;

export interface EventBatch {
  /** `eventRowJson` texts, in order: seqs increase with it. */
  rowsJson: readonly string[];
  /** Media rows the events reference: inserted unless present. */
  media?: readonly MediaRow[];
  /** Cameras the events name, unique by id: inserted, or renamed when they only had a placeholder name. */
  cameras?: readonly CameraRow[];
  /**
   * true (default): events whose (adapter, instance, dedupe key) exists are skipped (ON CONFLICT DO
   * NOTHING). false: a plain INSERT, ~10–15% less work for the database, that fails with SQLSTATE
   * 23505 (and writes nothing) when any event is a duplicate.
   */
  skipDuplicates?: boolean;
}

/**
 * Write a batch in ONE statement (atomic by itself, one round trip: no BEGIN/COMMIT): media and
 * camera rows as data-modifying CTEs, then the events. Returns the inserted events.
 */
export async function insertEventBatch(db: Db, batch: EventBatch): Promise<InsertedEvent[]> {
  if (batch.rowsJson.length === 0) return [];
  const ctes: SQL[] = [];
  if (batch.media?.length) ctes.push(mediaCte(batch.media));
  if (batch.cameras?.length) ctes.push(camerasCte(batch.cameras));
  const lines = batch.rowsJson.length === 1 ? oneLine(batch.rowsJson[0]) : batch.rowsJson.map(oneLine).join('\n');
  // `$n::text`: the parameter is plain text on both drivers. The rows are parsed (new_rows) before
  // the lock is taken (commit_order counts them first), so the lock is not held while parsing.
  // `where exists (select from commit_order)` is a one-time filter evaluated before any row is
  // produced, so the lock is held before the first nextval and until this statement commits; rows
  // are inserted in line order (seqs increase with it).
  const result = await db.execute(sql`
    with ${sql.join([...ctes, sql`new_rows as materialized (select l.n, x.* from string_to_table(${lines}::text, chr(10)) with ordinality as l(j, n) cross join lateral jsonb_to_record(l.j::jsonb) as x(${RECORD_TYPE}))`, COMMIT_ORDER_LOCK], sql`, `)}
    insert into events (${COLUMNS})
    select ${COLUMNS} from new_rows
    where exists (select from commit_order)
    order by n
    ${batch.skipDuplicates === false ? sql`` : sql`on conflict (adapter, instance, dedupe_key) do nothing`}
    returning seq::text as seq, dedupe_key, adapter, instance`);
  return resultRows(result).map((r) => ({ seq: BigInt(r.seq), dedupeKey: r.dedupe_key, adapter: r.adapter, instance: r.instance }));
}

/** Insert rows given as `eventRowJson` texts (see insertEventBatch). */
export function insertEventRowsJson(db: Db, rowsJson: readonly string[]): Promise<InsertedEvent[]> {
  return insertEventBatch(db, { rowsJson });
}

function mediaCte(rows: readonly MediaRow[]): SQL {
  const json = JSON.stringify(rows.map((m) => ({ id: m.id, content_type: m.contentType, byte_size: m.byteSize, segment: m.segment ?? null, offset: m.offset ?? null })));
  return sql`new_media as (
    insert into media (id, content_type, byte_size, segment, "offset")
    select id, content_type, byte_size, segment, "offset" from jsonb_to_recordset(${json}::text::jsonb) as m(id text, content_type text, byte_size integer, segment text, "offset" bigint)
    on conflict (id) do nothing)`;
}

function camerasCte(rows: readonly CameraRow[]): SQL {
  const json = JSON.stringify(
    rows.map((c) => ({
      id: text(c.id),
      adapter: text(c.adapter),
      instance: text(c.instance),
      vendor_id: text(c.vendorId),
      name: text(c.name),
      device_type: textOrNull(c.deviceType),
      status: textOrNull(c.status),
      capabilities: c.capabilities,
      details: c.details,
    })),
  );
  // An event's camera name only replaces a placeholder (the vendor id), never a real name.
  return sql`new_cameras as (
    insert into cameras (id, adapter, instance, vendor_id, name, device_type, status, capabilities, details)
    select id, adapter, instance, vendor_id, name, coalesce(device_type, 'Camera'), coalesce(status, 'UNKNOWN'), coalesce(capabilities, '[]'::jsonb), coalesce(details, '{}'::jsonb)
    from jsonb_to_recordset(${json}::text::jsonb) as c(id text, adapter text, instance text, vendor_id text, name text, device_type text, status text, capabilities jsonb, details jsonb)
    on conflict (id) do update set
      name = case when excluded.name = excluded.vendor_id then cameras.name else excluded.name end,
      updated_at = now())`;
}

type ReturnedRow = { seq: string; dedupe_key: string; adapter: string; instance: string };

/** postgres.js answers an array of rows, PGlite `{ rows }`. */
function resultRows(result: unknown): ReturnedRow[] {
  if (Array.isArray(result)) return result as ReturnedRow[];
  return ((result as { rows?: ReturnedRow[] }).rows ?? []) as ReturnedRow[];
}
