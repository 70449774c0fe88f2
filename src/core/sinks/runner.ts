/**
 * One sink following the event log: a LogConsumer named `sink:<id>` (its own cursor and lease, so one
 * instance delivers it at a time and another takes over) whose handler delivers the matching events
 * of each batch in seq order and takes their outcomes in seq order (the cursor never passes an event
 * that was not delivered).
 *
 * In flight: a new or failing sink sends one event at a time (head of line: a failing event is
 * retried before anything later is sent). Each delivery answered 2xx widens the window by one, up to
 * `maxInFlight`, sent in order (pipelined on the sink's connection), so a healthy receiver is not
 * paid a round trip per event; any failure narrows it to one again. The price, documented: when a
 * receiver that has been taking deliveries fails one while later ones are in flight and takes those,
 * they arrive before the failing one's retry (and are sent again after it, same message ids).
 *
 * The state machine, kept in the sinks row so every instance sees it:
 *
 *   ACTIVE ──failure──► FAILING (failing_since set, last_error) ──delivered──► ACTIVE
 *   FAILING ──still failing SINK_RETRY_LIMIT_MS after failing_since──► DISABLED (reason)
 *   any ──410 Gone──► DISABLED at once;   pause/resume by the API (manager.ts).
 *
 * A failed delivery makes the handler throw after reporting the events before it as done, so the
 * consumer saves that progress and retries the rest after its backoff (exponential, jitter) on the
 * injected clock. Outcomes are written to sink_deliveries off the delivery path, one write at a time,
 * the batches that end meanwhile merged into the next (bounded, pending-records.ts, repo.ts).
 *
 * Batch boundaries cost no store round trip on the delivery path when the sink is busy: the consumer
 * reads the next batch ahead and saves the cursor behind (log-consumer.ts `prefetch`, `saveBehind`),
 * and the sink row and filter for the next batch are read as this one starts (`ahead`).
 * At-least-once: a crash between a delivery and the cursor save repeats that delivery, with the
 * same message id (`msg_<sink>_<seq>`), so receivers dedupe.
 */
import type { Logger } from 'pino';
import type { Leases } from '../cluster/lease.ts';
import type { CursorStore } from '../consumers/cursor-store.ts';
import { LogConsumer } from '../consumers/log-consumer.ts';
import type { Db } from '../db/client.ts';
import type { EventFilter } from '../db/event-repo.ts';
import { type EventHead, eventHeadsAfter, maxSeq } from '../db/event-repo.ts';
import type { EventBus } from '../events/bus.ts';
import { matchesFilter } from '../events/subscription.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { BackoffOptions } from '../time/backoff.ts';
import type { Clock } from '../time/clock.ts';
import { toEventFilter } from './filter.ts';
import type { SinkDelivery } from './delivery.ts';
import type { DeliveryOutcome } from './webhook.ts';
import { mergePendingRecords } from './pending-records.ts';
import { type DeliveryRecord, recordDeliveries, SINK_DELIVERIES_KEPT, type SinkRecord, setSinkState, sinkById } from './repo.ts';

/** How long a sink keeps retrying one event before it is DISABLED. */
export const SINK_RETRY_LIMIT_MS = 24 * 60 * 60 * 1000;
/** Backoff between attempts: 1 s doubling to 5 min, equal jitter. */
export const SINK_RETRY: BackoffOptions = { baseMs: 1000, capMs: 5 * 60 * 1000 };

/**
 * Events read per batch. Each batch costs a few store round trips (sink, events, cursor, records)
 * during which nothing is sent, so it is large enough for those to be a small share of a busy
 * sink's time, and small enough for a lagging sink to hold little memory.
 */
export const SINK_BATCH = 250;

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
  /** Deliveries under way at once (default 1: each answer awaited before the next is sent). */
  maxInFlight?: number;
  /** The sink's state changed here (the manager tells the other instances). */
  onStateChange?(sink: SinkRecord): void;
}

/** The sink is paused, disabled or deleted: the handler stops until the manager stops the runner. */
class SinkInactive extends Error {}

/** What a batch is delivered under: the sink as stored (null: deleted) and its filter, expanded. */
interface SinkContext {
  sink: SinkRecord | null;
  filter: EventFilter | null;
}

/** An event of the batch in order: filtered out (`out` null) or its delivery under way. */
interface Slot {
  e: EventHead;
  messageId: string;
  out: Promise<DeliveryOutcome> | null;
}

export class SinkRunner {
  readonly consumer: LogConsumer<EventHead>;
  private stopped = false;

