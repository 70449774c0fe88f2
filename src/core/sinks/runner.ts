/**
 * One sink following the event log: a LogConsumer named `sink:<id>` (its own cursor and lease, so one
 * instance delivers it at a time and another takes over) whose handler delivers the matching events
 * of each batch one at a time, in seq order (head of line: a failing event is retried before any
 * later one). The state machine, kept in the sinks row so every instance sees it:
 *
 *   ACTIVE ──failure──► FAILING (failing_since set, last_error) ──delivered──► ACTIVE
 *   FAILING ──still failing SINK_RETRY_LIMIT_MS after failing_since──► DISABLED (reason)
 *   any ──410 Gone──► DISABLED at once;   pause/resume by the API (manager.ts).
 *
 * A failed delivery makes the handler throw after reporting the events before it as done, so the
 * consumer saves that progress and retries the rest after its backoff (exponential, jitter) on the
 * injected clock. Outcomes are written to sink_deliveries once per batch (bounded, repo.ts).
 * At-least-once: a crash between a delivery and the cursor save repeats that delivery, with the
 * same message id (`msg_<sink>_<seq>`), so receivers dedupe.
 */
import type { Logger } from 'pino';
import type { Leases } from '../cluster/lease.ts';
import type { CursorStore } from '../consumers/cursor-store.ts';
import { LogConsumer } from '../consumers/log-consumer.ts';
import type { Db } from '../db/client.ts';
import type { EventFilter } from '../db/event-repo.ts';
import { eventsAfter, maxSeq } from '../db/event-repo.ts';
import type { EventBus } from '../events/bus.ts';
import type { StoredEvent } from '../events/model.ts';
import { matchesFilter } from '../events/subscription.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { BackoffOptions } from '../time/backoff.ts';
import type { Clock } from '../time/clock.ts';
import { toEventFilter } from './filter.ts';
import type { SinkDelivery } from './delivery.ts';
import { type DeliveryRecord, recordDeliveries, type SinkRecord, setSinkState, sinkById } from './repo.ts';

/** How long a sink keeps retrying one event before it is DISABLED. */
export const SINK_RETRY_LIMIT_MS = 24 * 60 * 60 * 1000;
/** Backoff between attempts: 1 s doubling to 5 min, equal jitter. */
export const SINK_RETRY: BackoffOptions = { baseMs: 1000, capMs: 5 * 60 * 1000 };

export const consumerName = (sinkId: string) => `sink:${sinkId}`;
export const messageIdOf = (sinkId: string, seq: bigint) => `msg_${sinkId}_${seq}`;

export interface SinkRunnerDeps {
  db: Db;
  bus: EventBus;
  leases: Leases;
  cursors: CursorStore;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  delivery: SinkDelivery;
  /** cameraIds/siteKeys → linked source ids (cameras/expand-filter.ts). */
  expand(f: EventFilter | null): Promise<EventFilter | null>;
  retry?: BackoffOptions;
  retryLimitMs?: number;
  batchSize?: number;
  pollMs?: number;
  /** The sink's state changed here (the manager tells the other instances). */
  onStateChange?(sink: SinkRecord): void;
}

/** The sink is paused, disabled or deleted: the handler stops until the manager stops the runner. */
class SinkInactive extends Error {}

export class SinkRunner {
  readonly consumer: LogConsumer;
  private stopped = false;

  constructor(
    readonly sinkId: string,
    readonly sinkName: string,
    private readonly d: SinkRunnerDeps,
  ) {
    this.consumer = new LogConsumer({
      name: consumerName(sinkId),
      cursors: d.cursors,
      readAfter: (after, limit) => eventsAfter(d.db, after, null, limit),
      initial: () => maxSeq(d.db),
      handle: ({ events, signal, progress }) => this.handle(events, signal, progress),
      bus: d.bus,
      leases: d.leases,
      clock: d.clock,
      log: d.log,
      batchSize: d.batchSize ?? 100,
      pollMs: d.pollMs,
      retry: d.retry ?? SINK_RETRY,
      onProgress: (seq) => this.onProgress(seq),
      onError: (err) => {
        if (!(err instanceof SinkInactive)) d.metrics.sinkFailures.inc({ sink: this.sinkName });
      },
    });
  }

