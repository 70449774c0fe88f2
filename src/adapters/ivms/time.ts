/**
 * IVMS alert times: `eventTime` is a wall-clock `YYYY-MM-DD HH:MM:SS` without an offset, read in
 * the configured IANA zone of the IVMS server (the SDK's zonedTimeToDate: a time in a DST gap
 * moves forward, an ambiguous one takes the earlier instant). Pure.
 */
import { zonedTimeToDate, type CameraRegistry } from '../../sdk.ts';

/** The zone of `eventTime`: one zone, or the zone of a channel (ivmsTimeZoneOf). */
export type IvmsZone = string | ((channelId: string) => string);

/**
 * The zone of a channel's alert times: the instance's `timezone` when the config sets it, else the
 * zone of the site of the channel's camera (ctx.cameras.timeZoneOf, in memory), else UTC.
 */
export const ivmsTimeZoneOf =
  (configured: string | undefined, cameras: Pick<CameraRegistry, 'timeZoneOf'>) =>
  (channelId: string): string =>
    configured ?? cameras.timeZoneOf(channelId) ?? 'UTC';

const EVENT_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3})\d*)?$/;

/** Parse an IVMS `eventTime` in `timeZone`; null when it is not a valid `YYYY-MM-DD HH:MM:SS`. */
export function parseEventTime(text: unknown, timeZone: string): Date | null {
  if (typeof text !== 'string') return null;
  const m = EVENT_TIME.exec(text.trim());
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return null; // 2017-02-30 rolls over: refuse it
  return zonedTimeToDate({ year, month, day, hour, minute, second, millisecond: ms }, timeZone);
}
