/**
 * A log consumer: work that follows the event log from a stored cursor, in seq order, on one
 * server instance at a time (a lease), resuming where it stopped after a restart or on another
 * instance after a failover. The rules engine and each outbound sink are one each.
 *
 * The loop, while the lease `log:<name>` is held: load the cursor (created at `initial()` the first
 * time), read up to `batchSize` events after it, hand them to `handle`, save the cursor past what
 * was handled, repeat. When the log has nothing new it waits for a committed event on the bus (this
 * instance's or, over Redis, another's) or `pollMs`, whichever comes first, and reloads the cursor then
 * (a rewind done on another instance is seen within `pollMs`).
 *
 * Why nothing is skipped: seqs become visible in seq order across the deployment (seq-orderer.ts),
 * so reading `seq > cursor` in order never passes an event that commits later.
 * What `handle` must tolerate: being given the same events again after a crash between handling and
 * saving, or during the short overlap of two holders (lease.ts). At-least-once consumers (sinks)
 * accept a duplicate; at-most-once ones (rules) record their intent under a unique key first.
 *
 * Failures stay here: `handle` throwing, or the store failing, is reported to `onError` and retried
 * after a backoff (exponential with jitter, `retry`), from the last saved position; progress that
 * `handle` reported with `progress(seq)` before it threw is saved first, so it is not repeated.
 */
import type { Logger } from 'pino';
import type { EventBus } from '../events/bus.ts';
import type { StoredEvent } from '../events/model.ts';
import type { LeaseHandle, Leases } from '../cluster/lease.ts';
import type { Clock } from '../time/clock.ts';
import { backoffDelay, type BackoffOptions } from '../time/backoff.ts';
import type { CursorPosition, CursorStore } from './cursor-store.ts';

/** What a consumer reads from the log: events, or a projection of them (a sink reads no vendor payloads). */
export interface LoggedEvent {
  seq: bigint;
}

export interface ConsumerBatch<E extends LoggedEvent = StoredEvent> {
  /** Oldest first, all after the cursor. */
  events: readonly E[];
  /** Aborted when the lease is lost or the consumer stops: return soon. */
  signal: AbortSignal;
  /** Everything at or below `seq` is finished (saved even if `handle` then throws). */
  progress(seq: bigint): void;
  /**
   * This batch was read ahead (`prefetch`) while the one before was handled, and follows it with no
   * failure, rewind or wait between: what `handle` read ahead for it then is as good as read now.
   */
  readAhead: boolean;
}

export interface LogConsumerOptions<E extends LoggedEvent = StoredEvent> {
  /** Unique among consumers: the cursor's and the lease's name. */
  name: string;
  cursors: CursorStore;
  /** Oldest first, seq > after, at most `limit`. */
  readAfter(after: bigint, limit: number): Promise<E[]>;
  /** Where a consumer without a stored cursor starts (e.g. the log's current end: only new events). */
  initial(): Promise<bigint>;
  /**
   * Handle a batch in order. Returning means every event of it is finished (or return the last
   * finished seq); throwing retries from the last progress after a backoff.
   */
  handle(batch: ConsumerBatch<E>): Promise<bigint | undefined | void>;
  bus: EventBus;
  leases: Leases;
  clock: Clock;
  log: Logger;
  /** Events per read (default 100). */
  batchSize?: number;
  /** Longest wait for new events before the log and the cursor are read again (default 1000). */
  pollMs?: number;
  /** Delay between failed attempts (default 250 ms doubling to 30 s, equal jitter). */
  retry?: BackoffOptions;
  /**
   * After a full batch, read the next one while `handle` works on this one (it is used only if the
   * cursor then is where it was read from: no failure, no rewind). For consumers whose `handle`
   * waits on the network (sinks). Default false.
   */
  prefetch?: boolean;
  /**
   * Save the cursor behind: while the next batch is handled, not before it (one save under way at a
   * time, in order; all of them finished before the consumer waits for new events or stops). A crash
   * can then repeat one batch more, and a rewind is seen one batch later: for at-least-once consumers
   * whose `handle` waits on the network (sinks), so a batch boundary does not wait for the store.
   * Default false.
   */
  saveBehind?: boolean;
  /** A failed attempt (attempt 0 is the first failure in a row). */
  onError?(err: unknown, attempt: number): void;
  /** The cursor was saved at `seq`. */
  onProgress?(seq: bigint): void;
  /** The lease was taken (true) or lost (false). */
  onHeld?(held: boolean): void;
}

export class LogConsumer<E extends LoggedEvent = StoredEvent> {
  private lease: LeaseHandle | null = null;
  private wake: (() => void) | null = null;
  private poked = false;
  private current: CursorPosition | null = null;

  constructor(private readonly o: LogConsumerOptions<E>) {}

  get name(): string {
    return this.o.name;
  }

  /** This instance holds the lease and runs the loop. */
  get held(): boolean {
    return this.lease?.held ?? false;
  }

  /** The cursor as this instance last saw it while holding the lease (null otherwise). */
  get position(): bigint | null {
    return this.held ? (this.current?.seq ?? null) : null;
  }

  start(): this {
    if (this.lease) return this;
    this.lease = this.o.leases.run(`log:${this.o.name}`, (signal) => this.run(signal), { onChange: (held) => this.o.onHeld?.(held) });
    return this;
  }

