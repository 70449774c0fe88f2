/**
 * Camlytics event JSON → a normalised record, for both deliveries: the REST `/events` array
 * (`type`, `origin`, `time`, `event_id`, snapshot and video fields, ids often as strings) and the
 * immediate webhook (`event_type`, `event_origin`, `event_time`, `event_name`, numeric `object_id`,
 * no `event_id`). Either spelling is accepted on either path. Pure; problems are BAD_USER_INPUT
 * naming the field.
 */
import { AppError, badInput, vendorRejected } from '../../sdk.ts';
import { parseCamlyticsTime, type CamlyticsTime, type CamlyticsZone } from './time.ts';

export type CamlyticsDelivery = 'poll' | 'webhook';

export interface CamlyticsEventRecord {
  via: CamlyticsDelivery;
  /** REST `event_id`; webhooks carry none. */
  eventId: string | null;
  channelId: string;
  channelName: string | null;
  /** Vendor event type (`TripwireCrossed`, ...), as sent. */
  type: string;
  /** Webhook `event_name` (the app's label), if sent. */
  eventName: string | null;
  /** Object class: `Pedestrian`, `Vehicle`, `Unknown`, ... */
  origin: string | null;
  objectId: string | null;
  ruleId: string | null;
  ruleName: string | null;
  time: CamlyticsTime;
  /** REST `timestamp` as sent (meaning undocumented). */
  timestamp: string | null;
  /** A path on the Camlytics host (e.g. `C:\Users\…\snapshot.jpg`), not a URL. */
  snapshotPath: string | null;
  videoFileName: string | null;
  videoFileTime: string | null;
  raw: Record<string, unknown>;
}

const MAX_TEXT = 1000;

/** A string field: strings (trimmed) and finite numbers accepted; null/absent/"" → null. */
export function textField(obj: Record<string, unknown>, names: readonly string[], max = MAX_TEXT): string | null {
  for (const name of names) {
    const v = obj[name];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') {
      const s = v.trim();
      if (s === '') continue;
      if (s.length > max) throw badInput(`${name}: longer than ${max} characters`, { field: name });
      return s;
    }
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw badInput(`${name}: expected a string or number, got ${Array.isArray(v) ? 'a list' : typeof v}`, { field: name });
  }
  return null;
}

function required(obj: Record<string, unknown>, names: readonly string[], max?: number): string {
  const v = textField(obj, names, max);
  if (v === null) throw badInput(`${names[0]}: required`, { field: names[0] });
  return v;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse one event object (REST or immediate webhook). */
export function parseCamlyticsEvent(json: unknown, via: CamlyticsDelivery, zone: CamlyticsZone = 'UTC'): CamlyticsEventRecord {
  if (!isPlainObject(json)) throw badInput(`event: expected a JSON object, got ${Array.isArray(json) ? 'a list' : json === null ? 'null' : typeof json}`);
  const o = json;
  // A zone per channel needs the channel first (so a bad channel_id is reported before the time).
  const timeZone = typeof zone === 'string' ? zone : zone(required(o, ['channel_id'], 200));
  const typeNames = via === 'webhook' ? ['event_type', 'type'] : ['type', 'event_type'];
  const timeNames = via === 'webhook' ? ['event_time', 'time'] : ['time', 'event_time'];
  const timeField = timeNames.find((n) => o[n] !== undefined && o[n] !== null && o[n] !== '');
  const timestamp = textField(o, ['timestamp']);
  let time: CamlyticsTime;
  if (timeField) time = parseCamlyticsTime(o[timeField], timeField, timeZone);
  else if (timestamp !== null) time = parseTimestamp(timestamp, timeZone);
  else throw badInput(`${timeNames[0]}: required`, { field: timeNames[0] });
  return {
    via,
    eventId: textField(o, ['event_id']),
    channelId: required(o, ['channel_id'], 200),
    channelName: textField(o, ['channel_name'], 200),
    type: required(o, typeNames, 200),
    eventName: textField(o, ['event_name'], 200),
    origin: textField(o, via === 'webhook' ? ['event_origin', 'origin'] : ['origin', 'event_origin'], 200),
    objectId: textField(o, ['object_id'], 200),
    ruleId: textField(o, ['rule_id'], 200),
    ruleName: textField(o, ['rule_name'], 200),
    time,
    timestamp,
    snapshotPath: textField(o, ['snapshot_path']),
    videoFileName: textField(o, ['video_file_name']),
    videoFileTime: textField(o, ['video_file_time']),
    raw: o,
  };
}

/** REST `timestamp` fallback when `time` is missing: round-trip text, epoch seconds or epoch ms. */
function parseTimestamp(text: string, timeZone: string): CamlyticsTime {
  if (/^\d{10}(\.\d+)?$/.test(text)) return { date: new Date(Math.trunc(Number(text) * 1000)), text };
  if (/^\d{13}$/.test(text)) return { date: new Date(Number(text)), text };
  return parseCamlyticsTime(text, 'timestamp', timeZone);
}

export interface RestEventList {
  events: CamlyticsEventRecord[];
  /** Items that could not be read (skipped and counted, never fatal for the poll). */
  rejected: Array<{ index: number; eventId: string | null; error: AppError }>;
}

/**
 * The `/events` answer: a JSON array (`{ "events": [...] }` tolerated). Anything else is
 * VENDOR_REJECTED, because it is the vendor's answer, not our caller's input.
 */
export function parseRestEventList(body: unknown, timeZone: CamlyticsZone = 'UTC'): RestEventList {
  const list = Array.isArray(body) ? body : isPlainObject(body) && Array.isArray(body.events) ? body.events : null;
  if (!list) throw vendorRejected(`events: expected a JSON array, got ${body === null ? 'null' : isPlainObject(body) ? 'an object' : typeof body}`);
  const out: RestEventList = { events: [], rejected: [] };
  list.forEach((item, index) => {
    try {
      out.events.push(parseCamlyticsEvent(item, 'poll', timeZone));
    } catch (e) {
      const error = e instanceof AppError ? e : badInput(String(e));
      const eventId = isPlainObject(item) && (typeof item.event_id === 'string' || typeof item.event_id === 'number') ? String(item.event_id) : null;
      out.rejected.push({ index, eventId, error });
    }
  });
  return out;
}
