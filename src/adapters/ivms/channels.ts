/**
 * IVMS channels → cameras. Pure.
 *
 * Channel objects carry credentials (`username`, `password`, RTSP URLs with `user:pass@`): camera
 * details are built from an allow-list of fields, so nothing else can leak into the API or logs.
 * Channel status (GET channel/status): 0 = active → ONLINE, 1 = inactive → OFFLINE (per the public
 * connector; unverified), anything else UNKNOWN.
 */
import type { CameraStatus, CameraUpsert } from '../../sdk.ts';
import { IVMS_CAMERA_CAPABILITIES } from './map.ts';

export interface ParsedChannels {
  cameras: CameraUpsert[];
  /** Entries without a usable id (skipped). */
  invalid: number;
  /** Ids listed more than once (first kept). */
  duplicates: number;
}

const intOf = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v) : null);
const numOf = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const textOf = (v: unknown, max = 200): string | null => {
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const t = String(v)
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return t ? t.slice(0, max) : null;
};
/** A bare host or address; anything with userinfo, a scheme or a path is dropped. */
const hostOf = (v: unknown): string | null => {
  const t = textOf(v, 100);
  return t && /^[A-Za-z0-9.\-:[\]]+$/.test(t) ? t : null;
};

function compact(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));
}

/** One channel object → camera upsert (no status), or null without a usable id. */
export function channelToCamera(ch: unknown): CameraUpsert | null {
  if (typeof ch !== 'object' || ch === null || Array.isArray(ch)) return null;
  const c = ch as Record<string, unknown>;
  const id = intOf(c.id);
  if (id === null || id < 0) return null;
  const lat = numOf(c.latitude);
  const lon = numOf(c.longitude);
  const hasPosition = lat !== null && lon !== null && !(lat === 0 && lon === 0) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  const location = compact({
    latitude: hasPosition ? lat : null,
    longitude: hasPosition ? lon : null,
    locationId: intOf(c.locationId),
    junctionId: intOf(c.junctionId),
    groupId: intOf(c.groupId),
    posX: numOf(c.posX),
    posY: numOf(c.posY),
  });
  const details = compact({
    model: textOf(c.model),
    ip: hostOf(c.ip),
    number: intOf(c.number),
    channelType: intOf(c.channelType),
    recordingId: intOf(c.recordingId),
    recordingStream: intOf(c.recordingStream) ?? textOf(c.recordingStream, 40),
    oldestClipTime: intOf(c.oldestClipTime) ?? textOf(c.oldestClipTime, 40),
    location: Object.keys(location).length ? location : null,
  });
  return {
    vendorId: String(id),
    name: textOf(c.name) ?? hostOf(c.ip) ?? `Channel ${id}`,
    capabilities: IVMS_CAMERA_CAPABILITIES,
    details,
  };
}

export function parseChannels(result: unknown[]): ParsedChannels {
  const seen = new Set<string>();
  const cameras: CameraUpsert[] = [];
  let invalid = 0;
  let duplicates = 0;
  for (const ch of result) {
    const cam = channelToCamera(ch);
    if (!cam) invalid++;
    else if (seen.has(cam.vendorId)) duplicates++;
    else {
      seen.add(cam.vendorId);
      cameras.push(cam);
    }
  }
  return { cameras, invalid, duplicates };
}

export const channelStatusOf = (s: unknown): CameraStatus => {
  const n = intOf(s);
  return n === 0 ? 'ONLINE' : n === 1 ? 'OFFLINE' : 'UNKNOWN';
};

/** GET channel/status result → vendorId → status. Entries without a channel id are skipped. */
export function parseChannelStatuses(result: unknown[]): Map<string, CameraStatus> {
  const out = new Map<string, CameraStatus>();
  for (const r of result) {
    if (typeof r !== 'object' || r === null) continue;
    const o = r as Record<string, unknown>;
    const id = intOf(o.channelId ?? o.channelid ?? o.id);
    if (id !== null) out.set(String(id), channelStatusOf(o.channelStatus ?? o.status));
  }
  return out;
}

/** How the channel count and the list disagree, or null when they agree (or the count is unknown). */
export function countMismatch(count: number | null, listed: number): string | null {
  if (count === null || count === listed) return null;
  return `IVMS reports ${count} channels but lists ${listed}`;
}
