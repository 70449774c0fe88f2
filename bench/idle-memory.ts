/**
 * 6. Memory.
 * - idle-subscribers: server RSS (PostgreSQL unless BENCH_DATABASE_URL=pglite) once 10,000
 *   graphql-ws connections (one `events` subscription each, LIVE_QUERY), held by client processes of
 *   2,500 each (lib/client-pool.ts), are open and have been idle for IDLE_MS. They connect 1,000 at a
 *   time and the server's memory is read after each step: the slope is the cost of 1,000 idle
 *   subscribers. Then one event is ingested and every subscriber must get it (they are live, not
 *   just connected), and none may have been closed. The server's RSS before any subscriber connected
 *   is shown in the floor column (no ratio).
 * - idle-memory: the embedded default: `npm start` (PGlite) idle RSS against a bare PGlite instance
 *   with the same settings in the same run (lib/rss.ts), one after the other so they do not share the CPUs.
 * BENCH_HEAP_SNAPSHOT=1 writes the server's heap snapshots (before the subscribers and with them) to
 * bench-profiles/, to see per-subscriber objects by constructor (Chrome DevTools → Memory → Comparison).
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startServer } from './lib/context.ts';
import { ClientPool } from './lib/client-pool.ts';
import { log, scaled, sleep, until } from './lib/env.ts';
import { ingestOverTcp } from './lib/ingest.ts';
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
const SUBSCRIBERS = scaled(10_000, 10);
const STEP = Math.max(1, Math.min(1000, SUBSCRIBERS));
const TARGET_MB = 600;

async function embeddedDefault(): Promise<ResultRow[]> {
  log(`idle-memory: npm start (embedded PGlite, ${JSON.stringify(DEFAULT_PGLITE_SETTINGS)}) vs a bare PGlite with the same settings`);
  const ours = await npmStartIdleRss(IDLE_MS);
  const bare = await barePgliteIdleRss(IDLE_MS);
  const r = ours / bare;
  log(`  npm start idle RSS ${mb(ours)}; bare PGlite ${mb(bare)}; ratio ${fmt(r, 2)}× (target ≤ 1.1×)`);
  return [
    {
      benchmark: 'npm start idle RSS (embedded PGlite)',
      ours: `${mb(ours)} RSS`,
      floor: `${mb(bare)} bare PGlite`,
      ratio: `${fmt(r, 2)}×`,
      target: '≤ 1.1× bare PGlite',
      pass: r <= 1.1,
      values: { npmStartRss: ours, barePgliteRss: bare, ratio: r, settings: DEFAULT_PGLITE_SETTINGS, idleMs: IDLE_MS },
    },
  ];
}

/** Least-squares slope of y over x. */
function slope(points: Array<[number, number]>): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const sxy = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const sxx = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return sxx ? sxy / sxx : NaN;
}

