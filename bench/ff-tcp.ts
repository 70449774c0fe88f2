/**
 * 1. FF TCP ingest → committed rows → 1 subscriber. N realistic FF events (~1.4 KB, simulator
 * PassGenerator + stampEvent, CRLF-separated) written back to back over C connections while one
 * subscriber listens (ours: graphql-ws LIVE_QUERY; floor: a plain ws); timed from the first byte
 * written until that subscriber has received every event (both servers send only after the commit),
 * and every row is checked at the end. The floor is the bare pipeline of issue 19 (lib/floors.ts):
 * split lines → JSON.parse → one multi-row INSERT … ON CONFLICT DO NOTHING of (dedupe key, kind,
 * camera, plate, occurred_at, raw jsonb) per ≤ 500 events → ws broadcast, on its own fresh database.
 * Both servers stay up and the events are sent in alternating rounds of N / rounds (new cameras
 * each round); median round shown.
 */
import net from 'node:net';
import { once } from 'node:events';
import postgres from 'postgres';
import type { Benchmark, BenchContext, StartedServer } from './lib/context.ts';
import { LIVE_QUERY, startClients, startServer } from './lib/context.ts';
import { cpuMeter, type Child } from './lib/child.ts';
import { log, scaled, until } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { waitForRows } from './lib/pg.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';

export type Streams = ReturnType<typeof ffTcpStreams>;

async function writeStream(sock: net.Socket, bufs: Buffer[]): Promise<void> {
  for (const b of bufs) if (!sock.write(b)) await once(sock, 'drain');
  await new Promise<void>((r) => sock.end(r));
}

/** Sends one round and waits until `total` rows (all rounds so far) are committed (also plate-lists.ts). */
export function sender(s: StartedServer) {
  const probe = s.dbUrl ? postgres(s.dbUrl, { max: 1, onnotice: () => {} }) : null;
  let total = 0;
  return {
    close: () => probe?.end(),
    round: async (data: Streams) => {
      total += data.events;
      const socks = await Promise.all(
        data.streams.map(async () => {
          const sock = net.connect({ host: '127.0.0.1', port: s.server.info.tcpPort });
          await once(sock, 'connect');
          return sock;
        }),
      );
      const cpu = await cpuMeter([s.server]);
      const t0 = performance.now();
      let written = 0;
      const writing = Promise.all(data.streams.map((bufs, i) => writeStream(socks[i], bufs))).then(() => (written = performance.now()));
      let doneAt: number;
      if (probe) doneAt = await waitForRows(probe, total, 180_000);
      else {
        await until(async () => (await s.server.call<{ count: number }>('rows')).count >= total, 180_000, 'rows (PGlite)', 20);
        doneAt = performance.now();
      }
      await writing;
      const seconds = (doneAt - t0) / 1000;
      return { seconds, writeSeconds: (written - t0) / 1000, rate: data.events / seconds, cpu: (await cpu())[s.server.name] };
    },
  };
}

/** Sends one round and waits until the one subscriber of `group` has received every event of it. */
function subscribedSender(s: StartedServer, clients: Child<{ pid: number }>, group: string) {
  return async (data: Streams) => {
    const socks = await Promise.all(
      data.streams.map(async () => {
        const sock = net.connect({ host: '127.0.0.1', port: s.server.info.tcpPort });
        await once(sock, 'connect');
        return sock;
      }),
    );
    await clients.call('arm', { group, perClient: data.events });
    const cpu = await cpuMeter([s.server]);
    const t0 = performance.now();
    let written = 0;
    const writing = Promise.all(data.streams.map((bufs, i) => writeStream(socks[i], bufs))).then(() => (written = performance.now()));
    const w = await clients.call<{ ok: boolean; minCount: number; errors: string[]; closed: number }>('wait', { timeoutMs: 180_000 });
    const doneAt = performance.now();
    await writing;
    if (!w.ok) throw new Error(`${group}: the subscriber received ${w.minCount} of ${data.events} events (${w.closed} closed; ${w.errors.join(' | ')})`);
    if (w.errors.length) throw new Error(`${group}: unexpected frames: ${w.errors.join(' | ')}`);
    const seconds = (doneAt - t0) / 1000;
    return { seconds, writeSeconds: (written - t0) / 1000, rate: data.events / seconds, cpu: (await cpu())[s.server.name] };
  };
}

