/** Wall-clock time + IANA zone → instant: offsets, DST gap and fold ("compatible"), odd offsets, bad input. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/core/errors.ts';
import { isTimeZone, zonedTimeToDate, type WallTime } from '../../src/core/util/zoned-time.ts';

const wall = (text: string): WallTime => {
  const [year, month, day, hour, minute, second = 0, millisecond = 0] = text.split(/[-T:.]/).map(Number);
  return { year, month, day, hour, minute, second, millisecond };
};
const at = (text: string, zone: string) => zonedTimeToDate(wall(text), zone).toISOString();

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    return e as AppError;
  }
  return expect.unreachable('expected a throw');
}

describe('zonedTimeToDate', () => {
  it.each([
    ['2024-06-14T16:04:36.372', 'UTC', '2024-06-14T16:04:36.372Z'],
    ['2024-06-14T12:00', 'Europe/Prague', '2024-06-14T10:00:00.000Z'], // CEST, +02:00
    ['2024-01-14T12:00', 'Europe/Prague', '2024-01-14T11:00:00.000Z'], // CET, +01:00
    ['2024-01-14T12:00', 'America/New_York', '2024-01-14T17:00:00.000Z'],
    ['2024-06-14T00:04:36.372', 'Australia/Sydney', '2024-06-13T14:04:36.372Z'],
  ])('reads %s in %s as %s', (text, zone, expected) => {
    expect(at(text, zone)).toBe(expected);
  });

  it.each([
    ['Asia/Kolkata', '2024-06-14T19:34:36.372', '2024-06-14T14:04:36.372Z'], // +05:30
    ['Asia/Kathmandu', '2024-06-14T19:49:36.372', '2024-06-14T14:04:36.372Z'], // +05:45
    ['America/St_Johns', '2024-01-15T10:00', '2024-01-15T13:30:00.000Z'], // -03:30
    ['America/St_Johns', '2024-07-15T10:00', '2024-07-15T12:30:00.000Z'], // -02:30 (DST)
    ['Australia/Adelaide', '2024-01-15T10:00', '2024-01-14T23:30:00.000Z'], // +10:30 (DST)
    ['Australia/Adelaide', '2024-07-15T10:00', '2024-07-15T00:30:00.000Z'], // +09:30
  ])('handles half- and quarter-hour offsets: %s %s is %s', (zone, text, expected) => {
    expect(at(text, zone)).toBe(expected);
  });

  it('keeps milliseconds', () => {
    expect(at('2024-03-31T01:59:59.999', 'Europe/Prague')).toBe('2024-03-31T00:59:59.999Z');
  });

  describe('DST gap (a time no clock showed): moves forward by the gap', () => {
    it('Prague 2024-03-31 02:00 → 03:00: 02:30 is read as 03:30+02:00', () => {
      expect(at('2024-03-31T01:59', 'Europe/Prague')).toBe('2024-03-31T00:59:00.000Z');
      expect(at('2024-03-31T02:00', 'Europe/Prague')).toBe('2024-03-31T01:00:00.000Z');
      expect(at('2024-03-31T02:30', 'Europe/Prague')).toBe('2024-03-31T01:30:00.000Z');
      expect(at('2024-03-31T03:00', 'Europe/Prague')).toBe('2024-03-31T01:00:00.000Z');
    });

    it('New York 2024-03-10 02:00 → 03:00: 02:30 is 07:30Z', () => {
      expect(at('2024-03-10T02:30', 'America/New_York')).toBe('2024-03-10T07:30:00.000Z');
    });

    it('Lord Howe moves its clocks by half an hour (02:00 → 02:30): 02:15 is read as 02:45+11:00', () => {
      expect(at('2024-10-06T02:15', 'Australia/Lord_Howe')).toBe('2024-10-05T15:45:00.000Z');
      expect(at('2024-10-06T02:30', 'Australia/Lord_Howe')).toBe('2024-10-05T15:30:00.000Z');
    });
  });

  describe('DST fold (a time shown twice): takes the earlier offset, i.e. the earlier instant', () => {
    it('Prague 2024-10-27 03:00 → 02:00: 02:30 is 00:30Z, not 01:30Z', () => {
      expect(at('2024-10-27T01:30', 'Europe/Prague')).toBe('2024-10-26T23:30:00.000Z');
      expect(at('2024-10-27T02:30', 'Europe/Prague')).toBe('2024-10-27T00:30:00.000Z');
      expect(at('2024-10-27T03:30', 'Europe/Prague')).toBe('2024-10-27T02:30:00.000Z');
    });

    it('New York 2024-11-03 01:30 is EDT (05:30Z)', () => {
      expect(at('2024-11-03T01:30', 'America/New_York')).toBe('2024-11-03T05:30:00.000Z');
    });

    it('Lord Howe 2024-04-07 02:00 → 01:30: 01:45 is +11:00', () => {
      expect(at('2024-04-07T01:45', 'Australia/Lord_Howe')).toBe('2024-04-06T14:45:00.000Z');
    });
  });

  it('round-trips every 3 h 17 s of a year against Intl, the fold hour excepted', () => {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone: 'Europe/Prague',
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    const start = Date.UTC(2024, 0, 1);
    let checked = 0;
    for (let t = start; t < start + 366 * 86_400_000; t += 3 * 3600_000 + 17_123) {
      const p = Object.fromEntries(
        parts
          .formatToParts(new Date(t))
          .filter((x) => x.type !== 'literal')
          .map((x) => [x.type, Number(x.value)]),
      );
      const local: WallTime = { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, millisecond: t % 1000 };
      const back = zonedTimeToDate(local, 'Europe/Prague').getTime();
      // The ambiguous autumn hour gives the earlier instant (one hour before t).
      expect([t, t - 3600_000]).toContain(back);
      if (back !== t) expect(local).toMatchObject({ month: 10, day: 27, hour: 2 });
      checked++;
    }
    expect(checked).toBeGreaterThan(2900);
  });

  it.each(['Mars/Olympus_Mons', '', '+05:30', 'Z'])('refuses the zone %j with BAD_USER_INPUT naming timeZone', (zone) => {
    const e = thrown(() => zonedTimeToDate(wall('2024-06-14T12:00'), zone));
    expect(e).toBeInstanceOf(AppError);
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details).toEqual({ field: 'timeZone' });
    expect(e.message).toBe(`timeZone: expected an IANA time zone (e.g. Europe/Prague), got ${JSON.stringify(zone)}`);
  });

  it.each(['2023-02-29T12:00', '2024-04-31T12:00', '2024-13-01T12:00', '2024-06-14T24:00', '2024-06-14T12:60'])('refuses %s, not on the calendar, with BAD_USER_INPUT naming time', (text) => {
    const e = thrown(() => zonedTimeToDate(wall(text), 'UTC'));
    expect(e.code).toBe('BAD_USER_INPUT');
    expect(e.details).toEqual({ field: 'time' });
    expect(e.message).toMatch(/^time: not a real calendar time: /);
  });
});

describe('isTimeZone', () => {
  it.each(['UTC', 'Europe/Prague', 'europe/prague', 'Asia/Kathmandu', 'America/St_Johns', 'Etc/GMT+5'])('accepts %s', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
  });

  it.each(['Mars/Olympus_Mons', '', '+05:30', 'Z', 'Europe/Prague '])('refuses %j', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});
