/** Metrics of the retention pass and segment reclamation, on the app's registry. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export function createRetentionMetrics(registry: Registry) {
  return {
    eventsDeleted: new Counter({ name: 'retention_events_deleted_total', help: 'Events deleted by the retention pass', registers: [registry] }),
    mediaExpired: new Counter({ name: 'retention_media_expired_events_total', help: 'Events whose media the retention pass expired (the events stay)', registers: [registry] }),
    mediaDeleted: new Counter({ name: 'retention_media_deleted_total', help: 'Media rows deleted by the retention pass (no live event references them any more)', registers: [registry] }),
    bytesDeleted: new Counter({ name: 'retention_media_bytes_deleted_total', help: 'Bytes of the media rows the retention pass deleted', registers: [registry] }),
    lagSeconds: new Gauge({
      name: 'retention_lag_seconds',
      help: 'How far the pass is behind a policy: its cutoff minus the occurredAt of the oldest expired row not yet handled (0 when caught up)',
      labelNames: ['policy', 'what'],
      registers: [registry],
    }),
    ruleRunsDeleted: new Counter({ name: 'retention_rule_runs_deleted_total', help: 'Rule runs (rule_runs) deleted past ruleRunsRetainDays', registers: [registry] }),
    passSeconds: new Histogram({ name: 'retention_pass_seconds', help: 'Duration of one retention pass', buckets: [0.01, 0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600], registers: [registry] }),
    passFailures: new Counter({ name: 'retention_pass_failures_total', help: 'Retention passes that failed (retried at the next interval)', registers: [registry] }),
    segmentsReclaimed: new Counter({ name: 'media_segments_reclaimed_total', help: 'Media segment files deleted because no media row references them', registers: [registry] }),
    segmentBytesFreed: new Counter({ name: 'media_segment_bytes_freed_total', help: 'Bytes of the media segment files deleted', registers: [registry] }),
    segmentDeadBytes: new Gauge({ name: 'media_segment_dead_bytes', help: 'Bytes in kept media segments that no media row references (what compaction would free)', registers: [registry] }),
    segments: new Gauge({ name: 'media_segments', help: 'Media segment files kept', registers: [registry] }),
  };
}

export type RetentionMetrics = ReturnType<typeof createRetentionMetrics>;
