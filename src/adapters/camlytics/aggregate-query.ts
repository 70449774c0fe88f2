/**
 * Reading stored aggregates back as buckets (one per channel and period) with the count the caller
 * asked for: one rule's, one event type's, or all events. Pure.
 */
import { badInput } from '../../sdk.ts';
import type { AggregateGranularity, EventTypeCount, RuleCount, StoredAggregate } from './aggregate.ts';

export interface AggregateFilter {
  granularity?: AggregateGranularity | null;
  channelId?: string | null;
  ruleId?: string | null;
  ruleName?: string | null;
  eventType?: string | null;
}

export interface AggregateBucket {
  instance: string;
  granularity: AggregateGranularity;
  channelId: string;
  channelName: string | null;
  since: Date;
  until: Date;
  /** The selected count: the rule's, the event type's, or (no rule/type filter) every event's. */
  count: number;
  /** Per event type; only the selected type when filtered by eventType. */
  eventTypes: EventTypeCount[];
  /** Per rule; only the selected rule when filtered by ruleId/ruleName. */
  rules: RuleCount[];
}

/**
 * JSON containment for the record store: only buckets of this granularity/channel that report the
 * rule or event type. Rule and event-type counts are separate breakdowns of the same events (the
 * vendor does not cross them), so asking for both at once has no answer.
 */
export function aggregateMatch(f: AggregateFilter): Record<string, unknown> {
  const byRule = !!(f.ruleId || f.ruleName);
  if (byRule && f.eventType) {
    throw badInput('ruleId/ruleName and eventType select different breakdowns of the same events (Camlytics counts per rule and per event type separately): give one of them', { field: 'eventType' });
  }
  const match: Record<string, unknown> = {};
  if (f.granularity) match.granularity = f.granularity;
  if (f.channelId) match.channelId = f.channelId;
  if (byRule) match.rules = [{ ...(f.ruleId ? { ruleId: f.ruleId } : {}), ...(f.ruleName ? { ruleName: f.ruleName } : {}) }];
  if (f.eventType) match.eventTypes = [{ eventType: f.eventType }];
  return match;
}

export function toBucket(instance: string, a: StoredAggregate, f: AggregateFilter): AggregateBucket {
  const rules = f.ruleId || f.ruleName ? a.rules.filter((r) => (!f.ruleId || r.ruleId === f.ruleId) && (!f.ruleName || r.ruleName === f.ruleName)) : a.rules;
  const eventTypes = f.eventType ? a.eventTypes.filter((e) => e.eventType === f.eventType) : a.eventTypes;
  const sum = (xs: Array<{ count: number }>) => xs.reduce((n, x) => n + x.count, 0);
  const count = f.ruleId || f.ruleName ? sum(rules) : f.eventType || a.eventTypes.length ? sum(eventTypes) : sum(rules);
  return {
    instance,
    granularity: a.granularity,
    channelId: a.channelId,
    channelName: a.channelName,
    since: new Date(a.since),
    until: new Date(a.until),
    count,
    eventTypes,
    rules,
  };
}

/** A stored record's data, if it has the aggregate shape (records written by older versions are skipped). */
export function asStoredAggregate(data: unknown): StoredAggregate | null {
  if (typeof data !== 'object' || data === null) return null;
  const a = data as Partial<StoredAggregate>;
  if ((a.granularity !== 'HOURLY' && a.granularity !== 'DAILY') || typeof a.channelId !== 'string' || typeof a.since !== 'string' || typeof a.until !== 'string') return null;
  return { ...a, eventTypes: Array.isArray(a.eventTypes) ? a.eventTypes : [], rules: Array.isArray(a.rules) ? a.rules : [] } as StoredAggregate;
}
