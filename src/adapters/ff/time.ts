/**
 * When an FF event happened: `capture_timestamp` (epoch ms, UTC) is canonical; without it the
 * camera-local `datetime` is read with its own ±HHMM offset, else in the configured IANA zone.
 * Pure; zone offsets come from Intl.DateTimeFormat (DST-correct, no dependencies).
 */
import { badInput } from '../../sdk.ts';
import type { FfDatetime, FfEvent } from './parse.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
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
    } catch {
      throw badInput(`timeZone: expected an IANA time zone, got ${JSON.stringify(timeZone)}`, {
        field: 'timeZone',
      });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at the instant `utcMs`, in ms (e.g. +7200000 for CEST). */
export function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(whole))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - whole;
}

/**
 * The UTC instant of a wall-clock time in `timeZone`. In a DST gap (a time that does not exist)
 * the pre-transition offset is used; for an ambiguous time (clocks going back) the earlier instant.
 */
export function zonedTimeToUtc(
  t: Pick<FfDatetime, 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'>,
  timeZone: string,
): number {
  const wall = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second, t.millisecond);
  // Candidate offsets: the zone's offset a day either side of the wall time covers any transition.
  const before = zoneOffsetMs(wall - 86_400_000, timeZone);
  const after = zoneOffsetMs(wall + 86_400_000, timeZone);
  const candidates = [wall - before, wall - after].filter(
    (utc) => utc + zoneOffsetMs(utc, timeZone) === wall,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before; // DST gap: no instant shows this wall time
}

/** The instant an FF event occurred (see module doc). Throws badInput when neither time is usable. */
export function ffOccurredAt(ev: Pick<FfEvent, 'captureTimestamp' | 'datetime'>, timeZone: string): Date {
  if (ev.captureTimestamp !== null) return new Date(ev.captureTimestamp);
  const dt = ev.datetime;
  if (!dt) {
    throw badInput('capture_timestamp or datetime: required to know when the event happened', {
      field: 'capture_timestamp',
    });
  }
  if (dt.offsetMinutes !== null) {
    const wall = Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond);
    return new Date(wall - dt.offsetMinutes * 60_000);
  }
  return new Date(zonedTimeToUtc(dt, timeZone));
}
