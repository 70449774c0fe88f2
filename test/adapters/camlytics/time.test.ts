/** .NET round-trip times: exact parsing, truncation to ms, offsets, zones, bad input named. */
import { describe, expect, it } from 'vitest';
import { parseCamlyticsTime } from '../../../src/adapters/camlytics/time.ts';

const iso = (t: string, tz?: string) => parseCamlyticsTime(t, 'event_time', tz).date.toISOString();

describe('parseCamlyticsTime', () => {
  it('reads the seed time exactly: 7 digits truncated (not rounded) to ms, offset applied', () => {
    const t = parseCamlyticsTime('2019-05-20T18:02:51.2984871+03:00', 'event_time');
    expect(t.date.toISOString()).toBe('2019-05-20T15:02:51.298Z');
    expect(t.text).toBe('2019-05-20T18:02:51.2984871+03:00');
    expect(iso('2019-05-20T18:02:51.9999999+03:00')).toBe('2019-05-20T15:02:51.999Z'); // rounding would give .000 of the next second
  });

  it('handles Z, negative and half-hour offsets, short fractions and no fraction', () => {
    expect(iso('2024-01-01T00:00:00.1234567Z')).toBe('2024-01-01T00:00:00.123Z');
    expect(iso('2024-01-01T00:00:00.5-05:30')).toBe('2024-01-01T05:30:00.500Z');
    expect(iso('2024-01-01T23:59:59+0100')).toBe('2024-01-01T22:59:59.000Z');
    expect(iso('2024-02-29T12:00:00.12+14:00')).toBe('2024-02-28T22:00:00.120Z');
  });

  it('reads a time without offset in the configured zone (DST aware)', () => {
    expect(iso('2024-07-01T12:00:00.0000000')).toBe('2024-07-01T12:00:00.000Z');
    expect(iso('2024-07-01T12:00:00.0000000', 'Europe/Prague')).toBe('2024-07-01T10:00:00.000Z');
    expect(iso('2024-01-15T12:00:00', 'Europe/Prague')).toBe('2024-01-15T11:00:00.000Z');
    // clocks going back: the earlier instant of the ambiguous hour; forward: a time in the gap moves forward
    expect(iso('2024-10-27T02:30:00', 'Europe/Prague')).toBe('2024-10-27T00:30:00.000Z');
    expect(iso('2024-03-31T02:30:00', 'Europe/Prague')).toBe('2024-03-31T01:30:00.000Z');
    expect(iso('2024-07-01T12:00:00.1234567', 'Asia/Kolkata')).toBe('2024-07-01T06:30:00.123Z');
  });

  it.each([
    [undefined, /event_time: expected a date-time .* got nothing/],
    [12345, /event_time: expected a date-time .* got a number/],
    ['', /got an empty string/],
    ['yesterday', /event_time: not a date-time/],
    ['2019-02-30T10:00:00+00:00', /not a real calendar time/],
    ['2019-05-20T25:00:00+00:00', /not a real calendar time/],
    ['2019-05-20T10:00:00+15:00', /offset out of range/],
  ])('rejects %j with BAD_USER_INPUT naming the field', (value, message) => {
    try {
      parseCamlyticsTime(value, 'event_time');
      expect.unreachable();
    } catch (e) {
      expect(e).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'event_time' } });
      expect((e as Error).message).toMatch(message);
    }
  });
});
