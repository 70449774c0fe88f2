/**
 * One event subscription: replay from the log after a seq, then live from the bus, with no gap and
 * no duplicate at the seam. Memory is bounded: live events wait in a buffer of at most
 * `bufferSize`; a subscriber that falls further behind has its buffer dropped and catches up from
 * the log (the log is the source of truth), so it never misses an event and never grows memory.
 * Reading the log (an `after` replay, or catch-up) takes a slot of `replays` for as long as a page
 * read from it is not yet delivered: at most that many pages are in memory however many subscribers
 * replay at once; the others wait their turn (FIFO), page by page.
 *
 * It is a hand-written AsyncIterator (not an async generator) so that return() ends it at once,
 * even while it waits for the next event.
 */
import type { EventFilter } from '../db/event-repo.ts';
import type { EventBus } from './bus.ts';
import type { StoredEvent } from './model.ts';
import { ocrDistance } from '../plates/ocr.ts';

export interface SubscriptionDeps {
  bus: EventBus;
  /** Oldest first, seq > after, at most `limit`. */
  readAfter(after: bigint, filter: EventFilter | null, limit: number): Promise<StoredEvent[]>;
  bufferSize: number;
  pageSize?: number;
  /** Slots for reading the log (limits.maxConcurrentReplays); none = unbounded. */
  replays?: { acquire(signal: AbortSignal): Promise<() => void> };
  onDeliver?: () => void;
  onOverflow?: () => void;
  onClose?: () => void;
}

export function matchesFilter(e: Omit<StoredEvent, 'data' | 'raw'>, f: EventFilter | null | undefined): boolean {
  if (!f) return true;
  if (f.kinds?.length && !f.kinds.includes(e.kind)) return false;
  if (f.adapters?.length && !f.adapters.includes(e.adapter)) return false;
  if (f.instances?.length && !f.instances.includes(e.instance)) return false;
  if (f.cameraIds?.length && (e.cameraId == null || !f.cameraIds.includes(e.cameraId))) return false;
  if (f.vendorTypes?.length && !f.vendorTypes.includes(e.vendorType)) return false;
  if (f.from && e.occurredAt < f.from) return false;
  if (f.to && e.occurredAt > f.to) return false;
  if (f.trackId && e.plate?.trackId !== f.trackId) return false;
  if (f.plate) {
    const p = e.plate?.plateNormalized;
    if (p == null) return false;
    if (f.plate.endsWith('*') ? !p.startsWith(f.plate.slice(0, -1)) : p !== f.plate) return false;
  }
  if (f.plateListIds?.length && !e.listMatches?.some((m) => f.plateListIds!.includes(m.listId))) return false;
  if (f.plateFuzzy) {
    const p = e.plate?.plateNormalized;
    if (p == null || ocrDistance(p, f.plateFuzzy.plate, f.plateFuzzy.maxDistance) > f.plateFuzzy.maxDistance) return false;
  }
  return true;
}

export class EventSubscription implements AsyncIterableIterator<StoredEvent> {
  private queue: StoredEvent[] = [];
  private replay: StoredEvent[] = [];
  private cursor: bigint | null;
  private catchingUp: boolean;
  private overflowed = false;
  private firstQueuedSeq: bigint | null = null;
  private waiter: (() => void) | null = null;
  private closed = false;
  private readonly unsubscribe: () => void;
  private readonly pageSize: number;
  /** Releases the replay slot held while a page read from the log is delivered. */
  private slot: (() => void) | null = null;
  /** Aborts a wait for a replay slot on return(); made on the first wait (most subscribers never read the log). */
  private stop: AbortController | null = null;

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly filter: EventFilter | null,
    after: bigint | null,
  ) {
    this.cursor = after;
    this.catchingUp = after !== null;
    this.pageSize = deps.pageSize ?? 500;
    // Listen before reading the log, so nothing committed in between is missed.
    this.unsubscribe = deps.bus.subscribe((events) => this.onEvents(events));
  }

  private onEvents(events: readonly StoredEvent[]): void {
    if (this.closed) return;
    for (const e of events) {
      if (!matchesFilter(e, this.filter)) continue;
      if (this.queue.length >= this.deps.bufferSize) {
        // Too far behind: drop the buffer, catch up from the log from the cursor.
        if (this.cursor === null) this.cursor = (this.firstQueuedSeq ?? e.seq) - 1n;
        this.queue = [];
        this.overflowed = true;
        this.catchingUp = true;
        this.deps.onOverflow?.();
        break;
      }
      if (this.firstQueuedSeq === null) this.firstQueuedSeq = e.seq;
      this.queue.push(e);
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  private deliver(e: StoredEvent): IteratorResult<StoredEvent> {
    this.cursor = e.seq;
    this.deps.onDeliver?.();
    return { value: e, done: false };
  }

  async next(): Promise<IteratorResult<StoredEvent>> {
    while (!this.closed) {
      const r = this.replay.shift();
      if (r) {
        if (this.replay.length === 0) this.releaseSlot();
        return this.deliver(r);
      }
      if (this.catchingUp && this.cursor !== null) {
        if (this.deps.replays && !this.slot) {
          try {
            this.stop ??= new AbortController();
            this.slot = await this.deps.replays.acquire(this.stop.signal);
          } catch {
            break; // closed while waiting
          }
          if (this.closed) break;
        }
        this.overflowed = false;
        let page: StoredEvent[];
        try {
          page = await this.deps.readAfter(this.cursor, this.filter, this.pageSize);
        } catch (err) {
          this.releaseSlot();
          throw err;
        }
        if (this.closed) break;
        this.replay = page;
        if (page.length === 0) this.releaseSlot();
        if (page.length < this.pageSize && !this.overflowed) this.catchingUp = false;
        continue;
      }
      const e = this.queue.shift();
      if (e) {
        if (this.cursor !== null && e.seq <= this.cursor) continue;
        return this.deliver(e);
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.releaseSlot();
    return { value: undefined, done: true };
  }

  private releaseSlot(): void {
    const release = this.slot;
    this.slot = null;
    release?.();
  }

  async return(): Promise<IteratorResult<StoredEvent>> {
    if (!this.closed) {
      this.closed = true;
      this.stop?.abort();
      this.releaseSlot();
      this.unsubscribe();
      this.queue = [];
      this.replay = [];
      this.wake();
      this.deps.onClose?.();
    }
    return { value: undefined, done: true };
  }

  async throw(err?: unknown): Promise<IteratorResult<StoredEvent>> {
    await this.return();
    throw err;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Live events waiting in the buffer (for tests and metrics). */
  get buffered(): number {
    return this.queue.length;
  }
}
