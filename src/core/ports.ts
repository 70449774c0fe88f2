/**
 * What core offers and needs at its edges: the services resolvers reach through the GraphQL
 * context, the caller's auth and the instance info. The composition root (app.ts) implements
 * CoreServices; the schema (src/schema) depends on these types, core never imports the schema.
 */
import type { Scope } from './config/schema.ts';
import type { EventFilter, EventPage, PageArgs, RelatedEventsQuery } from './db/event-repo.ts';
import type { CameraFilter, CameraRecord, DeviceFilter, DeviceRecord } from './cameras/repo.ts';
import type { CapabilityName, StoredEvent } from './events/model.ts';
import type { AdapterStatus, DeviceActionInput, DeviceActionOutcome, TriggerInput } from './adapter/types.ts';
import type { StartStreamInput, StreamSessionView } from './streams/session.ts';
import type { CameraUpdate } from './cameras/links.ts';
import type { SiteRecord } from './cameras/sites.ts';
import type { NewEntry, PlateListEntryRecord, PlateListRecord } from './plates/repo.ts';
import type { PlateListKind } from './plates/matcher.ts';
import type { AuditEntryRecord } from './audit/repo.ts';
import type { LifecycleServices } from './lifecycle/lifecycle-services.ts';
import type { RuleServices } from './rules/service.ts';

export type { RuleServices } from './rules/service.ts';
import type { DeliveryRecord, SinkRecord } from './sinks/repo.ts';
import type { MqttSinkInput, WebhookSinkInput } from './sinks/manager.ts';

export interface AdapterInstanceInfo {
  type: string;
  id: string;
  version: string;
  status: AdapterStatus;
  detail: string | null;
  lastEventAt: Date | null;
  since: Date;
  counters: Record<string, number>;
  capabilities: readonly CapabilityName[];
  /** runExclusive work of this instance: held here, or on standby (another instance runs it). */
  leases: Array<{ name: string; held: boolean }>;
}

