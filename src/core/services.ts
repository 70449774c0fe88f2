/**
 * CoreServices: what GraphQL resolvers can do, implemented over the store, the bus and the
 * adapter registry.
 */
import { AppError } from './errors.ts';
import type { Db } from './db/client.ts';
import { eventsAfter, eventsBySeq, listEvents, relatedEvents } from './db/event-repo.ts';
import { camerasById, listDevices, type CameraRecord, type DeviceFilter, type DeviceRecord } from './cameras/repo.ts';
import { composeCamera, sourceFor } from './cameras/logical.ts';
import { LinkIndex } from './cameras/link-index.ts';
import type { SiteZones } from './cameras/site-zones.ts';
import { expandEventFilter } from './cameras/expand-filter.ts';
import { linkCameras, unlinkSource, updateCamera } from './cameras/links.ts';
import { listSites, siteByKey } from './cameras/sites.ts';
import type { EventFilter } from './db/event-repo.ts';
import { CAMERA_DEVICE_TYPE } from './events/model.ts';
import { capabilityScope } from './adapter/capability-scopes.ts';
import type { EventBus } from './events/bus.ts';
import { EventSubscription, type SubscriptionDeps } from './events/subscription.ts';
import { Semaphore } from './util/semaphore.ts';
import { parseGlobalId } from './util/global-id.ts';
import type { AdapterRegistry } from './adapter/registry.ts';
import { recordStore } from './adapter/record-store.ts';
import type { StatusHub } from './ops/status-hub.ts';
import type { Metrics } from './ops/metrics.ts';
import type { CoreServices, RuleServices, SinkServices } from './ports.ts';
import type { StreamManager } from './streams/manager.ts';
import type { PlateListChange, PlateListIndex } from './plates/list-index.ts';
import { listAuditEntries } from './audit/repo.ts';
import type { DataExports } from './exports/data-exports.ts';
import type { DiskWatermark } from './media/disk-watermark.ts';
import { storageUsage } from './ops/storage-usage.ts';
import { createPlateList, deletePlateList, listEntries, listPlateLists, plateListSize, plateListSizes, plateListsById, removeEntries, upsertEntries } from './plates/repo.ts';
import type { LifecycleServices } from './lifecycle/lifecycle-services.ts';

export interface ServiceDeps {
  db: Db;
  bus: EventBus;
  registry: AdapterRegistry;
  statusHub: StatusHub;
  metrics: Metrics;
  subscriberBuffer: number;
  /** Subscriptions reading the log at once (limits.maxConcurrentReplays); default unbounded. */
  maxConcurrentReplays?: number;
  /** Public base for media URLs ('' = relative to this server). */
  mediaBaseUrl?: string;
  streams: StreamManager;
  /** How long device rows and camera links are cached (default 2000 ms): without Redis, how late another instance's link change shows. */
  deviceCacheMs?: number;
  /** Tells the other instances that cameras changed (links, names, sites) and hears theirs (Redis); absent on one instance. */
  cameraChanges?: ChangeChannel;
  /** Site time zones handed to adapters (ctx.cameras.timeZoneOf): reloaded on the same changes as the link index. */
  siteZones?: SiteZones;
  /** The plate lists ingest matches against: rebuilt after a list change here or on another instance (plateListChanges). */
  plateLists?: PlateListIndex;
  /** exportPlate (core/exports); absent: exportPlate answers SERVICE_UNAVAILABLE. */
  exports?: Pick<DataExports, 'exportPlate'>;
  /** The free-space watermark (absent: no disk figures). */
  disk?: DiskWatermark;
  /** Tells the other instances that plate lists changed and hears theirs (Redis); absent on one instance. */
  plateListChanges?: ChangeChannel;
  /** Retention policies and erasure (core/lifecycle/lifecycle-services.ts). */
  lifecycle: LifecycleServices;
  /** Rule management (core/rules/service.ts); absent: every rules call answers that rules are not running here. */
  rules?: RuleServices;
  /** Outbound sinks (core/sinks/manager.ts). */
  sinks: SinkServices;
}

/** A deployment-wide "something changed" signal (core/events/redis-bus.ts). */
export interface ChangeChannel {
  publish(): void;
  subscribe(listener: () => void): () => void;
}