  start(): this {
    this.consumer.start();
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer.stop();
    await this.d.delivery.close(this.sinkId);
  }

  /** Last seq the delivering instance knows; updated with the lag gauge. */
  private head = 0n;

  noteHead(seq: bigint): void {
    if (seq > this.head) this.head = seq;
    const pos = this.consumer.position;
    if (pos !== null) this.d.metrics.sinkLag.set({ sink: this.sinkName }, Number(this.head > pos ? this.head - pos : 0n));
  }

  private onProgress(seq: bigint): void {
    if (seq > this.head) this.head = seq;
    this.d.metrics.sinkLag.set({ sink: this.sinkName }, Number(this.head - seq));
  }

  private async handle(events: readonly StoredEvent[], signal: AbortSignal, progress: (seq: bigint) => void): Promise<void> {
    const d = this.d;
    let sink = await sinkById(d.db, this.sinkId);
    if (!sink || sink.state === 'PAUSED' || sink.state === 'DISABLED' || this.stopped) throw new SinkInactive(`sink ${this.sinkId} is ${sink?.state ?? 'deleted'}`);
    const filter = await d.expand(toEventFilter(sink.filter));
    const records: DeliveryRecord[] = [];
    const last = events.at(-1);
    if (last) this.noteHead(last.seq);
    try {
      for (const e of events) {
        if (signal.aborted) throw new SinkInactive('stopping');
        if (!matchesFilter(e, filter)) {
          progress(e.seq);
          continue;
        }
        const messageId = messageIdOf(sink.id, e.seq);
        d.metrics.sinkAttempts.inc({ sink: sink.name });
        const out = await d.delivery.deliver(sink, e, messageId, signal);
        const at = d.clock.now();
        if (out.ok) {
          records.push({ sinkId: sink.id, seq: e.seq, messageId, status: 'DELIVERED', attempts: 1, httpStatus: out.httpStatus, error: null, at });
          d.metrics.sinkDeliveries.inc({ sink: sink.name });
          progress(e.seq);
          if (sink.state === 'FAILING') sink = (await this.setState(sink, { state: 'ACTIVE', failingSince: null })) ?? sink;
          continue;
        }
        if (signal.aborted) throw new SinkInactive('stopping');
        const failingSince = sink.failingSince ?? at;
        const limit = d.retryLimitMs ?? SINK_RETRY_LIMIT_MS;
        if (out.gone || at.getTime() - failingSince.getTime() >= limit) {
          const reason = out.gone ? `${out.error}: the receiver asked for no more deliveries` : `gave up after retrying for ${Math.round(limit / 3_600_000)} h: ${out.error}`;
          records.push({ sinkId: sink.id, seq: e.seq, messageId, status: 'GAVE_UP', attempts: 1, httpStatus: out.httpStatus, error: out.error, at });
          await this.setState(sink, { state: 'DISABLED', lastError: reason, failingSince: null });
          d.log.warn({ sink: sink.name, seq: e.seq.toString(), reason }, 'sink disabled');
          throw new SinkInactive(reason);
        }
        records.push({ sinkId: sink.id, seq: e.seq, messageId, status: 'FAILED', attempts: 1, httpStatus: out.httpStatus, error: out.error, at });
        await this.setState(sink, { state: 'FAILING', lastError: out.error, failingSince });
        throw new Error(`sink ${sink.name}: ${out.error}`);
      }
    } finally {
      await recordDeliveries(d.db, records).catch((err) => d.log.warn({ err, sink: sink?.name }, 'sink: delivery records not written'));
    }
  }

  private async setState(sink: SinkRecord, change: Parameters<typeof setSinkState>[2]): Promise<SinkRecord | null> {
    // Only from a delivering state: a pause or delete by the API meanwhile wins.
    const next = await setSinkState(this.d.db, sink.id, change, ['ACTIVE', 'FAILING']);
    if (next && next.state !== sink.state) this.d.onStateChange?.(next);
    return next;
  }
}
