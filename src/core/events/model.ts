/**
 * The unified event model: what adapters publish (EventInput) and what the core stores and
 * streams (StoredEvent). Everything here is data and zod schemas; no I/O.
 */
import { z } from 'zod';
import type { ListMatch } from '../plates/matcher.ts';

export const EVENT_KINDS = [
  'PLATE_READ',
  'LINE_CROSSED',
  'ZONE_ENTERED',
  'ZONE_LEFT',
  'MOTION_STARTED',
  'MOTION_ENDED',
  'LOITERING',
  'CROWD_APPEARED',
  'CROWD_DISAPPEARED',
  'TAILGATING',
  'OBJECT_ABANDONED',
  'OBJECT_APPEARED',
  'OBJECT_DISAPPEARED',
  'CAMERA_TAMPERED',
  'CAMERA_DISCONNECTED',
  'CAMERA_CONNECTED',
  'ANALYTICS_ALERT',
  'ACCESS_GRANTED',
  'ACCESS_DENIED',
  'DOOR_FORCED_OPEN',
  'DOOR_HELD_OPEN',
  'DOOR_OPENED',
  'DOOR_CLOSED',
  'CUSTOM',
] as const;
/** The core kinds (the 1.x union). */
export type EventKind = (typeof EVENT_KINDS)[number];
/** A core kind or one an adapter declares in `eventKinds` (`<PREFIX>_…`, see adapter/define.ts). */
export type EventKindName = EventKind | (string & {});

export const MEDIA_ROLES = ['SNAPSHOT', 'PLATE_CROP', 'VEHICLE', 'FRAME', 'CLIP'] as const;
export type MediaRole = (typeof MEDIA_ROLES)[number];

export const CAPABILITIES = ['TRIGGER_EVENT', 'CREATE_EVENT', 'LIVE_STREAM', 'ARCHIVE_STREAM', 'SNAPSHOT', 'CLIP', 'LOCK', 'UNLOCK'] as const;
/** The core capabilities. */
export type Capability = (typeof CAPABILITIES)[number];
/** A core capability or one an adapter declares in `capabilities` (`<PREFIX>_…`). */
export type CapabilityName = Capability | (string & {});

/** Longest name of a kind or capability (core or declared by an adapter). */
export const TAXONOMY_NAME_MAX = 64;
/** Shape of every kind and capability name: UPPER_SNAKE (a GraphQL enum value). */
export const TAXONOMY_NAME = /^[A-Z][A-Z0-9_]*$/;
const taxonomyName = () => z.string().max(TAXONOMY_NAME_MAX).regex(TAXONOMY_NAME, 'must be UPPER_SNAKE_CASE');

/** The device type of a camera (the GraphQL object type Camera). */
export const CAMERA_DEVICE_TYPE = 'Camera';

export const CAMERA_STATUSES = ['ONLINE', 'OFFLINE', 'UNKNOWN'] as const;
export type CameraStatus = (typeof CAMERA_STATUSES)[number];

export const DIRECTIONS = ['IN', 'OUT', 'UNKNOWN'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export const PLATE_PHASES = ['NEW', 'RELIABLE', 'UPDATE', 'LOST'] as const;
export type PlatePhase = (typeof PLATE_PHASES)[number];

/**
 * Longest text the core accepts in each typed field of an event, in characters: the net under every
 * adapter (each should refuse earlier, naming its own field). Indexed columns stay far below
 * PostgreSQL's btree row limit (~2,700 bytes), so no value can fail an INSERT for its length.
 */
export const EVENT_FIELD_LIMITS = {
  /** plate, plateNormalized. */
  plate: 100,
  /** country, region, vehicle type/color/make/model. */
  label: 100,
  /** trackId (indexed). */
  trackId: 500,
  /** analytics ruleId, ruleName, objectClass, objectId. */
  analytics: 500,
  /** camera (device) vendorId (part of the indexed camera id) and camera name. */
  cameraId: 200,
  /** device type (a GraphQL type name). */
  deviceType: 100,
  /** vendorType. */
  vendorType: 200,
  /** dedupeKey (indexed with adapter and instance). */
  dedupeKey: 500,
} as const;
const F = EVENT_FIELD_LIMITS;
const label = () => z.string().max(F.label).nullable().optional();

/** Semantic payload of a PLATE_READ event (the PlateReadEvent GraphQL interface). */
export const plateReadSchema = z.object({
  plate: z.string().max(F.plate),
  plateNormalized: z.string().max(F.plate),
  country: label(),
  region: label(),
  confidence: z.number().min(0).max(1).nullable().optional(),
  direction: z.enum(DIRECTIONS),
  phase: z.enum(PLATE_PHASES),
  trackId: z.string().max(F.trackId).nullable().optional(),
  vehicle: z
    .object({
      type: label(),
      color: label(),
      make: label(),
      model: label(),
    })
    .nullable()
    .optional(),
});
export type PlateRead = z.infer<typeof plateReadSchema>;

/** Semantic payload of analytics events (the AnalyticsEvent GraphQL interface). */
export const analyticsSchema = z.object({
  ruleId: z.string().max(F.analytics).nullable().optional(),
  ruleName: z.string().max(F.analytics).nullable().optional(),
  objectClass: z.string().max(F.analytics).nullable().optional(),
  objectId: z.string().max(F.analytics).nullable().optional(),
});
export type Analytics = z.infer<typeof analyticsSchema>;

/** Media attached to an event before it is stored: raw bytes the core puts into the media store. */
export const mediaInputSchema = z.object({
  role: z.enum(MEDIA_ROLES),
  data: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'expected bytes (Uint8Array)'),
  /** Declared content type; the core checks it against the bytes. */
  contentType: z.string().optional(),
});
export type MediaInput = z.infer<typeof mediaInputSchema>;