/** Devices change rarely and every streamed event resolves its device: keep them ~2 s (by internal id). */
function deviceLookup(db: Db, ttlMs = 2000) {
  const cache = new Map<string, { at: number; rec: Promise<DeviceRecord | null> }>();
  const lookup = (id: string): Promise<DeviceRecord | null> => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && now - hit.at < ttlMs) return hit.rec;
    if (cache.size > 10_000) cache.clear();
    const rec = camerasById(db, [id]).then((r) => r[0] ?? null);
    rec.catch(() => cache.delete(id));
    cache.set(id, { at: now, rec });
    return rec;
  };
  return Object.assign(lookup, { clear: () => cache.clear() });
}

/**
 * A device by internal id or global id, as resolvers may pass on what the client sent. Never
 * ambiguous: a global id is taken only when the device it names has that type; else the text is
 * an internal id (which starts with its adapter type, a lower-case letter).
 */
function deviceByAnyId(byInternalId: (id: string) => Promise<DeviceRecord | null>) {
  return async (idOrGlobalId: string): Promise<DeviceRecord | null> => {
    const g = parseGlobalId(idOrGlobalId);
    if (g) {
      const d = await byInternalId(g.id);
      if (d && d.deviceType === g.typename) return d;
    }
    return byInternalId(idOrGlobalId);
  };
}

/** CoreServices plus what the composition root wires into the rules engine. */
export interface AppServices extends CoreServices {
  /** cameraIds (a linked camera → all its sources) and siteKeys → source ids, as event queries do. */
  expandFilter<F extends EventFilter | null | undefined>(f: F): Promise<F>;
}

const noRules = (): RuleServices => {
  const off = () => Promise.reject(new AppError('SERVICE_UNAVAILABLE', 'rules are not running on this server'));
  return { list: async () => [], byId: async () => null, create: off, update: off, delete: off, runs: async () => ({ runs: [], hasNextPage: false }) };
};

