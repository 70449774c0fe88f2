/**
 * Timers as the clock hands them out: the global API's shape (setTimeout/clearTimeout,
 * setInterval/clearInterval), so that a test clock (manual-clock.ts) can stand in for Node's.
 */

/** A timer handle: opaque, cleared with the timers that made it. */
export interface Timer {
  /** Do not keep the process alive for this timer alone (Node's `unref`); returns the timer. */
  unref(): Timer;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): Timer;
  clearTimeout(timer: Timer | null | undefined): void;
  setInterval(fn: () => void, ms: number): Timer;
  clearInterval(timer: Timer | null | undefined): void;
}

/** Node's timers. */
export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (t) => clearTimeout((t ?? undefined) as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (t) => clearInterval((t ?? undefined) as NodeJS.Timeout | undefined),
};
