/**
 * AcmeWebhookEvent → the unified EventInput (pure). The vendor's event id is the dedupe key (the
 * same on every retry, PROTOCOL.md §1.2); the door is the event's device (type AcmeDoor).
 */
import { zonedTimeToDate, type EventInput } from 'unified-surveillance-api/sdk';
import type { AcmeWebhookEvent } from './payload.ts';

export const EVENT_TYPE_NAME = 'AcmeAccessEvent';
export const DOOR_TYPE = 'AcmeDoor';
/** What every door can do (PROTOCOL.md §2.2–2.4); ACME_HOLD_OPEN is this plugin's own capability. */
export const DOOR_CAPABILITIES = ['LOCK', 'UNLOCK', 'ACME_HOLD_OPEN'] as const;
/** The event kind this plugin declares (`eventKinds`): the core has no battery kind. */
export const BATTERY_LOW_KIND = 'ACME_BATTERY_LOW';

/** The controller's event types (§1.3) → kinds; a type added by later firmware is stored as CUSTOM under its name. */
export const KIND_OF_TYPE: Readonly<Record<string, string>> = {
  'access.granted': 'ACCESS_GRANTED',
  'access.denied': 'ACCESS_DENIED',
  'door.forced_open': 'DOOR_FORCED_OPEN',
  'door.held_open': 'DOOR_HELD_OPEN',
  'door.opened': 'DOOR_OPENED',
  'door.closed': 'DOOR_CLOSED',
  'battery.low': BATTERY_LOW_KIND,
};

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** `occurred_at` as an instant: its own offset when it has one, else read in `timeZone` (UTC when none is configured). */
export function occurredAt(text: string, timeZone: string | undefined): Date {
  const m = WALL_TIME.exec(text);
  if (!m) return new Date(text); // has an offset (checked by the payload schema)
  const [, y, mo, d, h, mi, s, frac] = m;
  const wall = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +(s ?? 0), millisecond: frac ? Math.floor(+`0.${frac}` * 1000) : 0 };
  return zonedTimeToDate(wall, timeZone ?? 'UTC');
}

export function toEventInput(ev: AcmeWebhookEvent, raw: Record<string, unknown>, timeZone?: string): EventInput {
  return {
    typeName: EVENT_TYPE_NAME,
    kind: (KIND_OF_TYPE[ev.type] ?? 'CUSTOM') as EventInput['kind'],
    vendorType: ev.type,
    occurredAt: occurredAt(ev.occurred_at, timeZone),
    dedupeKey: ev.id,
    device: { vendorId: ev.door.id, type: DOOR_TYPE, ...(ev.door.name ? { name: ev.door.name } : {}), capabilities: [...DOOR_CAPABILITIES] },
    data: {
      eventId: ev.id,
      badgeId: ev.credential?.badge_id ?? null,
      holder: ev.credential?.holder ?? null,
      reason: ev.reason ?? null,
      batteryPercent: ev.battery?.percent ?? null,
    },
    raw,
  };
}
