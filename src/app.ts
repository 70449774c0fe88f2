/**
 * Composition root: config → database → writer/bus → adapters → schema → HTTP + WebSocket.
 * Data flows one way: adapter → ingest → writer (commit) → bus → subscriptions.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { GraphQLSchema } from 'graphql';
import { ConfigError, type ServerEnv } from './core/config/load.ts';
import type { ConfigFile } from './core/config/schema.ts';
import { openDatabase, pgliteDirFor, type Database } from './core/db/client.ts';
import type { LeaseHandle, Leases } from './core/cluster/lease.ts';
import { createMetrics, type Metrics } from './core/ops/metrics.ts';
import { LocalEventBus, type EventBus } from './core/events/bus.ts';
import { EventWriter } from './core/events/writer.ts';
import { EventSpool } from './core/events/spool.ts';
import { lockDataDir } from './core/ops/data-dir-lock.ts';
import { createLogger } from './core/ops/log.ts';
import { Ingest } from './core/events/ingest.ts';
import { FileMediaStore } from './core/media/store.ts';
import { CameraCache } from './core/cameras/cache.ts';
import { AdapterRoutes } from './core/adapter/routes.ts';
import { AdapterRegistry, validateAdapterEntries } from './core/adapter/registry.ts';
import type { AdapterDefinition } from './core/adapter/types.ts';
import { createHostPolicy, createSafeFetch } from './core/http/safe-fetch.ts';
import { createMediaUrlSigner } from './core/media/signed-url.ts';
import { DbCursorStore } from './core/consumers/cursor-store.ts';
import { LinkIndex } from './core/cameras/link-index.ts';
import { expandEventFilter } from './core/cameras/expand-filter.ts';
import { siteByKey } from './core/cameras/sites.ts';
import { SinkDelivery } from './core/sinks/delivery.ts';
import { SinkManager } from './core/sinks/manager.ts';
import { WebhookSender } from './core/sinks/webhook.ts';
import { ApiKeyAuth } from './core/auth/api-keys.ts';
import { StatusHub } from './core/ops/status-hub.ts';
import { createServices } from './core/services.ts';
import { camerasById } from './core/cameras/repo.ts';
import { applyCameraConfig } from './core/cameras/links.ts';
import { SiteZones } from './core/cameras/site-zones.ts';
import { PlateListIndex } from './core/plates/list-index.ts';
import { StreamManager } from './core/streams/manager.ts';
import { EVENT_KINDS } from './core/events/model.ts';
import { policyProblems } from './core/lifecycle/policy.ts';
import { policiesInForce } from './core/lifecycle/policy-store.ts';
import { createLifecycleServices } from './core/lifecycle/lifecycle-services.ts';
import { createRetentionMetrics } from './core/lifecycle/metrics.ts';
import { RetentionRunner } from './core/lifecycle/retention-runner.ts';
import { actionExecutors, type RuleSinkPort } from './core/rules/executors.ts';
import { createRuleService } from './core/rules/service.ts';
import { applyRuleConfig } from './core/rules/config.ts';
import { RuleEngine } from './core/rules/engine.ts';
import { plateListsById } from './core/plates/repo.ts';
import { createHlsProxy } from './core/streams/hls-proxy.ts';
import { buildSchema } from './schema/build.ts';
import { createGraphQLHandler, type Yoga } from './core/http/yoga.ts';
import { createWsServer } from './core/http/ws.ts';
import { createGraphQLHttp } from './core/http/graphql-http.ts';
import { createHttpServer } from './core/http/server.ts';
import { createCorsPolicy } from './core/http/cors.ts';
import { PROJECT_ROOT } from './core/util/project-root.ts';
import { createConsoleStatic } from './core/http/console-static.ts';
import { systemClock, type Clock } from './core/time/clock.ts';
import { adapterReadiness } from './core/adapter/readiness.ts';
import { builtInAdapters } from './adapters/index.ts';
import { withPluginAdapters, type PluginRoots } from './core/plugins/load.ts';
import { unprefixedGraphqlNames } from './schema/graphql-names.ts';
import type { CoreServices } from './core/ports.ts';
import { AuditLog } from './core/audit/audit-log.ts';
import { startAuditPrune } from './core/audit/prune.ts';
import { isAuditedField } from './schema/audit.ts';
import { DataExports } from './core/exports/data-exports.ts';
import { DiskWatermark } from './core/media/disk-watermark.ts';
import { registerStorageMetrics } from './core/ops/storage-metrics.ts';
import { StorageUsageCache } from './core/ops/storage-usage.ts';
import { AppError } from './core/errors.ts';

export interface AppOptions {
  env: ServerEnv;
  config: ConfigFile;
  /** Adapter definitions available (default: the built-ins). */
  adapters?: readonly AdapterDefinition[];
  log?: Logger;
  /** Use this database instead of opening one (tests). */
  database?: Database;
  /** Where `plugins` entries resolve from: local paths from configDir, package names from projectRoot (both default: cwd). */
  pluginRoots?: PluginRoots;
  /** The one clock of the server (default: real time; tests pass a ManualClock). */
  clock?: Clock;
  /**
   * How plate list rebuilds yield to ingest between slices of work (default: setImmediate). Tests
   * hold it to observe ingest while a rebuild is in progress.
   */
  plateListPause?: () => Promise<void>;
  /** The web console's build folder served under /console/ (default: console/dist of this package). */
  consoleDir?: string;
  /** Where rule `sink` actions deliver (the sinks feature); absent: rules with a sink action are refused. */
  ruleSinks?: RuleSinkPort;
}

