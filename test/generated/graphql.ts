/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type AdapterStatus =
  | 'DEGRADED'
  | 'ERROR'
  | 'READY'
  | 'STARTING'
  | 'STOPPED';

export type CameraFilter = {
  adapters?: Array<string> | null | undefined;
  /** Cameras having any of these (on any of their sources) */
  capabilities?: Array<Capability> | null | undefined;
  instances?: Array<string> | null | undefined;
  /** Site.id values (or site keys): cameras of these sites */
  siteIds?: Array<string | number> | null | undefined;
  statuses?: Array<CameraStatus> | null | undefined;
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

export type PlatePhase =
  | 'LOST'
  | 'NEW'
  | 'RELIABLE'
  | 'UPDATE';

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

export type RecentEventsQueryVariables = Exact<{
  first?: number | null | undefined;
  after?: string | null | undefined;
  filter?: EventFilter | null | undefined;
}>;


export type RecentEventsQuery = { events: { edges: Array<{ cursor: string, node:
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, receivedAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability> } | null, media: Array<{ id: string, role: MediaRole, contentType: string, byteSize: number, url: string }> }
        | { plate: string, plateNormalized: string, confidence: number | null, direction: Direction, phase: PlatePhase, trackId: string | null, deviceId: string, carId: string, id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, receivedAt: string, vehicle: { type: string | null, color: string | null, make: string | null, model: string | null } | null, source: { adapter: string, instance: string }, camera: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability> } | null, media: Array<{ id: string, role: MediaRole, contentType: string, byteSize: number, url: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, receivedAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability> } | null, media: Array<{ id: string, role: MediaRole, contentType: string, byteSize: number, url: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, receivedAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability> } | null, media: Array<{ id: string, role: MediaRole, contentType: string, byteSize: number, url: string }> }
        | { id: string, seq: string, kind: EventKind, vendorType: string, occurredAt: string, receivedAt: string, source: { adapter: string, instance: string }, camera: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability> } | null, media: Array<{ id: string, role: MediaRole, contentType: string, byteSize: number, url: string }> }
       }>, pageInfo: { hasNextPage: boolean, hasPreviousPage: boolean, startCursor: string | null, endCursor: string | null } } };

export type EventByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type EventByIdQuery = { event:
    | { id: string, seq: string, kind: EventKind, raw: unknown }
    | { id: string, seq: string, kind: EventKind, raw: unknown }
    | { id: string, seq: string, kind: EventKind, raw: unknown }
    | { id: string, seq: string, kind: EventKind, raw: unknown }
    | { id: string, seq: string, kind: EventKind, raw: unknown }
   | null };

export type LiveEventsSubscriptionVariables = Exact<{
  filter?: EventFilter | null | undefined;
  after?: string | null | undefined;
}>;


export type LiveEventsSubscription = { events:
    | { id: string, seq: string, kind: EventKind, occurredAt: string }
    | { plate: string, direction: Direction, phase: PlatePhase, id: string, seq: string, kind: EventKind, occurredAt: string }
    | { id: string, seq: string, kind: EventKind, occurredAt: string }
    | { id: string, seq: string, kind: EventKind, occurredAt: string }
    | { id: string, seq: string, kind: EventKind, occurredAt: string }
   };

export type CamerasQueryVariables = Exact<{
  first?: number | null | undefined;
  filter?: CameraFilter | null | undefined;
}>;


export type CamerasQuery = { cameras: { edges: Array<{ node: { id: string, name: string, status: CameraStatus, capabilities: Array<Capability>, sources: Array<{ adapter: string, instance: string, vendorId: string }> } }> } };

export type AdaptersQueryVariables = Exact<{ [key: string]: never; }>;


export type AdaptersQuery = { adapters: Array<{ type: string, id: string, status: AdapterStatus, detail: string | null, lastEventAt: string | null, counters: Array<{ name: string, value: number }> }> };

export type TriggerMutationVariables = Exact<{
  input: TriggerEventInput;
}>;


export type TriggerMutation = { triggerEvent: { accepted: boolean, vendorEventId: string | null } };


export const RecentEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"RecentEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"vendorType"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"Field","name":{"kind":"Name","value":"receivedAt"}},{"kind":"Field","name":{"kind":"Name","value":"source"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"adapter"}},{"kind":"Field","name":{"kind":"Name","value":"instance"}}]}},{"kind":"Field","name":{"kind":"Name","value":"camera"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"}}]}},{"kind":"Field","name":{"kind":"Name","value":"media"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"byteSize"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PlateReadEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plate"}},{"kind":"Field","name":{"kind":"Name","value":"plateNormalized"}},{"kind":"Field","name":{"kind":"Name","value":"confidence"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"trackId"}},{"kind":"Field","name":{"kind":"Name","value":"vehicle"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"color"}},{"kind":"Field","name":{"kind":"Name","value":"make"}},{"kind":"Field","name":{"kind":"Name","value":"model"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"FfPlateEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deviceId"}},{"kind":"Field","name":{"kind":"Name","value":"carId"}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"hasPreviousPage"}},{"kind":"Field","name":{"kind":"Name","value":"startCursor"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<RecentEventsQuery, RecentEventsQueryVariables>;
export const EventByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"EventById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"event"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"raw"}}]}}]}}]} as unknown as DocumentNode<EventByIdQuery, EventByIdQueryVariables>;
export const LiveEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"LiveEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"EventFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"events"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"occurredAt"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"PlateReadEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"plate"}},{"kind":"Field","name":{"kind":"Name","value":"direction"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}}]}}]}}]}}]} as unknown as DocumentNode<LiveEventsSubscription, LiveEventsSubscriptionVariables>;
export const CamerasDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Cameras"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"CameraFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cameras"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"capabilities"}},{"kind":"Field","name":{"kind":"Name","value":"sources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"adapter"}},{"kind":"Field","name":{"kind":"Name","value":"instance"}},{"kind":"Field","name":{"kind":"Name","value":"vendorId"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CamerasQuery, CamerasQueryVariables>;
export const AdaptersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Adapters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"adapters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"detail"}},{"kind":"Field","name":{"kind":"Name","value":"lastEventAt"}},{"kind":"Field","name":{"kind":"Name","value":"counters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"value"}}]}}]}}]}}]} as unknown as DocumentNode<AdaptersQuery, AdaptersQueryVariables>;
export const TriggerDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Trigger"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"TriggerEventInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"triggerEvent"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"accepted"}},{"kind":"Field","name":{"kind":"Name","value":"vendorEventId"}}]}}]}}]} as unknown as DocumentNode<TriggerMutation, TriggerMutationVariables>;