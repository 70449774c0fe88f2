/**
 * Webhook bodies: immediate event or hourly/daily aggregate, told apart by shape (aggregates carry
 * `since_time`/`until_time` and `*_aggregate` arrays); hourly vs daily by `until_time - since_time`.
 * Also the stored form of an aggregate (a record per channel and period). Pure.
 */
import { badInput } from '../../sdk.ts';
import { isPlainObject, parseCamlyticsEvent, textField, type CamlyticsEventRecord } from './parse.ts';
import { parseCamlyticsTime, type CamlyticsZone } from './time.ts';

export const AGGREGATE_GRANULARITIES = ['HOURLY', 'DAILY'] as const;
export type AggregateGranularity = (typeof AGGREGATE_GRANULARITIES)[number];

export interface EventTypeCount {
  eventType: string;
  eventName: string | null;
  count: number;
}
export interface RuleCount {
  ruleId: string;
  ruleName: string | null;
  count: number;
}

/** An aggregate as stored in the `aggregates` record collection (JSON). */
export interface StoredAggregate {
  granularity: AggregateGranularity;
  channelId: string;
  channelName: string | null;
  /** ISO-8601 UTC, milliseconds. */
  since: string;
  until: string;
  /** The vendor's texts (7-digit fractions, offset). */
  sinceText: string;
  untilText: string;
  eventTypes: EventTypeCount[];
  rules: RuleCount[];
}

export type WebhookBody = { kind: 'immediate'; event: CamlyticsEventRecord } | { kind: 'aggregate'; aggregate: StoredAggregate };

const AGGREGATE_FIELDS = ['since_time', 'until_time', 'event_type_aggregate', 'rule_id_aggregate'];

export function classifyWebhook(body: unknown, timeZone: CamlyticsZone = 'UTC'): WebhookBody {
  if (!isPlainObject(body)) throw badInput(`body: expected a JSON object, got ${Array.isArray(body) ? 'a list' : body === null ? 'null' : typeof body}`);
  if (AGGREGATE_FIELDS.some((f) => f in body)) return { kind: 'aggregate', aggregate: parseAggregate(body, timeZone) };
  if ('event_type' in body || 'type' in body) return { kind: 'immediate', event: parseCamlyticsEvent(body, 'webhook', timeZone) };
  throw badInput('body: neither an immediate event (event_type, event_time, channel_id) nor an aggregate (since_time, until_time, event_type_aggregate, rule_id_aggregate)');
}

const HOUR = 3_600_000;

/** HOURLY for a span up to 90 minutes, DAILY for 20–28 hours (DST days last 23 or 25 hours). */
export function granularityOf(spanMs: number): AggregateGranularity | null {
  if (spanMs > 0 && spanMs <= 1.5 * HOUR) return 'HOURLY';
  if (spanMs >= 20 * HOUR && spanMs <= 28 * HOUR) return 'DAILY';
  return null;
}

export function parseAggregate(o: Record<string, unknown>, zone: CamlyticsZone = 'UTC'): StoredAggregate {
  const channelId = textField(o, ['channel_id'], 200);
  if (!channelId) throw badInput('channel_id: required', { field: 'channel_id' });
  const timeZone = typeof zone === 'string' ? zone : zone(channelId);
  const since = parseCamlyticsTime(o.since_time, 'since_time', timeZone);
  const until = parseCamlyticsTime(o.until_time, 'until_time', timeZone);
  const span = until.date.getTime() - since.date.getTime();
  const granularity = granularityOf(span);
  if (!granularity) {
    const what = span <= 0 ? 'is not after since_time' : `is ${Math.round(span / 60_000)} minutes after since_time: neither hourly (60 min) nor daily (24 h)`;
    throw badInput(`until_time ${what}`, { field: 'until_time' });
  }
  if (o.event_type_aggregate === undefined && o.rule_id_aggregate === undefined) {
    throw badInput('event_type_aggregate or rule_id_aggregate: required in an aggregate', { field: 'event_type_aggregate' });
  }
  const eventTypes = listOf(o, 'event_type_aggregate', (e, at) => ({
    eventType: req(e, 'event_type', at),
    eventName: textField(e, ['event_name'], 200),
    count: countOf(e, at),
  }));
  const rules = listOf(o, 'rule_id_aggregate', (e, at) => ({
    ruleId: req(e, 'rule_id', at),
    ruleName: textField(e, ['rule_name'], 200),
    count: countOf(e, at),
  }));
  return {
    granularity,
    channelId,
    channelName: textField(o, ['channel_name'], 200),
    since: since.date.toISOString(),
    until: until.date.toISOString(),
    sinceText: since.text,
    untilText: until.text,
    eventTypes,
    rules,
  };
}

/** Record key: one per channel, granularity and period, so a re-sent aggregate replaces itself. */
export function aggregateKey(a: Pick<StoredAggregate, 'granularity' | 'channelId' | 'since'>): string {
  return `${a.granularity}|${a.channelId.toLowerCase()}|${new Date(a.since).getTime()}`;
}

function listOf<T>(o: Record<string, unknown>, field: string, item: (e: Record<string, unknown>, at: string) => T): T[] {
  const v = o[field];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw badInput(`${field}: expected a list, got ${typeof v}`, { field });
  if (v.length > 1000) throw badInput(`${field}: more than 1000 entries`, { field });
  return v.map((e, i) => {
    const at = `${field}[${i}]`;
    if (!isPlainObject(e)) throw badInput(`${at}: expected an object`, { field: at });
    try {
      return item(e, at);
    } catch (err) {
      // textField names the bare field; say which entry it was.
      if (err instanceof Error && !err.message.startsWith(at)) err.message = `${at}.${err.message}`;
      throw err;
    }
  });
}

function req(e: Record<string, unknown>, name: string, at: string): string {
  const v = textField(e, [name], 200);
  if (v === null) throw badInput(`${at}.${name}: required`, { field: `${at}.${name}` });
  return v;
}

function countOf(e: Record<string, unknown>, at: string): number {
  const v = e.event_count;
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw badInput(`${at}.event_count: expected a non-negative integer, got ${JSON.stringify(v) ?? 'nothing'}`, { field: `${at}.event_count` });
  }
  return n;
}
