/**
 * 7. Retention pass while ingesting: a copy of the history seed (seed-history.ts,
 * BENCH_RETENTION_ROWS, default BENCH_HISTORY_ROWS or 1,000,000 events, all older than a day) is
 * given to the real app with one image per plate read (media rows and refs added to the copy); FF
 * events are sent over TCP in rounds of 5,000 (× BENCH_SCALE), first without a pass and again after
 * it (the floor column: ingest alone), then while one retention pass (`events: 1d`, 1,000
 * events per transaction, in the server process beside ingest) deletes every seeded event; the
 * ratio is the median round rate during the pass over the median without (target ≥ 0.8×).
 * Writer waits: a probe in this process inserts one event through the writer's own statement
 * (insertEventBatch) every 25 ms on its own connection; its longest wait with and without the pass,
 * and the app's slowest group-commit batch (db_batch_seconds bucket), are reported (target: no lock
 * holds the writer > 100 ms). The copy is dropped afterwards; the seed is kept for later runs.
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
import { seedHistory } from './seed-history.ts';

const TARGET = '≥ 0.8× ingest; writer wait ≤ 100 ms';

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

type Bucket = { le: string; count: number };
/** The highest bucket that gained batches between two readings ("≤ 50 ms"). */
function slowestBatch(before: Bucket[], after: Bucket[]): string {
  let prev = 0;
  let highest = '0';
  for (const [i, b] of after.entries()) {
    const gained = b.count - (before[i]?.count ?? 0);
    if (gained > prev) highest = b.le;
    prev = gained;
  }
  return highest === '+Inf' ? '> 2.5 s' : `≤ ${fmt(Number(highest) * 1000)} ms`;
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  if (!ctx.db.url) return [{ benchmark: 'retention pass', ours: 'skipped', floor: '—', ratio: '—', target: TARGET, pass: null, note: 'needs PostgreSQL' }];
  const rows = Number(process.env.BENCH_RETENTION_ROWS ?? process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
  const seed = await seedHistory(ctx.db.url, rows);
  log(`retention: ${fmt(rows)} seeded events in ${seed.name} (${seed.reused ? 'reused' : `seeded in ${fmt(seed.seconds)} s`}); copying…`);
  const name = `bench_retention_${Date.now().toString(36)}`;
  const admin = postgres(ctx.db.url, { max: 1, onnotice: () => {} });
  await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${seed.name} and pid <> pg_backend_pid()`;
  await admin.unsafe(`create database ${name} template ${seed.name}`);
  const url = withDbName(ctx.db.url, name);
  // The seed has no images: give each plate read one (a media row and its ref), so the pass also
  // deletes media rows and checks that no other event references them, as it does in production.
  const copy = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const t0 = performance.now();
    await copy.unsafe(`insert into media (id, content_type, byte_size, segment, "offset")
      select md5('bench-media-' || seq), 'image/jpeg', 8000, 'bench-seed-000000000000.seg', seq * 8000 from events where plate_normalized is not null`);
    await copy.unsafe(`update events set media = jsonb_build_array(jsonb_build_object('id', md5('bench-media-' || seq), 'role', 'PLATE_CROP', 'contentType', 'image/jpeg', 'byteSize', 8000))
      where plate_normalized is not null`);
    await copy.unsafe('vacuum (analyze) events, media');
    log(`retention: one image per plate read added to the copy in ${fmt((performance.now() - t0) / 1000)} s`);
  } finally {
    await copy.end();
  }
  const probe = writerProbe(url);
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

    await sendRound(); // warm-up
    probe.phase('alone');
    const b0 = await app.server.call<Bucket[]>('batchLatency');
    const alone: number[] = [];
    for (let i = 0; i < 3; i++) alone.push(await sendRound());
    const b1 = await app.server.call<Bucket[]>('batchLatency');

    probe.phase('pass');
    let passDone = false;
    const pass = app.server.call<{ events: number; seconds: number }>('retentionPass', { policies: [{ events: '1d' }], batchSize: 1000 }).finally(() => (passDone = true));
    const during: number[] = [];
    while (!passDone) during.push(await sendRound());
    const report = await pass;
    const b2 = await app.server.call<Bucket[]>('batchLatency');
    probe.phase('alone'); // after the pass: ingest alone again, so drift (other load) hits both sides
    for (let i = 0; i < 2; i++) alone.push(await sendRound());
    const samples = await probe.stop();
    const [{ n: left }] = await sql`select count(*)::int8 as n from events where instance = 'default' and occurred_at < now() - interval '1 day'`;

    const median = (xs: number[]) => percentile(xs, 50);
    const rateAlone = median(alone);
    const rateDuring = median(during);
    const waitAlone = Math.max(...(samples.get('alone') ?? [0])); // before and after the pass
    const waitPass = Math.max(...(samples.get('pass') ?? [0]));
    const p99Pass = percentile(samples.get('pass') ?? [0], 99);
    const okRate = rateDuring >= 0.8 * rateAlone;
    const okWait = waitPass <= 100;
    log(
      `retention: pass deleted ${fmt(report.events)} events in ${fmt(report.seconds)} s (${fmt(report.events / report.seconds)} ev/s), ${left} expired left; ` +
        `ingest ${fmt(rateAlone)} ev/s alone (rounds before and after ${alone.map((x) => fmt(x)).join(', ')}), ${fmt(rateDuring)} ev/s during the pass (${during.length} rounds); ` +
        `writer probe max ${fmt(waitAlone)} ms alone, ${fmt(waitPass)} ms during (p99 ${fmt(p99Pass)} ms); app batches ${slowestBatch(b0, b1)} alone, ${slowestBatch(b1, b2)} during`,
    );
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
        benchmark: 'retention pass: longest writer wait',
        ours: `${fmt(waitPass)} ms`,
        floor: `${fmt(waitAlone)} ms`,
        ratio: ratio(waitPass, waitAlone),
        target: '≤ 100 ms',
        pass: okWait,
        values: { waitAlone, waitPass, p99Pass, batchesAlone: slowestBatch(b0, b1), batchesDuring: slowestBatch(b1, b2) },
        note: `probe insert every 25 ms (p99 ${fmt(p99Pass)} ms during the pass); app group-commit batches ${slowestBatch(b1, b2)} during, ${slowestBatch(b0, b1)} alone`,
      },
    ];
  } finally {
    await probe.stop().catch(() => undefined);
    await app.stop();
    await sql.end();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

export const retention: Benchmark = { name: 'retention', title: 'retention pass over the history seed while ingesting', run };
