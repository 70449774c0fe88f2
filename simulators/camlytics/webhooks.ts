/**
 * Camlytics webhooks as the app sends them (seed 003): a POST with a JSON body, 5 s timeout, no
 * signature. Keys are in the seed's (alphabetical) order.
 * - immediate: the event under webhook names (`event_type`, `event_origin`, `event_time`, the
 *   `event_name` label, numeric `object_id`); no `event_id` and no snapshot/video fields.
 * - hourly / daily aggregate: per channel, counts per event type (every type, zeros included) and
 *   per rule (every rule of the channel); `since_time`/`until_time` one hour / one day apart, fired
 *   at local xx:00 / 00:00 plus the app's firing latency, which both times share (seed: .4024906).
 */
import http from 'node:http';
import https from 'node:https';
import { readBody } from '../kit/http.ts';
import { EVENT_TYPES, eventLabel, formatDotNetTime, parseDotNetTime, type RestEvent, type SimChannel, type SimRule } from './events.ts';

export const WEBHOOK_TIMEOUT_MS = 5000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export interface ImmediateWebhookBody {
  channel_id: string;
  channel_name: string;
  event_name: string;
  event_origin: string;
  event_time: string;
  event_type: string;
  object_id: number;
  rule_id: string;
  rule_name: string;
}
export interface EventTypeCount {
  event_count: number;
  event_name: string;
  event_type: string;
}
export interface RuleCount {
  event_count: number;
  rule_id: string;
  rule_name: string;
}
export interface AggregateWebhookBody {
  channel_id: string;
  channel_name: string;
  event_type_aggregate: EventTypeCount[];
  rule_id_aggregate: RuleCount[];
  since_time: string;
  until_time: string;
}
export type WebhookKind = 'immediate' | 'hourly' | 'daily';
export type AggregateKind = Exclude<WebhookKind, 'immediate'>;
export interface WebhookResult {
  status: number;
  body: string;
}

export function buildImmediateWebhook(e: RestEvent): ImmediateWebhookBody {
  const objectId = Number.parseInt(e.object_id, 10);
  return {
    channel_id: e.channel_id,
    channel_name: e.channel_name,
    event_name: eventLabel(e.type),
    event_origin: e.origin,
    event_time: e.time,
    event_type: e.type,
    object_id: Number.isFinite(objectId) ? objectId : 0,
    rule_id: e.rule_id,
    rule_name: e.rule_name,
  };
}

/** Length of an aggregate window: the receiver tells hourly from daily by `until - since`. */
export const windowMs = (kind: AggregateKind): number => (kind === 'hourly' ? HOUR_MS : DAY_MS);

/**
 * The window an aggregate fired at `nowMs` covers: it ends at the last local xx:00 (hourly) or
 * 00:00 (daily) boundary at or before `nowMs`, shifted by the firing latency `latencyMs`.
 */
export function lastAggregateWindow(kind: AggregateKind, nowMs: number, offsetMinutes: number, latencyMs = 0): { sinceMs: number; untilMs: number } {
  const len = windowMs(kind);
  const local = nowMs + offsetMinutes * 60_000;
  const boundary = Math.floor(local / len) * len - offsetMinutes * 60_000;
  return { sinceMs: boundary - len + latencyMs, untilMs: boundary + latencyMs };
}

export interface AggregateInput {
  channel: SimChannel;
  rules: readonly SimRule[];
  /** Any events; those of other channels or outside [since, until) are ignored. */
  events: readonly RestEvent[];
  sinceMs: number;
  untilMs: number;
  offsetMinutes: number;
  /** Sub-millisecond digits (0..9999) of both times. */
  subMsTicks?: number;
}

export function buildAggregateWebhook(a: AggregateInput): AggregateWebhookBody {
  const byType = new Map<string, number>();
  const byRule = new Map<string, number>();
  for (const e of a.events) {
    if (e.channel_id !== a.channel.id) continue;
    const ms = parseDotNetTime(e.time);
    if (!(ms >= a.sinceMs && ms < a.untilMs)) continue;
    byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    byRule.set(e.rule_id, (byRule.get(e.rule_id) ?? 0) + 1);
  }
  const known = new Set(EVENT_TYPES.map((t) => t.type));
  const types = [...EVENT_TYPES.map((t) => t.type), ...[...byType.keys()].filter((t) => !known.has(t))];
  return {
    channel_id: a.channel.id,
    channel_name: a.channel.name,
    event_type_aggregate: types.map((t) => ({ event_count: byType.get(t) ?? 0, event_name: eventLabel(t), event_type: t })),
    rule_id_aggregate: a.rules.map((r) => ({ event_count: byRule.get(r.id) ?? 0, rule_id: r.id, rule_name: r.name })),
    since_time: formatDotNetTime(a.sinceMs, a.offsetMinutes, a.subMsTicks ?? 0),
    until_time: formatDotNetTime(a.untilMs, a.offsetMinutes, a.subMsTicks ?? 0),
  };
}

/** POSTs `body` as JSON; rejects on a network error or after `timeoutMs` (default 5 s, as documented). */
export function postWebhook(url: string, body: unknown, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<WebhookResult> {
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const target = new URL(url);
  const lib = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = lib.request(
      target,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': payload.length },
        signal: opts.signal,
      },
      (res) => {
        readBody(res).then(
          (got) => {
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, body: got.body.toString('utf8') });
          },
          (err: Error) => {
            clearTimeout(timer);
            reject(err);
          },
        );
      },
    );
    const timer = setTimeout(() => req.destroy(new Error(`Camlytics webhook to ${target.host} timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(payload);
  });
}

/** What the aggregate scheduler needs from a simulator. */
export interface AggregateSender {
  readonly channels: readonly SimChannel[];
  readonly utcOffsetMinutes: number;
  now(): number;
  sendWebhook(url: string, kind: WebhookKind, opts?: { channelId?: string }): Promise<WebhookResult>;
}

/**
 * Fires hourly aggregates at every local xx:00 and daily aggregates at local 00:00, one POST per
 * channel, like the app. Returns a function that stops the schedule.
 */
export function scheduleAggregateWebhooks(sim: AggregateSender, url: string, onResult: (kind: AggregateKind, channel: SimChannel, result: WebhookResult | Error) => void = () => {}): () => void {
  let timer: NodeJS.Timeout | undefined;
  const fire = (kind: AggregateKind): void => {
    for (const channel of sim.channels) {
      sim.sendWebhook(url, kind, { channelId: channel.id }).then(
        (r) => onResult(kind, channel, r),
        (e: Error) => onResult(kind, channel, e),
      );
    }
  };
  const arm = (): void => {
    const now = sim.now();
    const next = lastAggregateWindow('hourly', now, sim.utcOffsetMinutes).untilMs + HOUR_MS;
    timer = setTimeout(
      () => {
        fire('hourly');
        if (lastAggregateWindow('daily', next, sim.utcOffsetMinutes).untilMs === next) fire('daily');
        arm();
      },
      Math.max(0, next - now) + 400,
    ); // the app's firing latency (seed: 0.40 s)
  };
  arm();
  return () => clearTimeout(timer);
}
