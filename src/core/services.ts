/**
 * CoreServices: what GraphQL resolvers can do, implemented over the store, the bus and the
 * adapter registry.
 */
import { AppError } from './errors.ts';
import type { Db } from './db/client.ts';
import { eventsAfter, eventsBySeq, listEvents } from './db/event-repo.ts';
import { camerasById, listCameras, type CameraRecord } from './cameras/repo.ts';
import type { EventBus } from './events/bus.ts';
import { EventSubscription } from './events/subscription.ts';
import { Semaphore } from './util/semaphore.ts';
import { cameraIdFrom } from './util/global-id.ts';
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

/** Cameras change rarely and every streamed event resolves its camera: keep them ~2 s. */
function cameraLookup(db: Db, ttlMs = 2000) {
  const cache = new Map<string, { at: number; rec: Promise<CameraRecord | null> }>();
  return (idOrGlobalId: string): Promise<CameraRecord | null> => {
    const id = cameraIdFrom(idOrGlobalId); // resolvers may pass on what the client sent
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

export function createServices(deps: ServiceDeps): CoreServices {
  const cameraById = cameraLookup(deps.db);
  const replaySlots = deps.maxConcurrentReplays ? new Semaphore(deps.maxConcurrentReplays) : null;
  const replays = replaySlots && {
    acquire: (signal: AbortSignal) => {
      const slot = replaySlots.acquire(signal);
      deps.metrics.replaysWaiting.set(replaySlots.waiting);
      return slot.finally(() => deps.metrics.replaysWaiting.set(replaySlots.waiting));
    },
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
    cameraById,
    listCameras: (filter, first, after) => listCameras(deps.db, filter, first, after),
    adapters: () => deps.registry.list(),
    subscribeAdapterStatus: () => deps.statusHub.subscribe(),
    dispatch: async (capability, camera, input) => {
      const inst = deps.registry.find(camera.adapter, camera.instance);
      const running = inst?.running;
      if (!running) throw new AppError('VENDOR_UNAVAILABLE', `adapter instance ${camera.adapter}/${camera.instance} is not running (${inst?.status ?? 'not configured'})`);
      const fn = capability === 'TRIGGER_EVENT' ? running.capabilities?.triggerEvent : running.capabilities?.createEvent;
      if (!fn) throw new AppError('UNSUPPORTED_CAPABILITY', `adapter ${camera.adapter} does not implement ${capability}`);
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
