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

export type CreatePlateListInput = {
  kind: PlateListKind;
  /** 0..3: 0 matches the plate and its OCR look-alikes; 1 also one edit (indexed); 2..3 scan the list at each read (small lists) */
  maxDistance?: number | null | undefined;
  /** Unique, 1..100 characters */
  name: string;
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