/**
 * Persistence of live stream sessions (table stream_sessions): for resume after a restart, and with
 * several server instances the state they share (holders, last use, the vendor session, the proxy
 * token key) — see cluster.ts.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { streamSessions } from '../db/schema.ts';
import type { StreamRequest, VendorStream } from '../adapter/types.ts';
import type { Session } from './session.ts';
import { newUrlKey } from './url-table.ts';

export interface PersistedSession {
  id: string;
  adapter: string;
  instance: string;
  cameraId: string;
  request: StreamRequest;
  holders: number;
  vendor: VendorStream;
  state: string;
  urlKey: string | null;
  createdAt: Date;
  lastUsedAt: Date;
}

interface Params {
  cameraVendorId: string;
  from: string | null;
  width: number | null;
  height: number | null;
  audio: boolean | null;
  /** Before migration 0005 the holder count lived here (now the `holders` column). */
  holders?: number;
}

const tsParam = (d: Date) => sql`${d.toISOString()}::timestamptz`;

function rowOf(s: Session, idleTimeoutMs: number) {
  const r = s.request;
  const params: Params = { cameraVendorId: r.cameraVendorId, from: r.from?.toISOString() ?? null, width: r.width ?? null, height: r.height ?? null, audio: r.audio ?? null };
  return {
    id: s.id,
    adapter: s.camera.adapter,
    instance: s.camera.instance,
    cameraId: s.camera.id,
    mode: r.mode,
    params,
    holders: Math.max(1, s.holders),
    urlKey: s.urlKey,
    vendorSessionId: s.vendor!.vendorSessionId,
    playlistUrl: s.vendor!.playlistUrl,
    keepaliveIntervalMs: s.vendor!.keepaliveIntervalMs,
    state: s.state,
    createdAt: s.createdAt,
    lastUsedAt: new Date(s.lastUsedAt),
    expiresAt: new Date(s.lastUsedAt + idleTimeoutMs),
  };
}

/** `nowMs`: the server's clock (persistedAt is compared with the holder's sync times). */
export async function saveSession(db: Db, s: Session, idleTimeoutMs: number, nowMs: () => number): Promise<void> {
  if (!s.vendor) return;
  const row = rowOf(s, idleTimeoutMs);
  const { id: _id, createdAt: _c, ...set } = row;
  await db.insert(streamSessions).values(row).onConflictDoUpdate({ target: streamSessions.id, set });
  s.persisted = true;
  s.persistedAt = nowMs();
}

/**
 * Update the row of a session if it still exists (never re-creates one another instance deleted).
 * The holder count and last use are left to changeHolders/touchSession: other instances change them.
 */
export async function updateSession(db: Db, s: Session, idleTimeoutMs: number): Promise<void> {
  if (!s.vendor) return;
  const { vendorSessionId, playlistUrl, keepaliveIntervalMs, state, lastUsedAt, expiresAt } = rowOf(s, idleTimeoutMs);
  await db
    .update(streamSessions)
    .set({
      vendorSessionId,
      playlistUrl,
      keepaliveIntervalMs,
      state,
      lastUsedAt: sql`greatest(${streamSessions.lastUsedAt}, ${tsParam(lastUsedAt)})`,
      expiresAt: sql`greatest(${streamSessions.expiresAt}, ${tsParam(expiresAt)})`,
    })
    .where(eq(streamSessions.id, s.id));
}

/** A viewer used the session at `at` (on this instance): the holder's idle expiry reads it. */
export async function touchSession(db: Db, id: string, at: Date, idleTimeoutMs: number): Promise<void> {
  await db
    .update(streamSessions)
    .set({ lastUsedAt: sql`greatest(${streamSessions.lastUsedAt}, ${tsParam(at)})`, expiresAt: sql`greatest(${streamSessions.expiresAt}, ${tsParam(new Date(at.getTime() + idleTimeoutMs))})` })
    .where(eq(streamSessions.id, id));
}

/** Add `delta` holds atomically; the new count, or null when the row is gone (stopped elsewhere). */
export async function changeHolders(db: Db, id: string, delta: number): Promise<number | null> {
  const rows = await db
    .update(streamSessions)
    .set({ holders: sql`greatest(0, ${streamSessions.holders} + ${delta})` })
    .where(eq(streamSessions.id, id))
    .returning({ holders: streamSessions.holders });
  return rows[0]?.holders ?? null;
}

/** The row's token key, giving it one if it has none (rows persisted before migration 0005). */
export async function ensureUrlKey(db: Db, id: string): Promise<string | null> {
  const rows = await db
    .update(streamSessions)
    .set({ urlKey: sql`coalesce(${streamSessions.urlKey}, ${newUrlKey()})` })
    .where(eq(streamSessions.id, id))
    .returning({ urlKey: streamSessions.urlKey });
  return rows[0]?.urlKey ?? null;
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(streamSessions).where(eq(streamSessions.id, id));
}

function persistedOf(row: typeof streamSessions.$inferSelect): PersistedSession {
  const p = row.params as Params;
  const mode = row.mode === 'ARCHIVE' ? 'ARCHIVE' : 'LIVE';
  return {
    id: row.id,
    adapter: row.adapter,
    instance: row.instance,
    cameraId: row.cameraId,
    request: { cameraVendorId: p.cameraVendorId, mode, from: p.from ? new Date(p.from) : null, width: p.width, height: p.height, audio: p.audio },
    holders: Math.max(1, row.holders ?? p.holders ?? 1),
    vendor: { vendorSessionId: row.vendorSessionId, playlistUrl: row.playlistUrl, keepaliveIntervalMs: row.keepaliveIntervalMs },
    state: row.state,
    urlKey: row.urlKey,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}

export async function loadSessions(db: Db): Promise<PersistedSession[]> {
  return (await db.select().from(streamSessions)).map(persistedOf);
}

export async function loadSession(db: Db, id: string): Promise<PersistedSession | null> {
  const [row] = await db.select().from(streamSessions).where(eq(streamSessions.id, id));
  return row ? persistedOf(row) : null;
}

/** Last use of each live session (the holder's periodic check). */
export async function loadUsage(db: Db): Promise<Map<string, { lastUsedAt: number; holders: number }>> {
  const rows = await db.select({ id: streamSessions.id, lastUsedAt: streamSessions.lastUsedAt, holders: streamSessions.holders }).from(streamSessions);
  return new Map(rows.map((r) => [r.id, { lastUsedAt: r.lastUsedAt.getTime(), holders: r.holders }]));
}
