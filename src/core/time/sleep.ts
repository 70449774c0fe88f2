/**
 * The abortable sleep: resolves after `ms`, or at once when `signal` aborts; never rejects (callers
 * check `signal.aborted` after it), and its timer and abort listener are always removed.
 * `Infinity` waits for the signal only.
 */
import { systemTimers, type Timers } from './timers.ts';

export function sleepOn(timers: Timers, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || !(ms > 0)) return resolve();
    const done = () => {
      timers.clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = Number.isFinite(ms) ? timers.setTimeout(done, ms) : null;
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** `sleepOn` Node's timers, for code without a clock at hand (prefer `clock.sleep`, which tests control). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepOn(systemTimers, ms, signal);
}
