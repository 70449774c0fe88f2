/**
 * Start-up: the sessions a previous run persisted (cleanly closed, or crashed) are each resumed
 * when the vendor still accepts their keepalive, else stopped at the vendor and forgotten — so no
 * vendor session is leaked either way. A session whose adapter instance is still starting (or
 * restarting after a crash) is retried every second for a while; if the instance never comes up,
 * the row stays for the next start. A session whose instance is no longer configured cannot be
 * reached any more: it is forgotten with a warning.
 * With several server instances this runs on the holder of the `streams` lease, when it takes the
 * lease (at start, or when it takes over from a holder that died).
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { CameraRecord } from '../cameras/repo.ts';
import type { StreamHandlers, VendorStream } from '../adapter/types.ts';
import { deleteSession, loadSessions, type PersistedSession } from './repo.ts';
import { newSession, type Session } from './session.ts';
import type { Clock, Timer } from '../time/clock.ts';

export interface ResumeDeps {
  db: Db;
  log: Logger;
  idleTimeoutMs: number;
  cameraById(id: string): Promise<CameraRecord | null>;
  /** undefined: not configured; running false: not (yet) running; handlers null: no stream support. */
  instance(adapter: string, instance: string): { running: boolean; handlers: StreamHandlers | null } | undefined;
  /** Take over a resumed session (activates it); false when it cannot (shutting down, or a duplicate). */
  adopt(s: Session, vendor: VendorStream): boolean;
  /** Rows the caller already holds in memory (several instances: sessions this one knows): left alone. */
  skip?(row: PersistedSession): boolean;
  clock: Clock;
}

const RETRY_MS = 1000;

export function resumePersisted(deps: ResumeDeps): { done: Promise<void>; cancel(): void } {
  const { clock } = deps;
  const timers = new Set<Timer>();
  let cancelled = false;
  const giveUpAt = clock.nowMs() + Math.max(deps.idleTimeoutMs, 60_000);

  const forget = (row: PersistedSession) => deleteSession(deps.db, row.id).catch((err) => deps.log.error({ err, session: row.id }, 'stream session row not deleted'));

  const stopAndForget = async (row: PersistedSession, handlers: StreamHandlers, why: string) => {
    deps.log.info({ session: row.id, vendorSession: row.vendor.vendorSessionId, why }, 'persisted stream session not resumed: stopping it at the vendor');
    await handlers.stop({ ...row.vendor, mode: row.request.mode }).catch((err) => deps.log.warn({ session: row.id, err }, 'vendor stream stop failed'));
    await forget(row);
  };

  const resumeOne = async (row: PersistedSession): Promise<void> => {
    if (cancelled || deps.skip?.(row)) return;
    const inst = deps.instance(row.adapter, row.instance);
    if (!inst || (inst.running && !inst.handlers)) {
      deps.log.warn({ session: row.id, adapter: row.adapter, instance: row.instance }, 'persisted stream session belongs to an adapter instance that is gone or has no stream support: forgotten');
      return forget(row);
    }
    if (!inst.handlers) {
      if (clock.nowMs() >= giveUpAt) {
        deps.log.warn({ session: row.id, adapter: row.adapter, instance: row.instance }, 'adapter instance not running: stream session left for the next start');
        return;
      }
      const t = clock.setTimeout(() => {
        timers.delete(t);
        void resumeOne(row);
      }, RETRY_MS);
      t.unref();
      timers.add(t);
      return;
    }
    const vendor = { ...row.vendor, mode: row.request.mode };
    try {
      await inst.handlers.keepalive(vendor);
    } catch (err) {
      return stopAndForget(row, inst.handlers, `keepalive refused: ${(err as Error)?.message ?? err}`);
    }
    const camera = await deps.cameraById(row.cameraId).catch(() => null);
    if (!camera) return stopAndForget(row, inst.handlers, 'camera no longer known');
    const s = newSession(row.id, camera, row.request, clock.nowMs(), row.createdAt, row.urlKey ?? undefined);
    s.holders = row.holders;
    if (cancelled) return; // shutting down: the row stays as it is for the next start
    // Taken in meanwhile (a viewer's lookup on this instance read the row while the keepalive was out):
    // that copy drives this very vendor session, so it must not be stopped as a duplicate.
    if (deps.skip?.(row)) return;
    if (!deps.adopt(s, row.vendor)) return stopAndForget(row, inst.handlers, 'a live session with the same camera and parameters exists');
    deps.log.info({ session: row.id, camera: camera.id }, 'stream session resumed');
  };

  const done = (async () => {
    let rows: PersistedSession[];
    try {
      rows = await loadSessions(deps.db);
    } catch (err) {
      deps.log.error({ err }, 'persisted stream sessions could not be read');
      return;
    }
    await Promise.all(rows.map((row) => resumeOne(row).catch((err) => deps.log.error({ err, session: row.id }, 'stream session resume failed'))));
  })();

  return {
    done,
    cancel: () => {
      cancelled = true;
      for (const t of timers) clock.clearTimeout(t);
      timers.clear();
    },
  };
}