/** Rows committed by our server (all rounds). */
async function ourRows(s: StartedServer): Promise<number> {
  if (!s.dbUrl) return (await s.server.call<{ count: number }>('rows')).count;
  const probe = postgres(s.dbUrl, { max: 1, onnotice: () => {} });
  try {
    const [r] = await probe`select count(*)::int as n from events`;
    return r.n as number;
  } finally {
    await probe.end();
  }
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const n = scaled(30_000, 1000);
  const per = Math.ceil(n / ROUNDS);
  const conns = Math.min(4, Math.max(1, Number(process.env.BENCH_TCP_CONNECTIONS ?? 2)));
  const rounds = Array.from({ length: ROUNDS }, (_, r) => ffTcpStreams(per, conns, `R${r}`));
  const bytes = rounds.reduce((a, x) => a + x.bytes, 0);
  log(`ff-tcp: ${ROUNDS} × ${fmt(per)} events, ${fmt(bytes / 1048576, 1)} MB (${fmt(bytes / (per * ROUNDS), 0)} B/event) over ${conns} connection(s)`);

  const clients = await startClients();
  const app = await startServer(ctx, 'app', 'tcp');
  const fl = ctx.db.url ? await startServer(ctx, 'floor-tcp', 'tcpfloor') : null;
  try {
    await clients.call('connect', { group: 'ours', port: app.server.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: 1 });
    if (fl) await clients.call('connect', { group: 'floor', port: fl.server.info.port, path: '/', mode: 'raw', count: 1 });
    await until(async () => (await app.server.call<{ subscriptions: number }>('stats')).subscriptions >= 1, 30_000, 'our subscription', 20);
    if (fl) await until(async () => (await fl.server.call<{ subscribers: number }>('stats')).subscribers >= 1, 30_000, 'the floor subscriber', 20);
    const o = subscribedSender(app, clients, 'ours');
    const f = fl ? subscribedSender(fl, clients, 'floor') : null;
    const r = await alternate(ROUNDS, (i) => o(rounds[i]), f ? (i) => f(rounds[i]) : null);
    const st = await app.server.call<Record<string, number>>('stats');
    const fst = fl ? await fl.server.call<{ failures: number; rows: number }>('stats') : null;
    const total = per * ROUNDS;
    const rows = await ourRows(app);
    if (rows !== total) throw new Error(`ours: ${rows} of ${total} rows committed`);
    if (fst && fst.rows !== total) throw new Error(`floor: ${fst.rows} of ${total} rows committed (${fst.failures} failed inserts)`);
    const ours = medianOf(r.ours);
    const floor = f ? medianOf(r.floor) : null;
    const line = (x: typeof ours, all: Array<typeof ours>) =>
      `${perSec(x.rate, 'events')} (rounds: ${all.map((y) => fmt(y.rate)).join(', ')}; median round: ${fmt(x.seconds)} s to the subscriber, bytes written in ${fmt(x.writeSeconds)} s, server CPU ${fmt(x.cpu * 100, 0)}%; server CPU per event by round: ${all.map((y) => fmt((y.cpu * y.seconds * 1e6) / per, 0)).join(', ')} µs)`;
    log(
      `  ours : ${line(ours, r.ours)}; rejected ${st.rejected}, RSS ${fmt(st.rss / 1048576, 0)} MB; ${fmt(st.batches)} batches of ${fmt(total / st.batches, 0)} events on average, ${fmt(st.batchMsTotal / st.batches, 0)} ms each (insert to commit)`,
    );
    if (floor) log(`  floor: ${line(floor, r.floor)}; insert failures ${fst?.failures}`);
    return [
      {
        benchmark: 'FF TCP ingest → committed rows → 1 subscriber',
        ours: perSec(ours.rate, 'ev'),
        floor: floor ? perSec(floor.rate, 'ev') : 'n/a (needs PostgreSQL)',
        ratio: floor ? ratio(ours.rate, floor.rate) : '—',
        target: '≥ 0.5× and ≥ 10,000 ev/s',
        pass: ours.rate >= 10_000 && (floor ? ours.rate >= 0.5 * floor.rate : false),
        values: { eventsPerRound: per, rounds: ROUNDS, method: roundsNote(ROUNDS), connections: conns, bytes, ours: r.ours, floor: r.floor, serverStats: st, database: app.server.info.database },
      },
    ];
  } finally {
    await clients.call('closeAll').catch(() => undefined);
    await clients.stop();
    await app.stop();
    await fl?.stop();
  }
}

export const ffTcp: Benchmark = { name: 'ff-tcp', title: 'FF TCP ingest → durable rows', run };