export function createServices(deps: ServiceDeps): AppServices {
  const ttlMs = deps.deviceCacheMs ?? 2000;
  const rowById = deviceLookup(deps.db, ttlMs);
  const rawDeviceById = deviceByAnyId(rowById);
  const links = new LinkIndex(deps.db, ttlMs);
  const invalidate = () => {
    links.invalidate();
    rowById.clear();
    return deps.siteZones?.refresh();
  };
  deps.cameraChanges?.subscribe(() => void invalidate());
  /**
   * After a change here: this instance at once (its site zones reloaded before the mutation
   * answers), the others over Redis (else within ttlMs).
   */
  const changed = async () => {
    const zones = invalidate();
    deps.cameraChanges?.publish();
    await zones;
  };

  deps.plateListChanges?.subscribe(() => void deps.plateLists?.refresh());
  /**
   * After a list change committed here: this instance's index updated incrementally before the
   * mutation answers (list-index.ts), the others told to rebuild (else within the TTL).
   */
  const listsChanged = async (change: PlateListChange) => {
    const applied = deps.plateLists?.apply(change);
    deps.plateListChanges?.publish();
    await applied;
  };
  const listOrThrow = async (id: string) => {
    const l = (await plateListsById(deps.db, [id]))[0];
    if (!l) throw new AppError('NOT_FOUND', `plate list ${JSON.stringify(id.slice(0, 100))} not found`);
    return l;
  };

  /** The logical camera containing this source row (a camera: composed; any other device as is). */
  const logical = async (d: DeviceRecord): Promise<DeviceRecord> => {
    if (d.deviceType !== CAMERA_DEVICE_TYPE) return d;
    const ids = await links.sourceIdsOf(d.id);
    if (ids.length === 1 && ids[0] === d.id) return composeCamera(d, [d]);
    const rows = await Promise.all(ids.map((id) => (id === d.id ? d : rowById(id))));
    const sources = rows.filter((r): r is DeviceRecord => r !== null);
    const primary = sources[0]?.id === ids[0] ? sources[0] : null;
    return primary ? composeCamera(primary, sources) : composeCamera(d, [d]);
  };
  const deviceById = async (id: string): Promise<DeviceRecord | null> => {
    const d = await rawDeviceById(id);
    return d ? logical(d) : null;
  };
  /** A page of primaries composed; a status filter applies to the composed status (so pages are read until full). */
  const listComposed = async (filter: DeviceFilter | null | undefined, first: number, after?: string | null) => {
    const statuses = filter?.statuses?.length ? new Set(filter.statuses) : null;
    const sqlFilter = statuses ? { ...filter, statuses: null } : filter;
    const out: DeviceRecord[] = [];
    let cursor = after ?? null;
    for (;;) {
      const want = statuses ? Math.max(first + 1, 100) : first;
      const page = await listDevices(deps.db, sqlFilter, want, cursor);
      for (const d of await Promise.all(page.devices.map(logical))) if (!statuses || statuses.has(d.status)) out.push(d);
      if (!statuses || !page.hasNextPage || out.length > first) return { devices: out.slice(0, first), hasNextPage: statuses ? out.length > first || page.hasNextPage : page.hasNextPage };
      cursor = page.devices[page.devices.length - 1]?.id ?? cursor;
    }
  };
  /** cameraIds (a linked camera → all its sources) and siteKeys (→ all sources of the sites' cameras) as source ids. */
  const expandFilter = <F extends EventFilter | null | undefined>(f: F): Promise<F> => expandEventFilter(deps.db, links, f);
  const cameraOrThrow = async (id: string): Promise<CameraRecord> => {
    const c = await deviceById(id);
    if (!c || c.deviceType !== CAMERA_DEVICE_TYPE) throw new AppError('NOT_FOUND', `camera ${id} not found`);
    return c;
  };
  const replaySlots = deps.maxConcurrentReplays ? new Semaphore(deps.maxConcurrentReplays) : null;
  const replays = replaySlots && {
    acquire: (signal: AbortSignal) => {
      const slot = replaySlots.acquire(signal);
      deps.metrics.replaysWaiting.set(replaySlots.waiting);
      return slot.finally(() => deps.metrics.replaysWaiting.set(replaySlots.waiting));
    },
  };
  /** The capability handlers of the running instance that owns the device; VENDOR_UNAVAILABLE when it is not running. */
  const runningCapabilities = (device: DeviceRecord) => {
    const inst = deps.registry.find(device.adapter, device.instance);
    const running = inst?.running;
    if (!running) throw new AppError('VENDOR_UNAVAILABLE', `adapter instance ${device.adapter}/${device.instance} is not running (${inst?.status ?? 'not configured'})`);
    return running.capabilities;
  };
  // One deps object for every subscription (none of it is per subscriber): closures made per
  // subscription cost an idle subscriber about 300 bytes each under tsx (keepNames gives every
  // function instance its own `name` property).
  const subscriptionDeps: SubscriptionDeps = {
    bus: deps.bus,
    readAfter: (a, f, limit) => eventsAfter(deps.db, a, f, limit),
    bufferSize: deps.subscriberBuffer,
    replays: replays ?? undefined,
    onOverflow: () => deps.metrics.drops.inc(),
    onClose: () => deps.metrics.subscriptions.dec({ field: 'events' }),
  };
  const subscribe = (filter: EventFilter | null | undefined, after: bigint | null) => {
    deps.metrics.subscriptions.inc({ field: 'events' });
    return new EventSubscription(subscriptionDeps, filter ?? null, after);
  };
  return {
    expandFilter,
    rules: deps.rules ?? noRules(),
    listEvents: async (filter, page) => listEvents(deps.db, await expandFilter(filter), page),
    eventBySeq: async (seq) => (await eventsBySeq(deps.db, [seq]))[0] ?? null,
    subscribeEvents: (filter, after) => {
      // Links are read when the subscription starts: a link made later applies to new subscriptions.
      if (filter && (filter.cameraIds?.length || filter.siteKeys))
        return (async function* () {
          const f = await expandFilter(filter);
          yield* subscribe(f, after);
        })();
      return subscribe(filter, after);
    },
    cameraById: async (id) => {
      const d = await deviceById(id);
      return d?.deviceType === CAMERA_DEVICE_TYPE ? d : null;
    },
    cameraSources: async (id) => {
      const d = await deviceById(id);
      return d ? (d.sources ?? [d]) : [];
    },
    sourceFor: (camera, capability) => sourceFor(camera, capability, (adapter, instance) => deps.registry.find(adapter, instance) !== undefined),
    listCameras: async (filter, first, after) => {
      const r = await listComposed({ ...filter, types: [CAMERA_DEVICE_TYPE] }, first, after);
      return { cameras: r.devices, hasNextPage: r.hasNextPage };
    },
    deviceById,
    relatedEvents: (q) => relatedEvents(deps.db, q),
    listDevices: (filter, first, after) => listComposed(filter, first, after),
    sites: () => listSites(deps.db),
    siteByKey: (key) => siteByKey(deps.db, key),
    linkCameras: async (into, from) => {
      await linkCameras(deps.db, into, from, 'api');
      await changed();
      return cameraOrThrow(into);
    },
    unlinkCameraSource: async (cameraId, source) => {
      await unlinkSource(deps.db, cameraId, source);
      await changed();
      return cameraOrThrow(cameraId);
    },
    updateCamera: async (id, update) => {
      await updateCamera(deps.db, id, update);
      await changed();
      return cameraOrThrow(id);
    },
    capabilityScope: (adapterType, capability) => capabilityScope(deps.registry.definition(adapterType) ?? {}, capability),
    adapters: () => deps.registry.list(),
    subscribeAdapterStatus: () => deps.statusHub.subscribe(),
    dispatch: async (capability, camera, input) => {
      const caps = runningCapabilities(camera);
      const fn = capability === 'TRIGGER_EVENT' ? caps?.triggerEvent : caps?.createEvent;
      if (!fn) throw new AppError('UNSUPPORTED_CAPABILITY', `adapter ${camera.adapter} does not implement ${capability}`);
      return fn(input);
    },
    dispatchDeviceAction: async (capability, device, input) => {
      const fn = runningCapabilities(device)?.[capability === 'LOCK' ? 'lock' : 'unlock'];
      if (!fn) throw new AppError('UNSUPPORTED_CAPABILITY', `adapter ${device.adapter} does not implement ${capability}`);
      return fn(input);
    },
    adapterApi: (adapter, instance) => deps.registry.find(adapter, instance)?.running?.api ?? null,
    mediaUrl: (id) => `${deps.mediaBaseUrl ?? ''}/media/${id}`,
    records: (adapter, instance) => recordStore(deps.db, adapter, instance),
    streams: {
      startStream: (camera, input) => deps.streams.start(camera, input),
      keepStreamAlive: (id) => deps.streams.keepAlive(id),
      stopStream: (id) => deps.streams.stop(id),
      subscribeStreamSession: (id) => deps.streams.subscribe(id),
    },
    audit: {
      entries: (first, before) => listAuditEntries(deps.db, first, before),
    },
    exports: {
      exportPlate: async (input, keyId) => {
        if (!deps.exports) throw new AppError('SERVICE_UNAVAILABLE', 'exports are not available on this server');
        return deps.exports.exportPlate(input, keyId);
      },
    },
    storage: {
      usage: () => storageUsage(deps.db),
      disks: async () => {
        if (!deps.disk) return { disks: [], low: false, minFreeBytes: 0 };
        await deps.disk.refresh();
        return { ...deps.disk.space(), minFreeBytes: deps.disk.minFreeBytes };
      },
    },
    sinks: deps.sinks,
    plateLists: {
      lists: () => listPlateLists(deps.db),
      listsById: (ids) => plateListsById(deps.db, ids),
      size: (id) => plateListSize(deps.db, id),
      sizes: (ids) => plateListSizes(deps.db, ids),
      entries: (id, first, after, plate) => listEntries(deps.db, id, first, after, plate),
      create: async (input) => {
        const l = await createPlateList(deps.db, input);
        await listsChanged({ type: 'putList', list: l });
        return l;
      },
      delete: async (id) => {
        const gone = await deletePlateList(deps.db, id);
        if (gone) await listsChanged({ type: 'dropList', listId: id });
        return gone;
      },
      addPlates: async (id, entries) => {
        const l = await listOrThrow(id);
        await upsertEntries(deps.db, id, entries);
        await listsChanged({ type: 'upsert', listId: id, entries: entries.map((e) => ({ ...e, listId: id })) });
        return l;
      },
      removePlates: async (id, plates) => {
        const l = await listOrThrow(id);
        await removeEntries(deps.db, id, plates);
        await listsChanged({ type: 'remove', listId: id, platesNormalized: plates });
        return l;
      },
    },
    lifecycle: {
      ...deps.lifecycle,
      erasePlate: async (req: Parameters<LifecycleServices['erasePlate']>[0]) => {
        const report = await deps.lifecycle.erasePlate(req);
        if (report.listEntries) {
          // The erased entries no longer match: rebuilt here, and on the other instances (Redis, else their TTL check).
          const rebuilt = deps.plateLists?.refresh();
          deps.plateListChanges?.publish();
          await rebuilt;
        }
        return report;
      },
    },
  };
}
