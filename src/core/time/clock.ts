/**
 * The one source of time in the server: `now`, timers and an abortable sleep. The composition root
 * (app.ts) makes one `systemClock()` and hands it to what waits or measures (writer batching, leases,
 * stream keepalives and idle expiry, slow consumers, adapter restarts, the adapter context), so a
 * test can hand a ManualClock (manual-clock.ts) instead and move time itself.
 */
import { sleepOn } from './sleep.ts';
import { systemTimers, type Timers } from './timers.ts';

export type { Timer, Timers } from './timers.ts';

/**
 * Time as the server sees it. Adapters get it as `ctx.clock` (SDK): `now()` since SDK 1.0, the rest
 * since SDK 1.3.0.
 */
export interface Clock extends Timers {
  now(): Date;
  /** `now()` in epoch milliseconds. */
  nowMs(): number;
  /** Resolves after `ms`, or at once when `signal` aborts; never rejects (sleep.ts). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time: Date.now() and Node's timers. */
export function systemClock(): Clock {
  return {
    ...systemTimers,
    now: () => new Date(),
    nowMs: () => Date.now(),
    sleep: (ms, signal) => sleepOn(systemTimers, ms, signal),
  };
}
