/**
 * The adapter contract: what an adapter declares (AdapterDefinition) and what the core hands a
 * running instance (AdapterContext). Type-only; the SDK re-exports all of it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Scope } from '../config/schema.ts';
import type { CameraStatus, CapabilityName, EventInput, EventKindName, MediaRef, MediaRole, PublishResult } from '../events/model.ts';
import type { SafeFetch } from '../http/safe-fetch.ts';
import type { Clock } from '../time/clock.ts';

/**
 * 1.1.0: AdapterContext.runExclusive. 1.2.0: requireScope and Scope (field scopes of plugin GraphQL fields).
 * 1.3.0: zonedTimeToDate, isTimeZone and WallTime (one zone arithmetic for vendor wall-clock times);
 * combineHealth and PartHealth (one status from the health of an instance's parts).
 * 1.3.0: Clock gains nowMs, timers and sleep (ctx.clock, which tests control); backoffDelay and sleep.
 * 1.4.0: decodeGlobalId/encodeGlobalId (services.cameraById takes a Camera global id too), secretsEqual, CameraRecord.
 * 2.0.0: the GraphQL names (Builder, CoreRefs, SchemaTypes, requireScope, …) move to the entry
 * `unified-surveillance-api/sdk/graphql`; `/sdk` keeps them, deprecated, until 3.0.0. The host also
 * loads plugins written for 1.x (SUPPORTED_SDK_VERSIONS in core/plugins/sdk-range.ts). Beyond cameras:
 * devices (ctx.devices, EventInput.device, deviceTypes, refs.deviceType), access-control kinds and
 * LOCK/UNLOCK (handlers lock/unlock), an adapter's own kinds and capabilities (eventKinds, prefixed),
 * scopes per capability (capabilityScopes, capabilityScope). Breaking for TypeScript code: EventInput.kind
 * and capability lists widen to EventKindName/CapabilityName, StoredEvent.kind is EventKindName.
 * 2.1.0 (additions only): sites and linked cameras. CameraRegistry/DeviceRegistry.timeZoneOf (the IANA
 * zone of a source's site, for vendors that send local times). CoreServices (GraphQLContext.services):
 * cameraSources, sourceFor, relatedEvents, sites, siteByKey, linkCameras, unlinkCameraSource, updateCamera;
 * CameraRecord gains sources (a logical camera's source rows), linkedInto, linkRank, siteKey and key.
 * 2.2.0 (additions only): plate lists. StoredEvent.listMatches (optional); CoreServices.plateLists;
 * EventFilterInput.plateListIds and plateFuzzy.
 * 2.3.0 (additions only): rules, sinks and the data lifecycle. CoreServices (GraphQLContext.services):
 * rules, sinks, lifecycle, audit, exports, storage; MediaRef.expiredAt (optional); AuthInfo.keyId.
 */
export const SDK_VERSION = '2.3.0';

export type AdapterStatus = 'STARTING' | 'READY' | 'DEGRADED' | 'ERROR' | 'STOPPED';

/** Base config every instance has; adapters extend it with their own zod schema. */
export interface BaseInstanceConfig {
  type: string;
  id: string;
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path below /adapters/{type}/{id}, e.g. "/events". */
  path: string;
  query: URLSearchParams;
}
export type RouteHandler = (r: RouteRequest) => Promise<void> | void;

export interface TcpListenOptions {
  port: number;
  host?: string;
  onConnection: (socket: Socket) => void;
}
export interface TcpListener {
  readonly port: number;
  close(): Promise<void>;
}

export interface MediaStore {
  /** Store bytes (content-addressed); checks the bytes match an accepted type. */
  put(data: Uint8Array, role: MediaRole, declaredType?: string): Promise<MediaRef>;
}

export interface CameraUpsert {
  vendorId: string;
  name?: string;
  status?: CameraStatus;
  capabilities?: CapabilityName[];
  /** Vendor fields worth keeping (never credentials). */
  details?: Record<string, unknown>;
}
/** A device of any type: `type` is one of the adapter's `deviceTypes`, or 'Camera'. */
export type DeviceUpsert = CameraUpsert & { type: string };
export interface CameraRegistry {
  upsert(camera: CameraUpsert): Promise<string>;
  setStatus(vendorId: string, status: CameraStatus): Promise<void>;
  /** Camera id (global, stable) for a vendor id of this instance. */
  idOf(vendorId: string): string;
  /** This instance's cameras (e.g. to mark those that disappeared OFFLINE). */
  list(): Promise<CameraInfo[]>;
  /**
   * The IANA time zone of the site of the camera this source (vendor id of this instance) belongs
   * to (a source linked into a camera takes that camera's site); null when it has no site or the
   * site no zone. In memory, cheap to call per event (no query); a change of links or sites shows
   * once the server reloaded them (at once on the instance that made it, and over Redis; else
   * within cluster.deviceCacheSec). Since SDK 2.1.0.
   */
  timeZoneOf(vendorId: string): string | null;
}
/** Devices of every type of one instance (cameras included); ids are shared with ctx.cameras. */
export interface DeviceRegistry {
  /** Refuses (BAD_USER_INPUT) a type that is neither 'Camera' nor one of the adapter's deviceTypes. */
  upsert(device: DeviceUpsert): Promise<string>;
  setStatus(vendorId: string, status: CameraStatus): Promise<void>;
  /** Device id (global, stable) for a vendor id of this instance. */
  idOf(vendorId: string): string;
  /** This instance's devices of every type. */
  list(): Promise<DeviceInfo[]>;
  /** The IANA time zone of the device's site, as CameraRegistry.timeZoneOf. Since SDK 2.1.0. */
  timeZoneOf(vendorId: string): string | null;
}

