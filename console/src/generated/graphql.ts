/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type AdapterStatus =
  | 'DEGRADED'
  | 'ERROR'
  | 'READY'
  | 'STARTING'
  | 'STOPPED';

export type AddPlatesInput = {
  /** 1..10000 entries; an entry whose normalized plate is in the list replaces it */
  entries: Array<PlateListEntryInput>;
  listId: string | number;
};

export type CameraFilter = {
  adapters?: Array<string> | null | undefined;
  /** Cameras having any of these (on any of their sources) */
  capabilities?: Array<Capability> | null | undefined;
  instances?: Array<string> | null | undefined;
  /** Site.id values (or site keys): cameras of these sites */
  siteIds?: Array<string | number> | null | undefined;
  statuses?: Array<CameraStatus> | null | undefined;
};

/** A vendor source of a camera: adapter type, adapter instance and the vendor id there. */
export type CameraSourceInput = {
  adapter: string;
  instance: string;
  vendorId: string;
};

export type CameraStatus =
  | 'OFFLINE'
  | 'ONLINE'
  | 'UNKNOWN';

export type Capability =
  | 'ARCHIVE_STREAM'
  | 'CLIP'
  | 'CREATE_EVENT'
  | 'LIVE_STREAM'
  | 'LOCK'
  | 'SNAPSHOT'
  | 'TRIGGER_EVENT'
  | 'UNLOCK';

export type CreateEventInput = {
  cameraId: string | number;
  /** A retried mutation with the same key does not act twice */
  idempotencyKey?: string | null | undefined;
  /** Vendor metadata to attach */
  meta?: unknown;
  /** When it happened (default: now) */
  time?: string | null | undefined;
  /** The vendor's event type name */
  type: string;
};

export type CreateMqttSinkInput = {
  /** An EventFilter as JSON (kinds, adapters, instances, cameraIds, siteIds, vendorTypes, plate, plateListIds, plateFuzzy); absent: every event */
  filter?: unknown;
  /** Unique, 1..100 characters */
  name: string;
  /** 0, 1 or 2; with 1 and 2 an event counts as delivered when the broker acknowledges it */
  qos?: number | null | undefined;
  /** Topic template with {site}, {camera}, {kind}, {adapter} */
  topic?: string | null | undefined;
  /** mqtt:// or mqtts:// broker URL (user:password@ allowed), at most 2000 characters */
  url: string;
};

export type CreatePlateListInput = {
  kind: PlateListKind;
  /** 0..3: 0 matches the plate and its OCR look-alikes; 1 also one edit (indexed); 2..3 scan the list at each read (small lists) */
  maxDistance?: number | null | undefined;
  /** Unique, 1..100 characters */
  name: string;
};

export type CreateRuleInput = {
  /** 1..10 actions, run in order for each matching event */
  actions: Array<RuleActionInput>;
  /** 0..86400: per camera, by the events' occurredAt */
  cooldownSec?: number | null | undefined;
  enabled?: boolean | null | undefined;
  /** Unique, 1..100 characters */
  name: string;
  /** Events the rule acts on (cameras, sites and plate lists must exist) */
  when: EventFilter;
};

export type CreateWebhookSinkInput = {
  /** An EventFilter as JSON (kinds, adapters, instances, cameraIds, siteIds, vendorTypes, plate, plateListIds, plateFuzzy); absent: every event */
  filter?: unknown;
  /** Unique, 1..100 characters */
  name: string;
  /** http(s) URL, at most 2000 characters; loopback/private hosts only with outbound.allowHosts */
  url: string;
};

export type Direction =
  | 'IN'
  | 'OUT'
  | 'UNKNOWN';

export type EventFilter = {
  adapters?: Array<string> | null | undefined;
  /** Camera.id values; a linked camera matches the events of all its sources */
  cameraIds?: Array<string | number> | null | undefined;
  /** occurredAt ≥ from */
  from?: string | null | undefined;
  instances?: Array<string> | null | undefined;
  kinds?: Array<EventKind> | null | undefined;
  /** Normalized plate (case, spaces and dashes ignored); a trailing * matches a prefix */
  plate?: string | null | undefined;
  /** Plate reads whose plate is within maxDistance of this one (OCR-aware) */
  plateFuzzy?: PlateFuzzyFilter | null | undefined;
  /** PlateList.id values (at most 50): plate reads that matched any of these lists at ingest (deleted lists too) */
  plateListIds?: Array<string | number> | null | undefined;
  /** Site.id values (or site keys): events of every source of the sites' cameras */
  siteIds?: Array<string | number> | null | undefined;
  /** occurredAt ≤ to */
  to?: string | null | undefined;
  /** Event.vendorType values, exact match (any of); each at most 200 characters */
  vendorTypes?: Array<string> | null | undefined;
};

