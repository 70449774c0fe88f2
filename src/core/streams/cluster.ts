/**
 * Stream sessions with several server instances (PostgreSQL leases; one process needs none of this):
 * the model, its timings, and the work under the `streams` lease. Row access: shared-sessions.ts.
 *
 * - Keepalives, idle expiry, restarts after a failed keepalive and resume run on the holder of the
 *   `streams` lease only (driveSessions). When the holder dies, the instance that takes the lease
 *   resumes the rows (keepalive accepted → kept, else stopped at the vendor) and drives them on.
 * - Any instance starts sessions (opens the vendor session, writes the row), serves their viewers
 *   (HLS proxy) and stops them. A session another instance started is read from its row on a miss;
 *   a copy the holder does not drive is read again when older than `cacheMs`, so a restarted
 *   vendor session or a stop elsewhere is seen within about a second.
 * - Viewers' use reaches the holder through the row: each instance writes `last_used_at` (at most
 *   every `usageWriteMs` per session), and the holder reads it before it expires a session and
 *   every `syncMs` with the rest of the rows (new sessions to keep alive, rows gone = stopped).
 * - Holds (startStream/stopStream) are counted in the row, atomically; the vendor session stops
 *   with the last one, on whichever instance releases it.
 * - Proxy tokens are keyed per session (url_key), so every instance mints the same tokens.
 * Limits: viewers of the same camera and parameters share a vendor session only when they start
 * it on the same instance; streamSessionChanged reports what the subscriber's own instance does or
 * notices (restarts and expiry by the holder are not pushed to other instances' subscribers, and a
 * subscription by id needs the session known on that instance); a stopStream on a non-holder that
 * races a keepalive restart on the holder may stop the old vendor session instead of the new one
 * (the new one then ends at the vendor's own timeout). The holder's overlap window of the lease
 * (lease.ts) applies: two holders may both send keepalives for about a second.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { Clock } from '../time/clock.ts';
import { loadUsage } from './repo.ts';

export interface ClusterTimings {
  /** How often the holder reads the rows. */
  syncMs: number;
  /** How often one instance writes a session's use at most. */
  usageWriteMs: number;
  /** How old a copy not driven here may be before it is read again. */
  cacheMs: number;
}

/** A quarter of the idle timeout (use must reach the holder well before it), within bounds. */
export function clusterTimings(idleTimeoutMs: number): ClusterTimings {
  const q = idleTimeoutMs / 4;
  const clamp = (v: number, lo: number, hi: number) => Math.round(Math.min(hi, Math.max(lo, v)));
  return { syncMs: clamp(q, 50, 1000), usageWriteMs: clamp(q, 50, 2000), cacheMs: clamp(q, 50, 1000) };
}

export interface DriveDeps {
  db: Db;
  log: Logger;
  shared: boolean;
  syncMs: number;
  /** Becoming the holder: schedule what is known here; false when shutting down. */
  start(): boolean;
  /** Resume the rows of a previous run or a dead holder. */
  resume(): Promise<void>;
  /** The rows as read at `since` (several instances). */
  sync(usage: Map<string, { lastUsedAt: number; holders: number }>, since: number): void;
  /** The lease ended (lost, or stopping): timers off. */
  end(): void;
  closing(): boolean;
  clock: Clock;
}

/** The work under the `streams` lease. */
export async function driveSessions(signal: AbortSignal, deps: DriveDeps): Promise<void> {
  if (!deps.start()) return;
  deps.log.info({ shared: deps.shared }, 'stream sessions: keepalives, idle expiry and resume run on this instance');
  try {
    await deps.resume();
    while (!signal.aborted) {
      if (!deps.shared) {
        await deps.clock.sleep(Number.POSITIVE_INFINITY, signal);
        break;
      }
      await deps.clock.sleep(deps.syncMs, signal);
      if (signal.aborted) break;
      const since = deps.clock.nowMs();
      try {
        deps.sync(await loadUsage(deps.db), since);
      } catch (err) {
        deps.log.warn({ err }, 'stream sessions could not be read');
      }
    }
  } finally {
    deps.end();
    if (!deps.closing()) deps.log.warn('stream sessions: keepalives and idle expiry no longer run on this instance (lease lost); the instance that takes the lease over resumes them');
  }
}
