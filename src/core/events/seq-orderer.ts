/**
 * Delivers committed events to this instance's listeners exactly once and in seq order, however
 * they arrive: this instance's own commits, other instances' commits over Redis (in any order, or
 * lost while Redis is away), or a periodic look at the log.
 *
 * Why a gap can be filled at once, never waited for: every batch takes the commit-order lock
 * (event-insert.ts) before it draws seqs and releases it after commit, so seqs become visible in seq
 * order across the deployment. An event is announced only after its commit, so when seq N has
 * arrived, every smaller seq that will ever exist is already committed: reading the log after the
 * last delivered seq returns all of them. A seq the log does not have is a hole (a rolled-back or
 * skipped draw) and never appears later.
 *
 * State is `last` (the highest seq delivered) and batches that arrived while the log was being read.
 */
import type { StoredEvent } from './model.ts';

export interface SeqOrdererDeps {
  /** Oldest first, seq > after, at most `limit` (the log). */
  readAfter(after: bigint, limit: number): Promise<StoredEvent[]>;
  /** Events in ascending seq order, each exactly once. */
  deliver(events: readonly StoredEvent[]): void;
  /** A log read failed; it is retried at the next offer or poke. */
  onError(err: unknown): void;
  /** Called each time the log is read to fill a gap (metrics). */
  onFill?(): void;
  pageSize?: number;
}

export class SeqOrderer {
  private last: bigint;
  private pending: (readonly StoredEvent[])[] = [];
  private reading = false;
  private mustRead = false;
  private readonly pageSize: number;

  constructor(
    private readonly deps: SeqOrdererDeps,
    /** Highest seq already in the log when listening began (nothing at or below it is delivered). */
    start: bigint,
  ) {
    this.last = start;
    this.pageSize = deps.pageSize ?? 1000;
  }

  /** The highest seq delivered so far. */
  get lastSeq(): bigint {
    return this.last;
  }

  /** Committed events, ascending within the batch. */
  offer(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    if (this.reading) {
      this.pending.push(events);
      return;
    }
    if (this.pending.length || this.mustRead || !this.take(events)) {
      this.pending.push(events);
      void this.fill();
    }
  }

  /** Something may have committed that nobody announced (Redis was away): read the log after `last`. */
  poke(): void {
    this.mustRead = true;
    if (!this.reading) void this.fill();
  }

  /** Deliver `events` if they continue `last` (or are all old); false when they leave a gap. */
  private take(events: readonly StoredEvent[]): boolean {
    let i = 0;
    while (i < events.length && events[i].seq <= this.last) i++;
    if (i === events.length) return true;
    if (events[i].seq !== this.last + 1n && i === 0) return false;
    // i > 0: the batch overlaps what was delivered; its next seq follows within the same commit.
    this.emit(i === 0 ? events : events.slice(i));
    return true;
  }

  private emit(events: readonly StoredEvent[]): void {
    this.last = events[events.length - 1].seq;
    this.deps.deliver(events);
  }

  private async fill(): Promise<void> {
    this.reading = true;
    try {
      for (;;) {
        // Batches that continue `last` need no read.
        while (this.pending.length && this.take(this.pending[0])) this.pending.shift();
        if (this.pending.length === 0 && !this.mustRead) return;
        this.mustRead = false;
        // Everything announced before this read started is committed: the read covers it.
        const covered = this.pending.length;
        this.deps.onFill?.();
        let page: StoredEvent[];
        do {
          page = await this.deps.readAfter(this.last, this.pageSize);
          if (page.length) this.emit(page);
        } while (page.length === this.pageSize);
        // Normally all delivered now; anything beyond `last` (not expected) still goes out, in order.
        for (const b of this.pending.splice(0, covered)) {
          const rest = b.filter((e) => e.seq > this.last);
          if (rest.length) this.emit(rest);
        }
      }
    } catch (err) {
      this.mustRead = true;
      this.deps.onError(err);
    } finally {
      this.reading = false;
    }
  }
}
