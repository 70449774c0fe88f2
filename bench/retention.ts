/**
 * 7. Retention pass while ingesting: a copy of the retention seed (seed-retention.ts: the history
 * seed, `BENCH_RETENTION_ROWS` or 1,000,000 × BENCH_SCALE events generated in SQL, all older than a
 * day, one image per plate read: media rows and refs) is given to the real app; FF events are sent
 * over TCP in rounds of 5,000 (× BENCH_SCALE), first without a pass and again after it (the floor
 * column: ingest alone), then while one retention pass (`events: 1d`, 1,000 events per transaction,
 * in the server process beside ingest) deletes every seeded event; the ratio is the median round
 * rate during the pass over the median without (target ≥ 0.8×).
 * Writer waits (target: a pass adds at most 100 ms to the longest): every group-commit batch of the
 * app's writer (its INSERT of a batch of ingested events, as db_batch_seconds observes it) is
 * recorded, and its max and p99 reported without and during the pass; beside it a probe in this
 * process inserts one event through the writer's own statement (insertEventBatch) every 25 ms on its
 * own connection (max and p99 likewise). Both include I/O waits; a sampler of pg_stat_activity says
 * which waits were on a lock and who held it (the issue's measure: no lock blocks the writer for more
 * than 100 ms). The copy is dropped afterwards; the seeds are kept for later
 * runs.
 *
 *   BENCH_SCALE=1 npx tsx bench/run.ts retention      (1M expired events; PostgreSQL only)
 */
import net from 'node:net';
import { once } from 'node:events';
import postgres from 'postgres';
import { openDatabase } from '../src/core/db/client.ts';
import { eventRowJson, insertEventBatch } from '../src/core/db/event-insert.ts';
import type { Benchmark, BenchContext } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { log, scaled } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { withDbName } from './lib/pg.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { fmt, percentile } from './lib/stats.ts';
import { seedRetention } from './seed-retention.ts';

const TARGET = '≥ 0.8× ingest; writer wait ≤ +100 ms';
/** How much a pass may add to the writer's longest wait (ms). */
const WAIT_BUDGET_MS = 100;

async function writeStream(sock: net.Socket, bufs: Buffer[]): Promise<void> {
  for (const b of bufs) if (!sock.write(b)) await once(sock, 'drain');
  await new Promise<void>((r) => sock.end(r));
}

