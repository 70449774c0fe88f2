/**
 * VXG payloads → our shapes (pure): paged envelopes, event types with their caps and settings,
 * stored events → EventInput. VXG field names are snake_case; ours are camelCase.
 *
 * Kind mapping (vendorType is always the VXG event name):
 *   motion → MOTION_STARTED (VXG reports the detection, there is no "motion ended" event)
 *   everything else (net, snapshot, sound, door_bell, custom types…) → CUSTOM
 */
import type { EventInput, EventKind, Capability } from '../../sdk.ts';
import { formatVxgTime, parseVxgTime } from './time.ts';

export const VXG_EVENT_TYPE_NAME = 'VxgEvent';

export const VXG_KIND_BY_NAME: Readonly<Record<string, EventKind>> = { motion: 'MOTION_STARTED' };
export const kindOfVxgEvent = (name: string): EventKind => VXG_KIND_BY_NAME[name] ?? 'CUSTOM';

export interface VxgEventTypeCaps {
  canBeTriggered: boolean;
  canRecord: boolean;
  canSnapshot: boolean;
  isPeriodic: boolean;
}
export interface VxgEventType {
  name: string;
  caps: VxgEventTypeCaps;
  notify: boolean | null;
  receive: boolean | null;
  record: boolean | null;
  snapshot: boolean | null;
  period: number | null;
  custom: boolean;
  generateImages: boolean | null;
}

/** Settings of an event type as our API takes them (camelCase, all optional). */
export interface VxgEventTypeSettings {
  notify?: boolean | null;
  receive?: boolean | null;
  record?: boolean | null;
  snapshot?: boolean | null;
  period?: number | null;
}

export interface VxgPage {
  total: number | null;
  next: string | null;
  objects: unknown[];
}

export interface VxgStoredEvent {
  id: string;
  camid: number;
  name: string;
  time: Date;
  meta: Record<string, unknown> | null;
  thumbUrl: string | null;
  downloadUrl: string | null;
  /** Declared type of the download (filemeta), when VXG says. */
  downloadType: string | null;
  raw: Record<string, unknown>;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/** The `{ meta, objects }` envelope of VXG list answers. */
export function parseVxgPage(body: unknown, what: string): VxgPage {
  if (!isObj(body) || !Array.isArray(body.objects)) throw new Error(`${what}: expected { meta, objects: [] }`);
  const meta = isObj(body.meta) ? body.meta : {};
  return {
    total: Number.isSafeInteger(meta.total_count) ? (meta.total_count as number) : null,
    next: typeof meta.next === 'string' && meta.next ? meta.next : null,
    objects: body.objects,
  };
}

export function parseVxgEventType(o: unknown): VxgEventType {
  if (!isObj(o) || typeof o.name !== 'string' || !o.name) throw new Error('event type: expected an object with a "name"');
  const caps = isObj(o.caps) ? o.caps : {};
  return {
    name: o.name,
    caps: {
      canBeTriggered: caps.can_be_triggered === true,
      canRecord: caps.can_record === true,
      canSnapshot: caps.can_snapshot === true,
      isPeriodic: caps.is_periodic === true,
    },
    notify: bool(o.notify),
    receive: bool(o.receive),
    record: bool(o.record),
    snapshot: bool(o.snapshot),
    period: typeof o.period === 'number' && Number.isFinite(o.period) ? o.period : null,
    custom: o.custom === true,
    generateImages: bool(o.generate_images),
  };
}

/** The JSON body VXG takes for a type's settings (only the fields given). */
export function vxgSettingsBody(s: VxgEventTypeSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['notify', 'receive', 'record', 'snapshot', 'period'] as const) if (s[k] !== undefined && s[k] !== null) out[k] = s[k];
  return out;
}

/** Camera capabilities from its event types: CREATE_EVENT always, TRIGGER_EVENT when any type can be triggered. */
export function capabilitiesOf(types: readonly VxgEventType[] | null): Capability[] {
  return types?.some((t) => t.caps.canBeTriggered) ? ['CREATE_EVENT', 'TRIGGER_EVENT'] : ['CREATE_EVENT'];
}