export interface CoreServices {
  listEvents(filter: EventFilter | null | undefined, page: PageArgs): Promise<EventPage>;
  eventBySeq(seq: bigint): Promise<StoredEvent | null>;
  subscribeEvents(filter: EventFilter | null | undefined, after: bigint | null, signal?: AbortSignal): AsyncIterable<StoredEvent>;
  /**
   * A camera by its internal id (`adapter/instance/vendorId`) or, since SDK 1.4.0, by the Camera
   * global id a client sends (never ambiguous: core/util/global-id.ts); null when there is none.
   */
  cameraById(id: string): Promise<CameraRecord | null>;
  /**
   * The sources (device rows, each with its own status and capabilities) of the logical camera
   * containing the device `id` (a source's or the camera's internal or global id), in link_rank
   * order (config order, then link order; the primary first); [] when unknown. Since SDK 2.1.0.
   */
  cameraSources(id: string): Promise<DeviceRecord[]>;
  /**
   * The source of `camera` that serves `capability`: the first in link_rank order that has it and
   * whose adapter instance is configured (else the first that has it); null when none has it. Since SDK 2.1.0.
   */
  sourceFor(camera: CameraRecord, capability: CapabilityName): DeviceRecord | null;
  listCameras(filter: CameraFilter | null | undefined, first: number, after?: string | null): Promise<{ cameras: CameraRecord[]; hasNextPage: boolean }>;
  /**
   * A device of any type (cameras included) by its internal id or by its global id (`<device type>:<internal id>`,
   * the type must be the device's); null when there is none. Since SDK 2.0.0.
   */
  deviceById(id: string): Promise<DeviceRecord | null>;
  /**
   * Events of the cameras `cameraIds` (any source) within ±`withinMs` of `at`, nearest first (ties by
   * seq), without the event `excludeSeq`; at most `limit` (callers check the bounds). Since SDK 2.1.0.
   */
  relatedEvents(query: RelatedEventsQuery): Promise<StoredEvent[]>;
  /** Devices of every type (or of `filter.types`), ordered by id; a linked camera once (its sources are not listed apart). Since SDK 2.0.0. */
  listDevices(filter: DeviceFilter | null | undefined, first: number, after?: string | null): Promise<{ devices: DeviceRecord[]; hasNextPage: boolean }>;
  /** Sites ordered by key. Since SDK 2.1.0. */
  sites(): Promise<SiteRecord[]>;
  /** A site by its key (config `sites[].id`); null when there is none. Since SDK 2.1.0. */
  siteByKey(key: string): Promise<SiteRecord | null>;
  /** The `from` cameras' sources join camera `into` (internal ids); visible on every instance at once (Redis). Since SDK 2.1.0. */
  linkCameras(into: string, from: readonly string[]): Promise<CameraRecord>;
  /** Source `source` (internal id) leaves camera `cameraId` and is a camera of its own again. Since SDK 2.1.0. */
  unlinkCameraSource(cameraId: string, source: string): Promise<CameraRecord>;
  /** Rename a camera or move it to another site (siteKey). Since SDK 2.1.0. */
  updateCamera(id: string, update: CameraUpdate): Promise<CameraRecord>;
  /**
   * The scope a caller needs to use `capability` on a device of adapter `adapterType` (its
   * capabilityScopes, else the defaults of core/adapter/capability-scopes.ts).
   */
  capabilityScope(adapterType: string, capability: CapabilityName): Scope;
  adapters(): AdapterInstanceInfo[];
  subscribeAdapterStatus(signal?: AbortSignal): AsyncIterable<AdapterInstanceInfo>;
  /** Capability dispatch to the adapter instance that owns the camera. */
  dispatch(capability: 'TRIGGER_EVENT' | 'CREATE_EVENT', camera: CameraRecord, input: TriggerInput): Promise<{ accepted: boolean; vendorEventId?: string | null }>;
  /** LOCK / UNLOCK dispatch to the adapter instance that owns the device. */
  dispatchDeviceAction(capability: 'LOCK' | 'UNLOCK', device: DeviceRecord, input: DeviceActionInput): Promise<DeviceActionOutcome>;
  mediaUrl(id: string): string;
  /** The `api` a running adapter instance exposes to its own resolvers; null when it is not running. */
  adapterApi(adapter: string, instance: string): unknown;
  /** An adapter instance's record store (read it from the adapter's own resolvers). */
  records(adapter: string, instance: string): import('./adapter/types.ts').RecordStore;
  /** Stream sessions (LIVE_STREAM / ARCHIVE_STREAM), whatever the vendor. */
  streams: StreamServices;
  /** Plate lists matched against every plate read at ingest (contract "Plate lists"). Since SDK 2.2.0. */
  plateLists: PlateListServices;
  /** The audit log of admin actions (contract "Data lifecycle"); recording is automatic (core/audit/use-audit-log.ts). */
  audit: AuditServices;
  /** Subject access exports (contract "Data lifecycle": exportPlate). */
  exports: ExportServices;
  /** Disk usage and free space (contract "Data lifecycle"). */
  storage: StorageServices;
  /** Retention policies and erasure (contract "Data lifecycle"). */
  lifecycle: LifecycleServices;
  /** Rules (contract "Rules"): managed here, run by the rules engine on one instance. */
  rules: RuleServices;
  /** Outbound sinks: signed webhooks and MQTT following the log (contract "Sinks (outbound)"). Since SDK 2.3.0. */
  sinks: SinkServices;
}

export interface StorageServices {
  /** Events and image bytes per adapter instance and kind, read now (one aggregate over the log). */
  usage(): Promise<import('./ops/storage-usage.ts').StorageUsageRow[]>;
  /** Free space of MEDIA_DIR and DATA_DIR, read now, and whether media are being refused. */
  disks(): Promise<{ disks: readonly import('./media/disk-watermark.ts').DiskSpace[]; low: boolean; minFreeBytes: number }>;
}

export interface ExportServices {
  /** Build the export of a plate's reads in [from, to] (bounds checked here: BAD_USER_INPUT); `keyId` of the caller. */
  exportPlate(input: { plateNormalized: string; from: Date | null; to: Date | null }, keyId: string | null): Promise<DataExportView>;
}

