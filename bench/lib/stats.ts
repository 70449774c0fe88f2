/** Percentiles and number formatting for benchmark output. */

/** Nearest-rank percentile (p in 0..100) of unsorted samples; NaN when empty. */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const n = samples.length;
  if (n === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
  return sorted[rank - 1];
}

export function summary(samples: ArrayLike<number>): { n: number; p50: number; p90: number; p95: number; p99: number; max: number } {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p90: percentile(samples, 90),
    p95: percentile(samples, 95),
    p99: percentile(samples, 99),
    max: percentile(samples, 100),
  };
}

/** 12345.6 → "12,346"; small numbers keep up to 2 decimals. */
export function fmt(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return String(x);
  const d = digits ?? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2);
  return x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

export const ms = (x: number) => `${fmt(x)} ms`;
export const perSec = (x: number, unit: string) => `${fmt(x)} ${unit}/s`;
export const mb = (bytes: number) => `${fmt(bytes / 1048576, 0)} MB`;
