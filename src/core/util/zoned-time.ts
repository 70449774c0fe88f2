/**
 * Zone arithmetic for vendors that send a local wall-clock time without an offset: the one place
 * that turns "wall-clock time + IANA zone" into an instant. Parsing each vendor's text stays in its
 * adapter (pure); this only does the zone part, with Temporal (polyfill) rather than hand-rolled
 * Intl offset probing.
 */
import { Temporal } from 'temporal-polyfill';
import { badInput } from '../errors.ts';

/** A calendar date and time of day as a clock in some zone shows it (month 1–12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const knownZones = new Set<string>();
/** `+05:30`, `-0800`, `+01`: a fixed offset, not a named zone. */
const OFFSET_ID = /^[+\-\u2212]\d/;

/**
 * Is `name` an IANA time zone (e.g. `Europe/Prague`, `UTC`; case-insensitive)? Offset-only ids
 * such as `+05:30`, which Temporal would accept, are refused: a camera or server is configured
 * with a named zone, so its DST changes are followed.
 */
export function isTimeZone(name: string): boolean {
  if (knownZones.has(name)) return true;
  if (OFFSET_ID.test(name)) return false; // Intl accepts offset ids since Node 24 (ECMA-402 2024); refused on every Node
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
  } catch {
    return false;
  }
  knownZones.add(name);
  return true;
}

/**
 * The instant a wall-clock time in `timeZone` names, with Temporal's "compatible" disambiguation:
 * a time in a DST gap (it never appears on the clock) moves forward by the gap, i.e. is read with
 * the offset before the transition (Prague 2024-03-31 02:30 → 03:30+02:00); an ambiguous time in
 * a fold (clocks going back) takes the earlier offset (Prague 2024-10-27 02:30 → 02:30+02:00).
 * Throws BAD_USER_INPUT naming `timeZone` for an unknown zone and naming `time` for a wall time
 * that is not on the calendar (February 30th, hour 24): adapters validate both before calling.
 */
export function zonedTimeToDate(wall: WallTime, timeZone: string): Date {
  if (!isTimeZone(timeZone)) {
    throw badInput(`timeZone: expected an IANA time zone (e.g. Europe/Prague), got ${JSON.stringify(timeZone)}`, { field: 'timeZone' });
  }
  let local: Temporal.PlainDateTime;
  try {
    const { year, month, day, hour, minute, second, millisecond } = wall;
    local = Temporal.PlainDateTime.from({ year, month, day, hour, minute, second, millisecond }, { overflow: 'reject' });
  } catch {
    throw badInput(`time: not a real calendar time: ${JSON.stringify(wall)}`, { field: 'time' });
  }
  return new Date(local.toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds);
}