async function subscribers(ctx: BenchContext): Promise<ResultRow[]> {
  const count = SUBSCRIBERS;
  log(`idle-subscribers: ${fmt(count)} graphql-ws subscriptions (${STEP} at a time), then ${IDLE_MS / 1000} s idle; database ${ctx.db.label}`);
  const pool = await ClientPool.start(count);
  const app = await startServer(ctx, 'app', 'memory');
  const snap = process.env.BENCH_HEAP_SNAPSHOT === '1';
  try {
    const s = app.server;
    const conn = { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql' as const, query: LIVE_QUERY };
    const subs = async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions;
    // Warm the server up a little first (one subscriber, closed), so the baseline is not a cold heap.
    await pool.connect({ ...conn, count: 1 });
    await until(async () => (await subs()) >= 1, 30_000, 'warm-up subscription');
    await pool.closeAll();
    await until(async () => (await subs()) === 0, 30_000, 'warm-up subscription closed');
    await sleep(1000);
    const base = await s.call<Mem>('memory');
    if (snap) log(`  heap snapshot (0 subscribers): ${await s.call<string>('heapSnapshot', { tag: 'idle-0' })}`);
    const curve: Array<{ subscribers: number; rss: number; heapUsed: number; seconds: number }> = [];
    const t = performance.now();
    for (let done = 0; done < count; ) {
      const k = Math.min(STEP, count - done);
      await pool.connect({ ...conn, count: k });
      done += k;
      await until(async () => (await subs()) >= done, 120_000, `${done} subscriptions`, 50);
      const m = await s.call<Mem>('memory');
      curve.push({ subscribers: done, rss: m.rss, heapUsed: m.heapUsed, seconds: (performance.now() - t) / 1000 });
      log(`    ${fmt(done)} subscribers: RSS ${mb(m.rss)}, heap ${mb(m.heapUsed)} (${fmt((performance.now() - t) / 1000)} s)`);
    }
    const connectS = (performance.now() - t) / 1000;
    await sleep(IDLE_MS);
    const mem = await s.call<Mem>('memory');
    if (snap) log(`  heap snapshot (${count} subscribers): ${await s.call<string>('heapSnapshot', { tag: `idle-${count}` })}`);
    const idleStats = await pool.stats();
    // Live, not just connected: one event reaches every subscriber.
    await pool.arm('ours', 1);
    const waiting = pool.wait(120_000);
    await ingestOverTcp(s.info.tcpPort, 1, async () => (await s.call<{ count: number }>('rows')).count, '-IDLE');
    const live = await waiting;
    const afterEvent = await s.call<Mem>('memory');
    const points = curve.map((c): [number, number] => [c.subscribers, c.rss]);
    const perThousand = slope(points) * 1000;
    const heapPerThousand = slope(curve.map((c): [number, number] => [c.subscribers, c.heapUsed])) * 1000;
    log(
      `  ours : RSS ${mb(mem.rss)} (heap ${mb(mem.heapUsed)}, external ${mb(mem.external)}) with ${fmt(count)} idle subscriptions (connected in ${fmt(connectS)} s; ${idleStats.closed} closed${idleStats.closed ? ` ${JSON.stringify(idleStats.closedByCode)}` : ''})`,
    );
    log(`         baseline RSS ${mb(base.rss)} (heap ${mb(base.heapUsed)}); per 1,000 idle subscribers: RSS +${mb(perThousand)}, heap +${mb(heapPerThousand)} (slope over ${curve.length} steps)`);
    log(
      `         one event: ${fmt(live.subscribers - live.missing)} of ${fmt(live.subscribers)} subscribers got it${live.errors.length ? `; errors: ${live.errors[0]}` : ''}; RSS after it ${mb(afterEvent.rss)}`,
    );
    const ok = idleStats.closed === 0 && live.ok && live.subscribers === count;
    const notes = [
      idleStats.closed ? `${idleStats.closed} subscriber connections were closed (${JSON.stringify(idleStats.closedByCode)})` : '',
      live.ok ? '' : `the live check failed: ${live.missing} of ${live.subscribers} subscribers did not get the event${live.errors.length ? `, errors: ${live.errors[0]}` : ''}`,
    ].filter(Boolean);
    return [
      {
        benchmark: `memory, ${fmt(count)} idle subscribers (${ctx.db.url ? 'PostgreSQL' : 'PGlite'})`,
        ours: `${mb(mem.rss)} RSS`,
        floor: `${mb(base.rss)} (0 subs)`,
        ratio: '—',
        target: `≤ ${TARGET_MB} MB RSS, none closed, all live`,
        pass: ok && mem.rss <= TARGET_MB * 1048576,
        note: notes.length ? notes.join('; ') : undefined,
        values: {
          subscribers: count,
          database: ctx.db.label,
          base,
          mem,
          afterEvent,
          perThousandRss: perThousand,
          perThousandHeap: heapPerThousand,
          connectSeconds: connectS,
          curve,
          idleStats,
          live: { ...live, sample: undefined },
        },
      },
    ];
  } finally {
    await pool.closeAll();
    await pool.stop();
    await app.stop();
  }
}

export const idleSubscribers: Benchmark = { name: 'idle-subscribers', title: `memory with ${fmt(SUBSCRIBERS)} idle subscribers`, run: subscribers };
export const idleMemory: Benchmark = { name: 'idle-memory', title: 'npm start idle RSS vs a bare PGlite', run: () => embeddedDefault() };
