/** REST and webhook event shapes → one normalised record → EventInput; the shared dedupe key. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { camlyticsDedupeKey, mapCamlyticsEvent } from '../../../src/adapters/camlytics/map.ts';
import { parseCamlyticsEvent, parseRestEventList } from '../../../src/adapters/camlytics/parse.ts';
import { camlyticsKind } from '../../../src/adapters/camlytics/types.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/camlytics/${name}`, import.meta.url), 'utf8'));
const rest: Array<Record<string, unknown>> = fixture('rest-events.json');
const immediate: Record<string, unknown> = fixture('webhook-immediate.json');

describe('Camlytics event mapping', () => {
  it('maps every documented type to its EventKind and unknown ones to ANALYTICS_ALERT', () => {
    const expected: Record<string, string> = {
      TripwireCrossed: 'LINE_CROSSED',
      RegionJoin: 'ZONE_ENTERED',
      RegionLeave: 'ZONE_LEFT',
      MotionInRegionOn: 'MOTION_STARTED',
      MotionInRegionOff: 'MOTION_ENDED',
      Loitering: 'LOITERING',
      CrowdOn: 'CROWD_APPEARED',
      CrowdOff: 'CROWD_DISAPPEARED',
      Tailgating: 'TAILGATING',
      AbandonedObject: 'OBJECT_ABANDONED',
      ObjectAppear: 'OBJECT_APPEARED',
      ObjectDisappear: 'OBJECT_DISAPPEARED',
      Sabotage: 'CAMERA_TAMPERED',
      CameraDisconnected: 'CAMERA_DISCONNECTED',
    };
    for (const [type, kind] of Object.entries(expected)) expect(camlyticsKind(type), type).toBe(kind);
    expect(camlyticsKind('SpeedLimitExceeded')).toBe('ANALYTICS_ALERT');
  });

  it('maps the seed immediate webhook: AnalyticsEvent fields, camera, exact time, label', () => {
    const input = mapCamlyticsEvent(parseCamlyticsEvent(immediate, 'webhook'));
    expect(input).toMatchObject({
      typeName: 'CamlyticsEvent',
      kind: 'LINE_CROSSED',
      vendorType: 'TripwireCrossed',
      camera: { vendorId: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339', name: 'Integrated Camera' },
      analytics: { ruleId: '471fa55d-967b-46a7-b77f-5b9ce6af82ee', ruleName: 'Line 1', objectClass: 'Pedestrian', objectId: '9' },
      data: { eventId: null, eventName: 'Line crossed', timeText: '2019-05-20T18:02:51.2984871+03:00', snapshotPath: null, deliveredBy: 'WEBHOOK' },
      raw: immediate,
    });
    expect((input.occurredAt as Date).toISOString()).toBe('2019-05-20T15:02:51.298Z');
  });

  it('maps REST events with the Camlytics fields beside; unknown types keep vendorType; Guid.Empty is no rule', () => {
    const { events, rejected } = parseRestEventList(rest);
    expect(rejected).toEqual([]);
    const [disappear, crossed, future] = events.map(mapCamlyticsEvent);
    expect(crossed).toMatchObject({
      kind: 'LINE_CROSSED',
      data: {
        eventId: '9b1e6a4c-3d2f-4e8a-b7c6-5d4e3f2a1b09',
        eventName: 'Line crossed',
        videoFileName: 'Integrated Camera_2019-05-20_18-00-00.mp4',
        videoFileTime: '00:02:51.2984871',
        deliveredBy: 'POLL',
      },
    });
    expect(crossed.data!.snapshotPath).toMatch(/^C:\\Users\\.*18-02-51-298_9\.jpg$/);
    expect(disappear).toMatchObject({ kind: 'OBJECT_DISAPPEARED', analytics: { ruleId: null, ruleName: null, objectId: '9' } });
    expect(future).toMatchObject({ kind: 'ANALYTICS_ALERT', vendorType: 'PersonFall', data: { eventName: 'PersonFall', snapshotPath: null } });
  });

  it('gives the REST event and the webhook of the same real event the same dedupe key', () => {
    const viaPoll = mapCamlyticsEvent(parseRestEventList(rest).events[1]);
    const viaHook = mapCamlyticsEvent(parseCamlyticsEvent(immediate, 'webhook'));
    expect(viaPoll.dedupeKey).toBe(viaHook.dedupeKey);
    expect(viaPoll.dedupeKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('dedupe key: same for equivalent spellings, different for a different object, rule, type or millisecond', () => {
    const base = parseCamlyticsEvent(immediate, 'webhook');
    const key = (over: Record<string, unknown>) => camlyticsDedupeKey(parseCamlyticsEvent({ ...immediate, ...over }, 'webhook'));
    expect(key({ object_id: '9' })).toBe(camlyticsDedupeKey(base));
    expect(key({ event_time: '2019-05-20T15:02:51.2989999Z' })).toBe(camlyticsDedupeKey(base)); // same ms, other zone
    expect(key({ rule_id: '471FA55D-967B-46A7-B77F-5B9CE6AF82EE' })).toBe(camlyticsDedupeKey(base));
    expect(key({ object_id: 10 })).not.toBe(camlyticsDedupeKey(base));
    expect(key({ rule_id: '689351ab-239c-420f-b22e-cfc27fce6806' })).not.toBe(camlyticsDedupeKey(base));
    expect(key({ event_type: 'RegionJoin' })).not.toBe(camlyticsDedupeKey(base));
    expect(key({ event_time: '2019-05-20T18:02:51.2994871+03:00' })).not.toBe(camlyticsDedupeKey(base));
    // "no rule" and "no object" spelled differently by the two paths
    const none = { event_type: 'Sabotage', rule_id: '00000000-0000-0000-0000-000000000000', object_id: 0 };
    expect(key(none)).toBe(key({ ...none, rule_id: undefined, object_id: undefined }));
    expect(key(none)).toBe(key({ ...none, rule_id: '', object_id: '0' }));
  });
});

describe('parseRestEventList', () => {
  it('skips unreadable items (named by index and event_id) and keeps the rest', () => {
    const { events, rejected } = parseRestEventList([rest[1], { event_id: 'x1', channel_id: 'c', type: 'TripwireCrossed' }, 'junk', { ...rest[0], object_id: { a: 1 } }]);
    expect(events).toHaveLength(1);
    expect(rejected.map((r) => [r.index, r.eventId, r.error.code])).toEqual([
      [1, 'x1', 'BAD_USER_INPUT'],
      [2, null, 'BAD_USER_INPUT'],
      [3, rest[0].event_id, 'BAD_USER_INPUT'],
    ]);
    expect(rejected[0].error.message).toBe('time: required');
    expect(rejected[2].error.message).toBe('object_id: expected a string or number, got object');
  });

  it('accepts an empty array and { events: [...] }; anything else is VENDOR_REJECTED', () => {
    expect(parseRestEventList([]).events).toEqual([]);
    expect(parseRestEventList({ events: [rest[1]] }).events).toHaveLength(1);
    expect(() => parseRestEventList({ Message: 'error' })).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED', message: 'events: expected a JSON array, got an object' }));
    expect(() => parseRestEventList(null)).toThrow(expect.objectContaining({ code: 'VENDOR_REJECTED' }));
  });

  it('falls back to timestamp (epoch ms) when time is missing', () => {
    const { events } = parseRestEventList([{ ...rest[1], time: undefined }]);
    expect(events[0].time.date.toISOString()).toBe('2019-05-20T15:02:51.298Z');
  });
});

describe('parseCamlyticsEvent errors name the field', () => {
  it.each([
    [{ ...immediate, channel_id: undefined }, 'channel_id: required'],
    [{ ...immediate, channel_id: '' }, 'channel_id: required'],
    [{ ...immediate, event_type: undefined, type: undefined }, 'event_type: required'],
    [{ ...immediate, event_time: 'soon' }, /^event_time: not a date-time/],
    [{ ...immediate, rule_name: ['Line 1'] }, 'rule_name: expected a string or number, got a list'],
    [{ ...immediate, channel_name: true }, 'channel_name: expected a string or number, got boolean'],
    [[immediate], 'event: expected a JSON object, got a list'],
  ])('%#', (body, message) => {
    expect(() => parseCamlyticsEvent(body, 'webhook')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: typeof message === 'string' ? message : expect.stringMatching(message) }));
  });
});
