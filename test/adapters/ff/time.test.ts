import { describe, expect, it } from 'vitest';
import { parseFfDatetime } from '../../../src/adapters/ff/parse.ts';
import { ffOccurredAt } from '../../../src/adapters/ff/time.ts';
import { AppError } from '../../../src/core/errors.ts';

const at = (datetime: string, captureTimestamp: number | null = null) => ({
  captureTimestamp,
  datetime: parseFfDatetime(datetime),
});
const iso = (d: Date) => d.toISOString();

describe('ffOccurredAt', () => {
  it('uses capture_timestamp (UTC ms) when present: the manual sample', () => {
    expect(iso(ffOccurredAt(at('20240614 160436372', 1718373876372), 'Europe/Prague'))).toBe('2024-06-14T14:04:36.372Z');
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

  it('reads a datetime in a DST gap forward and one in a fold with the earlier offset (Prague)', () => {
    expect(iso(ffOccurredAt(at('20240331 023000000'), 'Europe/Prague'))).toBe('2024-03-31T01:30:00.000Z'); // = 03:30+02:00
    expect(iso(ffOccurredAt(at('20241027 023000000'), 'Europe/Prague'))).toBe('2024-10-27T00:30:00.000Z'); // = 02:30+02:00
  });

  it('reads a datetime in a quarter-hour zone (Asia/Kathmandu, +05:45)', () => {
    expect(iso(ffOccurredAt(at('20240614 194936372'), 'Asia/Kathmandu'))).toBe('2024-06-14T14:04:36.372Z');
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