export interface InstanceState {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
}

export interface StoredRecord {
  key: string;
  time: Date;
  data: unknown;
}
export interface RecordQuery {
  from?: Date | null;
  to?: Date | null;
  /** JSON containment: records whose data includes these fields and values. */
  match?: Record<string, unknown>;
  order?: 'asc' | 'desc';
  /** Default 1000, at most 10,000. */
  limit?: number;
}
/** Time-indexed documents kept beside the event log (aggregates, reports), per instance. */
export interface RecordStore {
  /** Insert or replace the record `key` of `collection`. */
  put(collection: string, key: string, time: Date, data: unknown): Promise<void>;
  query(collection: string, q?: RecordQuery): Promise<StoredRecord[]>;
}

export interface CameraInfo {
  id: string;
  vendorId: string;
  name: string;
  status: CameraStatus;
  capabilities: CapabilityName[];
}
export type DeviceInfo = CameraInfo & { type: string };

/** The server's clock (time/clock.ts): now() since 1.0; nowMs, timers and sleep since 1.3.0. */
export type { Clock, Timer } from '../time/clock.ts';

export interface AdapterContext<C = BaseInstanceConfig> {
  readonly adapterType: string;
  readonly instanceId: string;
  readonly config: C;
  readonly log: Logger;
  /** Aborted when the instance stops. */
  readonly signal: AbortSignal;
  /**
   * Validate, store durably (group commit) and stream. Resolves only after the batch commits;
   * rejects with an AppError (BAD_USER_INPUT, UNSUPPORTED_MEDIA_TYPE, SERVICE_UNAVAILABLE when the
   * store stayed down past `deadlineMs`, default 10 s). `spool: true` is for input that cannot be
   * refused or re-sent (a raw TCP push): while the store is down the event is fsynced to a local
   * spool instead, resolves with `spooled: true`, and is committed when the store is back.
   */
  publish(event: EventInput, opts?: { deadlineMs?: number; spool?: boolean }): Promise<PublishResult>;
  /** Mount a route under /adapters/{type}/{id}{path}. */
  route(method: 'GET' | 'POST' | 'PUT', path: string, handler: RouteHandler): void;
  /** Listen on a TCP port; closed automatically on stop. */
  listenTcp(options: TcpListenOptions): Promise<TcpListener>;
  readonly fetch: SafeFetch;
  readonly media: MediaStore;
  readonly cameras: CameraRegistry;
  /** Devices of every type (doors, readers, cameras). */
  readonly devices: DeviceRegistry;
  readonly state: InstanceState;
  readonly records: RecordStore;
  /** Time as the server sees it: use its now, timers and sleep (not Date.now/setTimeout) so tests can move time. */
  readonly clock: Clock;
  /** Report health: READY, DEGRADED (working with trouble) or ERROR (not working). */
  setStatus(status: Exclude<AdapterStatus, 'STARTING' | 'STOPPED'>, detail?: string): void;
  /** Count something in the instance's counters (shown in `adapters` and /metrics). */
  count(counter: string, by?: number): void;
  /**
   * Count an input the adapter refused before or instead of publishing it (bad JSON, garbage on a
   * socket): an AppError, or an error code. Rejections from publish() are counted already.
   */
  reportRejected(errOrCode: unknown): void;
  /** Report a crash: the instance is stopped, marked ERROR and restarted with backoff. */
  fail(err: unknown): void;
  /**
   * Run `work` on exactly one server instance of the deployment (since SDK 1.1.0). Use it for what
   * must happen once however many instances serve the API: polling the vendor, an outbound
   * WebSocket client, periodic syncs. Push-style ingest (route(), listenTcp()) runs on every
   * instance and needs nothing. `name` is unique within the adapter instance (e.g. "poll").
   *
   * `work` starts when this instance holds the lease. `signal` aborts when the lease is lost (the
   * database session broke) or the instance stops; return (or settle) promptly then. When another
   * instance dies, `work` starts on the instance that takes the lease over: keep cursors in
   * `state`, not in memory, and read them at the start of `work`. A short overlap with a holder
   * whose database connection died unnoticed is possible (about one heartbeat): publish with
   * dedupe keys. `work` may also return at once and let `signal` stop what it started. A `work`
   * that throws (not after its signal aborted) fails the instance (see fail()). While this
   * instance does not hold the lease, its status detail says so (standby). With one instance (or
   * PGlite) the lease is granted at once.
   */
  runExclusive(name: string, work: (signal: AbortSignal) => Promise<void> | void): void;
}

