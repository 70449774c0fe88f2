/** Webhook shape detection, hourly/daily aggregates, and reading them back as buckets. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateKey, classifyWebhook, granularityOf, type StoredAggregate } from '../../../src/adapters/camlytics/aggregate.ts';
import { aggregateMatch, asStoredAggregate, toBucket } from '../../../src/adapters/camlytics/aggregate-query.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../fixtures/camlytics/${name}`, import.meta.url), 'utf8'));
const hourly: Record<string, unknown> = fixture('webhook-aggregate-hourly.json');
const immediate: Record<string, unknown> = fixture('webhook-immediate.json');
const daily = { ...hourly, since_time: '2019-05-19T00:00:00.4024906+03:00', until_time: '2019-05-20T00:00:00.4024906+03:00' };

function aggregate(body: unknown): StoredAggregate {
  const r = classifyWebhook(body);
  if (r.kind !== 'aggregate') throw new Error(`expected an aggregate, got ${r.kind}`);
  return r.aggregate;
}

describe('classifyWebhook', () => {
  it('tells the seed immediate event from the seed aggregate by shape', () => {
    expect(classifyWebhook(immediate).kind).toBe('immediate');
    const a = aggregate(hourly);
    expect(a).toMatchObject({
      granularity: 'HOURLY',
      channelId: 'ddbbe807-8560-4bc7-b04b-4b3b04c69339',
      channelName: 'Integrated Camera',
      since: '2019-05-20T14:00:00.402Z',
      until: '2019-05-20T15:00:00.402Z',
      sinceText: '2019-05-20T17:00:00.4024906+03:00',
    });
    expect(a.eventTypes).toHaveLength(14);
    expect(a.eventTypes[0]).toEqual({ eventType: 'TripwireCrossed', eventName: 'Line crossed', count: 5 });
    expect(a.rules).toContainEqual({ ruleId: '471fa55d-967b-46a7-b77f-5b9ce6af82ee', ruleName: 'Line 1', count: 1 });
  });

  it('tells daily from hourly by until_time - since_time (DST days too)', () => {
    expect(aggregate(daily).granularity).toBe('DAILY');
    expect(granularityOf(3_600_000)).toBe('HOURLY');
    expect(granularityOf(23 * 3_600_000)).toBe('DAILY');
    expect(granularityOf(25 * 3_600_000)).toBe('DAILY');
    expect(granularityOf(6 * 3_600_000)).toBeNull();
    expect(granularityOf(0)).toBeNull();
  });

  it.each([
    ['a list', [hourly], 'body: expected a JSON object, got a list'],
    ['an unknown shape', { hello: 'world' }, /^body: neither an immediate event .* nor an aggregate/],
    ['no channel', { ...hourly, channel_id: undefined }, 'channel_id: required'],
    ['no until_time', { ...hourly, until_time: undefined }, /^until_time: expected a date-time/],
    ['a 6-hour span', { ...hourly, until_time: '2019-05-20T23:00:00.4024906+03:00' }, 'until_time is 360 minutes after since_time: neither hourly (60 min) nor daily (24 h)'],
    ['until before since', { ...hourly, until_time: '2019-05-20T16:00:00+03:00' }, 'until_time is not after since_time'],
    ['no counts at all', { channel_id: 'c', since_time: hourly.since_time, until_time: hourly.until_time }, /^event_type_aggregate or rule_id_aggregate: required/],
    ['counts not a list', { ...hourly, rule_id_aggregate: { a: 1 } }, 'rule_id_aggregate: expected a list, got object'],
    ['a negative count', { ...hourly, event_type_aggregate: [{ event_type: 'TripwireCrossed', event_count: -1 }] }, 'event_type_aggregate[0].event_count: expected a non-negative integer, got -1'],
    ['an entry without id', { ...hourly, rule_id_aggregate: [{ event_count: 1, rule_name: 'x' }] }, 'rule_id_aggregate[0].rule_id: required'],
    ['a bad entry field', { ...hourly, rule_id_aggregate: [{ event_count: 1, rule_id: 'r', rule_name: {} }] }, 'rule_id_aggregate[0].rule_name: expected a string or number, got object'],
  ])('rejects %s with BAD_USER_INPUT naming it', (_what, body, message) => {
    expect(() => classifyWebhook(body)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', message: typeof message === 'string' ? message : expect.stringMatching(message) }));
  });

  it('keys a record by granularity, channel and period, so a re-send replaces it', () => {
    const a = aggregate(hourly);
    expect(aggregateKey(a)).toBe(aggregateKey(aggregate({ ...hourly, event_type_aggregate: [] })));
    expect(aggregateKey(a)).not.toBe(aggregateKey(aggregate(daily)));
  });
});

describe('aggregate buckets', () => {
  const a = aggregate(hourly);
  it('counts the selected rule, event type, or all events', () => {
    expect(toBucket('office', a, {}).count).toBe(5 + 3 + 2 + 5 + 4 + 1);
    const line1 = toBucket('office', a, { ruleName: 'Line 1' });
    expect(line1.count).toBe(1);
    expect(line1.rules).toEqual([{ ruleId: '471fa55d-967b-46a7-b77f-5b9ce6af82ee', ruleName: 'Line 1', count: 1 }]);
    expect(toBucket('office', a, { ruleId: '689351ab-239c-420f-b22e-cfc27fce6806' }).count).toBe(2);
    const crossings = toBucket('office', a, { eventType: 'TripwireCrossed' });
    expect(crossings).toMatchObject({ count: 5, eventTypes: [{ eventType: 'TripwireCrossed', count: 5 }], since: new Date('2019-05-20T14:00:00.402Z') });
  });

  it('builds the store match and refuses rule and event type together', () => {
    expect(aggregateMatch({ granularity: 'HOURLY', channelId: 'c', ruleName: 'Line 1' })).toEqual({ granularity: 'HOURLY', channelId: 'c', rules: [{ ruleName: 'Line 1' }] });
    expect(aggregateMatch({ eventType: 'TripwireCrossed' })).toEqual({ eventTypes: [{ eventType: 'TripwireCrossed' }] });
    expect(() => aggregateMatch({ ruleId: 'r', eventType: 'TripwireCrossed' })).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });

  it('skips records that are not aggregates', () => {
    expect(asStoredAggregate({ foo: 1 })).toBeNull();
    expect(asStoredAggregate(null)).toBeNull();
    expect(asStoredAggregate(JSON.parse(JSON.stringify(a)))).toEqual(a);
  });
});
