/**
 * What the poller has already handled, so overlapping polls (the REST API has no cursor: every poll
 * returns the newest N events again) and restarts do not publish an event twice. Pure, in memory;
 * its `snapshot()` is what the instance keeps in its state across restarts.
 *
 * - `has(key)`: the dedupe key was handled (published, found duplicate, or rejected) recently.
 *   Bounded: the oldest keys are forgotten first.
 * - `isStale(ms)`: the event is older than the newest event handled minus the tolerance. After a
 *   restart this skips old history that Camlytics still returns without asking the store. The
 *   newest time never runs ahead of our own clock by more than 5 minutes, so a Camlytics host
 *   whose clock was once far in the future cannot make every later event look stale.
 * The store's dedupe key stays the final guard for anything these let through.
 */
export interface PollCursor {
  v: 1;
  /** Newest event time handled (UTC ms), capped at our clock + 5 min. */
  newestMs: number;
  /** Most recently handled dedupe keys, oldest first. */
  recent: string[];
}

const CLOCK_SKEW_CAP_MS = 5 * 60_000;

export class SeenEvents {
  private readonly keys = new Set<string>();
  private newestMs = Number.NEGATIVE_INFINITY;
  private changed = false;

  constructor(
    private readonly capacity: number,
    private readonly toleranceMs: number,
    private readonly persistCount: number,
  ) {}

  /** Restore from a saved cursor; anything not shaped like one is ignored. */
  restore(saved: unknown): void {
    if (typeof saved !== 'object' || saved === null) return;
    const c = saved as Partial<PollCursor>;
    if (c.v !== 1) return;
    if (typeof c.newestMs === 'number' && Number.isFinite(c.newestMs)) this.newestMs = c.newestMs;
    if (Array.isArray(c.recent)) for (const k of c.recent) if (typeof k === 'string') this.remember(k);
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  isStale(eventMs: number): boolean {
    return eventMs < this.newestMs - this.toleranceMs;
  }

  /** Mark handled. `eventMs` (the event time) advances the cursor; `nowMs` caps it. */
  add(key: string, eventMs?: number, nowMs = Date.now()): void {
    this.remember(key);
    if (eventMs !== undefined && Number.isFinite(eventMs)) {
      const capped = Math.min(eventMs, nowMs + CLOCK_SKEW_CAP_MS);
      if (capped > this.newestMs) this.newestMs = capped;
    }
    this.changed = true;
  }

  get size(): number {
    return this.keys.size;
  }

  /** True once since the last `snapshot()` when something was added. */
  get dirty(): boolean {
    return this.changed;
  }

  snapshot(): PollCursor {
    this.changed = false;
    const all = [...this.keys];
    return { v: 1, newestMs: Number.isFinite(this.newestMs) ? this.newestMs : 0, recent: all.slice(Math.max(0, all.length - this.persistCount)) };
  }

  private remember(key: string): void {
    this.keys.delete(key); // re-insert: most recent last
    this.keys.add(key);
    if (this.keys.size > this.capacity) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
}
