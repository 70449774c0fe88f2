/**
 * Builds the AdapterContext of one running instance and tracks what it opened (routes, TCP
 * listeners and their sockets) so that stop() or a crash closes all of it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { media } from '../db/schema.ts';
import type { Ingest } from '../events/ingest.ts';
import { CAMERA_DEVICE_TYPE, cameraIdOf, type CameraStatus } from '../events/model.ts';
import type { FileMediaStore } from '../media/store.ts';
import type { CameraCache } from '../cameras/cache.ts';
import type { SiteZones } from '../cameras/site-zones.ts';
import { listDevices, setCameraStatus, upsertCamera } from '../cameras/repo.ts';
import type { SafeFetch } from '../http/safe-fetch.ts';
import type { AdapterRoutes } from './routes.ts';
import type { Metrics } from '../ops/metrics.ts';
import type { LeaseHandle, Leases } from '../cluster/lease.ts';
import { systemClock, type Clock } from '../time/clock.ts';
import { AppError, ERROR_CODES } from '../errors.ts';
import { instanceState } from './state-repo.ts';
import { recordStore } from './record-store.ts';
import { checkCapabilities, checkDeviceType, declaredNamesOf } from './declared-names.ts';
import type { AdapterContext, AdapterDefinition, AdapterStatus, BaseInstanceConfig, DeviceInfo, DeviceUpsert, TcpListener, TcpListenOptions } from './types.ts';

export interface ContextDeps {
  db: Db;
  ingest: Ingest;
  media: FileMediaStore;
  cameraCache: CameraCache;
  routes: AdapterRoutes;
  fetch: SafeFetch;
  log: Logger;
  metrics: Metrics;
  /** Work that runs on one instance of the deployment (runExclusive). */
  leases: Leases;
  /** The server's clock, handed to adapters as ctx.clock (default: real time). */
  clock?: Clock;
  /** Site time zones of sources (ctx.cameras.timeZoneOf); absent: every source answers null. */
  siteZones?: SiteZones;
}

export interface InstanceHooks {
  setStatus(status: Exclude<AdapterStatus, 'STARTING' | 'STOPPED'>, detail?: string): void;
  count(counter: string, by: number): void;
  published(at: Date): void;
  fail(err: unknown): void;
  /** A runExclusive lease of this instance was acquired or lost/released (`name` as the adapter gave it). */
  leaseChanged(name: string, held: boolean): void;
}

export interface InstanceResources {
  ctx: AdapterContext;
  abort: AbortController;
  /** Abort runExclusive work, wait for it to return, give its leases up. Idempotent. */
  stopExclusive(): Promise<void>;
  /** Close routes, listeners and sockets (and exclusive work). Idempotent. */
  release(): Promise<void>;
}

/** The deployment-wide lease name of an adapter instance's exclusive work. */
export const exclusiveLeaseName = (adapter: string, instance: string, name: string): string => `adapter:${adapter}/${instance}:${name}`;