export type EventKind =
  | 'ACCESS_DENIED'
  | 'ACCESS_GRANTED'
  | 'ANALYTICS_ALERT'
  | 'CAMERA_CONNECTED'
  | 'CAMERA_DISCONNECTED'
  | 'CAMERA_TAMPERED'
  | 'CROWD_APPEARED'
  | 'CROWD_DISAPPEARED'
  | 'CUSTOM'
  | 'DOOR_CLOSED'
  | 'DOOR_FORCED_OPEN'
  | 'DOOR_HELD_OPEN'
  | 'DOOR_OPENED'
  | 'LINE_CROSSED'
  | 'LOITERING'
  | 'MOTION_ENDED'
  | 'MOTION_STARTED'
  | 'OBJECT_ABANDONED'
  | 'OBJECT_APPEARED'
  | 'OBJECT_DISAPPEARED'
  | 'PLATE_READ'
  | 'TAILGATING'
  | 'ZONE_ENTERED'
  | 'ZONE_LEFT';

export type LinkCamerasInput = {
  /** Cameras whose sources join it (1..50) */
  from: Array<string | number>;
  /** The camera that stays (its id does not change) */
  into: string | number;
};

export type MediaRole =
  | 'CLIP'
  | 'FRAME'
  | 'PLATE_CROP'
  | 'SNAPSHOT'
  | 'VEHICLE';

/** Plate reads within an edit distance of a plate, where OCR look-alikes (0/O/D/Q, 1/I/L/T, 2/Z, 5/S, 8/B, 6/G) cost nothing */
export type PlateFuzzyFilter = {
  /** Edits allowed (insert, delete, replace a character), 0–2 */
  maxDistance?: number | null | undefined;
  /** Plate (case, spaces and dashes ignored), 1–20 characters */
  plate: string;
};

export type PlateListEntryInput = {
  /** At most 200 characters */
  label?: string | null | undefined;
  /** 1..20 characters once normalized (case, spaces and dashes ignored) */
  plate: string;
  /** Inclusive; absent: no start */
  validFrom?: string | null | undefined;
  /** Exclusive, after validFrom; absent: no end */
  validTo?: string | null | undefined;
};

export type PlateListKind =
  | 'ALLOW'
  | 'DENY'
  | 'WATCH';

export type PlatePhase =
  | 'LOST'
  | 'NEW'
  | 'RELIABLE'
  | 'UPDATE';

export type RemovePlatesInput = {
  listId: string | number;
  /** 1..10000 plates (normalized like entries); absent ones are ignored */
  plates: Array<string>;
};

export type RetentionPolicyInput = {
  /** Adapter types (`ff`) or instances (`ff/default`) */
  adapters?: Array<string> | null | undefined;
  /** Configured camera ids, internal ids or Camera ids */
  cameraIds?: Array<string> | null | undefined;
  /** A duration: whole hours or days, 1h..36500d (12h, 30d) */
  events?: string | null | undefined;
  /** EventKind names */
  kinds?: Array<string> | null | undefined;
  /** A duration, at most `events` */
  media?: string | null | undefined;
  /** Site ids (config `sites[].id`, or Site ids) */
  siteIds?: Array<string> | null | undefined;
};

/** Exactly one of trigger, createEvent, sink. */
export type RuleActionInput =
  {   createEvent: RuleCameraActionInput; sink?: never; trigger?: never; }
  |  { createEvent?: never;   /** Needs the sinks feature */
  sink: RuleSinkActionInput; trigger?: never; }
  |  { createEvent?: never; sink?: never;   trigger: RuleCameraActionInput; };

export type RuleCameraActionInput = {
  /** A camera having the capability (TRIGGER_EVENT for trigger, CREATE_EVENT for createEvent) on one of its sources */
  cameraId: string | number;
  /** A JSON object, at most 16384 bytes */
  meta?: unknown;
  /** The vendor's event type, 1..64 characters */
  type: string;
};

export type RuleRunStatus =
  | 'FAILED'
  | 'PENDING'
  | 'SKIPPED'
  | 'SUCCEEDED';

export type RuleSinkActionInput = {
  sinkId: string | number;
};

export type SinkDeliveryStatus =
  | 'DELIVERED'
  | 'FAILED'
  | 'GAVE_UP';

export type SinkKind =
  | 'MQTT'
  | 'WEBHOOK';

/** ACTIVE delivering; FAILING retrying the oldest undelivered event with backoff; PAUSED by pauseSink; DISABLED after 24 h of failures or a 410 Gone (resumeSink restarts it) */
export type SinkState =
  | 'ACTIVE'
  | 'DISABLED'
  | 'FAILING'
  | 'PAUSED';

export type StartStreamInput = {
  audio?: boolean | null | undefined;
  cameraId: string | number;
  /** Archive start (ARCHIVE mode) */
  from?: string | null | undefined;
  height?: number | null | undefined;
  mode: StreamMode;
  width?: number | null | undefined;
};

export type StreamMode =
  | 'ARCHIVE'
  | 'LIVE';

export type StreamState =
  | 'ACTIVE'
  | 'FAILED'
  | 'STARTING'
  | 'STOPPED';

export type TriggerEventInput = {
  cameraId: string | number;
  /** A retried mutation with the same key does not act twice */
  idempotencyKey?: string | null | undefined;
  /** Vendor metadata to attach */
  meta?: unknown;
  /** When it happened (default: now) */
  time?: string | null | undefined;
  /** The vendor's event type name */
  type: string;
};

export type UnlinkCameraSourceInput = {
  cameraId: string | number;
  /** The source that becomes a camera of its own again (its old id) */
  source: CameraSourceInput;
};

