/**
 * Alternating rounds (ours, floor, ours, floor, …) with both servers up, so that load from other
 * tenants of a shared machine hits both sides alike; the median round of each side is reported.
 */
import { SCALE } from './env.ts';

export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs `rounds` alternating rounds; returns every round's result per side. */
export async function alternate<T>(rounds: number, ours: (round: number) => Promise<T>, floor: ((round: number) => Promise<T>) | null): Promise<{ ours: T[]; floor: T[] }> {
  const out = { ours: [] as T[], floor: [] as T[] };
  for (let r = 0; r < rounds; r++) {
    out.ours.push(await ours(r));
    if (floor) out.floor.push(await floor(r));
  }
  return out;
}

/** The round whose `rate` is the median (for odd counts; the lower middle otherwise). */
export function medianOf<T extends { rate: number }>(xs: T[]): T {
  const s = [...xs].sort((a, b) => a.rate - b.rate);
  return s[(s.length - 1) >> 1];
}

export const roundsNote = (n: number) => (n > 1 ? `median of ${n} alternating rounds` : 'one round') + (SCALE !== 1 ? `, BENCH_SCALE=${SCALE}` : '');
