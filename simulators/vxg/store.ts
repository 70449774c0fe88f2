/**
 * State of the simulated VXG backend: cameras with their event types, stored events, and the
 * operations the API exposes. Operations throw VxgApiError (status + JSON body) on bad input.
 */
import type { Rng } from '../kit/rng.ts';

export interface SimEventType {
  name: string;
  caps: { can_be_triggered: boolean; can_record: boolean; can_snapshot: boolean; is_periodic: boolean };
  notify: boolean;
  receive: boolean;
  record: boolean;
  snapshot: boolean;
  generate_images?: boolean;
  period?: number;
  custom?: boolean;
}

export interface SimCamera {
  camid: number;
  name?: string;
  eventTypes?: SimEventType[];
}

export interface StoredVxgEvent {
  id: number;
  camid: number;
  name: string;
  /** YYYY-MM-DDTHH:MM:SS, no zone, UTC. */
  time: string;
  meta: Record<string, unknown> | null;
  thumb?: { url: string };
  filemeta?: { download: { url: string } };
}

export interface StoreStats {
  created: number;
  triggered: number;
  triggerRefused: number;
  requests: number;
  unauthorized: number;
}

/** An API error; the server renders it as `{"errorType","errorDetail","status"}` (shape unverified). */
export class VxgApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorType: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}
export const badParam = (detail: string): VxgApiError => new VxgApiError(400, 'invalid_param', detail);
export const notFound = (detail: string): VxgApiError => new VxgApiError(404, 'not_found', detail);

// ---- times -------------------------------------------------------------------------------------

const TIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** Parses `YYYY-MM-DDTHH:MM:SS` (no zone, no fraction; UTC) to epoch ms; null when not exactly that. */
export function parseVxgTime(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const m = TIME_RE.exec(value);
  if (!m) return null;
  const ms = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]);
  return formatVxgTime(ms) === value ? ms : null; // rejects 2021-02-30, 25:00:00 …
}

export function formatVxgTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

// ---- event types -------------------------------------------------------------------------------

function detector(name: string, record: boolean, extra: Partial<SimEventType> = {}): SimEventType {
  return {
    name,
    caps: { can_be_triggered: false, can_record: true, can_snapshot: true, is_periodic: false },
    generate_images: false,
    notify: true,
    receive: true,
    record,
    snapshot: record,
    ...extra,
  };
}

const OTHER_BUILT_INS = [
  'sound',
  'line_crossing',
  'intrusion',
  'face_detected',
  'object_and_scene_detection',
  'tampering',
  'loitering',
  'people_counting',
  'vehicle_detected',
  'license_plate',
  'crowd',
  'fire',
  'smoke',
  'glass_break',
  'temperature',
  'input',
  'memorycard',
  'wifi',
  'fall_detected',
  'audio_level',
  'object_left',
];

/**
 * Default types: motion, net, snapshot as in the vendor example, 21 more detectors (names invented),
 * and last `door_bell`, the only triggerable one; 25 in all, so it is on the second page at limit 20.
 */
export function defaultEventTypes(): SimEventType[] {
  const none = { can_be_triggered: false, can_record: false, can_snapshot: false, is_periodic: false };
  return [
    detector('motion', true),
    { name: 'net', caps: none, generate_images: false, notify: true, receive: true, record: false, snapshot: false },
    { name: 'snapshot', caps: { ...none, can_snapshot: true, is_periodic: true }, generate_images: false, notify: true, period: 0, receive: false, record: false, snapshot: true },
    ...OTHER_BUILT_INS.map((n) => detector(n, false, { receive: false, notify: false })),
    detector('door_bell', true, { caps: { can_be_triggered: true, can_record: true, can_snapshot: true, is_periodic: false } }),
  ];
}

/**
 * The type as the API shows it. Inferred from the vendor examples: `record` only when caps.can_record,
 * `snapshot` only when caps.can_snapshot, `period` only for periodic types, `custom` only when true,
 * `generate_images` only when set (custom types have none). Keys in alphabetical order.
 */
export function serializeEventType(t: SimEventType): Record<string, unknown> {
  const out: Record<string, unknown> = { caps: { ...t.caps } };
  if (t.custom) out.custom = true;
  if (t.generate_images !== undefined) out.generate_images = t.generate_images;
  out.name = t.name;
  out.notify = t.notify;
  if (t.caps.is_periodic) out.period = t.period ?? 0;
  out.receive = t.receive;
  if (t.caps.can_record) out.record = t.record;
  if (t.caps.can_snapshot) out.snapshot = t.snapshot;
  return out;
}

