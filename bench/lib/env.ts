/**
 * Benchmark settings from the environment: BENCH_SCALE multiplies every count (default 1),
 * BENCH_CPU_PROF=1 starts server children with --cpu-prof (profiles in bench-profiles/).
 */
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const SCALE = (() => {
  const s = Number(process.env.BENCH_SCALE ?? 1);
  return Number.isFinite(s) && s > 0 ? s : 1;
})();

/** `base` scaled by BENCH_SCALE, rounded, at least `min`. */
export const scaled = (base: number, min = 1): number => Math.max(min, Math.round(base * SCALE));

export const CPU_PROF = process.env.BENCH_CPU_PROF === '1';

/** High-resolution epoch milliseconds, comparable across processes on one machine. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every `everyMs` until it returns truthy; throws after `timeoutMs`. */
export async function until<T>(check: () => Promise<T> | T, timeoutMs: number, what: string, everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