export interface App {
  server: Server;
  schema: GraphQLSchema;
  yoga: Yoga;
  services: CoreServices;
  registry: AdapterRegistry;
  streams: StreamManager;
  database: Database;
  /** The media store (MEDIA_DIR). */
  media: FileMediaStore;
  /** The retention pass (runs under the lease `retention` every retentionIntervalSec). */
  retention: RetentionRunner;
  /** Work that runs on one instance of the deployment (adapters' runExclusive, stream keepalives). */
  leases: Leases;
  metrics: Metrics;
  /** The rules engine (runs on the instance holding the lease `log:rules`). */
  rules: RuleEngine;
  bus: EventBus;
  writer: EventWriter;
  /** The plate lists every read is matched against at ingest. */
  plateLists: PlateListIndex;
  /** Outbound sinks; also the rules engine's port (deliverNow, exists). */
  sinks: SinkManager;
  log: Logger;
  /** Listen on env.port/env.host, then start the adapters. Returns the bound port. */
  listen(): Promise<number>;
  /** Graceful stop: stop accepting, stop adapters, flush writes, close sockets and the database. */
  close(): Promise<void>;
  url(): string;
}

/** The adapters a server runs when given none (the testkit checks a plugin beside them). */
export const defaultAdapters: readonly AdapterDefinition[] = builtInAdapters;

/** Where `vite build` writes the web console (console/vite.config.ts). */
export const CONSOLE_DIST = join(PROJECT_ROOT, 'console', 'dist');