/** A built export (exportPlate): where to download it and until when. */
export interface DataExportView {
  url: string;
  expiresAt: Date;
  events: number;
  mediaFiles: number;
  bytes: number;
}

export interface AuditServices {
  /** Entries newest first, older than the entry `before` (an id) when given. */
  entries(first: number, before: bigint | null): Promise<{ entries: AuditEntryRecord[]; hasNextPage: boolean }>;
}

/**
 * Outbound sinks. Callers check scopes; inputs are validated here (BAD_USER_INPUT naming the field:
 * url, filter.<field>, topic, qos, name). Since SDK 2.3.0.
 */
export interface SinkServices {
  /** Ordered by name. */
  list(): Promise<SinkRecord[]>;
  byId(id: string): Promise<SinkRecord | null>;
  /** The secret (whsec_…) is returned here only. */
  createWebhook(input: WebhookSinkInput): Promise<{ sink: SinkRecord; secret: string }>;
  createMqtt(input: MqttSinkInput): Promise<SinkRecord>;
  pause(id: string): Promise<SinkRecord>;
  resume(id: string): Promise<SinkRecord>;
  delete(id: string): Promise<boolean>;
  /** Deliver again from `fromSeq` (inclusive). */
  replay(id: string, fromSeq: bigint): Promise<SinkRecord>;
  lastDeliveredSeq(id: string): Promise<bigint | null>;
  lag(id: string): Promise<number>;
  /** Newest first; `before`: seqs below it. */
  deliveries(id: string, first: number, before: bigint | null): Promise<{ deliveries: DeliveryRecord[]; hasNextPage: boolean }>;
}

/**
 * Plate lists: callers validate inputs (bounds, normalized plates); a change is matched against
 * from the next read on, on this instance at once and on the others over Redis (else within the TTL).
 */
export interface PlateListServices {
  /** Lists ordered by name. */
  lists(): Promise<PlateListRecord[]>;
  /** Lists by id (absent ones left out). */
  listsById(ids: readonly string[]): Promise<PlateListRecord[]>;
  size(listId: string): Promise<number>;
  /** Entry counts of several lists in one read (unknown ids: 0). */
  sizes(listIds: readonly string[]): Promise<Map<string, number>>;
  /** Entries ordered by normalized plate after `after`; `plate` exact or a prefix ending in `*`. */
  entries(listId: string, first: number, after: string | null, plate: string | null): Promise<{ entries: PlateListEntryRecord[]; hasNextPage: boolean }>;
  /** BAD_USER_INPUT when the name is taken. */
  create(input: { name: string; kind: PlateListKind; maxDistance: number }): Promise<PlateListRecord>;
  /** false when there was no such list. Events keep the matches stored with them. */
  delete(listId: string): Promise<boolean>;
  /** Upsert by normalized plate; NOT_FOUND for an unknown list. */
  addPlates(listId: string, entries: readonly NewEntry[]): Promise<PlateListRecord>;
  /** Remove by normalized plate (absent ones ignored); NOT_FOUND for an unknown list. */
  removePlates(listId: string, platesNormalized: readonly string[]): Promise<PlateListRecord>;
}

export interface StreamServices {
  /** Start (or join: same camera, mode and parameters) a session. */
  startStream(camera: CameraRecord, input: StartStreamInput): Promise<StreamSessionView>;
  /** Mark the session used; NOT_FOUND when unknown. A stopped or failed session answers its state. */
  keepStreamAlive(id: string): Promise<StreamSessionView>;
  /** Release one hold; the vendor session stops with the last. */
  stopStream(id: string): Promise<StreamSessionView>;
  /** State changes of one session (its current state first) or of all sessions. */
  subscribeStreamSession(id?: string | null): AsyncIterable<StreamSessionView>;
}

export interface AuthInfo {
  /** No API keys configured: everything allowed. */
  open: boolean;
  scopes: ReadonlySet<Scope>;
  keyName?: string;
  /** The key's stable non-secret id (auth/api-keys.ts keyIdOf): what the audit log records. */
  keyId?: string;
}

export interface GraphQLContext {
  services: CoreServices;
  auth: AuthInfo;
}