/** Fields left out stay as they are. Enabling a disabled rule acts on events from then on. */
export type UpdateRuleInput = {
  actions?: Array<RuleActionInput> | null | undefined;
  cooldownSec?: number | null | undefined;
  enabled?: boolean | null | undefined;
  id: string | number;
  name?: string | null | undefined;
  when?: EventFilter | null | undefined;
};

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { open: boolean, keyName: string | null, scopes: Array<string> } };

type EventRow_CamlyticsEvent_Fragment = { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> };

type EventRow_FfPlateEvent_Fragment = { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> };

type EventRow_GenericEvent_Fragment = { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> };

type EventRow_IvmsAlertEvent_Fragment = { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> };

type EventRow_VxgEvent_Fragment = { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> };

export type EventRowFragment =
  | EventRow_CamlyticsEvent_Fragment
  | EventRow_FfPlateEvent_Fragment
  | EventRow_GenericEvent_Fragment
  | EventRow_IvmsAlertEvent_Fragment
  | EventRow_VxgEvent_Fragment
;

export type LiveEventsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type LiveEventsSubscription = { events:
    | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
   };

export type SearchEventsQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type SearchEventsQuery = { events: { edges: Array<{ cursor: string, node:
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
       }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type FilterOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type FilterOptionsQuery = { sites: Array<{ id: string, key: string, name: string }>, cameras: { edges: Array<{ node: { id: string, name: string, site: { key: string } | null } }> } };

export type EventDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type EventDetailQuery = { event:
    | { receivedAt: string, raw: unknown, ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, camera: { id: string, name: string, capabilities: Array<Capability>, status: CameraStatus, site: { key: string, name: string } | null } | null, related: Array<
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
      >, source: { adapter: string, instance: string }, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { country: string | null, region: string | null, phase: PlatePhase, trackId: string | null, receivedAt: string, raw: unknown, plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, vehicle: { type: string | null, color: string | null, make: string | null, model: string | null } | null, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number, list: { id: string, name: string } | null, entry: { plate: string, label: string | null } }>, camera: { id: string, name: string, capabilities: Array<Capability>, status: CameraStatus, site: { key: string, name: string } | null } | null, related: Array<
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
      >, source: { adapter: string, instance: string }, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { receivedAt: string, raw: unknown, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, camera: { id: string, name: string, capabilities: Array<Capability>, status: CameraStatus, site: { key: string, name: string } | null } | null, related: Array<
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
      >, source: { adapter: string, instance: string }, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { receivedAt: string, raw: unknown, ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, camera: { id: string, name: string, capabilities: Array<Capability>, status: CameraStatus, site: { key: string, name: string } | null } | null, related: Array<
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
      >, source: { adapter: string, instance: string }, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
    | { receivedAt: string, raw: unknown, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, camera: { id: string, name: string, capabilities: Array<Capability>, status: CameraStatus, site: { key: string, name: string } | null } | null, related: Array<
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, listMatches: Array<{ listName: string, kind: PlateListKind, distance: number }>, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { ruleName: string | null, objectClass: string | null, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, site: { key: string, name: string } | null } | null, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
      >, source: { adapter: string, instance: string }, media: Array<{ id: string, role: MediaRole, url: string, contentType: string }> }
   | null };

export type EventVideoQueryVariables = Exact<{
  id: string | number;
  beforeSec?: number | null | undefined;
  afterSec?: number | null | undefined;
}>;


export type EventVideoQuery = { event:
    | { id: string, video: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } | null }
    | { id: string, video: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } | null }
    | { id: string, video: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } | null }
    | { id: string, video: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } | null }
    | { id: string, video: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } | null }
   | null };

export type CamerasQueryVariables = Exact<{
  filter?: CameraFilter | null | undefined;
}>;


export type CamerasQuery = { sites: Array<{ id: string, key: string, name: string }>, cameras: { edges: Array<{ node: { id: string, key: string | null, name: string, status: CameraStatus, capabilities: Array<Capability>, site: { id: string, key: string, name: string } | null, sources: Array<{ adapter: string, instance: string, vendorId: string, status: CameraStatus, capabilities: Array<Capability> }> } }> } };

export type TriggerEventMutationVariables = Exact<{
  input: TriggerEventInput;
}>;


export type TriggerEventMutation = { triggerEvent: { accepted: boolean, vendorEventId: string | null } };

export type CreateEventMutationVariables = Exact<{
  input: CreateEventInput;
}>;


export type CreateEventMutation = { createEvent: { accepted: boolean, vendorEventId: string | null } };

export type StartStreamMutationVariables = Exact<{
  input: StartStreamInput;
}>;


export type StartStreamMutation = { startStream: { id: string, state: StreamState, playlistUrl: string, expiresAt: string } };

export type StopStreamMutationVariables = Exact<{
  id: string | number;
}>;


export type StopStreamMutation = { stopStream: { id: string, state: StreamState } };

export type LinkCamerasMutationVariables = Exact<{
  input: LinkCamerasInput;
}>;


export type LinkCamerasMutation = { linkCameras: { id: string, name: string } };

export type UnlinkCameraSourceMutationVariables = Exact<{
  input: UnlinkCameraSourceInput;
}>;


