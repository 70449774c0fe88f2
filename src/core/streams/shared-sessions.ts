/**
 * Several server instances: how one instance sees and changes sessions through their rows in
 * stream_sessions (the model is described in cluster.ts). Holds are counted in the row; a session
 * is read from its row when this instance does not know it or its copy is stale (not driven here);
 * viewers' use is written to the row (throttled); the holder's periodic read of the rows takes in
 * sessions started elsewhere and ends those stopped elsewhere.
 */
import type { Logger } from 'pino';
import type { Clock } from '../time/clock.ts';
import type { Db } from '../db/client.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import { changeHolders, ensureUrlKey, loadSession, touchSession, type PersistedSession } from './repo.ts';
import { clampInterval, newSession, type Session, type StreamState } from './session.ts';
import { newUrlKey } from './url-table.ts';
import type { ClusterTimings } from './cluster.ts';

const isTerminal = (s: StreamState) => s === 'STOPPED' || s === 'FAILED';

export interface SharedSessionsDeps {
  db: Db;
  log: Logger;
  idleTimeoutMs: number;
  timing: ClusterTimings;
  cameraById(id: string): Promise<CameraRecord | null>;
  /** The manager's tables (shared, not copied). */
  sessions: Map<string, Session>;
  byKey: Map<string, Session>;
  driving(): boolean;
  closing(): boolean;
  /** Keep a session alive from here (a no-op unless this instance drives). */
  schedule(s: Session): void;
  /** End the copy here without touching the vendor or the row: another instance stopped it. */
  gone(s: Session): void;
  /** Track a database write (awaited on close). */
  track(p: Promise<unknown>): void;
  clock: Clock;
}

export class SharedSessions {
  private readonly reloading = new Map<string, Promise<Session | null>>();

  constructor(private readonly deps: SharedSessionsDeps) {}

  /** Add or release a hold in the row; false when the row is gone (the copy is ended then). */
  async hold(s: Session, delta: 1 | -1): Promise<boolean> {
    if (s.state !== 'STARTING') {
      await s.persisting;
      if (s.persisted) {
        const n = await changeHolders(this.deps.db, s.id, delta);
        if (n === null) {
          this.deps.gone(s);
          return false;
        }
        s.holders = n;
        return true;
      }
    }
    s.holders = Math.max(0, s.holders + delta); // not in the row yet: it is written with this count
    return true;
  }

  /** A session by id: the copy here when current (or driven here), else read from its row. */
  find(id: string): Promise<Session | null> | Session | null {
    const s = this.deps.sessions.get(id);
    if (s && (isTerminal(s.state) || s.state === 'STARTING' || this.deps.driving() || this.deps.clock.nowMs() - s.checkedAt < this.deps.timing.cacheMs)) return s;
    return this.reload(id, s ?? null);
  }

  /** Read a session's row: refresh the copy here, take a new one in (driven when this is the holder), or notice it is gone. */
  reload(id: string, s: Session | null): Promise<Session | null> {
    let p = this.reloading.get(id);
    if (p) return p;
    p = (async () => {
      await s?.persisting;
      const row = await loadSession(this.deps.db, id);
      if (!row) {
        if (s?.persisted && !isTerminal(s.state) && s.state !== 'STARTING') this.deps.gone(s);
        return s;
      }
      if (s) {
        mergeRow(s, row, this.deps.clock.nowMs());
        return s;
      }
      if (this.deps.closing()) return null;
      const n = await sessionFromRow(this.deps.db, row, this.deps.cameraById, this.deps.clock.nowMs);
      if (!n) return null;
      const known = this.deps.sessions.get(id);
      if (known) return known;
      this.deps.sessions.set(id, n);
      if (!this.deps.byKey.has(n.key)) this.deps.byKey.set(n.key, n);
      this.deps.schedule(n);
      return n;
    })().finally(() => this.reloading.delete(id));
    this.reloading.set(id, p);
    return p;
  }

