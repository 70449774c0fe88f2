/**
 * Retention durations as config and GraphQL write them: a whole number of hours or days, `12h`,
 * `30d` (1h .. 36500d). Pure.
 */
export const DURATION_PATTERN = /^([1-9][0-9]{0,5})([hd])$/;
export const MAX_DURATION_MS = 36_500 * 86_400_000;

/** Milliseconds of a duration, or null when it is not one (wrong form or over 36500 days). */
export function parseDuration(text: string): number | null {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * (m[2] === 'h' ? 3_600_000 : 86_400_000);
  return ms <= MAX_DURATION_MS ? ms : null;
}