/** A writer probe: one event every 25 ms through the writer's statement; latencies by phase. */
function writerProbe(url: string) {
  const samples = new Map<string, number[]>();
  let phase = 'idle';
  let stopped = false;
  let n = 0;
  const done = (async () => {
    const database = await openDatabase({ url, maxConnections: 2 });
    try {
      while (!stopped) {
        const row = eventRowJson({
          typeName: 'FfPlateEvent',
          kind: 'PLATE_READ',
          vendorType: 'new',
          occurredAt: new Date(),
          receivedAt: new Date(),
          adapter: 'ff',
          instance: 'probe',
          dedupeKey: `probe-${Date.now()}-${n++}`,
          raw: {},
          data: {},
        });
        const t = performance.now();
        await insertEventBatch(database.db, { rowsJson: [row] });
        const list = samples.get(phase) ?? [];
        list.push(performance.now() - t);
        samples.set(phase, list);
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await database.close();
    }
  })();
  return {
    phase: (p: string) => void (phase = p),
    stop: async () => {
      stopped = true;
      await done;
      return samples;
    },
  };
}

/**
 * The writer's statement (event-insert.ts): CTEs for new media and cameras, one taking the commit-order
 * lock (`commit_order`), then INSERT INTO events. pg_stat_activity keeps the first 1,024 bytes.
 */
const isLogInsert = (query: string) => /\bcommit_order\b|insert\s+into\s+"?events"?[\s(]/i.test(query);

/** A lock wait seen by the sampler: one waiting statement (pid, start) and who held the lock. */
interface LockWait {
  waiter: string;
  blockers: Set<string>;
  first: number;
  last: number;
}

/**
 * Lock waits in the copy, sampled every 20 ms from pg_stat_activity with pg_blocking_pids: each
 * statement seen waiting on a lock (wait_event_type 'Lock'), what it runs and what its blockers run,
 * and for how long it was seen waiting (an episode's length is known to within the sampling step).
 * This answers "does a lock held by the pass block the writer?", which the latencies above cannot
 * tell apart from I/O contention.
 */
function lockSampler(url: string, dbName: string) {
  const SAMPLE_MS = 20;
  const waits = new Map<string, LockWait>();
  let stopped = false;
  let phase = 'idle';
  const byPhase = new Map<string, LockWait[]>();
  const done = (async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {} });
    try {
      while (!stopped) {
        const now = performance.now();
        const rows = await sql<Array<{ pid: number; started: string; waiter: string; blocker: string | null }>>`
          select w.pid, w.query_start::text as started, w.query as waiter, b.query as blocker
          from pg_stat_activity w
          left join lateral unnest(pg_blocking_pids(w.pid)) as bp(pid) on true
          left join pg_stat_activity b on b.pid = bp.pid
          where w.datname = ${dbName} and w.wait_event_type = 'Lock'`;
        for (const r of rows) {
          const key = `${r.pid}@${r.started}`;
          let w = waits.get(key);
          if (!w) {
            w = { waiter: r.waiter, blockers: new Set(), first: now, last: now };
            waits.set(key, w);
            byPhase.set(phase, [...(byPhase.get(phase) ?? []), w]);
          }
          w.last = now;
          if (r.blocker) w.blockers.add(r.blocker);
        }
        await new Promise((r) => setTimeout(r, SAMPLE_MS));
      }
    } finally {
      await sql.end();
    }
  })();
  /** Writer statements seen waiting: those blocked by something else than another writer (longest, ms, upper bound), and by writers. */
  const summary = (list: LockWait[]) => {
    const len = (w: LockWait) => w.last - w.first + SAMPLE_MS;
    const writer = list.filter((w) => isLogInsert(w.waiter));
    const byOthers = writer.filter((w) => [...w.blockers].some((b) => !isLogInsert(b)));
    const byWriters = writer.filter((w) => !byOthers.includes(w));
    return {
      writerWaits: writer.length,
      blockedByOthers: byOthers.length,
      longestByOthers: byOthers.length ? Math.max(...byOthers.map(len)) : 0,
      blockers: [...new Set(byOthers.flatMap((w) => [...w.blockers].map((b) => b.slice(0, 80))))].slice(0, 5),
      blockedByWriters: byWriters.length,
      longestByWriters: byWriters.length ? Math.max(...byWriters.map(len)) : 0,
    };
  };
  return {
    sampleMs: SAMPLE_MS,
    phase: (p: string) => void (phase = p),
    stop: async () => {
      stopped = true;
      await done;
      return { alone: summary(byPhase.get('alone') ?? []), pass: summary(byPhase.get('pass') ?? []) };
    },
  };
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  if (!ctx.db.url) return [{ benchmark: 'retention pass', ours: 'skipped', floor: '—', ratio: '—', target: TARGET, pass: null, note: 'needs PostgreSQL' }];
  const rows = Number(process.env.BENCH_RETENTION_ROWS ?? scaled(1_000_000, 1000));
  const seed = await seedRetention(ctx.db.url, rows);
  log(`retention: ${fmt(rows)} seeded events in ${seed.name} (${seed.reused ? 'reused' : `seeded in ${fmt(seed.seconds)} s`}); copying…`);
  const name = `bench_retention_run_${Date.now().toString(36)}`;
  const admin = postgres(ctx.db.url, { max: 1, onnotice: () => {} });
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${seed.name} and pid <> pg_backend_pid()`;
  const tc = performance.now();
  await admin.unsafe(`create database ${name} template ${seed.name}`);
  log(`retention: copy made in ${fmt((performance.now() - tc) / 1000)} s`);
  const url = withDbName(ctx.db.url, name);
  const probe = writerProbe(url);
  const locks = lockSampler(url, name);
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  const app = await startServer(ctx, 'app', null, { BENCH_DB_URL: url });
  try {
    const perRound = scaled(5000, 1000);
    let round = 0;
    /** Sends one round of new (now-dated) events and waits until all are committed; events/s. */
    const sendRound = async () => {
      const data = ffTcpStreams(perRound, 2, `R${round++}`, Date.now());
      const [{ m: base }] = await sql`select coalesce(max(seq), 0)::int8 as m from events`;
      const socks = await Promise.all(
        data.streams.map(async () => {
          const sock = net.connect({ host: '127.0.0.1', port: app.server.info.tcpPort });
          await once(sock, 'connect');
          return sock;
        }),
      );
      const t0 = performance.now();
      await Promise.all(data.streams.map((bufs, i) => writeStream(socks[i], bufs)));
      // max(seq) from the primary key is cheap to poll; the exact count (the probe's rows excluded) once it is reached.
      for (let need = Number(base) + data.events; ; ) {
        const [{ m }] = await sql`select coalesce(max(seq), 0)::int8 as m from events`;
        if (Number(m) >= need) {
          const [{ n }] = await sql`select count(*)::int8 as n from events where seq > ${base} and instance = 'default'`;
          if (Number(n) >= data.events) break;
          need = Number(m) + data.events - Number(n);
        }
        if (performance.now() - t0 > 300_000) throw new Error(`round ${round}: not committed after 300 s`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return data.events / ((performance.now() - t0) / 1000);
    };

    const takeBatches = () => app.server.call<number[]>('takeBatchMs');
    await sendRound(); // warm-up
    await takeBatches();
    probe.phase('alone');
    locks.phase('alone');
    const alone: number[] = [];
    for (let i = 0; i < 3; i++) alone.push(await sendRound());
    const batchesAlone = await takeBatches();

    probe.phase('pass');
    locks.phase('pass');
    let passDone = false;
    const pass = app.server.call<{ events: number; seconds: number }>('retentionPass', { policies: [{ events: '1d' }], batchSize: 1000 }).finally(() => (passDone = true));
    const during: number[] = [];
    while (!passDone) during.push(await sendRound());
    const report = await pass;
    const batchesDuring = await takeBatches();
    probe.phase('alone'); // after the pass: ingest alone again, so drift (other load) hits both sides
    locks.phase('alone');
    for (let i = 0; i < 2; i++) alone.push(await sendRound());
    batchesAlone.push(...(await takeBatches()));
    const samples = await probe.stop();
    const lockWaits = await locks.stop();
    const [{ n: left }] = await sql`select count(*)::int8 as n from events where instance = 'default' and occurred_at < now() - interval '1 day'`;

    const median = (xs: number[]) => percentile(xs, 50);
    const stats = (xs: number[]) => ({ n: xs.length, max: xs.length ? Math.max(...xs) : NaN, p99: percentile(xs, 99) });
    const rateAlone = median(alone);
    const rateDuring = median(during);
    const commitAlone = stats(batchesAlone);
    const commitDuring = stats(batchesDuring);
    const probeAlone = stats(samples.get('alone') ?? []); // before and after the pass
    const probeDuring = stats(samples.get('pass') ?? []);
    const okRate = rateDuring >= 0.8 * rateAlone;
    const okCommit = commitDuring.max <= commitAlone.max + WAIT_BUDGET_MS;
    const okProbe = probeDuring.max <= probeAlone.max + WAIT_BUDGET_MS;
    const okLocks = lockWaits.pass.longestByOthers <= WAIT_BUDGET_MS;
    const ms = (s: { max: number; p99: number }) => `max ${fmt(s.max)} ms, p99 ${fmt(s.p99)} ms`;
    log(
      `retention: pass deleted ${fmt(report.events)} events in ${fmt(report.seconds)} s (${fmt(report.events / report.seconds)} ev/s), ${left} expired left; ` +
        `ingest ${fmt(rateAlone)} ev/s alone (rounds before and after ${alone.map((x) => fmt(x)).join(', ')}), ${fmt(rateDuring)} ev/s during the pass (${during.length} rounds); ` +
        `app batch commits alone ${ms(commitAlone)} (${commitAlone.n}), during ${ms(commitDuring)} (${commitDuring.n}); ` +
        `writer probe alone ${ms(probeAlone)}, during ${ms(probeDuring)}`,
    );
    log(`retention: lock waits of writer statements (sampled every ${locks.sampleMs} ms): during the pass ${JSON.stringify(lockWaits.pass)}; alone ${JSON.stringify(lockWaits.alone)}`);
    return [
      {
        benchmark: 'retention pass: ingest during / alone',
        ours: `${fmt(rateDuring)} ev/s`,
        floor: `${fmt(rateAlone)} ev/s`,
        ratio: ratio(rateDuring, rateAlone),
        target: '≥ 0.8×',
        pass: okRate,
        values: { rows, deleted: report.events, passSeconds: report.seconds, alone, during, left: Number(left) },
        note: `pass over ${fmt(report.events)} expired events took ${fmt(report.seconds)} s (${fmt(report.events / report.seconds)} deleted/s)`,
      },
      {
        benchmark: 'retention pass: writer blocked by a lock it did not take, longest',
        ours: `${fmt(lockWaits.pass.longestByOthers)} ms (${lockWaits.pass.blockedByOthers} waits)`,
        floor: '—',
        ratio: '—',
        target: `≤ ${WAIT_BUDGET_MS} ms`,
        pass: okLocks,
        values: lockWaits,
        note:
          `INSERTs into the log seen waiting on a lock held by anything but another INSERT, sampled every ${locks.sampleMs} ms during the pass ` +
          `(upper bound); waits between the writers themselves (the commit-order lock): ${lockWaits.pass.blockedByWriters} during the pass, longest ${fmt(lockWaits.pass.longestByWriters)} ms, ` +
          `and ${lockWaits.alone.blockedByWriters} alone, longest ${fmt(lockWaits.alone.longestByWriters)} ms`,
      },
      {
        benchmark: 'retention pass: ingest batch commit, longest',
        ours: `${fmt(commitDuring.max)} ms`,
        floor: `${fmt(commitAlone.max)} ms`,
        ratio: ratio(commitDuring.max, commitAlone.max),
        target: `≤ +${WAIT_BUDGET_MS} ms`,
        pass: okCommit,
        values: { alone: commitAlone, during: commitDuring },
        note: `each group-commit batch of the app's writer: p99 ${fmt(commitDuring.p99)} ms during the pass (${commitDuring.n} batches), ${fmt(commitAlone.p99)} ms alone (${commitAlone.n})`,
      },
      {
        benchmark: 'retention pass: writer probe wait, longest',
        ours: `${fmt(probeDuring.max)} ms`,
        floor: `${fmt(probeAlone.max)} ms`,
        ratio: ratio(probeDuring.max, probeAlone.max),
        target: `≤ +${WAIT_BUDGET_MS} ms`,
        pass: okProbe,
        values: { alone: probeAlone, during: probeDuring },
        note: `one-row insert every 25 ms on its own connection: p99 ${fmt(probeDuring.p99)} ms during the pass, ${fmt(probeAlone.p99)} ms alone`,
      },
    ];
  } finally {
    await probe.stop().catch(() => undefined);
    await locks.stop().catch(() => undefined);
    await app.stop();
    await sql.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export const retention: Benchmark = { name: 'retention', title: 'retention pass over the history seed while ingesting', run };