export interface RunningAdapter {
  stop(): Promise<void> | void;
  /** Capability dispatch targets; optional. Filled by later adapters (trigger, create, streams). */
  capabilities?: Partial<CapabilityHandlers>;
  /** Whatever the adapter's own GraphQL resolvers call on this instance (services.adapterApi); opaque to the core. */
  api?: unknown;
}

export interface TriggerInput {
  cameraVendorId: string;
  type: string;
  time?: Date | null;
  meta?: unknown;
  idempotencyKey?: string | null;
}
export interface StreamRequest {
  cameraVendorId: string;
  mode: 'LIVE' | 'ARCHIVE';
  /** Archive start (ARCHIVE mode). */
  from?: Date | null;
  width?: number | null;
  height?: number | null;
  audio?: boolean | null;
}

/**
 * A vendor stream session as the adapter opened it. The core owns everything else: our session id,
 * sharing between viewers of the same camera and parameters, keepalive scheduling while in use,
 * idle expiry, stop, persistence across restarts, and the HLS proxy under /streams/{id}/.
 */
export interface VendorStream {
  /** The vendor's session id (persisted so a restarted server can resume or stop it). */
  vendorSessionId: string;
  /** Upstream HLS playlist URL (fetched by the core's proxy, never shown to clients). */
  playlistUrl: string;
  /** How often the vendor needs a keepalive while the session is in use. */
  keepaliveIntervalMs: number;
}

export interface StreamHandlers {
  start(req: StreamRequest): Promise<VendorStream>;
  /** Throws (AppError) when the vendor no longer knows the session. */
  keepalive(stream: VendorStream & { mode: 'LIVE' | 'ARCHIVE' }): Promise<void>;
  stop(stream: VendorStream & { mode: 'LIVE' | 'ARCHIVE' }): Promise<void>;
}

/** What LOCK / UNLOCK hand the adapter (the core checked the device, its capability and the caller's scope). */
export interface DeviceActionInput {
  deviceVendorId: string;
  /** UNLOCK: seconds to keep it unlocked (1..3600); null: the vendor's default. */
  durationSec?: number | null;
  /** A retried mutation with the same key must not act twice (at most 200 characters). */
  idempotencyKey?: string | null;
}
/** What a LOCK / UNLOCK handler answers. */
export interface DeviceActionOutcome {
  accepted: boolean;
  vendorActionId?: string | null;
}

export interface CapabilityHandlers {
  triggerEvent(input: TriggerInput): Promise<{ accepted: boolean; vendorEventId?: string | null }>;
  createEvent(input: TriggerInput): Promise<{ accepted: boolean; vendorEventId?: string | null }>;
  /** LIVE_STREAM / ARCHIVE_STREAM. */
  streams: StreamHandlers;
  /** LOCK. */
  lock(input: DeviceActionInput): Promise<DeviceActionOutcome>;
  /** UNLOCK. */
  unlock(input: DeviceActionInput): Promise<DeviceActionOutcome>;
}

export interface AdapterDefinition<S extends z.ZodType = z.ZodType> {
  /** Lower-case type name used in config (`type: ff`) and routes. */
  type: string;
  version: string;
  /** The SDK version range this adapter was written for, e.g. "^1.0.0". */
  sdk?: string;
  description?: string;
  /** Validated at start-up; issues are reported as `adapters[i].<path>`. */
  configSchema: S;
  /** Core capabilities, and the adapter's own ones named `<PREFIX>_…` (see pluginNamePrefix). */
  capabilities: readonly CapabilityName[];
  /** Prefix of every GraphQL name the adapter adds (e.g. "Ff"). */
  graphqlPrefix: string;
  /** Event kinds beyond the core ones this adapter publishes, each `<PREFIX>_…` (e.g. "ACME_BATTERY_LOW"). */
  eventKinds?: readonly EventKindName[];
  /** The scope a caller needs per capability, overriding the defaults of adapter/capability-scopes.ts. */
  capabilityScopes?: Readonly<Record<string, Scope>>;
  /**
   * GraphQL object type names (with the prefix) of the adapter's devices other than cameras, each
   * defined in graphql() with refs.deviceType(name, …).
   */
  deviceTypes?: readonly string[];
  /**
   * Add the adapter's GraphQL types and fields. Called once per adapter type. Opaque here (core
   * never sees the schema builder; a function of `never` parameters accepts any function): the SDK
   * types it as `(builder: Builder, refs: CoreRefs) => void` (src/sdk/define-adapter.ts).
   */
  graphql?: (builder: never, refs: never) => void;
  start(ctx: AdapterContext<z.output<S>>): Promise<RunningAdapter> | RunningAdapter;
}
