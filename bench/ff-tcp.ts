/**
 * 1. FF TCP ingest → durable rows. N realistic FF events (~1.4 KB, simulator PassGenerator +
 * stampEvent, CRLF-separated) written back to back over C connections; timed from the first byte
 * written to the moment all rows are committed (polling max(seq) on the primary key from this
 * process, then checking count(*)). The floor does the same with the bare TCP → JSON.parse →
 * batched INSERT server (lib/floors.ts) on its own fresh database. Both servers stay up and the
 * events are sent in alternating rounds of N / rounds (new cameras each round); median round shown.
 */
import net from 'node:net';
import { once } from 'node:events';
import postgres from 'postgres';
import type { Benchmark, BenchContext, StartedServer } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { cpuMeter } from './lib/child.ts';
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

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const n = scaled(30_000, 1000);
  const per = Math.ceil(n / ROUNDS);
  const conns = Math.min(4, Math.max(1, Number(process.env.BENCH_TCP_CONNECTIONS ?? 2)));
  const rounds = Array.from({ length: ROUNDS }, (_, r) => ffTcpStreams(per, conns, `R${r}`));
  const bytes = rounds.reduce((a, x) => a + x.bytes, 0);
  log(`ff-tcp: ${ROUNDS} × ${fmt(per)} events, ${fmt(bytes / 1048576, 1)} MB (${fmt(bytes / (per * ROUNDS), 0)} B/event) over ${conns} connection(s)`);

  const app = await startServer(ctx, 'app', 'tcp');
  const fl = ctx.db.url ? await startServer(ctx, 'floor-tcp', 'tcpfloor') : null;
  const [o, f] = [sender(app), fl ? sender(fl) : null];
  try {
    const r = await alternate(ROUNDS, (i) => o.round(rounds[i]), f ? (i) => f.round(rounds[i]) : null);
    const st = await app.server.call<Record<string, number>>('stats');
    const fst = fl ? await fl.server.call<Record<string, number>>('stats') : null;
    const ours = medianOf(r.ours);
    const floor = f ? medianOf(r.floor) : null;
    const line = (x: typeof ours, all: Array<typeof ours>) =>
      `${perSec(x.rate, 'events')} (rounds: ${all.map((y) => fmt(y.rate)).join(', ')}; median round: ${fmt(x.seconds)} s to commit, bytes written in ${fmt(x.writeSeconds)} s, server CPU ${fmt(x.cpu * 100, 0)}%)`;
    log(`  ours : ${line(ours, r.ours)}; rejected ${st.rejected}, RSS ${fmt(st.rss / 1048576, 0)} MB`);
    if (floor) log(`  floor: ${line(floor, r.floor)}; insert failures ${fst?.failures}`);
    return [
      {
        benchmark: 'FF TCP ingest → committed rows',
        ours: perSec(ours.rate, 'ev'),
        floor: floor ? perSec(floor.rate, 'ev') : 'n/a (needs PostgreSQL)',
        ratio: floor ? ratio(ours.rate, floor.rate) : '—',
        target: '≥ 0.5× and ≥ 10,000 ev/s',
        pass: ours.rate >= 10_000 && (floor ? ours.rate >= 0.5 * floor.rate : false),
        values: { eventsPerRound: per, rounds: ROUNDS, method: roundsNote(ROUNDS), connections: conns, bytes, ours: r.ours, floor: r.floor, serverStats: st },
      },
    ];
  } finally {
    await o.close();
    await f?.close();
    await app.stop();
    await fl?.stop();
  }
}

export const ffTcp: Benchmark = { name: 'ff-tcp', title: 'FF TCP ingest → durable rows', run };
