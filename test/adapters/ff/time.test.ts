import { describe, expect, it } from 'vitest';
import { parseFfDatetime } from '../../../src/adapters/ff/parse.ts';
import { ffOccurredAt, zonedTimeToUtc, zoneOffsetMs } from '../../../src/adapters/ff/time.ts';
import { AppError } from '../../../src/core/errors.ts';

const at = (datetime: string, captureTimestamp: number | null = null) => ({
  captureTimestamp,
  datetime: parseFfDatetime(datetime),
});
const iso = (d: Date) => d.toISOString();

describe('ffOccurredAt', () => {
  it('uses capture_timestamp (UTC ms) when present: the manual sample', () => {
    expect(iso(ffOccurredAt(at('20240614 160436372', 1718373876372), 'Europe/Prague'))).toBe(
      '2024-06-14T14:04:36.372Z',
    );
  });

  it('prefers capture_timestamp even when datetime disagrees', () => {
    expect(iso(ffOccurredAt(at('20200101 000000000', 1718373876372), 'UTC'))).toBe('2024-06-14T14:04:36.372Z');
  });

  it('reads datetime in the configured zone: the manual sample in Europe/Prague (CEST)', () => {
    expect(iso(ffOccurredAt(at('20240614 160436372'), 'Europe/Prague'))).toBe('2024-06-14T14:04:36.372Z');
  });

  it('is DST-correct: winter time in Prague is UTC+1', () => {
    expect(iso(ffOccurredAt(at('20230310 111324000'), 'Europe/Prague'))).toBe('2023-03-10T10:13:24.000Z');
  });

  it.each([
    ['UTC', '20240614 160436372', '2024-06-14T16:04:36.372Z'],
    ['America/New_York', '20240614 100436372', '2024-06-14T14:04:36.372Z'],
    ['America/New_York', '20240115 100000000', '2024-01-15T15:00:00.000Z'],
    ['Asia/Kolkata', '20240614 193436372', '2024-06-14T14:04:36.372Z'],
    ['Australia/Sydney', '20240614 000436372', '2024-06-13T14:04:36.372Z'],
  ])('in %s, %s is %s', (zone, dt, expected) => {
    expect(iso(ffOccurredAt(at(dt), zone))).toBe(expected);
  });

  it('uses an explicit ±HHMM offset instead of the configured zone', () => {
    expect(iso(ffOccurredAt(at('20240614 160436372+0200'), 'America/New_York'))).toBe('2024-06-14T14:04:36.372Z');
    expect(iso(ffOccurredAt(at('20240614 083436372-0530'), 'Europe/Prague'))).toBe('2024-06-14T14:04:36.372Z');
    expect(iso(ffOccurredAt(at('20240614 140436372Z'), 'Europe/Prague'))).toBe('2024-06-14T14:04:36.372Z');
  });

  it('throws BAD_USER_INPUT when there is no time at all', () => {
    expect(() => ffOccurredAt({ captureTimestamp: null, datetime: null }, 'UTC')).toThrow(AppError);
  });

  it('throws BAD_USER_INPUT naming timeZone for an unknown zone', () => {
    try {
      ffOccurredAt(at('20240614 160436372'), 'Mars/Olympus_Mons');
      expect.unreachable();
    } catch (e) {
      expect((e as AppError).code).toBe('BAD_USER_INPUT');
      expect((e as AppError).details).toEqual({ field: 'timeZone' });
    }
  });
});

describe('zone arithmetic', () => {
  it('computes offsets with Intl, including DST', () => {
    expect(zoneOffsetMs(Date.UTC(2024, 5, 14, 12), 'Europe/Prague')).toBe(2 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2024, 0, 14, 12), 'Europe/Prague')).toBe(3600_000);
    expect(zoneOffsetMs(Date.UTC(2024, 0, 14, 12), 'America/New_York')).toBe(-5 * 3600_000);
    expect(zoneOffsetMs(Date.UTC(2024, 0, 14, 12), 'Asia/Kolkata')).toBe(5.5 * 3600_000);
  });

  it('handles the hours around the spring transition (Prague, 2024-03-31 02:00 -> 03:00)', () => {
    const wall = (h: number, m: number) => ({ year: 2024, month: 3, day: 31, hour: h, minute: m, second: 0, millisecond: 0 });
    expect(new Date(zonedTimeToUtc(wall(1, 59), 'Europe/Prague')).toISOString()).toBe('2024-03-31T00:59:00.000Z');
    expect(new Date(zonedTimeToUtc(wall(3, 0), 'Europe/Prague')).toISOString()).toBe('2024-03-31T01:00:00.000Z');
    // 02:30 does not exist: read with the pre-transition offset (+01:00).
    expect(new Date(zonedTimeToUtc(wall(2, 30), 'Europe/Prague')).toISOString()).toBe('2024-03-31T01:30:00.000Z');
  });

  it('picks the earlier instant for an ambiguous autumn time (Prague, 2024-10-27 02:30)', () => {
    const wall = (h: number) => ({ year: 2024, month: 10, day: 27, hour: h, minute: 30, second: 0, millisecond: 0 });
    expect(new Date(zonedTimeToUtc(wall(2), 'Europe/Prague')).toISOString()).toBe('2024-10-27T00:30:00.000Z');
    expect(new Date(zonedTimeToUtc(wall(3), 'Europe/Prague')).toISOString()).toBe('2024-10-27T02:30:00.000Z');
    expect(new Date(zonedTimeToUtc(wall(1), 'Europe/Prague')).toISOString()).toBe('2024-10-26T23:30:00.000Z');
  });

  it('round-trips every third hour of a year in Europe/Prague', () => {
    const start = Date.UTC(2024, 0, 1);
    for (let t = start; t < start + 366 * 86_400_000; t += 3 * 3600_000 + 17_123) {
      const local = new Date(t + zoneOffsetMs(t, 'Europe/Prague'));
      const parts = {
        year: local.getUTCFullYear(),
        month: local.getUTCMonth() + 1,
        day: local.getUTCDate(),
        hour: local.getUTCHours(),
        minute: local.getUTCMinutes(),
        second: local.getUTCSeconds(),
        millisecond: local.getUTCMilliseconds(),
      };
      const back = zonedTimeToUtc(parts, 'Europe/Prague');
      // Ambiguous autumn hour: the earlier instant is returned (one hour before t).
      expect([t, t - 3600_000]).toContain(back);
      if (back !== t) expect(parts).toMatchObject({ month: 10, day: 27, hour: 2 });
    }
  });
});
