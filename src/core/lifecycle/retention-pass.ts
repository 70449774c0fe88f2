/**
 * One retention pass: for each policy in force (first match wins), delete its expired events, then
 * expire its media, in bounded batches (event-deletion.ts, media-expiry.ts), each its own short
 * transaction; then prune the rules' runs older than `ruleRunsRetainMs` (rule-runs-prune.ts); then
 * reclaim dead segment files. Ages are measured from occurredAt against the
 * injected clock. An aborted signal (the lease lost, the server stopping) ends the pass between
 * batches: every batch is whole, and the next pass (here or on the instance that took the lease)
 * continues where the log says.
 */
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { Clock } from '../time/clock.ts';
import { parseDuration } from './duration.ts';
import { deleteExpiredEvents, type BatchResult, type LogKey } from './event-deletion.ts';
import { expireMedia } from './media-expiry.ts';
import type { DeletedMedia } from './media-orphans.ts';
import type { RetentionMetrics } from './metrics.ts';
import { decidingConditions } from './policy-match.ts';
import type { RetentionPolicy } from './policy.ts';
import { pruneRuleRunsBatch } from './rule-runs-prune.ts';
import { reclaimSegments } from './segment-reclaimer.ts';

export interface PassDeps {
  db: Db;
  media: Pick<FileMediaStore, 'forget' | 'erase' | 'activeSegment' | 'segmentsPath'>;
  metrics: RetentionMetrics;
  clock: Clock;
  log: Logger;
  /** The policies in force when the pass starts (policy-store.ts). */
  policies: () => Promise<RetentionPolicy[]>;
  /** Events per transaction (default 1000). */
  batchSize?: number;
  /** rule_runs whose last change is older than this are deleted (config ruleRunsRetainDays); absent: kept. */
  ruleRunsRetainMs?: number;
  /** A segment without live rows is deleted once unwritten for this long (default 10 min). */
  segmentGraceMs?: number;
  /** After each batch committed (tests interrupt here). */
  onBatch?: (what: 'events' | 'media', result: BatchResult) => void;
}

export interface PassReport {
  events: number;
  mediaExpired: number;
  mediaDeleted: number;
  bytesDeleted: number;
  segmentsDeleted: number;
  /** rule_runs rows deleted. */
  ruleRuns: number;
  /** false: the signal aborted it before the end. */
  complete: boolean;
}

export async function runRetentionPass(deps: PassDeps, signal: AbortSignal): Promise<PassReport> {
  const started = performance.now();
  const report: PassReport = { events: 0, mediaExpired: 0, mediaDeleted: 0, bytesDeleted: 0, segmentsDeleted: 0, ruleRuns: 0, complete: false };
  const policies = await deps.policies();
  const deciding = await decidingConditions(deps.db, policies);
  const limit = deps.batchSize ?? 1000;
  const gone = (media: DeletedMedia[]) => {
    if (!media.length) return;
    deps.media.forget(media.map((m) => m.id));
    const bytes = media.reduce((n, m) => n + m.byteSize, 0);
    report.mediaDeleted += media.length;
    report.bytesDeleted += bytes;
    deps.metrics.mediaDeleted.inc(media.length);
    deps.metrics.bytesDeleted.inc(bytes);
  };
  for (let i = 0; i < policies.length && !signal.aborted; i++) {
    const p = policies[i];
    const eventsMs = p.events != null ? parseDuration(p.events) : null;
    const mediaMs = p.media != null ? parseDuration(p.media) : null;
    if (eventsMs != null) {
      await walk(
        deps,
        signal,
        String(i),
        'events',
        eventsMs,
        (cutoff, from) => deleteExpiredEvents(deps.db, deciding[i], cutoff, from, limit),
        (r) => {
          report.events += r.events;
          deps.metrics.eventsDeleted.inc(r.events);
          gone(r.media);
        },
      );
    }
    if (mediaMs != null && (eventsMs == null || mediaMs < eventsMs) && !signal.aborted) {
      await walk(
        deps,
        signal,
        String(i),
        'media',
        mediaMs,
        (cutoff, from) => expireMedia(deps.db, deciding[i], cutoff, from, limit, deps.clock.now()),
        (r) => {
          report.mediaExpired += r.events;
          deps.metrics.mediaExpired.inc(r.events);
          gone(r.media);
        },
      );
    }
  }
  if (deps.ruleRunsRetainMs != null) {
    const olderThan = new Date(deps.clock.nowMs() - deps.ruleRunsRetainMs);
    for (let n = limit; n === limit && !signal.aborted; ) {
      n = await pruneRuleRunsBatch(deps.db, olderThan, limit);
      report.ruleRuns += n;
      deps.metrics.ruleRunsDeleted.inc(n);
    }
  }
  if (!signal.aborted) {
    const r = await reclaimSegments({
      db: deps.db,
      dir: deps.media.segmentsPath,
      active: deps.media.activeSegment,
      nowMs: deps.clock.nowMs(),
      graceMs: deps.segmentGraceMs ?? 600_000,
      signal,
    });
    report.segmentsDeleted = r.deleted.length;
    deps.metrics.segmentsReclaimed.inc(r.deleted.length);
    deps.metrics.segmentBytesFreed.inc(r.freedBytes);
    deps.metrics.segmentDeadBytes.set(r.deadBytes);
    deps.metrics.segments.set(r.segments);
    if (r.deleted.length) deps.log.info({ segments: r.deleted.length, bytes: r.freedBytes }, 'media segments reclaimed');
  }
  report.complete = !signal.aborted;
  deps.metrics.passSeconds.observe((performance.now() - started) / 1000);
  return report;
}

/** Batches of one policy's events or media, oldest first, until none is left or the signal aborts. */
async function walk(
  deps: PassDeps,
  signal: AbortSignal,
  policy: string,
  what: 'events' | 'media',
  ttlMs: number,
  batch: (cutoff: Date, from: LogKey | null) => Promise<BatchResult>,
  counted: (r: BatchResult) => void,
): Promise<void> {
  const cutoff = new Date(deps.clock.nowMs() - ttlMs);
  const lag = deps.metrics.lagSeconds.labels({ policy, what });
  let from: LogKey | null = null;
  const limit = deps.batchSize ?? 1000;
  while (!signal.aborted) {
    const r = await batch(cutoff, from);
    if (r.first) lag.set(Math.max(0, (cutoff.getTime() - r.first.at.getTime()) / 1000));
    counted(r);
    deps.onBatch?.(what, r);
    if (r.events < limit || !r.last) {
      lag.set(0);
      return;
    }
    from = r.last;
  }
}
