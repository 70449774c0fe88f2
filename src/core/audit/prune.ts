/**
 * Retention of the audit log itself: while this instance holds the lease `audit-prune`, every
 * `intervalMs` it deletes the entries older than `retainDays` (config `audit.retainDays`, default
 * 365), in batches of `batch` rows (one short statement each), on the injected clock.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { LeaseHandle, Leases } from '../cluster/lease.ts';
import type { Clock } from '../time/clock.ts';
import { pruneAuditBatch } from './repo.ts';

export const AUDIT_PRUNE_LEASE = 'audit-prune';
const DAY_MS = 86_400_000;

export interface AuditPruneOptions {
  db: Db;
  leases: Leases;
  clock: Clock;
  log: Logger;
  retainDays: number;
  intervalMs: number;
  /** Rows per delete statement (default 1000). */
  batch?: number;
  onPruned?: (rows: number) => void;
}

/** One pass: every entry older than the retention deleted, batch by batch; returns how many. */
export async function pruneAuditLog(o: Pick<AuditPruneOptions, 'db' | 'clock' | 'retainDays' | 'batch'>, signal?: AbortSignal): Promise<number> {
  const olderThan = new Date(o.clock.nowMs() - o.retainDays * DAY_MS);
  const batch = o.batch ?? 1000;
  let total = 0;
  for (;;) {
    if (signal?.aborted) return total;
    const n = await pruneAuditBatch(o.db, olderThan, batch);
    total += n;
    if (n < batch) return total;
  }
}

export function startAuditPrune(o: AuditPruneOptions): LeaseHandle {
  return o.leases.run(AUDIT_PRUNE_LEASE, async (signal) => {
    while (!signal.aborted) {
      try {
        const n = await pruneAuditLog(o, signal);
        if (n) {
          o.onPruned?.(n);
          o.log.info({ rows: n, retainDays: o.retainDays }, 'audit log entries past retention deleted');
        }
      } catch (err) {
        o.log.error({ err }, 'audit log prune failed; retried at the next interval');
      }
      await o.clock.sleep(o.intervalMs, signal);
    }
  });
}
