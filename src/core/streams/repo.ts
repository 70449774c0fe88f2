/** Persistence of live stream sessions (table stream_sessions), for resume after a restart. */
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { streamSessions } from '../db/schema.ts';
import type { StreamRequest, VendorStream } from '../adapter/types.ts';
import type { Session } from './session.ts';

export interface PersistedSession {
  id: string;
  adapter: string;
  instance: string;
  cameraId: string;
  request: StreamRequest;
  holders: number;
  vendor: VendorStream;
  createdAt: Date;
  lastUsedAt: Date;
}

interface Params {
  cameraVendorId: string;
  from: string | null;
  width: number | null;
  height: number | null;
  audio: boolean | null;
  holders: number;
}

export async function saveSession(db: Db, s: Session, idleTimeoutMs: number): Promise<void> {
  if (!s.vendor) return;
  const r = s.request;
  const params: Params = { cameraVendorId: r.cameraVendorId, from: r.from?.toISOString() ?? null, width: r.width ?? null, height: r.height ?? null, audio: r.audio ?? null, holders: s.holders };
  const row = {
    id: s.id,
    adapter: s.camera.adapter,
    instance: s.camera.instance,
    cameraId: s.camera.id,
    mode: r.mode,
    params,
    vendorSessionId: s.vendor.vendorSessionId,
    playlistUrl: s.vendor.playlistUrl,
    keepaliveIntervalMs: s.vendor.keepaliveIntervalMs,
    state: s.state,
    createdAt: s.createdAt,
    lastUsedAt: new Date(s.lastUsedAt),
    expiresAt: new Date(s.lastUsedAt + idleTimeoutMs),
  };
  const { id: _id, createdAt: _c, ...set } = row;
  await db.insert(streamSessions).values(row).onConflictDoUpdate({ target: streamSessions.id, set });
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.delete(streamSessions).where(eq(streamSessions.id, id));
}

export async function loadSessions(db: Db): Promise<PersistedSession[]> {
  const rows = await db.select().from(streamSessions);
  return rows.map((row) => {
    const p = row.params as Params;
    const mode = row.mode === 'ARCHIVE' ? 'ARCHIVE' : 'LIVE';
    return {
      id: row.id,
      adapter: row.adapter,
      instance: row.instance,
      cameraId: row.cameraId,
      request: { cameraVendorId: p.cameraVendorId, mode, from: p.from ? new Date(p.from) : null, width: p.width, height: p.height, audio: p.audio },
      holders: Math.max(1, p.holders ?? 1),
      vendor: { vendorSessionId: row.vendorSessionId, playlistUrl: row.playlistUrl, keepaliveIntervalMs: row.keepaliveIntervalMs },
      createdAt: row.createdAt,
      lastUsedAt: row.lastUsedAt,
    };
  });
}
