/**
 * When an FF event happened: `capture_timestamp` (epoch ms, UTC) is canonical; without it the
 * camera-local `datetime` is read with its own ±HHMM offset, else in the configured IANA zone
 * (the SDK's zonedTimeToDate: a time in a DST gap moves forward, an ambiguous one takes the
 * earlier instant). Pure.
 */
import { badInput, zonedTimeToDate, type CameraRegistry } from '../../sdk.ts';
import type { FfEvent } from './parse.ts';

/**
 * The zone of a camera's local times: the instance's `timezone` when the config sets it, else the
 * zone of the camera's site (ctx.cameras.timeZoneOf, in memory), else UTC.
 */
export const ffTimeZoneOf =
  (configured: string | undefined, cameras: Pick<CameraRegistry, 'timeZoneOf'>) =>
  (deviceId: string): string =>
    configured ?? cameras.timeZoneOf(deviceId) ?? 'UTC';

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
  return zonedTimeToDate(dt, timeZone);
}