  /** Stop the loop (waits for `handle` to return, bounded by the lease's stop timeout). The cursor stays. */
  async stop(): Promise<void> {
    const lease = this.lease;
    this.lease = null;
    this.poke();
    await lease?.stop();
  }

  /** Read the log now instead of at the next event or poll. */
  poke(): void {
    this.poked = true;
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** Move the cursor to `seq` (a replay from seq + 1, or a skip ahead); the holder picks it up at once here, within `pollMs` elsewhere. */
  async rewind(seq: bigint): Promise<void> {
    await this.o.cursors.rewind(this.o.name, seq);
    this.poke();
  }

  private async run(signal: AbortSignal): Promise<void> {
    const o = this.o;
    const batchSize = o.batchSize ?? 100;
    const pollMs = o.pollMs ?? 1000;
    const retry = o.retry ?? { baseMs: 250, capMs: 30_000 };
    const unsubscribe = o.bus.subscribe((events) => {
      const last = events.at(-1);
      if (last && this.current && last.seq > this.current.seq) this.poke();
    });
    const onAbort = () => this.poke();
    signal.addEventListener('abort', onAbort, { once: true });
    let failures = 0;
    /** The batch after the one being handled, read ahead (`prefetch`). */
    let ahead: { after: bigint; read: Promise<E[]> } | null = null;
    /** Cursor saves under way behind the batches (`saveBehind`), chained in order; the first failure among them. */
    let saving: Promise<void> = Promise.resolve();
    let saveFailed: { err: unknown } | null = null;
    /** Wait for the saves under way; throws the first of their failures. */
    const saved = async () => {
      await saving;
      const failed = saveFailed;
      saveFailed = null;
      if (failed) throw failed.err;
    };
    try {
      while (!signal.aborted) {
        let progressed: bigint | null = null;
        try {
          if (!this.current) {
            await saved(); // a save behind was refused (a rewind): load after every save has landed
            this.current = await o.cursors.load(o.name, o.initial);
          }
          const from = this.current;
          this.poked = false;
          const next: Promise<E[]> | null = ahead?.after === from.seq ? ahead.read : null;
          ahead = null;
          const events: E[] = await (next ?? o.readAfter(from.seq, batchSize));
          const last = events.at(-1);
          if (o.prefetch && last && events.length >= batchSize) {
            const read = o.readAfter(last.seq, batchSize);
            read.catch(() => {}); // awaited on the next turn, or dropped
            ahead = { after: last.seq, read };
          }
          if (events.length === 0) {
            await saved();
            if (!this.current) continue; // a save behind was refused (a rewind): reload now
            failures = 0;
            await this.idle(pollMs, signal);
            if (!signal.aborted) this.current = await o.cursors.load(o.name, o.initial);
            continue;
          }
          const done = await o.handle({ events, signal, readAhead: next !== null, progress: (seq) => (progressed = seq > (progressed ?? from.seq) ? seq : progressed) });
          progressed = typeof done === 'bigint' ? done : (events.at(-1)?.seq ?? from.seq);
          if (!o.saveBehind) await this.save(from, progressed);
          else {
            if (saveFailed) await saved();
            if (this.current === from) {
              // Handled: the next batch starts from here while the store catches up.
              const seq = progressed;
              this.current = { seq, epoch: from.epoch };
              saving = saving.then(() => this.save(from, seq, true)).catch((err) => void (saveFailed ??= { err }));
            } // else a save behind was refused meanwhile (a rewind): reload on the next turn
          }
          failures = 0;
        } catch (err) {
          ahead = null;
          await saving;
          saveFailed = null;
          if (progressed !== null && this.current) await this.save(this.current, progressed).catch(() => {});
          if (signal.aborted) break;
          this.current = null; // reload: the store may have failed, or a rewind happened
          o.onError?.(err, failures);
          o.log.warn({ err, consumer: o.name, attempt: failures }, 'log consumer: attempt failed, retrying');
          await o.clock.sleep(backoffDelay(failures++, retry), signal);
        }
      }
    } finally {
      await saving;
      unsubscribe();
      signal.removeEventListener('abort', onAbort);
      this.current = null;
    }
  }

  /** `behind`: the loop has moved on (saveBehind): `current` is already past `seq` unless this save is refused. */
  private async save(from: CursorPosition, seq: bigint, behind = false): Promise<void> {
    if (seq <= from.seq) return;
    const saved = await this.o.cursors.save(this.o.name, { seq, epoch: from.epoch });
    if (!saved) {
      // Rewound meanwhile: start again from the new position (unless the loop has loaded it already).
      if (!behind || this.current?.epoch === from.epoch) this.current = null;
      return;
    }
    if (!behind) this.current = { seq, epoch: from.epoch };
    this.o.onProgress?.(seq);
  }

  /** Until poked (a newer event, a rewind, stop) or `ms` passed. */
  private idle(ms: number, signal: AbortSignal): Promise<void> {
    if (this.poked || signal.aborted) return Promise.resolve();
    const ctl = new AbortController();
    this.wake = () => ctl.abort();
    return this.o.clock.sleep(ms, ctl.signal).finally(() => {
      this.wake = null;
    });
  }
}
