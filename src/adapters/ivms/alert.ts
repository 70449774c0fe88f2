/**
 * Messages of the IVMS notification WebSocket (document section 4). Pure.
 *
 * - status: `{"status":1,"code":101,"description":"Web Socket Protocol Handshake","message":
 *   "Connection Successful!" | "Connection Closed!","result":[]}` — not an alert;
 * - alert: `{"cameraId":2,"cameraName":"192.168.1.47","eventTime":"2017-07-07 11:56:47",
 *   "alertMessage":"Activity Detection","alertType":209,"base64imageUrl":"data:image/jpeg;base64,…",
 *   "eventDetails1":"NA"}` — no event id, no zone on eventTime, the snapshot inline;
 * - anything else is invalid (counted, never stored). An array of alerts is accepted.
 */
import { parseEventTime, type IvmsZone } from './time.ts';

export interface IvmsAlert {
  /** Channel id as text (the camera's vendorId). */
  cameraId: string;
  cameraName: string | null;
  /** The wall-clock text as sent. */
  eventTime: string;
  /** The IANA zone eventTime was read in. */
  timeZone: string;
  occurredAt: Date;
  /** Opaque vendor code (209 = Activity Detection is the only public one). */
  alertType: number | null;
  alertMessage: string;
  eventDetails1: string | null;
  /** The `base64imageUrl` value (a data URL), or null when absent/placeholder. */
  imageUrl: string | null;
}

export type Notification =
  | { kind: 'status'; code: number | null; message: string; closing: boolean }
  | { kind: 'alert'; alert: IvmsAlert; raw: Record<string, unknown> }
  | { kind: 'invalid'; reason: string };

const intOf = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim()) ? Number(v) : null);
const textOf = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Parse one WebSocket text message; `timeZone` (or the zone of the alert's channel) reads eventTime. */
export function parseNotification(text: string, timeZone: IvmsZone): Notification[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return [{ kind: 'invalid', reason: `not JSON (${(e as Error).message.slice(0, 80)})` }];
  }
  if (Array.isArray(v)) {
    if (v.length === 0) return [{ kind: 'invalid', reason: 'empty array' }];
    return v.map((x) => parseObject(x, timeZone));
  }
  return [parseObject(v, timeZone)];
}

function parseObject(v: unknown, zone: IvmsZone): Notification {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { kind: 'invalid', reason: 'not a JSON object' };
  const o = v as Record<string, unknown>;
  if (!('cameraId' in o) && ('code' in o || 'status' in o) && typeof o.message === 'string') {
    return { kind: 'status', code: intOf(o.code), message: o.message.slice(0, 200), closing: /closed/i.test(o.message) };
  }
  const camera = intOf(o.cameraId);
  if (camera === null || camera < 0) return { kind: 'invalid', reason: `cameraId: expected a channel id, got ${preview(o.cameraId)}` };
  const eventTime = textOf(o.eventTime);
  const timeZone = typeof zone === 'string' ? zone : zone(String(camera));
  const occurredAt = parseEventTime(eventTime, timeZone);
  if (!eventTime || !occurredAt) return { kind: 'invalid', reason: `eventTime: expected "YYYY-MM-DD HH:MM:SS", got ${preview(o.eventTime)}` };
  if ('alertType' in o && o.alertType !== null && intOf(o.alertType) === null) {
    return { kind: 'invalid', reason: `alertType: expected an integer, got ${preview(o.alertType)}` };
  }
  const image = typeof o.base64imageUrl === 'string' ? o.base64imageUrl.trim() : '';
  return {
    kind: 'alert',
    raw: o,
    alert: {
      cameraId: String(camera),
      cameraName: textOf(o.cameraName),
      eventTime: eventTime.trim(),
      timeZone,
      occurredAt,
      alertType: intOf(o.alertType),
      alertMessage: textOf(o.alertMessage) ?? '',
      eventDetails1: textOf(o.eventDetails1),
      imageUrl: image && !isPlaceholder(image) ? image : null,
    },
  };
}

/** "NA", "..", "null": the document's and servers' ways of saying "no image". */
const isPlaceholder = (s: string) => /^(na|n\/a|null|none|\.+)$/i.test(s);

const preview = (v: unknown) => {
  const s = JSON.stringify(v) ?? 'nothing';
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
};

export type DecodedImage = { ok: true; bytes: Buffer; declaredType: string | null } | { ok: false; reason: string };

/**
 * Decode `data:<type>;base64,<data>` (or bare base64). Size is checked before decoding; base64 is
 * validated strictly (Buffer.from would skip junk silently). The bytes' real type is checked by
 * the media store, not here.
 */
export function decodeDataUrl(url: string, maxBytes: number): DecodedImage {
  let declaredType: string | null = null;
  let data = url;
  if (/^data:/i.test(url)) {
    const comma = url.indexOf(',');
    if (comma < 0) return { ok: false, reason: 'data URL without a comma' };
    const meta = url
      .slice(5, comma)
      .split(';')
      .map((s) => s.trim().toLowerCase());
    if (!meta.includes('base64')) return { ok: false, reason: 'data URL is not base64' };
    declaredType = meta[0] || null;
    data = url.slice(comma + 1);
  }
  data = data.replace(/\s+/g, '');
  if (data.length === 0) return { ok: false, reason: 'empty image data' };
  if (Math.floor((data.length * 3) / 4) - 2 > maxBytes) return { ok: false, reason: `image exceeds ${maxBytes} bytes` };
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(data) || data.length % 4 === 1) return { ok: false, reason: 'image is not valid base64' };
  const bytes = Buffer.from(data, /[-_]/.test(data) ? 'base64url' : 'base64');
  if (bytes.length > maxBytes) return { ok: false, reason: `image exceeds ${maxBytes} bytes` };
  return { ok: true, bytes, declaredType };
}
