/**
 * IVMS alert times: `eventTime` is a wall-clock `YYYY-MM-DD HH:MM:SS` without an offset, read in
 * the configured IANA zone of the IVMS server. Pure; offsets come from Intl (DST-correct).
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (e.g. +19800000 for Asia/Kolkata). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(whole))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) - whole;
}

/**
 * The UTC instant (ms) of a wall-clock time (given as if it were UTC) in `timeZone`. In a DST gap
 * the pre-transition offset is used; for an ambiguous time (clocks going back) the earlier instant.
 */
export function wallTimeToUtc(wallMs: number, timeZone: string): number {
  const before = zoneOffsetMs(wallMs - 86_400_000, timeZone);
  const after = zoneOffsetMs(wallMs + 86_400_000, timeZone);
  const candidates = [wallMs - before, wallMs - after].filter((utc) => utc + zoneOffsetMs(utc, timeZone) === wallMs);
  return candidates.length > 0 ? Math.min(...candidates) : wallMs - before;
}

const EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?$/;

/** Parse an IVMS `eventTime` in `timeZone`; null when it is not a valid `YYYY-MM-DD HH:MM:SS`. */
export function parseEventTime(text: unknown, timeZone: string): Date | null {
  if (typeof text !== 'string') return null;
  const m = EVENT_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (new Date(wall).getUTCDate() !== day) return null; // 2017-02-30 rolls over: refuse it
  return new Date(wallTimeToUtc(wall, timeZone));
}