  constructor(
    readonly sinkId: string,
    readonly sinkName: string,
    private readonly d: SinkRunnerDeps,
  ) {
    this.consumer = new LogConsumer({
      name: consumerName(sinkId),
      cursors: d.cursors,
      readAfter: (after, limit) => eventHeadsAfter(d.db, after, limit),
      initial: () => maxSeq(d.db),
      handle: ({ events, signal, progress, readAhead }) => this.handle(events, signal, progress, readAhead),
      bus: d.bus,
      leases: d.leases,
      clock: d.clock,
      log: d.log,
      batchSize: d.batchSize ?? SINK_BATCH,
      prefetch: true,
      saveBehind: true,
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
    await this.recording;
    await this.d.delivery.close(this.sinkId);
  }

  /** Deliveries that may be under way at once now: 1 after a failure or at start, +1 per delivery up to maxInFlight. */
  private window = 1;

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

  /**
   * The sink as stored and its filter expanded, read for the next batch as this one starts (a full
   * batch: another follows at once), so a batch boundary does not wait for those reads: what the next
   * batch sees is at most one batch old (a pause or delete here stops the runner itself; one made on
   * another instance reaches this one's manager within its sync). Used only by the batch that follows
   * at once (the consumer's read-ahead: no failure, rewind or wait between), and only if this runner
   * has not changed the sink's state since the read started; else the sink is read again.
   */
  private ahead: { stateChanges: number; read: Promise<SinkContext> } | null = null;
  /** setState calls so far: a read started before one is stale. */
  private stateChanges = 0;

  private async readSink(): Promise<SinkContext> {
    const found = await sinkById(this.d.db, this.sinkId);
    if (!found || found.state === 'PAUSED' || found.state === 'DISABLED') return { sink: found, filter: null };
    return { sink: found, filter: await this.d.expand(toEventFilter(found.filter)) };
  }

  private readAhead(): void {
    const read = this.readSink();
    read.catch(() => {}); // awaited by the next batch, or dropped
    this.ahead = { stateChanges: this.stateChanges, read };
  }

  private async handle(events: readonly EventHead[], signal: AbortSignal, progress: (seq: bigint) => void, follows: boolean): Promise<void> {
    const d = this.d;
    const ahead = follows ? this.ahead : null;
    this.ahead = null;
    const { sink: found, filter } = await (ahead?.stateChanges === this.stateChanges ? ahead.read : this.readSink());
    if (!found || found.state === 'PAUSED' || found.state === 'DISABLED' || this.stopped) throw new SinkInactive(`sink ${this.sinkId} is ${found?.state ?? 'deleted'}`);
    let sink: SinkRecord = found;
    const full = events.length >= (d.batchSize ?? SINK_BATCH);
    if (full) this.readAhead();
    const records: DeliveryRecord[] = [];
    const last = events.at(-1);
    if (last) this.noteHead(last.seq);
    const maxWindow = Math.max(1, d.maxInFlight ?? 1);
    const prepared = await d.delivery.prepare(sink, events);
    const attempts = d.metrics.sinkAttempts.labels({ sink: sink.name });
    const delivered = d.metrics.sinkDeliveries.labels({ sink: sink.name });
    const slots: Slot[] = [];
    let next = 0;
    let running = 0;
    /** Send the next matching events, in order, while fewer than the window are under way. */
    const fill = () => {
      while (next < events.length && running < this.window && !signal.aborted) {
        const e = events[next++]!;
        if (!matchesFilter(e, filter)) {
          slots.push({ e, messageId: '', out: null });
          continue;
        }
        const messageId = messageIdOf(sink.id, e.seq);
        attempts.inc();
        running++;
        const out = d.delivery.send(prepared, e, messageId, signal).finally(() => running--);
        out.catch(() => {}); // awaited below in order; a rejection (stopping) must not go unhandled meanwhile
        slots.push({ e, messageId, out });
      }
    };
    /** Outcomes of the events sent after the failing one are not used: wait for them so nothing stays under way. */
    const settleRest = () => Promise.allSettled(slots.map((x) => x.out));
    try {
      fill();
      for (let slot = slots.shift(); slot; slot = slots.shift()) {
        const { e, messageId } = slot;
        if (!slot.out) {
          progress(e.seq);
          fill();
          continue;
        }
        let out: DeliveryOutcome;
        try {
          out = await slot.out;
        } catch (err) {
          this.window = 1;
          await settleRest();
          if (signal.aborted) throw new SinkInactive('stopping');
          throw err;
        }
        const at = d.clock.now();
        if (out.ok) {
          records.push({ sinkId: sink.id, seq: e.seq, messageId, status: 'DELIVERED', attempts: 1, httpStatus: out.httpStatus, error: null, at });
          delivered.inc();
          progress(e.seq);
          if (this.window < maxWindow) this.window++;
          if (sink.state === 'FAILING') sink = (await this.setState(sink, { state: 'ACTIVE', failingSince: null })) ?? sink;
          fill();
          continue;
        }
        this.window = 1;
        await settleRest();
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
      if (signal.aborted) throw new SinkInactive('stopping');
    } finally {
      this.recordInBackground(records, sink.name);
    }
  }

  /** The writer of delivery records, off the delivery path; resolved when nothing is left to write. */
  private recording: Promise<void> = Promise.resolve();
  private writing = false;
  /** Records not yet written: the newest SINK_DELIVERIES_KEPT, one per seq (pending-records.ts). */
  private pending: DeliveryRecord[] = [];

  /**
   * Write a batch's delivery records without holding up the next batch. They are a view for
   * operators (the cursor is what guarantees delivery), written in order, one write at a time:
   * batches that end while a write is under way are merged and go in the next one (bounded: at most
   * SINK_DELIVERIES_KEPT records wait), so a store slower than delivery never holds delivery up.
   */
  private recordInBackground(records: DeliveryRecord[], sinkName: string): void {
    if (!records.length) return;
    this.pending = mergePendingRecords(this.pending, records, SINK_DELIVERIES_KEPT);
    if (this.writing) return; // the write under way takes them next
    this.writing = true;
    this.recording = (async () => {
      while (this.pending.length) {
        const batch = this.pending;
        this.pending = [];
        await recordDeliveries(this.d.db, batch).catch((err) => this.d.log.warn({ err, sink: sinkName }, 'sink: delivery records not written'));
      }
      this.writing = false;
    })();
  }

  private async setState(sink: SinkRecord, change: Parameters<typeof setSinkState>[2]): Promise<SinkRecord | null> {
    this.stateChanges++;
    // Only from a delivering state: a pause or delete by the API meanwhile wins.
    const next = await setSinkState(this.d.db, sink.id, change, ['ACTIVE', 'FAILING']);
    if (next && next.state !== sink.state) this.d.onStateChange?.(next);
    return next;
  }
}
