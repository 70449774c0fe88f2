/**
 * CoreServices: what GraphQL resolvers can do, implemented over the store, the bus and the
 * adapter registry.
 */
import { AppError } from './errors.ts';
import type { Db } from './db/client.ts';
import { eventsAfter, eventsBySeq, listEvents, relatedEvents } from './db/event-repo.ts';
import { camerasById, listCameras, listDevices, type DeviceRecord } from './cameras/repo.ts';
import { CAMERA_DEVICE_TYPE } from './events/model.ts';
import { capabilityScope } from './adapter/capability-scopes.ts';
import type { EventBus } from './events/bus.ts';
import { EventSubscription } from './events/subscription.ts';
import { Semaphore } from './util/semaphore.ts';
import { parseGlobalId } from './util/global-id.ts';
import type { AdapterRegistry } from './adapter/registry.ts';
import { recordStore } from './adapter/record-store.ts';
import type { StatusHub } from './ops/status-hub.ts';
import type { Metrics } from './ops/metrics.ts';
import type { CoreServices } from './ports.ts';
import type { StreamManager } from './streams/manager.ts';

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
}

/** Devices change rarely and every streamed event resolves its device: keep them ~2 s (by internal id). */
function deviceLookup(db: Db, ttlMs = 2000) {
  const cache = new Map<string, { at: number; rec: Promise<DeviceRecord | null> }>();
  return (id: string): Promise<DeviceRecord | null> => {
    const now = Date.now();
    const hit = cache.get(id);
    if (hit && now - hit.at < ttlMs) return hit.rec;
    if (cache.size > 10_000) cache.clear();
    const rec = camerasById(db, [id]).then((r) => r[0] ?? null);
    rec.catch(() => cache.delete(id));
    cache.set(id, { at: now, rec });
    return rec;
  };
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

export function createServices(deps: ServiceDeps): CoreServices {
  const deviceById = deviceByAnyId(deviceLookup(deps.db));
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
  return {
    listEvents: (filter, page) => listEvents(deps.db, filter, page),
    eventBySeq: async (seq) => (await eventsBySeq(deps.db, [seq]))[0] ?? null,
    subscribeEvents: (filter, after) => {
      deps.metrics.subscriptions.inc({ field: 'events' });
      return new EventSubscription(
        {
          bus: deps.bus,
          readAfter: (a, f, limit) => eventsAfter(deps.db, a, f, limit),
          bufferSize: deps.subscriberBuffer,
          replays: replays ?? undefined,
          onOverflow: () => deps.metrics.drops.inc(),
          onClose: () => deps.metrics.subscriptions.dec({ field: 'events' }),
        },
        filter ?? null,
        after,
      );
    },
    cameraById: async (id) => {
      const d = await deviceById(id);
      return d?.deviceType === CAMERA_DEVICE_TYPE ? d : null;
    },
    listCameras: (filter, first, after) => listCameras(deps.db, filter, first, after),
    deviceById,
    // PLACEHOLDER until the linked-cameras work (s5-sites) is merged: it replaces this with the real
    // sources of the logical camera (link_rank order). Until then every device is its own one source.
    cameraSources: async (id) => {
      const d = await deviceById(id);
      return d ? [d] : [];
    },
    relatedEvents: (q) => relatedEvents(deps.db, q),
    listDevices: (filter, first, after) => listDevices(deps.db, filter, first, after),
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
  };
}