export type UnlinkCameraSourceMutation = { unlinkCameraSource: { id: string, name: string } };

export type AdapterRowFragment = { type: string, id: string, version: string, status: AdapterStatus, detail: string | null, since: string, lastEventAt: string | null, capabilities: Array<Capability>, counters: Array<{ name: string, value: number }>, leases: Array<{ name: string, held: boolean }> };

export type AdaptersQueryVariables = Exact<{ [key: string]: never; }>;


export type AdaptersQuery = { adapters: Array<{ type: string, id: string, version: string, status: AdapterStatus, detail: string | null, since: string, lastEventAt: string | null, capabilities: Array<Capability>, counters: Array<{ name: string, value: number }>, leases: Array<{ name: string, held: boolean }> }> };

export type AdapterStatusChangedSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type AdapterStatusChangedSubscription = { adapterStatusChanged: { type: string, id: string, version: string, status: AdapterStatus, detail: string | null, since: string, lastEventAt: string | null, capabilities: Array<Capability>, counters: Array<{ name: string, value: number }>, leases: Array<{ name: string, held: boolean }> } };

export type PlateListsQueryVariables = Exact<{ [key: string]: never; }>;


export type PlateListsQuery = { plateLists: Array<{ id: string, name: string, kind: PlateListKind, maxDistance: number, size: number }> };

export type PlateListEntriesQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
  plate?: string | null | undefined;
}>;


export type PlateListEntriesQuery = { node:
    | { id: string, name: string, kind: PlateListKind, maxDistance: number, size: number, entries: { edges: Array<{ node: { plate: string, plateNormalized: string, label: string | null, validFrom: string | null, validTo: string | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | Record<PropertyKey, never>
   | null };

export type CreatePlateListMutationVariables = Exact<{
  input: CreatePlateListInput;
}>;


export type CreatePlateListMutation = { createPlateList: { id: string, name: string, kind: PlateListKind, maxDistance: number, size: number } };

export type DeletePlateListMutationVariables = Exact<{
  id: string | number;
}>;


export type DeletePlateListMutation = { deletePlateList: boolean };

export type AddPlatesMutationVariables = Exact<{
  input: AddPlatesInput;
}>;


export type AddPlatesMutation = { addPlates: { id: string, size: number } };

export type RemovePlatesMutationVariables = Exact<{
  input: RemovePlatesInput;
}>;


export type RemovePlatesMutation = { removePlates: { id: string, size: number } };

export type RuleRowFragment = { id: string, name: string, enabled: boolean, origin: string, when: unknown, cooldownSec: number, lastFiredAt: string | null, actions: Array<{ trigger: { cameraId: string, type: string, camera: { name: string } | null } | null, createEvent: { cameraId: string, type: string, camera: { name: string } | null } | null, sink: { sinkId: string } | null }> };

export type RulesQueryVariables = Exact<{ [key: string]: never; }>;


export type RulesQuery = { rules: Array<{ id: string, name: string, enabled: boolean, origin: string, when: unknown, cooldownSec: number, lastFiredAt: string | null, actions: Array<{ trigger: { cameraId: string, type: string, camera: { name: string } | null } | null, createEvent: { cameraId: string, type: string, camera: { name: string } | null } | null, sink: { sinkId: string } | null }> }> };

export type RuleRunsQueryVariables = Exact<{
  id: string | number;
  first: number;
  after?: string | null | undefined;
}>;


export type RuleRunsQuery = { node:
    | { id: string, runs: { edges: Array<{ node: { id: string, action: number, status: RuleRunStatus, attempts: number, error: string | null, at: string, nextAttemptAt: string | null, event:
              | { id: string, seq: string, kind: EventKind }
              | { plate: string, id: string, seq: string, kind: EventKind }
              | { id: string, seq: string, kind: EventKind }
              | { id: string, seq: string, kind: EventKind }
              | { id: string, seq: string, kind: EventKind }
             | null } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } }
    | Record<PropertyKey, never>
   | null };

export type RuleFormOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type RuleFormOptionsQuery = { cameras: { edges: Array<{ node: { id: string, key: string | null, name: string, capabilities: Array<Capability>, sources: Array<{ adapter: string, instance: string, vendorId: string }> } }> }, plateLists: Array<{ id: string, name: string, kind: PlateListKind }>, sinks: Array<{ id: string, name: string, kind: SinkKind }> };

export type CreateRuleMutationVariables = Exact<{
  input: CreateRuleInput;
}>;


export type CreateRuleMutation = { createRule: { id: string, name: string, enabled: boolean, origin: string, when: unknown, cooldownSec: number, lastFiredAt: string | null, actions: Array<{ trigger: { cameraId: string, type: string, camera: { name: string } | null } | null, createEvent: { cameraId: string, type: string, camera: { name: string } | null } | null, sink: { sinkId: string } | null }> } };

export type UpdateRuleMutationVariables = Exact<{
  input: UpdateRuleInput;
}>;


export type UpdateRuleMutation = { updateRule: { id: string, name: string, enabled: boolean, origin: string, when: unknown, cooldownSec: number, lastFiredAt: string | null, actions: Array<{ trigger: { cameraId: string, type: string, camera: { name: string } | null } | null, createEvent: { cameraId: string, type: string, camera: { name: string } | null } | null, sink: { sinkId: string } | null }> } };

export type DeleteRuleMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteRuleMutation = { deleteRule: boolean };

export type SinkRowFragment = { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } };

export type SinksQueryVariables = Exact<{ [key: string]: never; }>;


export type SinksQuery = { sinks: Array<{ id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } }> };

export type CreateWebhookSinkMutationVariables = Exact<{
  input: CreateWebhookSinkInput;
}>;


export type CreateWebhookSinkMutation = { createWebhookSink: { secret: string, sink: { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } } } };

export type CreateMqttSinkMutationVariables = Exact<{
  input: CreateMqttSinkInput;
}>;


export type CreateMqttSinkMutation = { createMqttSink: { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } } };

export type PauseSinkMutationVariables = Exact<{
  id: string | number;
}>;


export type PauseSinkMutation = { pauseSink: { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } } };

