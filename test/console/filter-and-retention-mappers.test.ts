/**
 * The console's pure mappers behind the Rules, Sinks and Admin pages: filter picks → EventFilter, a
 * stored filter in words (ids by name), retention policies ↔ editable rows, byte counts in words, the
 * event kinds from an introspection answer.
 */
import { describe, expect, it } from 'vitest';
import { describeFilter } from '../../console/src/lib/describe-filter.ts';
import { NO_PICKS, toEventFilter } from '../../console/src/lib/filter-picks.ts';
import { filterNames } from '../../console/src/lib/filter-names.ts';
import { formatBytes } from '../../console/src/lib/format.ts';
import { kindsFromIntrospection } from '../../console/src/lib/event-kinds.ts';
import { EMPTY_RETENTION_ROW, toRetentionInput, toRetentionRow } from '../../console/src/lib/retention-rows.ts';

describe('toEventFilter', () => {
  it('leaves out what was not picked (nothing picked: every event)', () => {
    expect(toEventFilter(NO_PICKS)).toEqual({});
    expect(toEventFilter({ ...NO_PICKS, plate: '   ' })).toEqual({});
  });
  it('keeps the picks and trims the plate', () => {
    expect(toEventFilter({ cameraIds: ['c1'], kinds: ['PLATE_READ'], plateListIds: ['l1', 'l2'], plate: ' 1AB* ' })).toEqual({
      cameraIds: ['c1'],
      kinds: ['PLATE_READ'],
      plateListIds: ['l1', 'l2'],
      plate: '1AB*',
    });
  });
});

describe('describeFilter', () => {
  it('says every event for no filter or an empty one', () => {
    expect(describeFilter(null)).toBe('every event');
    expect(describeFilter({})).toBe('every event');
  });
  it('names ids it knows and keeps the others', () => {
    const names = { 'ff/default/GATE-NORTH': 'North gate', l1: 'Visitors' };
    expect(describeFilter({ kinds: ['PLATE_READ', 'LINE_CROSSED'], cameraIds: ['ff/default/GATE-NORTH', 'x9'], plateListIds: ['l1'] }, names)).toBe(
      'PLATE_READ or LINE_CROSSED · cameras North gate, x9 · list Visitors',
    );
  });
  it('shows plates, fuzzy plates, times and fields it does not know', () => {
    expect(describeFilter({ plate: '1AB*', plateFuzzy: { plate: 'C0N1234', maxDistance: 2 }, from: '2026-01-01T00:00:00Z', extra: 1 })).toBe(
      'plate 1AB* · plate ≈ C0N1234 (±2) · from 2026-01-01T00:00:00Z · + extra',
    );
  });
});

describe('filterNames', () => {
  it('names a camera by id, key and each source internal id; lists and sinks by id', () => {
    const names = filterNames({
      cameras: { edges: [{ node: { id: 'Q2FtOjE=', key: 'gate-north', name: 'North gate', capabilities: [], sources: [{ adapter: 'ff', instance: 'default', vendorId: 'GATE-NORTH' }] } }] },
      plateLists: [{ id: 'l1', name: 'Visitors', kind: 'WATCH' }],
      sinks: [{ id: 's1', name: 'Receiver', kind: 'WEBHOOK' }],
    });
    expect(names).toEqual({ 'Q2FtOjE=': 'North gate', 'gate-north': 'North gate', 'ff/default/GATE-NORTH': 'North gate', l1: 'Visitors', s1: 'Receiver' });
    expect(filterNames(null)).toEqual({});
  });
});

describe('retention rows', () => {
  it('round-trips a policy through its editable row', () => {
    const policy = { kinds: ['MOTION_STARTED', 'MOTION_ENDED'], adapters: null, cameraIds: ['gate-north'], siteIds: null, events: '30d', media: '7d' };
    const row = toRetentionRow(policy);
    expect(row).toEqual({ kinds: 'MOTION_STARTED, MOTION_ENDED', adapters: '', cameraIds: 'gate-north', siteIds: '', events: '30d', media: '7d' });
    expect(toRetentionInput(row)).toEqual(policy);
  });
  it('reads empty text as an absent list or duration, and drops empty items', () => {
    expect(toRetentionInput(EMPTY_RETENTION_ROW)).toEqual({ kinds: null, adapters: null, cameraIds: null, siteIds: null, events: null, media: null });
    expect(toRetentionInput({ ...EMPTY_RETENTION_ROW, adapters: ' ff, ,ivms/hq ', events: ' 12h ' })).toMatchObject({ adapters: ['ff', 'ivms/hq'], events: '12h' });
  });
});

describe('formatBytes', () => {
  it('uses binary units with one decimal', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
    expect(formatBytes(null)).toBe('—');
  });
});

describe('kindsFromIntrospection', () => {
  it("takes the enum's names, in the server's order", () => {
    expect(kindsFromIntrospection({ enumValues: [{ name: 'PLATE_READ' }, { name: 'DOOR_OPENED' }] })).toEqual(['PLATE_READ', 'DOOR_OPENED']);
  });
  it('gives null (the core kinds are used) when the type is missing or has no values', () => {
    expect(kindsFromIntrospection(null)).toBeNull();
    expect(kindsFromIntrospection({ enumValues: null })).toBeNull();
    expect(kindsFromIntrospection({ enumValues: [] })).toBeNull();
  });
});
