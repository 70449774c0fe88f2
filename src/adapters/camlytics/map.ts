/**
 * CamlyticsEventRecord → unified EventInput (typeName CamlyticsEvent, AnalyticsEvent payload,
 * Camlytics fields in `data`). Pure.
 */
import { createHash } from 'node:crypto';
import type { EventInput } from '../../sdk.ts';
import type { CamlyticsEventRecord } from './parse.ts';
import { camlyticsKind, knownCamlyticsType } from './types.ts';

export const CAMLYTICS_EVENT_TYPE = 'CamlyticsEvent';
/** What Camlytics sends as rule_id for events no rule produced (object appear, sabotage, ...). */
export const EMPTY_GUID = '00000000-0000-0000-0000-000000000000';

/** rule_id, with Guid.Empty meaning "no rule". */
export function ruleIdOf(ev: Pick<CamlyticsEventRecord, 'ruleId'>): string | null {
  return ev.ruleId === null || ev.ruleId === EMPTY_GUID ? null : ev.ruleId;
}

/**
 * The dedupe key, the same whichever way an event arrives.
 *
 * One real event can reach us twice: by the REST long-poll and by the immediate webhook. The
 * REST object has a unique `event_id`, but the webhook body has none (see the vendor's sample), so
 * `event_id` cannot be the key: an event stored from the webhook would be stored again when the
 * poll returns it. The key is therefore built only from fields both shapes carry:
 *   channel_id, event type (`type` / `event_type`), rule_id, object_id, event time
 * with each normalised the same way on both paths:
 * - ids lower-cased (GUIDs; .NET prints them lower-case, but a client may not);
 * - object_id as text (a number in webhooks, a string in REST: 9 and "9" are the same);
 * - absent / null / "" all mean "none"; so do rule_id Guid.Empty (events no rule produced) and
 *   object_id 0 (events without an object: motion, sabotage), whichever way one path spells "none";
 * - the time as UTC epoch milliseconds: the 7-digit .NET fraction truncated, the offset applied,
 *   so `18:02:51.2984871+03:00` and `15:02:51.298Z` give the same key.
 * `event_id` is kept in `data.eventId` (null for a webhook delivery). Two REST events that agree on
 * all five fields within one millisecond would be merged; the tracker gives each object its own
 * id, so that is the same detection reported twice. The parts are hashed (sha256) so vendor text
 * of any length gives a fixed-size key.
 */
export function camlyticsDedupeKey(ev: Pick<CamlyticsEventRecord, 'channelId' | 'type' | 'ruleId' | 'objectId' | 'time'>): string {
  const parts = [
    'cl1',
    ev.channelId.toLowerCase(),
    ev.type.toLowerCase(),
    (ruleIdOf(ev) ?? '').toLowerCase(),
    ev.objectId === null || ev.objectId === '0' ? '' : ev.objectId,
    String(ev.time.date.getTime()),
  ];
  return createHash('sha256').update(parts.join('|'), 'utf8').digest('hex');
}

/** The label the app shows for the type: the webhook's `event_name`, else the known label, else the type. */
export function camlyticsEventName(ev: Pick<CamlyticsEventRecord, 'type' | 'eventName'>): string {
  return ev.eventName ?? knownCamlyticsType(ev.type)?.label ?? ev.type;
}

export function mapCamlyticsEvent(ev: CamlyticsEventRecord): EventInput {
  return {
    typeName: CAMLYTICS_EVENT_TYPE,
    kind: camlyticsKind(ev.type),
    vendorType: ev.type,
    occurredAt: ev.time.date,
    dedupeKey: camlyticsDedupeKey(ev),
    camera: { vendorId: ev.channelId, ...(ev.channelName ? { name: ev.channelName } : {}) },
    analytics: { ruleId: ruleIdOf(ev), ruleName: ev.ruleName, objectClass: ev.origin, objectId: ev.objectId },
    data: {
      eventId: ev.eventId,
      channelId: ev.channelId,
      channelName: ev.channelName,
      eventName: camlyticsEventName(ev),
      timeText: ev.time.text,
      timestamp: ev.timestamp,
      snapshotPath: ev.snapshotPath,
      videoFileName: ev.videoFileName,
      videoFileTime: ev.videoFileTime,
      deliveredBy: ev.via === 'poll' ? 'POLL' : 'WEBHOOK',
    },
    raw: ev.raw,
  };
}
