/**
 * Benchmark server child: `tsx bench/server.ts <role>` prints `BENCH_READY {ports}` and serves
 * commands over IPC (see lib/child.ts).
 *   app         the real app (createApp): PostgreSQL from BENCH_DB_URL, else PGlite; FF instance
 *               `default` with a TCP listener on an ephemeral port.
 *   floor-tcp   bare TCP lines → JSON.parse → INSERT … ON CONFLICT DO NOTHING (≤ 500) into BENCH_DB_URL → ws broadcast (lib/floors.ts)
 *   floor-http  bare node:http + busboy
 *   floor-ws    bare ws broadcast, plus the bare TCP → ws pipeline
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { createHash } from 'node:crypto';
import { FileMediaStore } from '../src/core/media/store.ts';
import { media } from '../src/core/db/schema.ts';
import { tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { join } from 'node:path';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { createApp } from '../src/app.ts';
import { validateConfig } from '../src/core/config/load.ts';
import { eventsAfter } from '../src/core/db/event-repo.ts';
import { normalizePlate, type StoredEvent } from '../src/core/events/model.ts';
import { failChild, serveChild } from './lib/child.ts';
import { multipartFloor, tcpIngestFloor, wsFloor } from './lib/floors.ts';
import { pump } from './lib/pump.ts';
import { ROOT } from './lib/env.ts';
import { Registry } from 'prom-client';
import { runRetentionPass } from '../src/core/lifecycle/retention-pass.ts';
import { createRetentionMetrics } from '../src/core/lifecycle/metrics.ts';
import type { RetentionPolicy } from '../src/core/lifecycle/policy.ts';
import { systemClock } from '../src/core/time/clock.ts';

type Summable = { get(): Promise<{ values: Array<{ value: number }> }> };
const total = async (m: Summable) => (await m.get()).values.reduce((a, v) => a + v.value, 0);

const memory = () => {
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
};

async function startApp() {
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-bench-'));
  // Every subscriber socket comes from one address with no API keys, so they all count against one
  // owner's wsMaxSocketsPerKey (default 256): raised here, in the bench only, for idle-subscribers'
  // 10,000 (plus its warm-up) and fan-out's 1,000. No other config limit bounds idle sockets
  // (wsMaxOperationsPerSocket is per socket; maxConcurrentReplays only counts `after` replays).
  // Sinks (bench/sinks.ts) deliver to a receiver on 127.0.0.1.
  const config = validateConfig(
    {
      adapters: [{ type: 'ff', id: 'default', tcpPort: 0, tcpHost: '127.0.0.1' }],
      limits: { wsMaxSocketsPerKey: 20_000 },
      outbound: { allowHosts: ['127.0.0.1'] },
      // BENCH_PGLITE_SHARED_BUFFERS_MB: the embedded database's shared_buffers, to compare with the default.
      database: process.env.BENCH_PGLITE_SHARED_BUFFERS_MB ? { pglite: { sharedBuffersMb: process.env.BENCH_PGLITE_SHARED_BUFFERS_MB } } : undefined,
    },
    process.env,
  );
  const level = process.env.BENCH_LOG_LEVEL ?? 'error';
  const app = await createApp({
    env: { port: 0, host: '127.0.0.1', dataDir, databaseUrl: process.env.BENCH_DB_URL || undefined, logLevel: level },
    config,
    log: pino({ level }, pino.destination(2)),
  });
  const port = await app.listen();
  const tcpPort = (app.registry.find('ff', 'default')?.running as { tcpPort?: number } | null)?.tcpPort;
  const m = app.metrics;
  // Every group-commit batch's insert latency (ms), as the writer observes it, for the retention bench.
  const batchMs: number[] = [];
  const observe = m.batchSeconds.observe.bind(m.batchSeconds);
  m.batchSeconds.observe = ((...a: Parameters<typeof observe>) => {
    if (typeof a[0] === 'number' && batchMs.length < 1_000_000) batchMs.push(a[0] * 1000);
    return observe(...a);
  }) as typeof observe;
  let fanoutEvents: StoredEvent[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const listMatched = async () => {
    const r = await app.database.db.execute(sql`select count(*)::text as n from events where list_matches is not null`);
    const rows = (r as unknown as { rows?: unknown[] }).rows ?? (r as unknown as unknown[]);
    return Number((rows[0] as { n: string }).n);
  };
  return {
    info: { port, tcpPort, database: app.database.kind, pid: process.pid, dataDir },
    handlers: {
      memory,
      /** Writes a heap snapshot to bench-profiles/ (BENCH_HEAP_SNAPSHOT=1 in idle-subscribers); returns its path. */
      heapSnapshot: (a: { tag: string }) => {
        const dir = join(ROOT, 'bench-profiles');
        mkdirSync(dir, { recursive: true });
        return writeHeapSnapshot(join(dir, `server-${a.tag}-${Date.now()}.heapsnapshot`));
      },
      stats: async () => ({
        ingested: await total(m.ingested),
        rejected: await total(m.rejected),
        deduplicated: await total(m.deduplicated),
        deliveries: await total(m.deliveries),
        overflows: await total(m.drops),
        slowClosed: await total(m.slowClosed),
        subscriptions: await total(m.subscriptions),
        writerQueued: app.writer.queued,
        /** Group-commit batches written so far and their summed insert time (ms). */
        batches: batchMs.length,
        batchMsTotal: batchMs.reduce((a, x) => a + x, 0),
        listMatched: await listMatched(),
        /** Longest event loop delay since the last resetLoopDelay (ms). */
        loopDelayMaxMs: loopDelay.max / 1e6,
        ...memory(),
      }),
      rows: async () => {
        const r = await app.database.db.execute(sql`select coalesce(max(seq), 0)::text as m, (select count(*) from events)::text as n, (select count(*) from media)::text as media from events`);
        const row = ((r as unknown as { rows?: unknown[] }).rows ?? (r as unknown as unknown[]))[0] as { m: string; n: string; media: string };
        return { maxSeq: Number(row.m), count: Number(row.n), mediaRows: Number(row.media) };
      },
      resetLoopDelay: () => loopDelay.reset(),
      /** Creates an ALLOW list and adds `plates` through the services (addPlates, 10,000 per call). */
      loadPlateList: async (a: { plates: string[]; maxDistance: number }) => {
        const t0 = performance.now();
        const list = await app.services.plateLists.create({ name: 'bench', kind: 'ALLOW', maxDistance: a.maxDistance });
        for (let i = 0; i < a.plates.length; i += 10_000)
          await app.services.plateLists.addPlates(
            list.id,
            a.plates.slice(i, i + 10_000).map((p) => ({ plateNormalized: normalizePlate(p), plate: p, label: null, validFrom: null, validTo: null })),
          );
        await app.plateLists.refresh(); // one base layer, as after a restart
        return { size: app.plateLists.size, seconds: (performance.now() - t0) / 1000 };
      },
      /** Media rows whose bytes read back from the store hash to their id (content-addressed). */
      mediaVerified: async () => {
        const store = new FileMediaStore(join(dataDir, 'media'), app.database.db);
        const rows = await app.database.db.select().from(media);
        let ok = 0;
        for (const r of rows) {
          const meta = { id: r.id, contentType: r.contentType, byteSize: r.byteSize, segment: r.segment ?? undefined, offset: r.offset ?? undefined };
          const h = createHash('sha256');
          for await (const chunk of store.open(meta)) h.update(chunk as Buffer);
          if (h.digest('hex') === r.id) ok++;
        }
        return ok;
      },
      /** One retention pass with these policies, in this process beside ingest (bench/retention.ts); its report and seconds. */
      retentionPass: async (a: { policies: RetentionPolicy[]; batchSize?: number }) => {
        const t0 = performance.now();
        const report = await runRetentionPass(
          {
            db: app.database.db,
            media: app.media,
            metrics: createRetentionMetrics(new Registry()),
            clock: systemClock(),
            log: app.log,
            policies: async () => a.policies,
            batchSize: a.batchSize,
          },
          new AbortController().signal,
        );
        return { ...report, seconds: (performance.now() - t0) / 1000 };
      },
      /** Group-commit batch latencies so far: the histogram's cumulative bucket counts (upper bound in s → count). */
      batchLatency: async () => (await m.batchSeconds.get()).values.filter((v) => v.metricName === 'db_batch_seconds_bucket').map((v) => ({ le: v.labels.le, count: v.value })),
      /** The group-commit batch latencies (ms) observed since the last call, one per batch. */
      takeBatchMs: async () => batchMs.splice(0),
      /** Loads the first `count` stored events for `fanout`; returns what the subscription selects. */
      fanoutPrepare: async (a: { count: number }) => {
        fanoutEvents = await eventsAfter(app.database.db, 0n, null, a.count);
        if (fanoutEvents.length !== a.count) throw new Error(`only ${fanoutEvents.length} of ${a.count} events stored`);
        return fanoutEvents.map((e) => ({ seq: e.seq.toString(), kind: e.kind, occurredAt: e.occurredAt.toISOString(), plate: e.plate?.plate, direction: e.plate?.direction }));
      },
      /** Publishes the prepared (committed) events on the bus, as the writer does after commit. */
      fanout: async (a: { from: number; count: number; batch: number; window: number; subscribers: number }) =>
        pump({
          total: a.count,
          subscribers: a.subscribers,
          batch: a.batch,
          window: a.window,
          publish: (from, to) => app.bus.publish(fanoutEvents.slice(a.from + from, a.from + to)),
          delivered: () => total(m.deliveries),
        }),
    },
    // dataDir (media files) is removed by the parent after exit, so deleting it is not profiled.
    close: () => app.close(),
  };
}

async function main() {
  const role = process.argv[2];
  const dbUrl = process.env.BENCH_DB_URL ?? '';
  const s = role === 'app' ? await startApp() : role === 'floor-tcp' ? await tcpIngestFloor(dbUrl) : role === 'floor-http' ? await multipartFloor() : role === 'floor-ws' ? await wsFloor() : null;
  if (!s) throw new Error(`unknown role ${role}: app | floor-tcp | floor-http | floor-ws`);
  serveChild({ ...s.info, pid: process.pid }, { memory, ...s.handlers }, s.close);
}

main().catch(failChild);
