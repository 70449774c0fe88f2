/** WebhookEvent → the unified EventInput (pure). The vendor's event id is the dedupe key. */
import type { EventInput, EventKind } from 'unified-surveillance-api/sdk';
import type { WebhookEvent } from './payload.ts';

export const EVENT_TYPE_NAME = 'HmacWebhookEvent';

/** The vendor's event types we know; anything else is stored as CUSTOM with its own name. */
export const KIND_OF_TYPE: Readonly<Record<string, EventKind>> = {
  'motion.started': 'MOTION_STARTED',
  'motion.ended': 'MOTION_ENDED',
  'line.crossed': 'LINE_CROSSED',
  'zone.entered': 'ZONE_ENTERED',
  'zone.left': 'ZONE_LEFT',
  loitering: 'LOITERING',
  'object.abandoned': 'OBJECT_ABANDONED',
  'camera.tampered': 'CAMERA_TAMPERED',
  'camera.offline': 'CAMERA_DISCONNECTED',
  'camera.online': 'CAMERA_CONNECTED',
};

export function toEventInput(ev: WebhookEvent, raw: Record<string, unknown>): EventInput {
  const { snapshot, ...withoutImage } = raw;
  return {
    typeName: EVENT_TYPE_NAME,
    kind: KIND_OF_TYPE[ev.type] ?? 'CUSTOM',
    vendorType: ev.type,
    occurredAt: new Date(ev.occurred_at),
    dedupeKey: `evt:${ev.id}`,
    camera: { vendorId: ev.camera.id, ...(ev.camera.name ? { name: ev.camera.name } : {}) },
    analytics: ev.rule || ev.object ? { ruleId: ev.rule?.id ?? null, ruleName: ev.rule?.name ?? null, objectClass: ev.object?.class ?? null, objectId: ev.object?.id ?? null } : undefined,
    data: { eventId: ev.id, payload: ev.data ?? null },
    raw: snapshot ? { ...withoutImage, snapshot: { content_type: ev.snapshot?.content_type ?? null, omitted: true } } : raw,
    media: snapshot ? [{ role: 'SNAPSHOT', data: Buffer.from(ev.snapshot!.base64, 'base64'), contentType: ev.snapshot!.content_type }] : [],
  };
}
