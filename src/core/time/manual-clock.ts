/**
 * A clock that moves only when told (tests): `advance(ms)` walks time forward, firing each timer at
 * its due time in order (equal times: in the order they were set), and lets promise callbacks run
 * after each so that work a timer starts, and the timers that work sets, happen within the same
 * advance. Nothing here touches Node's timers, so a test's sockets and databases keep real time.
 *
 *   const clock = new ManualClock();
 *   const app = await createApp({ …, clock });
 *   await clock.advance(1000); // one second passes, deterministically
 */
import type { Clock, Timer } from './clock.ts';
import { sleepOn } from './sleep.ts';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  /** Interval period; null for a timeout. */
  every: number | null;
}

class ManualTimer implements Timer {
  constructor(readonly id: number) {}
  unref(): Timer {
    return this;
  }
}

/** Timers one advance() fires at most: a 0 ms timer that sets itself again would loop for ever. */
const MAX_FIRED = 100_000;

/** Lets queued promise callbacks (and whatever they queue in turn) run: one macrotask turn. */
const turn = () => new Promise<void>((r) => setImmediate(r));

export class ManualClock implements Clock {
  private ms: number;
  private seq = 0;
  private readonly timers = new Map<number, Pending>();

  /** `start`: the epoch ms it reads at first (default 2026-01-01T00:00:00Z). */
  constructor(start = Date.UTC(2026, 0, 1)) {
    this.ms = start;
  }

  // Clock methods are bound (arrow fields): code may pass `clock.nowMs` or destructure it, as with systemClock().
  readonly now = (): Date => new Date(this.ms);

  readonly nowMs = (): number => this.ms;

  readonly setTimeout = (fn: () => void, ms: number): Timer => this.add(fn, ms, null);

  /** Like Node, a 0 ms interval still moves on (1 ms). */
  readonly setInterval = (fn: () => void, ms: number): Timer => this.add(fn, ms, Math.max(1, ms));

  readonly clearTimeout = (timer: Timer | null | undefined): void => {
    if (timer instanceof ManualTimer) this.timers.delete(timer.id);
  };

  readonly clearInterval = (timer: Timer | null | undefined): void => this.clearTimeout(timer);

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => sleepOn(this, ms, signal);

  /** Timers set and not yet fired or cleared (intervals count until cleared). */
  get pending(): number {
    return this.timers.size;
  }

  /** When the next timer fires (epoch ms), null when none is set. */
  nextAt(): number | null {
    const next = this.next();
    return next ? next.at : null;
  }

  /**
   * Move time forward by `ms`, firing due timers in order at their due times; promise callbacks
   * run after each timer (and before the first), so chains of timers within `ms` all happen.
   */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ms must be ≥ 0 (got ${ms})`);
    const until = this.ms + ms;
    await this.settle();
    for (let fired = 0; ; fired++) {
      const next = this.next();
      if (!next || next.at > until) break;
      if (fired >= MAX_FIRED) throw new Error(`ManualClock.advance: over ${MAX_FIRED} timers within ${ms} ms (a timer that keeps setting itself at 0 ms?)`);
      this.ms = Math.max(this.ms, next.at);
      this.fire(next);
      await this.settle();
    }
    this.ms = until;
    await this.settle();
  }

  /** Move time to the next timer and fire it (and any due at the same time); false when none is set. */
  async runNext(): Promise<boolean> {
    const at = this.nextAt();
    if (at === null) return false;
    await this.advance(Math.max(0, at - this.ms));
    return true;
  }

  /** Let promise callbacks run without moving time (a few macrotask turns). */
  async settle(turns = 3): Promise<void> {
    for (let i = 0; i < turns; i++) await turn();
  }

  private add(fn: () => void, ms: number, every: number | null): Timer {
    const timer = new ManualTimer(++this.seq);
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0; // like Node: NaN and negatives mean "now"
    this.timers.set(timer.id, { at: this.ms + delay, seq: timer.id, fn, every });
    return timer;
  }

  private next(): (Pending & { id: number }) | null {
    let best: (Pending & { id: number }) | null = null;
    for (const [id, p] of this.timers) if (!best || p.at < best.at || (p.at === best.at && p.seq < best.seq)) best = { ...p, id };
    return best;
  }

  private fire(p: Pending & { id: number }): void {
    if (p.every === null) this.timers.delete(p.id);
    else this.timers.set(p.id, { ...p, at: p.at + p.every, seq: ++this.seq });
    p.fn();
  }
}
