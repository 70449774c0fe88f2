/**
 * Prometheus metrics, one registry per app (tests run several apps in one process).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(opts: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (opts.defaultMetrics) collectDefaultMetrics({ register: registry });
  const src = ['adapter', 'instance'] as const;
  return {
    registry,
    ingested: new Counter({ name: 'events_ingested_total', help: 'Events durably stored, per adapter instance', labelNames: src, registers: [registry] }),
    deduplicated: new Counter({ name: 'events_deduplicated_total', help: 'Events recognised as duplicates and not stored again', labelNames: src, registers: [registry] }),
    rejected: new Counter({
      name: 'events_rejected_total',
      help: 'Inputs rejected (bad input, too large, unavailable store), per adapter instance and code',
      labelNames: [...src, 'code'],
      registers: [registry],
    }),
    refused: new Counter({
      name: 'events_refused_total',
      help: 'Events the database refused as data while it answered (bisected out of their batch, answered 4xx, never retried)',
      labelNames: src,
      registers: [registry],
    }),
    plateListMatchErrors: new Counter({
      name: 'plate_list_match_errors_total',
      help: 'Plate reads stored without list matches because matching failed (logged)',
      registers: [registry],
    }),
    mediaAdded: new Counter({ name: 'events_media_added_total', help: 'Duplicates whose images the stored event lacked: added to it', labelNames: src, registers: [registry] }),
    adapterCounter: new Counter({ name: 'adapter_counter_total', help: 'Adapter-specific counters (connections, garbage bytes, ...)', labelNames: [...src, 'counter'], registers: [registry] }),
    subscriptions: new Gauge({ name: 'subscriptions_active', help: 'Active GraphQL subscriptions', labelNames: ['field'], registers: [registry] }),
    deliveries: new Counter({ name: 'subscription_deliveries_total', help: 'Events delivered to subscribers', registers: [registry] }),
    drops: new Counter({
      name: 'subscription_overflows_total',
      help: 'Times a subscriber fell behind its buffer and was switched to catch-up from the log (nothing is dropped)',
      registers: [registry],
    }),
    slowClosed: new Counter({ name: 'subscription_slow_closed_total', help: 'WebSocket connections (code 4429) and SSE responses closed for not reading', registers: [registry] }),
    replaysWaiting: new Gauge({ name: 'subscription_replays_waiting', help: 'Subscriptions waiting for a replay slot (limits.maxConcurrentReplays) to read the log', registers: [registry] }),
    limitRefused: new Counter({
      name: 'subscription_limit_refused_total',
      help: 'WebSockets and operations refused by a limit (wsMaxSocketsPerKey, wsMaxOperationsPerSocket)',
      labelNames: ['limit'],
      registers: [registry],
    }),
    batchSeconds: new Histogram({
      name: 'db_batch_seconds',
      help: 'Latency of one group-commit batch',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    batchSize: new Histogram({ name: 'db_batch_events', help: 'Events per group-commit batch', buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000], registers: [registry] }),
    dbErrors: new Counter({ name: 'db_write_errors_total', help: 'Failed batch writes (retried until their deadline)', registers: [registry] }),
    busReceived: new Counter({ name: 'bus_events_received_total', help: 'Events received from other instances over Redis', registers: [registry] }),
    busLogReads: new Counter({ name: 'bus_log_reads_total', help: 'Times the bus read the event log (gap after a lost or reordered Redis message, reconnect, periodic check)', registers: [registry] }),
    busPublishErrors: new Counter({ name: 'bus_publish_errors_total', help: 'Failed publishes to Redis (other instances read those events from the log)', registers: [registry] }),
    leaseHeld: new Gauge({
      name: 'usa_lease_held',
      help: '1 while this instance holds the lease (work that runs on one instance of the deployment), 0 on standby',
      labelNames: ['lease'],
      registers: [registry],
    }),
    mediaRefused: new Counter({
      name: 'media_refused_total',
      help: 'Images not stored (their event was): reason low_disk (below storage.minFreeBytes) or disk_full (ENOSPC)',
      labelNames: [...src, 'reason'],
      registers: [registry],
    }),
    auditWriteErrors: new Counter({ name: 'audit_write_errors_total', help: 'Audit log entries that could not be written (the action itself stood; logged)', registers: [registry] }),
    auditPruned: new Counter({ name: 'audit_pruned_total', help: 'Audit log entries deleted past audit.retainDays', registers: [registry] }),
    ruleRuns: new Counter({
      name: 'rule_runs_total',
      help: 'Rule action runs by status reached (PENDING when created, then SUCCEEDED or FAILED; SKIPPED in a cooldown)',
      labelNames: ['status'],
      registers: [registry],
    }),
    ruleActionSeconds: new Histogram({
      name: 'rule_action_seconds',
      help: 'Duration of one attempt of a rule action (the vendor call), per action kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    ruleFireDelaySeconds: new Histogram({
      name: 'rule_fire_delay_seconds',
      help: 'From an event received to its rule action succeeded, per action kind',
      labelNames: ['kind'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 120],
      registers: [registry],
    }),
    ruleRetryQueue: new Gauge({ name: 'rule_retry_queue', help: 'Rule action runs waiting for a retry (failed at least once, PENDING)', registers: [registry] }),
    sinkLag: new Gauge({ name: 'sink_lag_events', help: "Events in the log after the sink's cursor (on the instance delivering it)", labelNames: ['sink'], registers: [registry] }),
    sinkAttempts: new Counter({ name: 'sink_attempts_total', help: 'Delivery attempts of outbound sinks (webhook POSTs, MQTT publishes)', labelNames: ['sink'], registers: [registry] }),
    sinkFailures: new Counter({ name: 'sink_failures_total', help: 'Failed delivery attempts of outbound sinks (retried with backoff)', labelNames: ['sink'], registers: [registry] }),
    sinkDeliveries: new Counter({ name: 'sink_deliveries_total', help: 'Events delivered by outbound sinks', labelNames: ['sink'], registers: [registry] }),
    adapterStatus: new Gauge({ name: 'adapter_up', help: '1 when the adapter instance is READY, 0.5 DEGRADED, 0 otherwise', labelNames: src, registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