export type ResumeSinkMutationVariables = Exact<{
  id: string | number;
}>;


export type ResumeSinkMutation = { resumeSink: { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } } };

export type ReplaySinkMutationVariables = Exact<{
  id: string | number;
  fromSeq: string;
}>;


export type ReplaySinkMutation = { replaySink: { id: string, name: string, kind: SinkKind, origin: string, url: string, topic: string | null, qos: number | null, filter: unknown, state: SinkState, lag: number, lastDeliveredSeq: string | null, lastError: string | null, createdAt: string, deliveries: { edges: Array<{ node: { messageId: string, seq: string, status: SinkDeliveryStatus, httpStatus: number | null, attempts: number, error: string | null, at: string } }> } } };

export type DeleteSinkMutationVariables = Exact<{
  id: string | number;
}>;


export type DeleteSinkMutation = { deleteSink: boolean };

export type RetentionPolicyRowFragment = { kinds: Array<string> | null, adapters: Array<string> | null, cameraIds: Array<string> | null, siteIds: Array<string> | null, events: string | null, media: string | null };

export type RetentionPoliciesQueryVariables = Exact<{ [key: string]: never; }>;


export type RetentionPoliciesQuery = { retentionPolicies: Array<{ kinds: Array<string> | null, adapters: Array<string> | null, cameraIds: Array<string> | null, siteIds: Array<string> | null, events: string | null, media: string | null }> };

export type SetRetentionPoliciesMutationVariables = Exact<{
  input: Array<RetentionPolicyInput> | RetentionPolicyInput;
}>;


export type SetRetentionPoliciesMutation = { setRetentionPolicies: Array<{ kinds: Array<string> | null, adapters: Array<string> | null, cameraIds: Array<string> | null, siteIds: Array<string> | null, events: string | null, media: string | null }> };

export type StorageQueryVariables = Exact<{ [key: string]: never; }>;


export type StorageQuery = { diskSpace: Array<{ path: string, freeBytes: number | null, totalBytes: number | null, minFreeBytes: number, mediaRefused: boolean, error: string | null }>, storageUsage: Array<{ adapter: string, instance: string, kind: string, events: number, mediaBytes: number }> };