const TYPE_NAME_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const SETTINGS = ['notify', 'receive', 'record', 'snapshot', 'generate_images'] as const;

function optionalBool(body: Record<string, unknown>, key: string): boolean | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw badParam(`${key} must be a boolean`);
  return v;
}

// ---- stored events -----------------------------------------------------------------------------

/** A stored event as kept by the simulator (URLs are derived when it is shown). */
export interface EventRecord {
  id: number;
  camid: number;
  name: string;
  timeMs: number;
  meta: Record<string, unknown> | null;
  thumb: boolean;
  download: boolean;
}

export interface StoredQuery {
  camid: number;
  names?: string[];
  startMs?: number;
  endMs?: number;
  descending: boolean;
}

export function toStoredEvent(r: EventRecord, baseUrl: string): StoredVxgEvent {
  const e: StoredVxgEvent = { id: r.id, camid: r.camid, name: r.name, time: formatVxgTime(r.timeMs), meta: r.meta };
  if (r.thumb) e.thumb = { url: `${baseUrl}/sim/media/thumbs/${r.id}.jpg` };
  if (r.download) e.filemeta = { download: { url: `${baseUrl}/sim/media/clips/${r.id}.mp4` } };
  return e;
}

/** The stored event as the API shows it (alphabetical keys; `meta` only with include_meta=true). */
export function serializeStoredEvent(e: StoredVxgEvent, includeMeta: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { camid: e.camid };
  if (e.filemeta) out.filemeta = e.filemeta;
  out.id = e.id;
  if (includeMeta) out.meta = e.meta;
  out.name = e.name;
  if (e.thumb) out.thumb = e.thumb;
  out.time = e.time;
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class VxgStore {
  readonly stats: StoreStats = { created: 0, triggered: 0, triggerRefused: 0, requests: 0, unauthorized: 0 };
  private readonly cameras = new Map<number, { name: string; types: SimEventType[] }>();
  private readonly events: EventRecord[] = [];
  private nextId: number;

  /** `rng` spaces ids: they grow but with gaps, like a table shared with other tenants. */
  constructor(
    cameras: SimCamera[],
    private readonly rng: Rng,
  ) {
    for (const c of cameras) {
      if (!Number.isInteger(c.camid) || c.camid <= 0) throw new Error(`camid must be a positive integer: ${c.camid}`);
      if (this.cameras.has(c.camid)) throw new Error(`duplicate camid ${c.camid}`);
      const types = (c.eventTypes ?? defaultEventTypes()).map((t) => ({ ...t, caps: { ...t.caps } }));
      this.cameras.set(c.camid, { name: c.name ?? `Camera ${c.camid}`, types });
    }
    this.nextId = 30_000_000 + Math.floor(rng.next() * 5_000_000);
  }

  hasCamera(camid: number): boolean {
    return this.cameras.has(camid);
  }

  cameraIds(): number[] {
    return [...this.cameras.keys()];
  }

  eventTypes(camid: number): SimEventType[] {
    const cam = this.cameras.get(camid);
    if (!cam) throw notFound(`camera ${camid} not found`);
    return cam.types;
  }

  eventType(camid: number, name: string): SimEventType {
    const t = this.eventTypes(camid).find((x) => x.name === name);
    if (!t) throw notFound(`event type '${name}' is not supported by camera ${camid}`);
    return t;
  }

  /** POST …/event_processing/events/: a custom type, caps all false, `receive` false unless given. */
  addCustomType(camid: number, body: Record<string, unknown>): SimEventType {
    const types = this.eventTypes(camid);
    if (typeof body.name !== 'string' || !TYPE_NAME_RE.test(body.name)) throw badParam('name is required: 1-64 of A-Z a-z 0-9 _ . -');
    if (types.some((t) => t.name === body.name)) throw badParam(`event type '${body.name}' already exists`);
    const type: SimEventType = {
      name: body.name,
      caps: { can_be_triggered: false, can_record: false, can_snapshot: false, is_periodic: false },
      custom: true,
      notify: optionalBool(body, 'notify') ?? false,
      receive: optionalBool(body, 'receive') ?? false,
      record: false,
      snapshot: false,
    };
    types.push(type);
    return type;
  }

  /** PUT …/events/{name}/: updates settings; enabling record/snapshot without the capability → 400. */
  updateType(camid: number, name: string, body: Record<string, unknown>): SimEventType {
    const type = this.eventType(camid, name);
    const next: Partial<Record<(typeof SETTINGS)[number], boolean>> = {};
    for (const key of SETTINGS) next[key] = optionalBool(body, key);
    if (next.record && !type.caps.can_record) throw badParam(`event type '${name}' cannot record`);
    if (next.snapshot && !type.caps.can_snapshot) throw badParam(`event type '${name}' cannot snapshot`);
    if (body.period !== undefined) {
      if (!type.caps.is_periodic) throw badParam(`event type '${name}' is not periodic`);
      if (!Number.isInteger(body.period) || (body.period as number) < 0) throw badParam('period must be a non-negative integer');
      type.period = body.period as number;
    }
    for (const key of SETTINGS) if (next[key] !== undefined) type[key] = next[key]!;
    return type;
  }

  /** POST …/events/{name}/trigger/: only when caps.can_be_triggered; the camera then stores the event. */
  trigger(camid: number, name: string, body: Record<string, unknown>): EventRecord {
    const type = this.eventType(camid, name);
    if (!type.caps.can_be_triggered) {
      this.stats.triggerRefused++;
      throw badParam(`event type '${name}' cannot be triggered`);
    }
    const timeMs = parseVxgTime(body.time);
    if (timeMs === null) throw badParam('time must be YYYY-MM-DDTHH:MM:SS (UTC, no zone)');
    if (body.meta !== undefined && body.meta !== null && !isPlainObject(body.meta)) throw badParam('meta must be an object');
    this.stats.triggered++;
    return this.cameraGenerated(camid, type, timeMs, (body.meta as Record<string, unknown> | undefined) ?? null);
  }

  /** The camera generating an event: thumbnail when the type snapshots, clip when it records. */
  cameraGenerated(camid: number, type: SimEventType, timeMs: number, meta: Record<string, unknown> | null, thumb?: boolean): EventRecord {
    return this.addEvent({
      camid,
      name: type.name,
      timeMs,
      meta,
      thumb: thumb ?? (type.caps.can_snapshot && type.snapshot),
      download: type.caps.can_record && type.record,
    });
  }

  /** POST storage/events/: body {camid, name, time, meta}; the type must be supported by the camera. */
  createStored(body: Record<string, unknown>): EventRecord {
    const camid = body.camid as number;
    if (!this.eventTypes(camid).some((t) => t.name === body.name)) throw badParam(`event type '${String(body.name)}' is not supported by camera ${camid}`);
    const timeMs = parseVxgTime(body.time);
    if (timeMs === null) throw badParam('time must be YYYY-MM-DDTHH:MM:SS (UTC, no zone)');
    if (body.meta !== undefined && body.meta !== null && !isPlainObject(body.meta)) throw badParam('meta must be an object');
    this.stats.created++;
    return this.addEvent({ camid, name: body.name as string, timeMs, meta: (body.meta as Record<string, unknown> | undefined) ?? null, thumb: false, download: false });
  }

  addEvent(input: Omit<EventRecord, 'id'>): EventRecord {
    const record: EventRecord = { ...input, id: this.nextId };
    this.nextId += 1 + Math.floor(this.rng.next() * 3);
    this.events.push(record);
    return record;
  }

  getStored(id: number): EventRecord | undefined {
    return this.events.find((e) => e.id === id);
  }

  /** Matching events ordered by time (then id) in the requested direction; bounds inclusive. */
  queryStored(q: StoredQuery): EventRecord[] {
    const names = q.names && q.names.length > 0 ? new Set(q.names) : undefined;
    const hits = this.events.filter(
      (e) => e.camid === q.camid && (!names || names.has(e.name)) && (q.startMs === undefined || e.timeMs >= q.startMs) && (q.endMs === undefined || e.timeMs <= q.endMs),
    );
    const dir = q.descending ? -1 : 1;
    return hits.sort((a, b) => dir * (a.timeMs - b.timeMs || a.id - b.id));
  }

  allStored(camid?: number): EventRecord[] {
    return camid === undefined ? [...this.events] : this.events.filter((e) => e.camid === camid);
  }
}
