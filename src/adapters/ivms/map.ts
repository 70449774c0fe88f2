/**
 * IVMS alert → unified EventInput. Pure.
 *
 * Kind: every IVMS alert is ANALYTICS_ALERT. The only public code, 209 "Activity Detection", is a
 * point-in-time analytics alert with no end event; MOTION_STARTED would promise a MOTION_ENDED that
 * never comes. `alertType` stays the opaque vendorType ("209"), `alertMessage` is the label
 * (analytics.ruleName). KIND_BY_ALERT_TYPE is where codes with a clear meaning go once known.
 *
 * Dedupe: alerts carry no id, so the key is sha256(cameraId|eventTime|alertType|sha256(image)):
 * a re-sent alert (reconnect, server retry) is stored once; two alerts of one type on one camera in
 * the same second are told apart by their snapshots.
 */
import { createHash } from 'node:crypto';
import type { Capability, EventInput, EventKind, MediaInput } from '../../sdk.ts';
import type { IvmsAlert } from './alert.ts';

export const IVMS_ALERT_TYPE_NAME = 'IvmsAlertEvent';
export const IVMS_CAMERA_CAPABILITIES: Capability[] = ['LIVE_STREAM', 'ARCHIVE_STREAM'];

/** Alert codes with a known unified kind; anything else is ANALYTICS_ALERT. */
export const KIND_BY_ALERT_TYPE: Readonly<Record<number, EventKind>> = {};

export const kindOf = (alertType: number | null): EventKind => (alertType !== null && KIND_BY_ALERT_TYPE[alertType]) || 'ANALYTICS_ALERT';

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

export function alertDedupeKey(a: Pick<IvmsAlert, 'cameraId' | 'eventTime' | 'alertType'>, imageDigest: string | null): string {
  return sha256(`${a.cameraId}|${a.eventTime}|${a.alertType ?? ''}|${imageDigest ?? '-'}`);
}

export interface AlertImage {
  bytes: Uint8Array;
  declaredType: string | null;
}

export interface MapAlertOptions {
  timeZone: string;
  /** The image to attach (decoded and accepted), or null. */
  image: AlertImage | null;
  /** sha256 of the image bytes (or of the undecodable text) for the dedupe key; null without image. */
  imageDigest: string | null;
  /** Set only when the channel is not known from the channel list (an alert never renames a camera). */
  cameraName?: string | null;
  /** Why a sent image was not attached (kept in data). */
  imageProblem?: string | null;
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

export function alertToEvent(alert: IvmsAlert, raw: Record<string, unknown>, options: MapAlertOptions): EventInput {
  const label = alert.alertMessage.trim();
  const media: MediaInput[] = options.image ? [{ role: 'SNAPSHOT', data: options.image.bytes, ...(options.image.declaredType ? { contentType: options.image.declaredType } : {}) }] : [];
  const name = options.cameraName?.trim();
  return {
    typeName: IVMS_ALERT_TYPE_NAME,
    kind: kindOf(alert.alertType),
    vendorType: alert.alertType !== null ? String(alert.alertType) : clip(label || 'unknown', 200),
    occurredAt: alert.occurredAt,
    dedupeKey: alertDedupeKey(alert, options.imageDigest),
    camera: { vendorId: alert.cameraId, ...(name ? { name: clip(name, 200) } : {}), capabilities: IVMS_CAMERA_CAPABILITIES },
    analytics: { ruleId: alert.alertType !== null ? String(alert.alertType) : null, ruleName: label || null },
    data: {
      alertType: alert.alertType,
      alertMessage: alert.alertMessage,
      eventDetails1: alert.eventDetails1,
      cameraName: alert.cameraName,
      eventTime: alert.eventTime,
      timeZone: options.timeZone,
      ...(options.imageProblem ? { imageProblem: options.imageProblem } : {}),
    },
    raw: withoutImage(raw),
    media,
  };
}

/** The message as received, the inline image replaced by its size. */
export function withoutImage(raw: Record<string, unknown>): Record<string, unknown> {
  if (typeof raw.base64imageUrl !== 'string' || raw.base64imageUrl.length <= 16) return raw;
  return { ...raw, base64imageUrl: `<removed: ${raw.base64imageUrl.length} characters>` };
}
