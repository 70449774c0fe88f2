/**
 * 6. Memory with 1,000 idle subscribers: server RSS once 1,000 graphql-ws connections (one
 * `events` subscription each, LIVE_QUERY) are open and have been idle for 3 s. For reference the
 * same server's RSS before any subscriber connected is shown in the floor column (no ratio).
 * Then the embedded default: `npm start` (PGlite) idle RSS against a bare PGlite instance with the
 * same settings in the same run (lib/rss.ts), one after the other so they do not share the CPUs.
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startClients, startServer } from './lib/context.ts';
import { log, scaled, sleep, until } from './lib/env.ts';
import type { ResultRow } from './lib/report.ts';
import { fmt, mb } from './lib/stats.ts';
import { barePgliteIdleRss, npmStartIdleRss } from './lib/rss.ts';
import { DEFAULT_PGLITE_SETTINGS } from '../src/core/db/pglite-settings.ts';

interface Mem {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

const IDLE_MS = 3000;

async function embeddedDefault(): Promise<ResultRow> {
  log(`idle-memory: npm start (embedded PGlite, ${JSON.stringify(DEFAULT_PGLITE_SETTINGS)}) vs a bare PGlite with the same settings`);
  const ours = await npmStartIdleRss(IDLE_MS);
  const bare = await barePgliteIdleRss(IDLE_MS);
  const r = ours / bare;
  log(`  npm start idle RSS ${mb(ours)}; bare PGlite ${mb(bare)}; ratio ${fmt(r, 2)}× (target ≤ 1.1×)`);
  return {
    benchmark: 'npm start idle RSS (embedded PGlite)',
    ours: `${mb(ours)} RSS`,
    floor: `${mb(bare)} bare PGlite`,
    ratio: `${fmt(r, 2)}×`,
    target: '≤ 1.1× bare PGlite',
    pass: r <= 1.1,
    values: { npmStartRss: ours, barePgliteRss: bare, ratio: r, settings: DEFAULT_PGLITE_SETTINGS, idleMs: IDLE_MS },
  };
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  return [...(await subscribers(ctx)), await embeddedDefault()];
}

async function subscribers(ctx: BenchContext): Promise<ResultRow[]> {
  const count = scaled(1000, 10);
  log(`idle-memory: ${fmt(count)} graphql-ws subscriptions, then 3 s idle`);
  const clients = await startClients();
  const app = await startServer(ctx, 'app', 'memory');
  try {
    const s = app.server;
    // Warm the server up a little first (one subscriber, closed), so the baseline is not a cold heap.
    await clients.call('connect', { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: 1 });
    await clients.call('closeAll');
    await sleep(1000);
    const base = await s.call<Mem>('memory');
    const t = performance.now();
    await clients.call('connect', { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count });
    await until(async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions >= count, 30_000, `${count} subscriptions`, 50);
    const connectS = (performance.now() - t) / 1000;
    await sleep(3000);
    const mem = await s.call<Mem>('memory');
    const st = await clients.call<{ clients: number; closed: number }>('stats');
    const perSub = (mem.rss - base.rss) / count;
    log(`  ours : RSS ${mb(mem.rss)} (heap ${mb(mem.heapUsed)}, external ${mb(mem.external)}) with ${fmt(count)} subscriptions (connected in ${fmt(connectS)} s; ${st.closed} closed)`);
    log(`         baseline RSS ${mb(base.rss)} (heap ${mb(base.heapUsed)}) → ${fmt(perSub / 1024, 1)} KB per idle subscriber`);
    return [
      {
        benchmark: `memory, ${fmt(count)} idle subscribers`,
        ours: `${mb(mem.rss)} RSS`,
        floor: `${mb(base.rss)} (0 subs)`,
        ratio: '—',
        target: '≤ 300 MB RSS',
        pass: st.closed === 0 && mem.rss <= 300 * 1048576,
        note: st.closed ? `${st.closed} subscriber connections were closed` : undefined,
        values: { subscribers: count, base, mem, perSubscriberBytes: perSub, connectSeconds: connectS },
      },
    ];
  } finally {
    await clients.call('closeAll').catch(() => undefined);
    await clients.stop();
    await app.stop();
  }
}

export const idleMemory: Benchmark = { name: 'idle-memory', title: 'memory with 1,000 idle subscribers', run };