export type AuditLogQueryVariables = Exact<{
  first: number;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { edges: Array<{ node: { id: string, at: string, keyId: string | null, action: string, args: unknown, outcome: string } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type EventKindsQueryVariables = Exact<{ [key: string]: never; }>;


export type EventKindsQuery = { __type: { enumValues: Array<{ name: string }> | null } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const EventRowFragmentDoc = new TypedDocumentString(`
    fragment EventRow on Event {
  id
  seq
  kind
  vendorType
  occurredAt
  source {
    adapter
    instance
  }
  camera {
    id
    name
    site {
      key
      name
    }
  }
  media {
    id
    role
    url
    contentType
  }
  ... on PlateReadEvent {
    plate
    plateNormalized
    confidence
    direction
    listMatches {
      listName
      kind
      distance
    }
  }
  ... on AnalyticsEvent {
    ruleName
    objectClass
  }
}
    `, {"fragmentName":"EventRow"}) as unknown as TypedDocumentString<EventRowFragment, unknown>;
export const AdapterRowFragmentDoc = new TypedDocumentString(`
    fragment AdapterRow on AdapterInstance {
  type
  id
  version
  status
  detail
  since
  lastEventAt
  capabilities
  counters {
    name
    value
  }
  leases {
    name
    held
  }
}
    `, {"fragmentName":"AdapterRow"}) as unknown as TypedDocumentString<AdapterRowFragment, unknown>;
export const RuleRowFragmentDoc = new TypedDocumentString(`
    fragment RuleRow on Rule {
  id
  name
  enabled
  origin
  when
  cooldownSec
  lastFiredAt
  actions {
    trigger {
      cameraId
      type
      camera {
        name
      }
    }
    createEvent {
      cameraId
      type
      camera {
        name
      }
    }
    sink {
      sinkId
    }
  }
}
    `, {"fragmentName":"RuleRow"}) as unknown as TypedDocumentString<RuleRowFragment, unknown>;
export const SinkRowFragmentDoc = new TypedDocumentString(`
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}
    `, {"fragmentName":"SinkRow"}) as unknown as TypedDocumentString<SinkRowFragment, unknown>;
export const RetentionPolicyRowFragmentDoc = new TypedDocumentString(`
    fragment RetentionPolicyRow on RetentionPolicy {
  kinds
  adapters
  cameraIds
  siteIds
  events
  media
}
    `, {"fragmentName":"RetentionPolicyRow"}) as unknown as TypedDocumentString<RetentionPolicyRowFragment, unknown>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    open
    keyName
    scopes
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const LiveEventsDocument = new TypedDocumentString(`
    subscription LiveEvents($after: String, $filter: EventFilter) {
  events(after: $after, filter: $filter) {
    ...EventRow
  }
}
    fragment EventRow on Event {
  id
  seq
  kind
  vendorType
  occurredAt
  source {
    adapter
    instance
  }
  camera {
    id
    name
    site {
      key
      name
    }
  }
  media {
    id
    role
    url
    contentType
  }
  ... on PlateReadEvent {
    plate
    plateNormalized
    confidence
    direction
    listMatches {
      listName
      kind
      distance
    }
  }
  ... on AnalyticsEvent {
    ruleName
    objectClass
  }
}`) as unknown as TypedDocumentString<LiveEventsSubscription, LiveEventsSubscriptionVariables>;
export const SearchEventsDocument = new TypedDocumentString(`
    query SearchEvents($first: Int!, $after: String, $filter: EventFilter) {
  events(first: $first, after: $after, filter: $filter) {
    edges {
      cursor
      node {
        ...EventRow
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    fragment EventRow on Event {
  id
  seq
  kind
  vendorType
  occurredAt
  source {
    adapter
    instance
  }
  camera {
    id
    name
    site {
      key
      name
    }
  }
  media {
    id
    role
    url
    contentType
  }
  ... on PlateReadEvent {
    plate
    plateNormalized
    confidence
    direction
    listMatches {
      listName
      kind
      distance
    }
  }
  ... on AnalyticsEvent {
    ruleName
    objectClass
  }
}`) as unknown as TypedDocumentString<SearchEventsQuery, SearchEventsQueryVariables>;
export const FilterOptionsDocument = new TypedDocumentString(`
    query FilterOptions {
  sites {
    id
    key
    name
  }
  cameras(first: 200) {
    edges {
      node {
        id
        name
        site {
          key
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<FilterOptionsQuery, FilterOptionsQueryVariables>;
export const EventDetailDocument = new TypedDocumentString(`
    query EventDetail($id: ID!) {
  event(id: $id) {
    ...EventRow
    receivedAt
    raw
    camera {
      id
      name
      capabilities
      status
    }
    ... on PlateReadEvent {
      country
      region
      phase
      trackId
      vehicle {
        type
        color
        make
        model
      }
      listMatches {
        listName
        kind
        distance
        list {
          id
          name
        }
        entry {
          plate
          label
        }
      }
    }
    related(withinSec: 30, first: 20) {
      ...EventRow
    }
  }
}
    fragment EventRow on Event {
  id
  seq
  kind
  vendorType
  occurredAt
  source {
    adapter
    instance
  }
  camera {
    id
    name
    site {
      key
      name
    }
  }
  media {
    id
    role
    url
    contentType
  }
  ... on PlateReadEvent {
    plate
    plateNormalized
    confidence
    direction
    listMatches {
      listName
      kind
      distance
    }
  }
  ... on AnalyticsEvent {
    ruleName
    objectClass
  }
}`) as unknown as TypedDocumentString<EventDetailQuery, EventDetailQueryVariables>;
export const EventVideoDocument = new TypedDocumentString(`
    query EventVideo($id: ID!, $beforeSec: Int, $afterSec: Int) {
  event(id: $id) {
    id
    video(beforeSec: $beforeSec, afterSec: $afterSec) {
      id
      state
      playlistUrl
      expiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<EventVideoQuery, EventVideoQueryVariables>;
export const CamerasDocument = new TypedDocumentString(`
    query Cameras($filter: CameraFilter) {
  sites {
    id
    key
    name
  }
  cameras(first: 200, filter: $filter) {
    edges {
      node {
        id
        key
        name
        status
        capabilities
        site {
          id
          key
          name
        }
        sources {
          adapter
          instance
          vendorId
          status
          capabilities
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CamerasQuery, CamerasQueryVariables>;
export const TriggerEventDocument = new TypedDocumentString(`
    mutation TriggerEvent($input: TriggerEventInput!) {
  triggerEvent(input: $input) {
    accepted
    vendorEventId
  }
}
    `) as unknown as TypedDocumentString<TriggerEventMutation, TriggerEventMutationVariables>;
export const CreateEventDocument = new TypedDocumentString(`
    mutation CreateEvent($input: CreateEventInput!) {
  createEvent(input: $input) {
    accepted
    vendorEventId
  }
}
    `) as unknown as TypedDocumentString<CreateEventMutation, CreateEventMutationVariables>;
export const StartStreamDocument = new TypedDocumentString(`
    mutation StartStream($input: StartStreamInput!) {
  startStream(input: $input) {
    id
    state
    playlistUrl
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<StartStreamMutation, StartStreamMutationVariables>;
export const StopStreamDocument = new TypedDocumentString(`
    mutation StopStream($id: ID!) {
  stopStream(id: $id) {
    id
    state
  }
}
    `) as unknown as TypedDocumentString<StopStreamMutation, StopStreamMutationVariables>;
export const LinkCamerasDocument = new TypedDocumentString(`
    mutation LinkCameras($input: LinkCamerasInput!) {
  linkCameras(input: $input) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<LinkCamerasMutation, LinkCamerasMutationVariables>;
export const UnlinkCameraSourceDocument = new TypedDocumentString(`
    mutation UnlinkCameraSource($input: UnlinkCameraSourceInput!) {
  unlinkCameraSource(input: $input) {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<UnlinkCameraSourceMutation, UnlinkCameraSourceMutationVariables>;
export const AdaptersDocument = new TypedDocumentString(`
    query Adapters {
  adapters {
    ...AdapterRow
  }
}
    fragment AdapterRow on AdapterInstance {
  type
  id
  version
  status
  detail
  since
  lastEventAt
  capabilities
  counters {
    name
    value
  }
  leases {
    name
    held
  }
}`) as unknown as TypedDocumentString<AdaptersQuery, AdaptersQueryVariables>;
export const AdapterStatusChangedDocument = new TypedDocumentString(`
    subscription AdapterStatusChanged {
  adapterStatusChanged {
    ...AdapterRow
  }
}
    fragment AdapterRow on AdapterInstance {
  type
  id
  version
  status
  detail
  since
  lastEventAt
  capabilities
  counters {
    name
    value
  }
  leases {
    name
    held
  }
}`) as unknown as TypedDocumentString<AdapterStatusChangedSubscription, AdapterStatusChangedSubscriptionVariables>;
export const PlateListsDocument = new TypedDocumentString(`
    query PlateLists {
  plateLists {
    id
    name
    kind
    maxDistance
    size
  }
}
    `) as unknown as TypedDocumentString<PlateListsQuery, PlateListsQueryVariables>;
export const PlateListEntriesDocument = new TypedDocumentString(`
    query PlateListEntries($id: ID!, $first: Int!, $after: String, $plate: String) {
  node(id: $id) {
    ... on PlateList {
      id
      name
      kind
      maxDistance
      size
      entries(first: $first, after: $after, plate: $plate) {
        edges {
          node {
            plate
            plateNormalized
            label
            validFrom
            validTo
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PlateListEntriesQuery, PlateListEntriesQueryVariables>;
export const CreatePlateListDocument = new TypedDocumentString(`
    mutation CreatePlateList($input: CreatePlateListInput!) {
  createPlateList(input: $input) {
    id
    name
    kind
    maxDistance
    size
  }
}
    `) as unknown as TypedDocumentString<CreatePlateListMutation, CreatePlateListMutationVariables>;
export const DeletePlateListDocument = new TypedDocumentString(`
    mutation DeletePlateList($id: ID!) {
  deletePlateList(id: $id)
}
    `) as unknown as TypedDocumentString<DeletePlateListMutation, DeletePlateListMutationVariables>;
export const AddPlatesDocument = new TypedDocumentString(`
    mutation AddPlates($input: AddPlatesInput!) {
  addPlates(input: $input) {
    id
    size
  }
}
    `) as unknown as TypedDocumentString<AddPlatesMutation, AddPlatesMutationVariables>;
export const RemovePlatesDocument = new TypedDocumentString(`
    mutation RemovePlates($input: RemovePlatesInput!) {
  removePlates(input: $input) {
    id
    size
  }
}
    `) as unknown as TypedDocumentString<RemovePlatesMutation, RemovePlatesMutationVariables>;
export const RulesDocument = new TypedDocumentString(`
    query Rules {
  rules {
    ...RuleRow
  }
}
    fragment RuleRow on Rule {
  id
  name
  enabled
  origin
  when
  cooldownSec
  lastFiredAt
  actions {
    trigger {
      cameraId
      type
      camera {
        name
      }
    }
    createEvent {
      cameraId
      type
      camera {
        name
      }
    }
    sink {
      sinkId
    }
  }
}`) as unknown as TypedDocumentString<RulesQuery, RulesQueryVariables>;
export const RuleRunsDocument = new TypedDocumentString(`
    query RuleRuns($id: ID!, $first: Int!, $after: String) {
  node(id: $id) {
    ... on Rule {
      id
      runs(first: $first, after: $after) {
        edges {
          node {
            id
            action
            status
            attempts
            error
            at
            nextAttemptAt
            event {
              id
              seq
              kind
              ... on PlateReadEvent {
                plate
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RuleRunsQuery, RuleRunsQueryVariables>;
export const RuleFormOptionsDocument = new TypedDocumentString(`
    query RuleFormOptions {
  cameras(first: 200) {
    edges {
      node {
        id
        key
        name
        capabilities
        sources {
          adapter
          instance
          vendorId
        }
      }
    }
  }
  plateLists {
    id
    name
    kind
  }
  sinks {
    id
    name
    kind
  }
}
    `) as unknown as TypedDocumentString<RuleFormOptionsQuery, RuleFormOptionsQueryVariables>;
export const CreateRuleDocument = new TypedDocumentString(`
    mutation CreateRule($input: CreateRuleInput!) {
  createRule(input: $input) {
    ...RuleRow
  }
}
    fragment RuleRow on Rule {
  id
  name
  enabled
  origin
  when
  cooldownSec
  lastFiredAt
  actions {
    trigger {
      cameraId
      type
      camera {
        name
      }
    }
    createEvent {
      cameraId
      type
      camera {
        name
      }
    }
    sink {
      sinkId
    }
  }
}`) as unknown as TypedDocumentString<CreateRuleMutation, CreateRuleMutationVariables>;
export const UpdateRuleDocument = new TypedDocumentString(`
    mutation UpdateRule($input: UpdateRuleInput!) {
  updateRule(input: $input) {
    ...RuleRow
  }
}
    fragment RuleRow on Rule {
  id
  name
  enabled
  origin
  when
  cooldownSec
  lastFiredAt
  actions {
    trigger {
      cameraId
      type
      camera {
        name
      }
    }
    createEvent {
      cameraId
      type
      camera {
        name
      }
    }
    sink {
      sinkId
    }
  }
}`) as unknown as TypedDocumentString<UpdateRuleMutation, UpdateRuleMutationVariables>;
export const DeleteRuleDocument = new TypedDocumentString(`
    mutation DeleteRule($id: ID!) {
  deleteRule(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteRuleMutation, DeleteRuleMutationVariables>;
export const SinksDocument = new TypedDocumentString(`
    query Sinks {
  sinks {
    ...SinkRow
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<SinksQuery, SinksQueryVariables>;
export const CreateWebhookSinkDocument = new TypedDocumentString(`
    mutation CreateWebhookSink($input: CreateWebhookSinkInput!) {
  createWebhookSink(input: $input) {
    secret
    sink {
      ...SinkRow
    }
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<CreateWebhookSinkMutation, CreateWebhookSinkMutationVariables>;
export const CreateMqttSinkDocument = new TypedDocumentString(`
    mutation CreateMqttSink($input: CreateMqttSinkInput!) {
  createMqttSink(input: $input) {
    ...SinkRow
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<CreateMqttSinkMutation, CreateMqttSinkMutationVariables>;
export const PauseSinkDocument = new TypedDocumentString(`
    mutation PauseSink($id: ID!) {
  pauseSink(id: $id) {
    ...SinkRow
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<PauseSinkMutation, PauseSinkMutationVariables>;
export const ResumeSinkDocument = new TypedDocumentString(`
    mutation ResumeSink($id: ID!) {
  resumeSink(id: $id) {
    ...SinkRow
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<ResumeSinkMutation, ResumeSinkMutationVariables>;
export const ReplaySinkDocument = new TypedDocumentString(`
    mutation ReplaySink($id: ID!, $fromSeq: String!) {
  replaySink(id: $id, fromSeq: $fromSeq) {
    ...SinkRow
  }
}
    fragment SinkRow on Sink {
  id
  name
  kind
  origin
  url
  topic
  qos
  filter
  state
  lag
  lastDeliveredSeq
  lastError
  createdAt
  deliveries(first: 5) {
    edges {
      node {
        messageId
        seq
        status
        httpStatus
        attempts
        error
        at
      }
    }
  }
}`) as unknown as TypedDocumentString<ReplaySinkMutation, ReplaySinkMutationVariables>;
export const DeleteSinkDocument = new TypedDocumentString(`
    mutation DeleteSink($id: ID!) {
  deleteSink(id: $id)
}
    `) as unknown as TypedDocumentString<DeleteSinkMutation, DeleteSinkMutationVariables>;
export const RetentionPoliciesDocument = new TypedDocumentString(`
    query RetentionPolicies {
  retentionPolicies {
    ...RetentionPolicyRow
  }
}
    fragment RetentionPolicyRow on RetentionPolicy {
  kinds
  adapters
  cameraIds
  siteIds
  events
  media
}`) as unknown as TypedDocumentString<RetentionPoliciesQuery, RetentionPoliciesQueryVariables>;
export const SetRetentionPoliciesDocument = new TypedDocumentString(`
    mutation SetRetentionPolicies($input: [RetentionPolicyInput!]!) {
  setRetentionPolicies(input: $input) {
    ...RetentionPolicyRow
  }
}
    fragment RetentionPolicyRow on RetentionPolicy {
  kinds
  adapters
  cameraIds
  siteIds
  events
  media
}`) as unknown as TypedDocumentString<SetRetentionPoliciesMutation, SetRetentionPoliciesMutationVariables>;
export const StorageDocument = new TypedDocumentString(`
    query Storage {
  diskSpace {
    path
    freeBytes
    totalBytes
    minFreeBytes
    mediaRefused
    error
  }
  storageUsage {
    adapter
    instance
    kind
    events
    mediaBytes
  }
}
    `) as unknown as TypedDocumentString<StorageQuery, StorageQueryVariables>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($first: Int!, $after: String) {
  auditLog(first: $first, after: $after) {
    edges {
      node {
        id
        at
        keyId
        action
        args
        outcome
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
  }
}
    `) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const EventKindsDocument = new TypedDocumentString(`
    query EventKinds {
  __type(name: "EventKind") {
    enumValues {
      name
    }
  }
}
    `) as unknown as TypedDocumentString<EventKindsQuery, EventKindsQueryVariables>;