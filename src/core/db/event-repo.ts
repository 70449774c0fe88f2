/**
 * Event log reads and writes. Writes come only from the batched writer (one INSERT per batch,
 * event-insert.ts); reads use keyset pagination on `seq`.
 */
import { and, asc, desc, eq, getTableColumns, gt, gte, inArray, like, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from './client.ts';
import { events } from './schema.ts';
import { eventRowJson, insertEventRowsJson, type InsertedEvent } from './event-insert.ts';
import type { EventKindName, MediaRef, StoredEvent } from '../events/model.ts';
import { levenshteinPatterns, ocrCanonical } from '../plates/ocr.ts';

/** EventFilter.plateFuzzy as the store takes it: a normalized plate and 0..2 (toEventFilter checks both). */
export interface PlateFuzzyFilter {
  plate: string;
  maxDistance: number;
}

export interface EventFilter {
  kinds?: readonly EventKindName[] | null;
  adapters?: readonly string[] | null;
  instances?: readonly string[] | null;
  cameraIds?: readonly string[] | null;
  /**
   * Site keys: events of every source of the sites' cameras. The services expand it (and a linked
   * camera's id in cameraIds) into source ids before a query; the repo ignores it.
   */
  siteKeys?: readonly string[] | null;
  /** Event.vendorType, exact, any of. */
  vendorTypes?: readonly string[] | null;
  from?: Date | null;
  to?: Date | null;
  /** Normalized plate; a trailing `*` makes it a prefix match. */
  plate?: string | null;
  trackId?: string | null;
  /** Plate reads that matched any of these plate lists at ingest (events.list_matches, GIN index). */
  plateListIds?: readonly string[] | null;
  /** Plate reads whose OCR-aware distance (plates/ocr.ts) to `plate` is ≤ maxDistance. */
  plateFuzzy?: PlateFuzzyFilter | null;
}

export type EventRow = typeof events.$inferSelect;
export type NewEventRow = typeof events.$inferInsert;

export function rowToEvent(r: EventRow | RowWithoutRaw): StoredEvent {
  return { ...rowToHead(r), data: (r.data ?? {}) as Record<string, unknown>, raw: 'raw' in r ? r.raw : null };
}

/** Every column but `raw` (the vendor payload, the largest): a page read with PageArgs.omitRaw. */
const { raw: _raw, ...columnsWithoutRaw } = getTableColumns(events);
type RowWithoutRaw = Omit<EventRow, 'raw'>;

/** An event without its adapter data (`data`) and vendor payload (`raw`): what a sink delivers. */
export type EventHead = Omit<StoredEvent, 'data' | 'raw'>;

/** The columns eventHeadsAfter reads. */
const headColumns = {
  seq: events.seq,
  typeName: events.typeName,
  kind: events.kind,
  vendorType: events.vendorType,
  occurredAt: events.occurredAt,
  receivedAt: events.receivedAt,
  adapter: events.adapter,
  instance: events.instance,
  cameraId: events.cameraId,
  dedupeKey: events.dedupeKey,
  plate: events.plate,
  analytics: events.analytics,
  media: events.media,
  listMatches: events.listMatches,
};

type HeadRow = Pick<EventRow, keyof typeof headColumns>;

function rowToHead(r: HeadRow): EventHead {
  return {
    seq: r.seq,
    typeName: r.typeName,
    kind: r.kind as EventKindName,
    vendorType: r.vendorType,
    occurredAt: r.occurredAt,
    receivedAt: r.receivedAt,
    adapter: r.adapter,
    instance: r.instance,
    cameraId: r.cameraId,
    dedupeKey: r.dedupeKey,
    plate: (r.plate ?? null) as StoredEvent['plate'],
    analytics: (r.analytics ?? null) as StoredEvent['analytics'],
    media: (r.media ?? []) as MediaRef[],
    listMatches: (r.listMatches ?? null) as StoredEvent['listMatches'],
  };
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export function filterConditions(f: EventFilter | null | undefined): SQL[] {
  const c: SQL[] = [];
  if (!f) return c;
  if (f.kinds?.length) c.push(inArray(events.kind, [...f.kinds]));
  if (f.adapters?.length) c.push(inArray(events.adapter, [...f.adapters]));
  if (f.instances?.length) c.push(inArray(events.instance, [...f.instances]));
  if (f.cameraIds?.length) c.push(inArray(events.cameraId, [...f.cameraIds]));
  if (f.vendorTypes?.length) c.push(inArray(events.vendorType, [...f.vendorTypes]));
  if (f.from) c.push(gte(events.occurredAt, f.from));
  if (f.to) c.push(lte(events.occurredAt, f.to));
  if (f.trackId) c.push(eq(events.trackId, f.trackId));
  if (f.plate) {
    if (f.plate.endsWith('*')) c.push(like(events.plateNormalized, `${escapeLike(f.plate.slice(0, -1))}%`));
    else c.push(eq(events.plateNormalized, f.plate));
  }
  if (f.plateListIds?.length) {
    // One containment test per list, each answered by the GIN index (jsonb_path_ops supports @>).
    const any = f.plateListIds.map((id) => sql`${events.listMatches} @> ${JSON.stringify([{ listId: id }])}::text::jsonb`);
    c.push(any.length === 1 ? any[0] : sql`(${sql.join(any, sql` or `)})`);
  }
  if (f.plateFuzzy) c.push(...fuzzyPlateConditions(f.plateFuzzy));
  return c;
}

/**
 * EventFilter.plateFuzzy in SQL, exact and index-driven on both PostgreSQL and PGlite without an
 * extension. `plate_canonical` (a generated column: ocrCanonical in SQL) turns OCR look-alikes into
 * plain equal characters, so the distance is the Levenshtein distance of canonical forms, decided by
 * `levenshteinPatterns`: the strings within the distance as `=` values and `LIKE` patterns (one
 * `_` per inserted or substituted character) — an exact test whatever the alphabet, no levenshtein().
 *
 * The index part is a pigeonhole prefilter on two btree indexes, (plate_canonical text_pattern_ops,
 * seq) and (reverse(plate_canonical) text_pattern_ops, seq): with k edits, one of k+1 pieces of
 * the query plate is left intact. For k ≤ 1 the two pieces are its halves, which stay a prefix or a
 * suffix: two range reads of a 2–4 character prefix, each testing its rows on the index alone
 * (both indexes hold plate_canonical), so only matches are read from the table. For
 * k = 2 the intact piece may be the middle one, which no btree finds, so the prefilter adds a
 * substring test and the database scans (bounded by any other filter; no latency target for k = 2).
 *
 * Why not pg_trgm + fuzzystrmatch: both load in PGlite 0.5.16 (contrib), but a 6–8 character plate
 * has only 7–9 trigrams and one edit destroys up to 3 of them, so a trigram query that keeps every
 * distance-1 match needs a similarity threshold that lets through most plates sharing a few
 * trigrams (and pg_trgm's threshold is a session setting, awkward on a pool); the extensions would
 * also have to be registered when PGlite is created and created by the migration on every server.
 * The halves prefilter is exact by construction and needs only btree.
 */
export function fuzzyPlateConditions(f: PlateFuzzyFilter): SQL[] {
  const q = ocrCanonical(f.plate);
  const col = events.plateCanonical;
  if (f.maxDistance <= 0) return [eq(col, q)];
  const { exact, like: patterns } = levenshteinPatterns(q, f.maxDistance);
  const chars = [...q];
  const n = chars.length;
  const piece = (a: number, b: number) => chars.slice(a, b).join('');
  const range = (expr: SQL, p: string) => {
    if (!p) return sql`true`;
    const next = successor(p);
    return next == null ? sql`${expr} ~>=~ ${p}` : sql`${expr} ~>=~ ${p} and ${expr} ~<~ ${next}`;
  };
  const prefix = (p: string) => range(sql`${col}`, p);
  const suffix = (s: string) => range(sql`reverse(${col})`, [...s].reverse().join(''));
  const exactTest = sql`(${inArray(col, exact)} or ${col} like any (array[${sql.join(
    patterns.map((p) => sql`${p}`),
    sql`, `,
  )}]::text[]))`;
  if (f.maxDistance === 1) {
    // Each half's range read tests the candidates on its index alone (index-only scans).
    const h = Math.ceil(n / 2);
    return [
      sql`${events.seq} in (select ${events.seq} from ${events} where ${prefix(piece(0, h))} and ${exactTest}
        union all select ${events.seq} from ${events} where ${suffix(piece(h, n))} and ${exactTest})`,
    ];
  }
  const a = Math.floor(n / 3);
  const b = n - a;
  const candidates = sql`((${prefix(piece(0, a))}) or (${suffix(piece(b, n))}) or ${col} like ${`%${escapeLike(piece(a, b))}%`})`;
  return [candidates, exactTest];
}

/**
 * The least string greater than every string starting with `p` in byte order (text_pattern_ops):
 * `p` with its last character's code point + 1 (UTF-8 keeps code point order); null past U+10FFFF.
 */
function successor(p: string): string | null {
  const cps = [...p];
  const last = cps.pop()!.codePointAt(0)!;
  if (last >= 0x10ffff) return null;
  const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
  return cps.join('') + String.fromCodePoint(next);
}

export interface PageArgs {
  first?: number | null;
  after?: bigint | null;
  last?: number | null;
  before?: bigint | null;
}

/**
 * A page request as the store takes it. Not in the SDK's PageArgs (CoreServices.listEvents): the
 * GraphQL connections pass it through services.listEvents as a PageArgs, which keeps the object;
 * a caller that drops the flag only reads `raw` again.
 */
export interface EventPageRead extends PageArgs {
  /** Leave the vendor payload unread (StoredEvent.raw is null): a caller that shows no `raw`. */
  omitRaw?: boolean;
}

export interface EventPage {
  events: StoredEvent[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

/**
 * Selective filters whose matches do not follow seq order are read index-first: the page's seqs
 * come from an index alone (a camera's window from (camera_id, occurred_at, seq), a prefix from
 * (plate_normalized text_pattern_ops, seq, occurred_at), a window alone by hour bucket:
 * timeWindowSeqs), then only the page's rows are fetched. Otherwise the database walks the seq
 * index from the newest event and filters, which for a window in the past, or a rare plate prefix, means reading most of the
 * table first (0.5 s over 1,000,000 events). Dense filters (a wide or open time window, a one-letter
 * prefix) keep the seq walk: it stops early.
 */
export const TIME_FIRST_MAX_WINDOW_MS = 7 * 86_400_000;

/** Whether listEvents reads this filter index-first (exported for the history benchmark's floor). */
export function indexFirst(f: EventFilter | null | undefined): boolean {
  if (f?.from && f.to && f.to.getTime() - f.from.getTime() <= TIME_FIRST_MAX_WINDOW_MS) return true;
  if (f?.plateFuzzy && f.plateFuzzy.maxDistance <= 1) return true;
  return !!f?.plate && f.plate.endsWith('*') && f.plate.length > 2;
}

/**
 * A time window (`from` and `to`, at most TIME_FIRST_MAX_WINDOW_MS apart) and nothing else: read by
 * hour bucket (timeWindowSeqs). Other filters keep their own index (a camera's window:
 * events_camera_occurred_idx, a plate's: the plate index), whose rows are fewer.
 */
export function timeWindowOnly(f: EventFilter | null | undefined): f is EventFilter & { from: Date; to: Date } {
  if (!f?.from || !f.to || f.to.getTime() - f.from.getTime() > TIME_FIRST_MAX_WINDOW_MS) return false;
  const { from: _f, to: _t, ...rest } = f;
  return Object.values(rest).every((v) => v == null || (Array.isArray(v) && v.length === 0));
}

/** The hour bucket of events_occurred_hour_seq_idx (schema.ts): the same expression, so the index serves it. */
const hourOf = (at: SQL) => sql`date_bin('1 hour'::interval, ${at}, '2000-01-01 00:00:00+00'::timestamptz)`;

/**
 * The seqs of a time window's page: in each hour bucket of the window the newest (or oldest) `limit`
 * seqs, read in seq order from events_occurred_hour_seq_idx (the window's edges tested on the index),
 * then the newest `limit` of those. Work is at most buckets × limit index entries (169 × 51 for a
 * week), not the window's event count (33,000 a day at 1,000,000 events a month) that reading the
 * window by time and sorting by seq costs.
 */
function timeWindowSeqs(f: { from: Date; to: Date }, cond: SQL[], order: 'asc' | 'desc', limit: number): SQL {
  const dir = sql.raw(order);
  const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  return sql`select w.seq from generate_series(${hourOf(at(f.from))}, ${hourOf(at(f.to))}, '1 hour'::interval) as h(at),
    lateral (select ${events.seq} as seq from ${events} where ${hourOf(sql`${events.occurredAt}`)} = h.at and ${and(...cond)}
      order by ${events.seq} ${dir} limit ${limit}) w
    order by w.seq ${dir} limit ${limit}`;
}

/**
 * A page read is a named prepared statement: postgres.js keeps it per connection by its text, so a
 * repeated filter shape is sent as Bind/Execute alone (one round trip, no parse) instead of
 * Parse/Describe, a wait, then Bind/Execute. The plan is still made per execution for the values
 * (plan_cache_mode = force_custom_plan, client.ts). PGlite ignores the name.
 */
const PAGE_STATEMENT = 'events_page';

async function readPage(db: Db, filter: EventFilter | null | undefined, cond: SQL[], order: 'asc' | 'desc', limit: number, omitRaw: boolean): Promise<Array<EventRow | RowWithoutRaw>> {
  const by = order === 'asc' ? asc(events.seq) : desc(events.seq);
  const select = () => (omitRaw ? db.select(columnsWithoutRaw) : db.select());
  if (timeWindowOnly(filter))
    return select()
      .from(events)
      .where(sql`${events.seq} in (${timeWindowSeqs(filter, cond, order, limit)})`)
      .orderBy(by)
      .prepare(PAGE_STATEMENT)
      .execute();
  if (!indexFirst(filter))
    return select()
      .from(events)
      .where(and(...cond))
      .orderBy(by)
      .limit(limit)
      .prepare(PAGE_STATEMENT)
      .execute();
  // `seq + 0` keeps the planner off the seq index for this ordering, so it takes the filter's index.
  const seqs = db
    .select({ seq: events.seq })
    .from(events)
    .where(and(...cond))
    .orderBy(sql.raw(`seq + 0 ${order}`))
    .limit(limit);
  return select().from(events).where(inArray(events.seq, seqs)).orderBy(by).prepare(PAGE_STATEMENT).execute();
}

/** Newest first. `after` pages towards older events, `before` towards newer ones. */
export async function listEvents(db: Db, filter: EventFilter | null | undefined, page: EventPageRead): Promise<EventPage> {
  const cond = filterConditions(filter);
  if (page.last != null && page.first == null) {
    const n = page.last;
    if (page.before != null) cond.push(gt(events.seq, page.before));
    if (page.after != null) cond.push(lt(events.seq, page.after));
    const rows = await readPage(db, filter, cond, 'asc', n + 1, page.omitRaw === true);
    const more = rows.length > n;
    return { events: rows.slice(0, n).reverse().map(rowToEvent), hasNextPage: false, hasPreviousPage: more };
  }
  const n = page.first ?? 50;
  if (page.after != null) cond.push(lt(events.seq, page.after));
  if (page.before != null) cond.push(gt(events.seq, page.before));
  const rows = await readPage(db, filter, cond, 'desc', n + 1, page.omitRaw === true);
  return { events: rows.slice(0, n).map(rowToEvent), hasNextPage: rows.length > n, hasPreviousPage: false };
}

/** Oldest first after `seq`: subscription replay and catch-up. */
export async function eventsAfter(db: Db, seq: bigint, filter: EventFilter | null | undefined, limit: number): Promise<StoredEvent[]> {
  const cond = filterConditions(filter);
  cond.push(gt(events.seq, seq));
  const rows = await db
    .select()
    .from(events)
    .where(and(...cond))
    .orderBy(asc(events.seq))
    .limit(limit);
  return rows.map(rowToEvent);
}

/**
 * Events after `seq` in log order, without `data` and `raw` (eventsAfter reads them too): a sink
 * delivers neither, and decoding the vendor payloads of every event it reads was a share of its work.
 */
export async function eventHeadsAfter(db: Db, seq: bigint, limit: number): Promise<EventHead[]> {
  const rows = await db.select(headColumns).from(events).where(gt(events.seq, seq)).orderBy(asc(events.seq)).limit(limit);
  return rows.map(rowToHead);
}

export interface RelatedEventsQuery {
  /** Events of these cameras (the sources of one logical camera). */
  cameraIds: readonly string[];
  /** Centre of the window (the event's occurredAt). */
  at: Date;
  /** Half-width of the window: occurred_at within [at - withinMs, at + withinMs]. */
  withinMs: number;
  /** Left out (the event itself). */
  excludeSeq?: bigint | null;
  /** At most this many (the nearest). */
  limit: number;
}

const tsParam = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/**
 * Events of `cameraIds` around `at`, nearest first (ties by seq). Each camera and side of `at` is one
 * range read on the (camera_id, occurred_at) index walking away from `at` and stopping after `limit`
 * rows (the nearest `limit` overall are among them), so a busy camera's full window is never read;
 * the union's rows are then ordered by distance. Without that index it is still correct, only slower.
 */
export async function relatedEvents(db: Db, q: RelatedEventsQuery): Promise<StoredEvent[]> {
  const cameraIds = [...new Set(q.cameraIds)];
  if (cameraIds.length === 0 || q.limit <= 0) return [];
  const at = tsParam(q.at);
  const lowest = tsParam(new Date(q.at.getTime() - q.withinMs));
  const highest = tsParam(new Date(q.at.getTime() + q.withinMs));
  const notSelf = q.excludeSeq == null ? sql`` : sql` and ${events.seq} <> ${q.excludeSeq.toString()}::bigint`;
  const side = (cameraId: string, before: boolean) =>
    before
      ? sql`(select ${events.seq} from ${events} where ${events.cameraId} = ${cameraId} and ${events.occurredAt} >= ${lowest} and ${events.occurredAt} <= ${at}${notSelf} order by ${events.occurredAt} desc, ${events.seq} asc limit ${q.limit})`
      : sql`(select ${events.seq} from ${events} where ${events.cameraId} = ${cameraId} and ${events.occurredAt} > ${at} and ${events.occurredAt} <= ${highest}${notSelf} order by ${events.occurredAt} asc, ${events.seq} asc limit ${q.limit})`;
  const candidates = sql.join(
    cameraIds.flatMap((id) => [side(id, true), side(id, false)]),
    sql` union all `,
  );
  const rows = await db.select().from(events).where(sql`${events.seq} in (${candidates})`).orderBy(sql`abs(extract(epoch from (${events.occurredAt} - ${at})))`, asc(events.seq)).limit(q.limit);
  return rows.map(rowToEvent);
}

export async function eventsBySeq(db: Db, seqs: readonly bigint[]): Promise<StoredEvent[]> {
  if (seqs.length === 0) return [];
  const rows = await db
    .select()
    .from(events)
    .where(inArray(events.seq, [...seqs]));
  return rows.map(rowToEvent);
}

/**
 * The seqs after `seq` in log order, nothing else (index-only on the primary key): what a log
 * consumer reads first when it may need no event at all (the rules engine with no enabled rule).
 */
export async function seqsAfter(db: Db, seq: bigint, limit: number): Promise<Array<{ seq: bigint }>> {
  return db.select({ seq: events.seq }).from(events).where(gt(events.seq, seq)).orderBy(asc(events.seq)).limit(limit);
}

export async function maxSeq(db: Db): Promise<bigint> {
  const [r] = await db.select({ m: sql<string | null>`max(${events.seq})` }).from(events);
  return r?.m == null ? 0n : BigInt(r.m);
}

/** Insert a batch, seqs in row order; duplicates (same adapter, instance, dedupe key) are skipped. See event-insert.ts. */
export async function insertEvents(db: Db, rows: ReadonlyArray<Omit<NewEventRow, 'seq'>>): Promise<InsertedEvent[]> {
  return insertEventRowsJson(db, rows.map(eventRowJson));
}

export async function seqsByDedupeKey(db: Db, adapter: string, instance: string, keys: string[]): Promise<Map<string, bigint>> {
  const rows = await db
    .select({ seq: events.seq, dedupeKey: events.dedupeKey })
    .from(events)
    .where(and(eq(events.adapter, adapter), eq(events.instance, instance), inArray(events.dedupeKey, keys)));
  return new Map(rows.map((r) => [r.dedupeKey, r.seq]));
}