const linkOf = (v: unknown): string | null => (typeof v === 'string' && /^https?:\/\//i.test(v) ? v : null);

/** One object of `storage/events`; throws on objects without id, camid, name or a valid time. */
export function parseVxgStoredEvent(o: unknown): VxgStoredEvent {
  if (!isObj(o)) throw new Error('stored event: expected an object');
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) ? String(o.id) : typeof o.id === 'string' && o.id ? o.id : null;
  if (!id) throw new Error('stored event: no "id"');
  const camid = Number(o.camid);
  if (!Number.isSafeInteger(camid)) throw new Error(`stored event ${id}: no "camid"`);
  if (typeof o.name !== 'string' || !o.name) throw new Error(`stored event ${id}: no "name"`);
  const time = parseVxgTime(o.time);
  if (!time) throw new Error(`stored event ${id}: "time" is not YYYY-MM-DDTHH:MM:SS`);
  const thumb = isObj(o.thumb) ? o.thumb : {};
  const filemeta = isObj(o.filemeta) ? o.filemeta : {};
  const download = isObj(filemeta.download) ? filemeta.download : {};
  const downloadType = [filemeta.type, filemeta.content_type, download.type].find((v) => typeof v === 'string') as string | undefined;
  return {
    id,
    camid,
    name: o.name,
    time,
    meta: isObj(o.meta) ? o.meta : null,
    thumbUrl: linkOf(thumb.url),
    downloadUrl: linkOf(download.url),
    downloadType: downloadType ?? null,
    raw: o,
  };
}

/** Replace every occurrence of a secret in the strings of a JSON value (keys included). */
export function scrubSecrets<T>(value: T, secrets: readonly string[]): T {
  const live = secrets.filter((s) => s.length >= 8);
  if (!live.length) return value;
  const scrub = (s: string) => live.reduce((acc, sec) => acc.split(sec).join('[redacted]'), s);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return scrub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [scrub(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

export interface VxgCameraRef {
  vendorId: string;
  name: string;
  capabilities: Capability[];
}

/** A stored VXG event as an EventInput (media are attached by the caller). */
export function mapVxgEvent(ev: VxgStoredEvent, camera: VxgCameraRef, secrets: readonly string[]): EventInput {
  const clean = scrubSecrets(ev, secrets);
  return {
    typeName: VXG_EVENT_TYPE_NAME,
    kind: kindOfVxgEvent(ev.name),
    vendorType: ev.name,
    occurredAt: ev.time,
    dedupeKey: `vxg:${ev.id}`,
    camera,
    data: {
      vxgId: ev.id,
      camid: ev.camid,
      name: ev.name,
      time: formatVxgTime(ev.time),
      meta: clean.meta,
      thumbnailUrl: clean.thumbUrl,
      downloadUrl: clean.downloadUrl,
    },
    raw: clean.raw,
  };
}

/** Whether a download link is worth fetching as an image (VXG also links video clips there). */
export function downloadLooksLikeImage(ev: Pick<VxgStoredEvent, 'downloadUrl' | 'downloadType'>): boolean {
  if (!ev.downloadUrl) return false;
  if (ev.downloadType) return /^image\//i.test(ev.downloadType);
  try {
    return /\.(jpe?g|png|gif|webp|bmp)$/i.test(new URL(ev.downloadUrl).pathname);
  } catch {
    return false;
  }
}

/** JPEG, PNG, GIF or WebP by magic bytes (what the media store accepts for snapshots, BMP aside). */
export function isImageBytes(b: Uint8Array): boolean {
  const at = (i: number, ...sig: number[]) => sig.every((x, k) => b[i + k] === x);
  return at(0, 0xff, 0xd8, 0xff) || at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a) || at(0, 0x47, 0x49, 0x46, 0x38) || (at(0, 0x52, 0x49, 0x46, 0x46) && at(8, 0x57, 0x45, 0x42, 0x50));
}