export async function createApp(options: AppOptions): Promise<App> {
  const log = options.log ?? createLogger(options.env.logLevel);
  const clock = options.clock ?? systemClock();
  const defs = new Map((await withPluginAdapters(options.adapters ?? builtInAdapters, options.config.plugins, unprefixedGraphqlNames, options.pluginRoots)).map((d) => [d.type, d]));
  const { configs, problems } = validateAdapterEntries(options.config.adapters, defs);
  if (problems.length) throw new ConfigError(problems);
  const knownKinds = new Set<string>([...EVENT_KINDS, ...[...defs.values()].flatMap((d) => d.eventKinds ?? [])]);
  const retentionProblems = policyProblems(options.config.retention, knownKinds, 'retention');
  if (retentionProblems.length) throw new ConfigError(retentionProblems.map((p) => p.message));

  const dataDirLock = lockDataDir(options.env.dataDir); // one process per DATA_DIR (spool, PGlite)
  const database = options.database ?? (await openDatabase({ url: options.env.databaseUrl, pgliteDir: pgliteDirFor(options.env.dataDir), pglite: options.config.database.pglite }));
  const { db } = database;
  // Config `sites:` and `cameras:` made true in the store before anything reads cameras (idempotent).
  await applyCameraConfig(db, { sites: options.config.sites, cameras: options.config.cameras });
  // Site zones in memory before any adapter reads a local time (ctx.cameras.timeZoneOf).
  const siteZones = new SiteZones(db, { ttlMs: options.config.cluster.deviceCacheSec * 1000, log: log.child({ component: 'site-zones' }) });
  await siteZones.refresh();
  // Plate lists in memory before the first read is matched at ingest.
  const plateLists = new PlateListIndex(db, { ttlMs: options.config.cluster.deviceCacheSec * 1000, log: log.child({ component: 'plate-lists' }), pause: options.plateListPause });
  await plateLists.refresh();
  const metrics = createMetrics({ defaultMetrics: true });
  const leases = database.createLeases({
    log: log.child({ component: 'leases' }),
    retryMs: options.config.cluster.leaseRetrySec * 1000,
    heartbeatMs: options.config.cluster.leaseHeartbeatSec * 1000,
    heartbeatTimeoutMs: options.config.cluster.leaseHeartbeatTimeoutSec * 1000,
    onChange: (name, held) => metrics.leaseHeld.set({ lease: name }, held ? 1 : 0),
    clock,
  });
  // ioredis is loaded only with REDIS_URL (≈ 10 MB RSS otherwise held for nothing).
  const redisBus = options.env.redisUrl ? await (await import('./core/events/redis-bus.ts')).RedisEventBus.start({ url: options.env.redisUrl, db, log, metrics }) : null;
  const bus: EventBus = redisBus ?? new LocalEventBus((err) => log.error({ err }, 'event bus listener failed'));
  if (options.env.redisUrl && database.kind === 'pglite') log.warn('REDIS_URL is set but the database is embedded PGlite: several instances need one shared PostgreSQL (DATABASE_URL)');
  const cameraCache = new CameraCache();
  // TCP events wait out a database outage here (fsynced), replayed when it answers again.
  const spool = new EventSpool({ dir: join(options.env.dataDir, 'spool'), log, registry: metrics.registry, probe: () => database.ping(), maxBytes: options.config.limits.spoolMaxBytes, clock });
  const writer = new EventWriter({
    spool,
    db: database.writerDb ?? db,
    bus,
    log,
    metrics,
    onCommitted: (_events, cameraRows) => cameraRows.forEach((c) => cameraCache.remember(c.id, c.name === c.vendorId ? undefined : c.name)),
    clock,
  });
  const mediaDir = options.env.mediaDir ?? join(options.env.dataDir, 'media');
  const media = new FileMediaStore(mediaDir, db);
  const disk = new DiskWatermark({
    paths: [mediaDir, options.env.dataDir],
    minFreeBytes: options.config.storage.minFreeBytes,
    refreshMs: options.config.storage.checkIntervalSec * 1000,
    clock,
    onChange: (low, disks) =>
      low
        ? log.warn({ disks, minFreeBytes: options.config.storage.minFreeBytes }, 'free disk space below storage.minFreeBytes: new media are refused, events are still stored')
        : log.info({ disks }, 'free disk space above storage.minFreeBytes again: media are stored'),
  });
  registerStorageMetrics(metrics.registry, disk, new StorageUsageCache(db, clock));
  const ingest = new Ingest({
    writer,
    media,
    cameras: cameraCache,
    maxRowBytes: options.config.limits.eventMaxBytes,
    clock,
    plateLists,
    disk,
    onMediaRefused: (src, count, reason) => metrics.mediaRefused.inc({ adapter: src.adapter, instance: src.instance, reason }, count),
    onMatchError: (err, src) => {
      metrics.plateListMatchErrors.inc();
      log.error({ err, adapter: src.adapter, instance: src.instance }, 'plate list matching failed; the read is stored without list matches');
    },
  });
  const routes = new AdapterRoutes();
  const vendorHosts = configs.flatMap((c) => hostsOf(c as unknown as Record<string, unknown>));
  const fetch = createSafeFetch({ allowHosts: vendorHosts });
  const statusHub = new StatusHub();
  const registry = new AdapterRegistry({
    deps: { db, ingest, media, cameraCache, routes, fetch, log, metrics, leases, clock, siteZones },
    metrics,
    log,
    onStatus: (info) => statusHub.publish(info),
  });
  for (const c of configs) registry.add(defs.get(c.type)!, c);
  const streams = new StreamManager({
    db,
    leases,
    registry,
    log,
    idleTimeoutMs: options.config.streams.idleTimeoutSec * 1000,
    cameraById: async (id) => (await camerasById(db, [id]))[0] ?? null,
    clock,
  });

  // Services are made below; what is built before them reaches them through this (called only once running).
  const lateServices = () => services;
  // Outbound sinks: their own HTTP client (the same guard, `outbound.allowHosts`), one log consumer per sink.
  const outbound = options.config.outbound;
  const openSinkClient = () => createSafeFetch({ allowHosts: outbound.allowHosts, userAgent: 'usa-sinks', pipelining: outbound.sinkMaxInFlight });
  const mediaSigner = outbound.mediaSigningKey && outbound.signedMediaTtlSec > 0 ? createMediaUrlSigner(outbound.mediaSigningKey, outbound.signedMediaTtlSec) : undefined;
  let publicUrl = outbound.publicUrl?.replace(/\/+$/, '') ?? '';
  const sinkLinks = new LinkIndex(db, options.config.cluster.deviceCacheSec * 1000);
  const siteCache = new Map<string, { at: number; site: Promise<{ key: string; name: string } | null> }>();
  const sinkPolicy = createHostPolicy(outbound.allowHosts);
  const sinkDelivery = new SinkDelivery(db, new WebhookSender(openSinkClient, clock), sinkPolicy, {
    camera: async (id) => (await lateServices().deviceById(id)) ?? null,
    site: (key) => {
      const hit = siteCache.get(key);
      if (hit && clock.nowMs() - hit.at < 2000) return hit.site;
      if (siteCache.size > 1000) siteCache.clear();
      const site = siteByKey(db, key);
      siteCache.set(key, { at: clock.nowMs(), site });
      return site;
    },
    mediaUrl: (m) => `${publicUrl}/media/${encodeURIComponent(m.id)}${mediaSigner ? `?${mediaSigner.sign(m.id, clock.nowMs())}` : ''}`,
  });
  const sinks = new SinkManager({
    db,
    bus,
    leases,
    cursors: new DbCursorStore(db),
    clock,
    log: log.child({ component: 'sinks' }),
    metrics,
    delivery: sinkDelivery,
    policy: sinkPolicy,
    expand: (f) => expandEventFilter(db, sinkLinks, f),
    changes: redisBus ? redisBus.changes('sinks') : undefined,
    maxInFlight: outbound.sinkMaxInFlight,
  });
  await sinks.applyConfig(options.config.sinks);

  const auth = new ApiKeyAuth(options.config.auth.apiKeys);
  const audit = new AuditLog({ db, clock, log: log.child({ component: 'audit' }), onWriteError: () => metrics.auditWriteErrors.inc() });
  const dataExports = new DataExports({
    db,
    media,
    dir: join(options.env.dataDir, 'exports'),
    clock,
    log: log.child({ component: 'exports' }),
    audit,
    auth,
    ttlMs: options.config.exports.ttlSec * 1000,
    sweepMs: options.config.exports.sweepSec * 1000,
    maxEvents: options.config.exports.maxEvents,
    maxBytes: options.config.exports.maxBytes,
    diskCheck: async () => {
      if (!(await disk.allowsMedia())) throw new AppError('SERVICE_UNAVAILABLE', `free disk space is below storage.minFreeBytes (${disk.describe()}); exports are refused until space is freed`);
    },
  });
  const retention = new RetentionRunner({
    db,
    media,
    leases,
    clock,
    log: log.child({ component: 'retention' }),
    metrics: createRetentionMetrics(metrics.registry),
    intervalMs: options.config.retentionIntervalSec * 1000,
    // PGlite is one connection: the writer waits for a whole batch there, so batches stay small (≈ 10–40 ms).
    // On PostgreSQL the writer never waits on the pass's row locks: larger batches cost less per row.
    batchSize: database.kind === 'pglite' ? 200 : 1000,
    ruleRunsRetainMs: options.config.ruleRunsRetainDays * 86_400_000,
    policies: async () => (await policiesInForce(db, options.config.retention)).policies,
  });
  // Rules: the service (GraphQL, config) and the engine (log consumer 'rules' under a lease), both
  // acting through the services' capability dispatch (a linked camera: its first capable source).
  const ruleChanges = redisBus ? redisBus.changes('rules') : undefined;
  const executors = actionExecutors({
    cameraById: (id) => lateServices().cameraById(id),
    sourceFor: (camera, cap) => lateServices().sourceFor(camera, cap),
    dispatch: (cap, camera, input) => lateServices().dispatch(cap, camera, input),
    sinks: options.ruleSinks ?? { exists: (id) => sinks.exists(id), deliver: (id, event, messageId) => sinks.deliverNow(id, event, messageId) },
  });
  const ruleService = createRuleService({
    db,
    executors,
    cameraById: (id) => lateServices().cameraById(id),
    siteExists: async (key) => (await siteByKey(db, key)) !== null,
    plateListExists: async (id) => (await plateListsById(db, [id])).length > 0,
    changed: () => {
      ruleEngine.invalidate();
      ruleChanges?.publish();
    },
  });
  const services = createServices({
    rules: ruleService,
    db,
    bus,
    registry,
    statusHub,
    metrics,
    subscriberBuffer: options.config.limits.subscriberBuffer,
    maxConcurrentReplays: options.config.limits.maxConcurrentReplays,
    streams,
    deviceCacheMs: options.config.cluster.deviceCacheSec * 1000,
    cameraChanges: redisBus ? redisBus.changes('cameras') : undefined,
    siteZones,
    plateLists,
    plateListChanges: redisBus ? redisBus.changes('plate-lists') : undefined,
    exports: dataExports,
    disk,
    lifecycle: createLifecycleServices({ db, media, configPolicies: options.config.retention, knownKinds }),
    sinks,
  });
  const ruleEngine = new RuleEngine({
    db,
    bus,
    leases,
    cursors: new DbCursorStore(db),
    clock,
    log: log.child({ component: 'rules' }),
    executors,
    expandFilter: (f) => services.expandFilter(f),
    logicalCameraId: async (id) => (await services.cameraById(id))?.id ?? id,
    eventBySeq: (seq) => services.eventBySeq(seq),
    cacheTtlMs: options.config.cluster.deviceCacheSec * 1000,
    metrics: {
      run: (status) => metrics.ruleRuns.inc({ status }),
      actionLatency: (kind, seconds, sinceEvent) => {
        metrics.ruleActionSeconds.observe({ kind }, seconds);
        if (sinceEvent !== null) metrics.ruleFireDelaySeconds.observe({ kind }, sinceEvent);
      },
      retryQueueDepth: (n) => metrics.ruleRetryQueue.set(n),
    },
  });
  ruleChanges?.subscribe(() => ruleEngine.invalidate());
  const schema = buildSchema([...defs.values()]);
  if (auth.open) log.warn('no API keys configured: the API is open to anyone who can reach it (set auth.apiKeys in the config)');
  const cors = createCorsPolicy(options.config.cors.origins);
  const yoga = createGraphQLHandler({
    schema,
    services,
    auth,
    log,
    limits: options.config.limits,
    introspection: options.config.graphql.introspection,
    cors,
    audit: { audit, audited: isAuditedField },
  });
  const ws = createWsServer({
    yoga,
    auth,
    services,
    log,
    metrics,
    maxPayload: options.config.limits.wsMaxPayloadBytes,
    slowConsumerMs: options.config.limits.slowConsumerSec * 1000,
    maxSocketsPerKey: options.config.limits.wsMaxSocketsPerKey,
    maxOperationsPerSocket: options.config.limits.wsMaxOperationsPerSocket,
    clock,
  });
  let auditPrune: LeaseHandle | null = null;
  let dbOk = true;
  const server = createHttpServer({
    graphql: createGraphQLHttp({ yoga, auth, maxBodyBytes: options.config.graphql.maxBodyBytes, sseMaxStreamsPerKey: options.config.limits.sseMaxStreamsPerKey, metrics }),
    routes,
    adapterAvailability: (type, id) => registry.availability(type, id),
    cors,
    media,
    mediaSigner,
    auth,
    streams: createHlsProxy({ streams, auth, fetch, log, cors }),
    exports: (req, res, path) => dataExports.serve(req, res, path),
    metrics,
    log,
    upgrade: ws.handleUpgrade,
    slowConsumerMs: options.config.limits.slowConsumerSec * 1000,
    clock,
    console: createConsoleStatic(options.consoleDir ?? CONSOLE_DIST),
    ready: async () => {
      dbOk = await database.ping().then(
        () => true,
        () => false,
      );
      await disk.refresh();
      const adapters = adapterReadiness(registry.readiness(), options.config.readiness.allowFailedAdapters);
      const checks = {
        database: dbOk ? 'ok' : 'unreachable',
        ...adapters.checks,
        streams: streams.resumed ? 'resumed' : 'resuming',
        // Not a readiness condition: below the watermark ingest still works (events without images).
        disk: disk.describe(),
        // Not a readiness condition: without Redis, events from other instances come from the log, up to a second late.
        bus: redisBus ? (redisBus.connected ? 'redis' : 'redis unreachable (reading the log)') : 'local',
      };
      return { ready: dbOk && adapters.ok && streams.resumed, checks };
    },
  });

  let closing: Promise<void> | null = null;
  const app: App = {
    server,
    schema,
    yoga,
    services,
    registry,
    streams,
    database,
    media,
    retention,
    leases,
    metrics,
    rules: ruleEngine,
    bus,
    writer,
    plateLists,
    sinks,
    log,
    listen: async () => {
      await new Promise<void>((resolve, reject) => {
        const onError = (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' || err.code === 'EACCES' ? new ListenError(options.env.host, options.env.port, err.code) : err);
        server.once('error', onError);
        server.listen(options.env.port, options.env.host, () => {
          server.off('error', onError);
          resolve();
        });
      });
      await registry.startAll();
      // Config rules once the adapters registered their cameras (a rule names them and their capabilities).
      const ruleProblems = await applyRuleConfig(ruleService, db, options.config.rules);
      if (ruleProblems.length) throw new ConfigError(ruleProblems);
      ruleEngine.start();
      spool.start(writer); // replays what an earlier run spooled
      await streams.resume();
      dataExports.startSweeper();
      auditPrune ??= startAuditPrune({
        db,
        leases,
        clock,
        log: log.child({ component: 'audit-prune' }),
        retainDays: options.config.audit.retainDays,
        intervalMs: options.config.audit.pruneIntervalSec * 1000,
        onPruned: (n) => metrics.auditPruned.inc(n),
      });
      retention.start();
      const port = (server.address() as AddressInfo).port;
      publicUrl ||= `http://${options.env.host === '0.0.0.0' || options.env.host === '::' ? '127.0.0.1' : options.env.host}:${port}`;
      await sinks.start();
      log.info({ url: `http://localhost:${port}/graphql`, database: database.kind, adapters: configs.map((c) => `${c.type}/${c.id}`) }, 'listening');
      return port;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      (closing ??= (async () => {
        const httpClosed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        await streams.close(); // persists live sessions for the next start; before the adapters stop
        await ruleEngine.stop(); // its actions dispatch to the adapters
        await registry.stopAll();
        await auditPrune?.stop();
        dataExports.stop();
        await retention.stop();
        await sinks.close(); // before the leases: their consumers let go of their sinks
        await leases.close();
        await spool.stop(); // no more replay: it could keep the writer from draining
        await writer.close();
        await spool.close();
        await ws.close();
        const force = setTimeout(() => server.closeAllConnections(), 5000);
        await httpClosed;
        clearTimeout(force);
        await bus.close();
        media.close();
        await fetch.close();
        if (!options.database) await database.close();
        dataDirLock.release();
      })()),
  };
  return app;
}

/** The HTTP port cannot be bound (in use, or privileged): start-up ends with this one line. */
export class ListenError extends Error {
  constructor(host: string, port: number, code: 'EADDRINUSE' | 'EACCES') {
    const where = `${host}:${port}`;
    super(
      code === 'EADDRINUSE'
        ? `HTTP port ${port} is already in use (${where}): stop the other process or set PORT`
        : `HTTP port ${port} needs privileges this process lacks (${where}): set PORT to 1024 or higher`,
    );
    this.name = 'ListenError';
  }
}

/** host:port of URLs in an adapter's config: operator-configured vendor hosts may be private. */
function hostsOf(cfg: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const v of Object.values(cfg)) {
    if (typeof v !== 'string' || !/^(https?|wss?):\/\//.test(v)) continue;
    try {
      out.push(new URL(v).host);
    } catch {
      /* validated by the adapter's schema */
    }
  }
  return out;
}