export function createInstanceContext(
  deps: ContextDeps,
  def: Pick<AdapterDefinition, 'type' | 'capabilities' | 'eventKinds' | 'deviceTypes'>,
  config: BaseInstanceConfig,
  hooks: InstanceHooks,
): InstanceResources {
  const adapter = def.type;
  const instance = config.id;
  const abort = new AbortController();
  const servers = new Set<{ server: Server; sockets: Set<Socket> }>();
  const log = deps.log.child({ adapter, instance });
  const clock = deps.clock ?? systemClock();
  const names = declaredNamesOf(def);

  const listenTcp = (options: TcpListenOptions): Promise<TcpListener> =>
    new Promise((resolve, reject) => {
      const sockets = new Set<Socket>();
      const server = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', (err) => log.debug({ err }, 'TCP socket error')); // an unhandled socket error would crash the process
        socket.once('close', () => sockets.delete(socket));
        try {
          options.onConnection(socket);
        } catch (err) {
          log.error({ err }, 'TCP connection handler threw');
          socket.destroy();
        }
      });
      const entry = { server, sockets };
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new Error(`TCP ${options.host ?? '0.0.0.0'}:${options.port}: ${err.code === 'EADDRINUSE' ? 'port is already in use' : err.message}`));
      });
      server.listen(options.port, options.host ?? '0.0.0.0', () => {
        if (abort.signal.aborted) return void closeServer(entry).then(() => reject(new Error('adapter instance stopped'))); // a late start() after stop/timeout
        servers.add(entry);
        server.on('error', (err) => log.error({ err }, 'TCP listener error'));
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : options.port;
        log.info({ port, host: options.host ?? '0.0.0.0' }, 'TCP listening'); // the port chosen for port 0, too
        resolve({
          port,
          close: () => closeServer(entry).then(() => void servers.delete(entry)),
        });
      });
    });

  const exclusive = new Map<string, LeaseHandle>();
  let exclusiveStopped: Promise<void> | null = null;
  const runExclusive = (name: string, work: (signal: AbortSignal) => Promise<void> | void): void => {
    if (typeof name !== 'string' || !/^[\w.:-]{1,100}$/.test(name)) throw new Error(`runExclusive: name must be 1-100 letters, digits, "_", ".", ":" or "-" (got ${JSON.stringify(name)})`);
    if (abort.signal.aborted || exclusiveStopped) throw new Error('adapter instance stopped');
    if (exclusive.has(name)) throw new Error(`runExclusive: "${name}" is already running in ${adapter}/${instance}`);
    const wrapped = async (signal: AbortSignal) => {
      try {
        await work(signal);
      } catch (err) {
        if (signal.aborted) log.warn({ err, exclusive: name }, 'exclusive work threw after its lease ended');
        else hooks.fail(err);
      }
    };
    hooks.leaseChanged(name, false); // known, not held yet (standby until acquired)
    exclusive.set(name, deps.leases.run(exclusiveLeaseName(adapter, instance, name), wrapped, { onChange: (held) => hooks.leaseChanged(name, held) }));
  };
  const stopExclusive = () => (exclusiveStopped ??= Promise.all([...exclusive.values()].map((h) => h.stop())).then(() => exclusive.clear()));

  const upsertDevice = async (d: DeviceUpsert): Promise<string> => {
    checkDeviceType(names, d.type, adapter, 'type');
    checkCapabilities(names, d.capabilities, adapter, 'capabilities');
    const id = cameraIdOf(adapter, instance, d.vendorId);
    await upsertCamera(deps.db, { id, adapter, instance, vendorId: d.vendorId, name: d.name ?? d.vendorId, deviceType: d.type, status: d.status, capabilities: d.capabilities, details: d.details });
    deps.cameraCache.remember(id, d.name);
    return id;
  };
  const instanceDevices = async (): Promise<DeviceInfo[]> => {
    const r = await listDevices(deps.db, { adapters: [adapter], instances: [instance] }, 10_000);
    return r.devices.map(({ id, vendorId, name, status, capabilities, deviceType }) => ({ id, vendorId, name, status, capabilities, type: deviceType }));
  };

  const timeZoneOf = (vendorId: string): string | null => deps.siteZones?.zoneOf(cameraIdOf(adapter, instance, vendorId)) ?? null;

  const counted = new WeakSet<object>();
  const reportRejected = (errOrCode: unknown) => {
    if (typeof errOrCode === 'object' && errOrCode !== null) {
      if (counted.has(errOrCode)) return;
      counted.add(errOrCode);
    }
    const code = typeof errOrCode === 'string' && errOrCode in ERROR_CODES ? errOrCode : errOrCode instanceof AppError ? errOrCode.code : 'INTERNAL';
    deps.metrics.rejected.inc({ adapter, instance, code });
  };

  const ctx: AdapterContext = {
    adapterType: adapter,
    instanceId: instance,
    config,
    log,
    signal: abort.signal,
    publish: async (event, opts) => {
      try {
        const r = await deps.ingest.publish({ adapter, instance, names }, event, opts);
        if (!r.duplicate) hooks.published(clock.now());
        return r;
      } catch (err) {
        reportRejected(err);
        throw err;
      }
    },
    reportRejected,
    route: (method, path, handler) => {
      if (abort.signal.aborted) throw new Error('adapter instance stopped'); // a late start() after stop/timeout must not mount stale routes
      deps.routes.add(method, adapter, instance, path, handler);
    },
    listenTcp,
    fetch: deps.fetch,
    media: {
      // Media an adapter stores outside an event (fetched on demand) gets its row here, so /media/{id} serves it.
      put: async (data, role, declaredType) => {
        const m = await deps.media.put(data, role, declaredType);
        await deps.db.insert(media).values({ id: m.id, contentType: m.contentType, byteSize: m.byteSize, segment: m.segment, offset: m.offset }).onConflictDoNothing();
        return { id: m.id, role: m.role, contentType: m.contentType, byteSize: m.byteSize };
      },
    },
    cameras: {
      idOf: (vendorId) => cameraIdOf(adapter, instance, vendorId),
      upsert: (c) => upsertDevice({ ...c, type: CAMERA_DEVICE_TYPE }),
      setStatus: async (vendorId: string, status: CameraStatus) => {
        await setCameraStatus(deps.db, cameraIdOf(adapter, instance, vendorId), status);
      },
      list: async () => (await instanceDevices()).filter((d) => d.type === CAMERA_DEVICE_TYPE).map(({ type: _type, ...camera }) => camera),
      timeZoneOf,
    },
    devices: {
      idOf: (vendorId) => cameraIdOf(adapter, instance, vendorId),
      upsert: (d) => upsertDevice(d),
      setStatus: async (vendorId: string, status: CameraStatus) => {
        await setCameraStatus(deps.db, cameraIdOf(adapter, instance, vendorId), status);
      },
      list: () => instanceDevices(),
      timeZoneOf,
    },
    state: instanceState(deps.db, adapter, instance),
    records: recordStore(deps.db, adapter, instance),
    clock,
    setStatus: (status, detail) => hooks.setStatus(status, detail),
    count: (counter, by = 1) => hooks.count(counter, by),
    fail: (err) => hooks.fail(err),
    runExclusive,
  };

  let released = false;
  return {
    ctx,
    abort,
    stopExclusive,
    release: async () => {
      if (released) return;
      released = true;
      await stopExclusive();
      abort.abort();
      deps.routes.removeInstance(adapter, instance);
      await Promise.all([...servers].map(closeServer));
      servers.clear();
    },
  };
}

function closeServer(entry: { server: Server; sockets: Set<Socket> }): Promise<void> {
  return new Promise((resolve) => {
    entry.server.close(() => resolve());
    for (const s of entry.sockets) s.destroy();
  });
}