  /** Before the holder expires `s` as idle: merge the row (use elsewhere); false when the row is gone (the copy is ended). */
  async beforeExpiry(s: Session): Promise<boolean> {
    const row = await loadSession(this.deps.db, s.id).catch((err) => void this.deps.log.warn({ err, session: s.id }, 'stream session row unreadable'));
    if (row === null && s.persisted) {
      this.deps.gone(s);
      return false;
    }
    if (row) mergeRow(s, row, this.deps.clock.nowMs());
    return true;
  }

  /** A viewer used `s` here: write it to the row (at most every usageWriteMs): the holder expires by it. */
  used(s: Session, now: number): void {
    if (!s.persisted || now - s.usageWrittenAt < this.deps.timing.usageWriteMs) return;
    s.usageWrittenAt = now;
    this.deps.track(touchSession(this.deps.db, s.id, new Date(now), this.deps.idleTimeoutMs).catch((err) => this.deps.log.warn({ err, session: s.id }, 'stream session use not written')));
  }

  /**
   * The holder's periodic look at the rows (read at `since`): sessions other instances started are
   * taken in (and kept alive from now on), their use and holds merged; a copy whose row is gone
   * (and was written before `since`) was stopped elsewhere.
   */
  sync(usage: Map<string, { lastUsedAt: number; holders: number }>, since: number): void {
    for (const [id, u] of usage) {
      const s = this.deps.sessions.get(id);
      if (!s) void this.reload(id, null).catch((err) => this.deps.log.warn({ err, session: id }, 'stream session of another instance not taken in'));
      else if (!isTerminal(s.state)) {
        s.lastUsedAt = Math.max(s.lastUsedAt, u.lastUsedAt);
        s.holders = u.holders;
        s.checkedAt = since;
      }
    }
    for (const s of this.deps.sessions.values()) {
      if (isTerminal(s.state) || s.state === 'STARTING' || s.busy || s.persisting || !s.persisted || s.persistedAt >= since || usage.has(s.id)) continue;
      this.deps.gone(s);
    }
  }
}

/** Bring a copy in line with its row (another instance may have restarted, used or held it). */
export function mergeRow(s: Session, row: PersistedSession, now: number): void {
  s.checkedAt = now;
  s.holders = row.holders;
  s.lastUsedAt = Math.max(s.lastUsedAt, row.lastUsedAt.getTime());
  if (row.urlKey && row.urlKey !== s.urlKey) {
    s.urlKey = row.urlKey;
    s.urls.setKey(row.urlKey);
  }
  const v = row.vendor;
  if (s.vendor && (s.vendor.vendorSessionId !== v.vendorSessionId || s.vendor.playlistUrl !== v.playlistUrl)) {
    s.vendor = { ...v, keepaliveIntervalMs: clampInterval(v.keepaliveIntervalMs) };
    s.urls.clear(); // a new vendor session has new URLs
  }
}

/** A copy of a session another instance started (null when its camera is unknown here). */
export async function sessionFromRow(db: Db, row: PersistedSession, cameraById: (id: string) => Promise<CameraRecord | null>, nowMs: () => number): Promise<Session | null> {
  const camera = await cameraById(row.cameraId);
  if (!camera) return null;
  const urlKey = row.urlKey ?? (await ensureUrlKey(db, row.id)) ?? newUrlKey();
  const now = nowMs();
  const s = newSession(row.id, camera, row.request, row.lastUsedAt.getTime(), row.createdAt, urlKey);
  s.vendor = { ...row.vendor, keepaliveIntervalMs: clampInterval(row.vendor.keepaliveIntervalMs) };
  s.state = 'ACTIVE';
  s.holders = row.holders;
  s.persisted = true;
  s.persistedAt = 0;
  s.checkedAt = now;
  s.nextKeepaliveAt = now; // when driven here: a keepalive at once (its last one was sent elsewhere)
  return s;
}