export const cameraRefSchema = z.object({
  /** The vendor's own id of the camera or channel, unique within one adapter instance. */
  vendorId: z.string().min(1).max(F.cameraId),
  name: z.string().max(F.cameraId).optional(),
  capabilities: z.array(taxonomyName()).max(64).optional(),
});
export type CameraRef = Omit<z.infer<typeof cameraRefSchema>, 'capabilities'> & { capabilities?: CapabilityName[] };

/** A device that is not (necessarily) a camera: `type` is one of the adapter's deviceTypes, or 'Camera'. */
export const deviceRefSchema = cameraRefSchema.extend({
  type: z
    .string()
    .max(F.deviceType)
    .regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a GraphQL type name'),
});
export type DeviceRef = CameraRef & { type: string };

/**
 * What an adapter publishes. `typeName` is the GraphQL object type (vendor-prefixed, registered by
 * the adapter) that presents the event; `data` carries the semantic fields (plateRead for
 * PLATE_READ, analytics for analytics kinds) plus vendor fields the adapter's type exposes.
 */
export const eventInputSchema = z.object({
  typeName: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a GraphQL type name'),
  /** A core kind, or one the publishing adapter declares (checked at publish: adapter/declared.ts). */
  kind: taxonomyName(),
  vendorType: z.string().min(1).max(F.vendorType),
  occurredAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'Invalid date'),
  /** Unique per adapter instance for one real-world event: re-sends with the same key are stored once. */
  dedupeKey: z.string().min(1).max(F.dedupeKey),
  camera: cameraRefSchema.optional(),
  /** The alternative to `camera` for devices of other types (doors, readers); never both. */
  device: deviceRefSchema.optional(),
  plate: plateReadSchema.optional(),
  analytics: analyticsSchema.optional(),
  /** Vendor-specific fields, exposed by the adapter's own GraphQL type. JSON-serialisable. */
  data: z.record(z.string(), z.unknown()).default({}),
  /** The vendor payload as received, images removed. JSON-serialisable. */
  raw: z.unknown(),
  media: z.array(mediaInputSchema).max(16).default([]),
});
type Named<T> = Omit<T, 'kind' | 'camera' | 'device'> & { kind: EventKindName; camera?: CameraRef; device?: DeviceRef };
export type EventInput = Named<z.input<typeof eventInputSchema>>;
export type ValidEventInput = Named<z.output<typeof eventInputSchema>>;
export interface MediaRef {
  id: string;
  role: MediaRole;
  contentType: string;
  byteSize: number;
  /**
   * When the bytes went while the event remained (retention media expiry, or an erasure of another
   * read sharing the image): ISO-8601. Absent while the bytes are served. Since SDK 2.3.0.
   */
  expiredAt?: string;
}

/** An event as stored in the log and streamed to subscribers. */
export interface StoredEvent {
  seq: bigint;
  typeName: string;
  kind: EventKindName;
  vendorType: string;
  occurredAt: Date;
  receivedAt: Date;
  adapter: string;
  instance: string;
  cameraId: string | null;
  dedupeKey: string;
  plate: PlateRead | null;
  analytics: Analytics | null;
  data: Record<string, unknown>;
  raw: unknown;
  media: MediaRef[];
  /** The plate lists a PLATE_READ matched at ingest, as they were then (core/plates/matcher.ts); absent or null: none. */
  listMatches?: ListMatch[] | null;
}

export interface PublishResult {
  seq: bigint;
  duplicate: boolean;
  /**
   * true: the database was unavailable and the event was fsynced to the local spool instead (only
   * for publishes with `spool: true`); it is committed when the database answers again. `seq` is 0.
   */
  spooled?: boolean;
}

/** Normalise a plate for search: upper-case, no spaces, dashes, dots or other separators. */
export function normalizePlate(plate: string): string {
  return plate.toLocaleUpperCase('en-US').replace(/[\s\-._·/]+/g, '');
}

/** Camera ids are derived, never looked up: adapter/instance/vendorId. */
export function cameraIdOf(adapter: string, instance: string, vendorId: string): string {
  return `${adapter}/${instance}/${vendorId}`;
}
