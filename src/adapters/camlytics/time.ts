/**
 * Camlytics times: .NET round-trip format, e.g. `2019-05-20T18:02:51.2984871+03:00` (up to 7
 * fractional digits, an offset or `Z`). Parsed exactly, digit by digit (never through
 * `Date.parse`, which rounds or rejects 7-digit fractions depending on the engine), and truncated
 * to milliseconds. A time without offset (a .NET `Unspecified` DateTime) is read in the configured
 * IANA zone (the SDK's zonedTimeToDate: a time in a DST gap moves forward, an ambiguous one takes
 * the earlier instant). Pure.
 */
import { badInput, zonedTimeToDate, type CameraRegistry } from '../../sdk.ts';

/** The zone of times without offset: one zone, or the zone of a channel (camlyticsTimeZoneOf). */
export type CamlyticsZone = string | ((channelId: string) => string);

/**
 * The zone of a channel's local times: the instance's `timezone` when the config sets it, else the
 * zone of the site of the channel's camera (ctx.cameras.timeZoneOf, in memory), else UTC.
 */
export const camlyticsTimeZoneOf =
  (configured: string | undefined, cameras: Pick<CameraRegistry, 'timeZoneOf'>) =>
  (channelId: string): string =>
    configured ?? cameras.timeZoneOf(channelId) ?? 'UTC';

const ROUND_TRIP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

export interface CamlyticsTime {
  /** The instant, truncated to milliseconds. */
  date: Date;
  /** The text as sent (keeps all 7 fractional digits). */
  text: string;
}

/**
 * Parse a Camlytics time. Throws BAD_USER_INPUT naming `field` when the text is missing, not in
 * round-trip format or not a real calendar time (e.g. February 30th).
 */
export function parseCamlyticsTime(value: unknown, field: string, timeZone = 'UTC'): CamlyticsTime {
  if (typeof value !== 'string' || value.trim() === '') {
    throw badInput(`${field}: expected a date-time like 2019-05-20T18:02:51.2984871+03:00, got ${describe(value)}`, { field });
  }
  const text = value.trim();
  const m = ROUND_TRIP.exec(text);
  if (!m) throw badInput(`${field}: not a date-time like 2019-05-20T18:02:51.2984871+03:00: ${JSON.stringify(text.slice(0, 60))}`, { field });
  const [year, month, day, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0').slice(0, 3)); // truncate, never round
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const check = new Date(wall);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    check.getUTCHours() !== hour ||
    check.getUTCMinutes() !== minute ||
    check.getUTCSeconds() !== second
  ) {
    throw badInput(`${field}: not a real calendar time: ${JSON.stringify(text.slice(0, 60))}`, { field });
  }
  const zone = m[8];
  if (zone) {
    const offsetMin = parseOffsetMinutes(zone);
    if (offsetMin === null) throw badInput(`${field}: offset out of range: ${JSON.stringify(zone)}`, { field });
    return { date: new Date(wall - offsetMin * 60_000), text };
  }
  return { date: zonedTimeToDate({ year, month, day, hour, minute, second, millisecond: ms }, timeZone), text };
}

/** `Z` → 0, `+03:00` / `+0300` / `+03` → 180, `-05:30` → -330; null beyond ±14:00. */
function parseOffsetMinutes(zone: string): number | null {
  if (zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const h = Number(digits.slice(0, 2));
  const min = digits.length > 2 ? Number(digits.slice(2, 4)) : 0;
  if (h > 14 || min > 59 || (h === 14 && min > 0)) return null;
  return sign * (h * 60 + min);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'an empty string';
  return `a ${Array.isArray(v) ? 'list' : typeof v}`;
}
