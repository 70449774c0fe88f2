/**
 * Exponential backoff with jitter, as a pure function: attempt → delay. Attempt 0 waits about
 * `baseMs`, each further attempt doubles it, up to `capMs`. Jitter spreads retries of many clients
 * so they do not move in lockstep:
 *   equal (default) — uniform in [d/2, d]: never much shorter than planned;
 *   full            — uniform in [0, d]: the widest spread;
 *   none            — exactly d (a single writer retrying its own database).
 * `random` is injectable (returns [0, 1), like Math.random) so tests are deterministic.
 */
export type Jitter = 'equal' | 'full' | 'none';

export interface BackoffOptions {
  /** The delay of attempt 0, before jitter (ms). */
  baseMs: number;
  /** The longest delay, before jitter (ms). */
  capMs: number;
  jitter?: Jitter;
  random?: () => number;
}

export function backoffDelay(attempt: number, opts: BackoffOptions): number {
  const n = Math.min(Math.max(0, Math.floor(attempt) || 0), 52); // 2 ** 52 is past any cap
  const d = Math.max(0, Math.min(opts.capMs, opts.baseMs * 2 ** n));
  const jitter = opts.jitter ?? 'equal';
  if (jitter === 'none') return Math.round(d);
  const r = Math.min(1, Math.max(0, (opts.random ?? Math.random)()));
  return Math.round(jitter === 'full' ? r * d : d / 2 + r * (d / 2));
}
