/**
 * Sinks and their recent deliveries in the store (tables sinks, sink_deliveries). The secret is read
 * only by `secretOf` (to sign); SinkRecord never carries it. Deliveries are kept per sink up to
 * SINK_DELIVERIES_KEPT (the newest by seq), trimmed as they are written.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sinkDeliveries, sinks } from '../db/schema.ts';
import { badInput } from '../errors.ts';
import type { SinkFilter } from './filter.ts';

/** Deliveries kept per sink (the newest); older ones are trimmed as new ones are written. */
export const SINK_DELIVERIES_KEPT = 100;

export const SINK_KINDS = ['WEBHOOK', 'MQTT'] as const;
export type SinkKind = (typeof SINK_KINDS)[number];
export const SINK_STATES = ['ACTIVE', 'PAUSED', 'FAILING', 'DISABLED'] as const;
export type SinkState = (typeof SINK_STATES)[number];
export type SinkOrigin = 'config' | 'api';

export interface SinkRecord {
  id: string;
  name: string;
  kind: SinkKind;
  url: string;
  topic: string | null;
  qos: number | null;
  filter: SinkFilter | null;
  state: SinkState;
  lastError: string | null;
  failingSince: Date | null;
  origin: SinkOrigin;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewSink {
  name: string;
  kind: SinkKind;
  url: string;
  topic: string | null;
  qos: number | null;
  filter: SinkFilter | null;
  secret: string | null;
  origin: SinkOrigin;
}

export const DELIVERY_STATUSES = ['DELIVERED', 'FAILED', 'GAVE_UP'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRecord {
  sinkId: string;
  seq: bigint;
  messageId: string;
  status: DeliveryStatus;
  attempts: number;
  httpStatus: number | null;
  error: string | null;
  at: Date;
}

const columns = {
  id: sinks.id,
  name: sinks.name,
  kind: sinks.kind,
  url: sinks.url,
  topic: sinks.topic,
  qos: sinks.qos,
  filter: sinks.filter,
  state: sinks.state,
  lastError: sinks.lastError,
  failingSince: sinks.failingSince,
  origin: sinks.origin,
  createdAt: sinks.createdAt,
  updatedAt: sinks.updatedAt,
};
const toRecord = (r: { [K in keyof typeof columns]: unknown }): SinkRecord => r as SinkRecord;

export async function listSinks(db: Db): Promise<SinkRecord[]> {
  return (await db.select(columns).from(sinks).orderBy(asc(sinks.name))).map(toRecord);
}

export async function sinkById(db: Db, id: string): Promise<SinkRecord | null> {
  const [r] = await db.select(columns).from(sinks).where(eq(sinks.id, id));
  return r ? toRecord(r) : null;
}

export async function sinkCount(db: Db): Promise<number> {
  const [r] = await db.select({ n: count() }).from(sinks);
  return Number(r?.n ?? 0);
}

/** The signing secret (webhooks); null when the sink has none. */
export async function secretOf(db: Db, id: string): Promise<string | null> {
  const [r] = await db.select({ secret: sinks.secret }).from(sinks).where(eq(sinks.id, id));
  return r?.secret ?? null;
}

/** BAD_USER_INPUT naming `name` when the name is taken. */
export async function insertSink(db: Db, s: NewSink): Promise<SinkRecord> {
  const rows = await db
    .insert(sinks)
    .values({ id: randomUUID(), ...s, state: 'ACTIVE' })
    .onConflictDoNothing({ target: sinks.name })
    .returning(columns);
  if (!rows[0]) throw badInput(`name: a sink named ${JSON.stringify(s.name)} exists`, { field: 'name' });
  return toRecord(rows[0]);
}

/**
 * Config sinks: insert, or update the one of that name (url, topic, qos, filter, secret, origin);
 * its state, cursor and deliveries stay. A FAILING/DISABLED sink whose target changed is ACTIVE again.
 */
export async function upsertSinkByName(db: Db, s: NewSink): Promise<SinkRecord> {
  const [r] = await db
    .insert(sinks)
    .values({ id: randomUUID(), ...s, state: 'ACTIVE' })
    .onConflictDoUpdate({
      target: sinks.name,
      set: {
        kind: s.kind,
        url: s.url,
        topic: s.topic,
        qos: s.qos,
        filter: s.filter,
        secret: s.secret,
        origin: s.origin,
        updatedAt: sql`now()`,
        state: sql`case when ${sinks.state} = 'DISABLED' and (${sinks.url} <> excluded.url or ${sinks.kind} <> excluded.kind) then 'ACTIVE' else ${sinks.state} end`,
      },
    })
    .returning(columns);
  return toRecord(r!);
}

export async function deleteSink(db: Db, id: string): Promise<boolean> {
  return (await db.delete(sinks).where(eq(sinks.id, id)).returning({ id: sinks.id })).length > 0;
}

export interface StateChange {
  state: SinkState;
  lastError?: string | null;
  failingSince?: Date | null;
}

/** Set the state (and error fields); `onlyFrom`: only when the state is one of these now. Returns the new row or null. */
export async function setSinkState(db: Db, id: string, change: StateChange, onlyFrom?: readonly SinkState[]): Promise<SinkRecord | null> {
  const where = onlyFrom ? and(eq(sinks.id, id), sql`${sinks.state} in ${onlyFrom}`) : eq(sinks.id, id);
  const [r] = await db
    .update(sinks)
    .set({ ...change, updatedAt: sql`now()` })
    .where(where)
    .returning(columns);
  return r ? toRecord(r) : null;
}

/**
 * Write the outcome of deliveries (one row per sink and seq: a later attempt replaces the outcome and
 * counts), then trim the sink to SINK_DELIVERIES_KEPT rows.
 */
/**
 * Write a batch's outcomes and trim the sink to its newest SINK_DELIVERIES_KEPT: two statements per
 * batch, the rows travelling as one JSON text expanded by `jsonb_to_recordset` (as event inserts do),
 * so the cost does not grow with a parameter per value.
 */
export async function recordDeliveries(db: Db, rows: readonly DeliveryRecord[]): Promise<void> {
  if (!rows.length) return;
  const json = JSON.stringify(
    rows.map((r) => ({ sink_id: r.sinkId, seq: r.seq.toString(), message_id: r.messageId, status: r.status, attempts: r.attempts, http_status: r.httpStatus, error: r.error, at: r.at.toISOString() })),
  );
  await db.execute(sql`
    insert into sink_deliveries (sink_id, seq, message_id, status, attempts, http_status, error, at)
    select sink_id, seq, message_id, status, attempts, http_status, error, at
    from jsonb_to_recordset(${json}::text::jsonb) as x(sink_id text, seq bigint, message_id text, status text, attempts integer, http_status integer, error text, at timestamptz)
    on conflict (sink_id, seq) do update set status = excluded.status, attempts = sink_deliveries.attempts + excluded.attempts,
      http_status = excluded.http_status, error = excluded.error, at = excluded.at`);
  for (const sinkId of new Set(rows.map((r) => r.sinkId))) {
    await db.execute(sql`
      delete from sink_deliveries where sink_id = ${sinkId} and seq < (
        select seq from sink_deliveries where sink_id = ${sinkId} order by seq desc offset ${SINK_DELIVERIES_KEPT - 1} limit 1)`);
  }
}

/** Newest first; `before`: seqs below it (the cursor of the previous page). */
export async function listDeliveries(db: Db, sinkId: string, first: number, before: bigint | null): Promise<{ deliveries: DeliveryRecord[]; hasNextPage: boolean }> {
  const where = before === null ? eq(sinkDeliveries.sinkId, sinkId) : and(eq(sinkDeliveries.sinkId, sinkId), lt(sinkDeliveries.seq, before));
  const rows = await db
    .select()
    .from(sinkDeliveries)
    .where(where)
    .orderBy(desc(sinkDeliveries.seq))
    .limit(first + 1);
  return { deliveries: rows.slice(0, first).map((r) => ({ ...r, status: r.status as DeliveryStatus })), hasNextPage: rows.length > first };
}
