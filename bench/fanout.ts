/**
 * 3. Fan-out to 100 graphql-ws subscribers running the same operation (LIVE_QUERY). FF events are
 * first ingested over TCP (untimed) so they are committed; then, timed, the server publishes M of
 * them on its event bus exactly as the writer does after a commit, flow-controlled (lib/pump.ts) so
 * buffers never overflow. Deliveries/s = 100 × M / (time until every subscriber has received all
 * M), counted by raw WebSocket clients in a separate process. The floor is a bare `ws` server
 * sending the same JSON payload bytes to 100 sockets, with the same flow control and clients.
 * 100 warm-up events per side, then alternating rounds (lib/rounds.ts) with both servers up.
 */
import net from 'node:net';
import { once } from 'node:events';
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startClients, startServer } from './lib/context.ts';
import { cpuMeter, cpuText, type Child } from './lib/child.ts';
import { log, scaled, until } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';

const SUBSCRIBERS = 100;
const BATCH = 10;
const WINDOW = 200;
const WARMUP = 100;

interface WaitResult {
  ok: boolean;
  frames: number;
  minCount: number;
  checked: number;
  errors: string[];
  closed: number;
  sample: string | null;
}

/** Writes `count` FF events over one TCP connection and waits until they are committed. */
async function ingestOverTcp(port: number, count: number, rows: () => Promise<number>): Promise<void> {
  const { streams } = ffTcpStreams(count, 1);
  const sock = net.connect({ host: '127.0.0.1', port });
  await once(sock, 'connect');
  for (const b of streams[0]) if (!sock.write(b)) await once(sock, 'drain');
  sock.end();
  await until(async () => (await rows()) >= count, 60_000, `${count} committed rows`, 20);
}

/** Publishes events [from, from+count) through `server` and waits until every subscriber of `group` has them. */
async function deliver(clients: Child<unknown>, server: Child<unknown>, group: string, from: number, count: number, publish: (from: number, count: number) => Promise<unknown>) {
  await clients.call('arm', { group, perClient: count });
  const cpu = await cpuMeter([server, clients]);
  const t0 = performance.now();
  const waiting = clients.call<WaitResult>('wait', { timeoutMs: 120_000 });
  const pumped = await publish(from, count);
  const r = await waiting;
  const seconds = (performance.now() - t0) / 1000;
  const cores = await cpu();
  if (!r.ok || r.errors.length) throw new Error(`${group}: deliveries incomplete: ${JSON.stringify({ ...r, pumped })}`);
  return { seconds, rate: (SUBSCRIBERS * count) / seconds, pumped, cores, ...r };
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const m = scaled(1500, 100);
  const total = WARMUP + ROUNDS * m;
  log(`fanout: ${fmt(m)} events × ${SUBSCRIBERS} subscribers = ${fmt(m * SUBSCRIBERS)} deliveries per round, ${ROUNDS} rounds (batches of ${BATCH}, ≤ ${WINDOW} unsent per subscriber)`);
  const clients = await startClients();
  const app = await startServer(ctx, 'app', 'fanout');
  const fl = await startServer(ctx, 'floor-ws', null);
  try {
    const [s, f] = [app.server, fl.server];
    await ingestOverTcp(s.info.tcpPort, total, async () => (await s.call<{ count: number }>('rows')).count);
    const payloads = await s.call<unknown[]>('fanoutPrepare', { count: total });
    await clients.call('connect', { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: SUBSCRIBERS });
    await clients.call('connect', { group: 'floor', port: f.info.port, path: '/', mode: 'raw', count: SUBSCRIBERS });
    await until(async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions >= SUBSCRIBERS, 10_000, 'subscriptions');
    await until(async () => (await f.call<number>('clients')) >= SUBSCRIBERS, 10_000, 'floor clients');

    const oursPub = (from: number, count: number) => s.call('fanout', { from, count, batch: BATCH, window: WINDOW, subscribers: SUBSCRIBERS });
    const floorPub = (from: number, count: number) => f.call('fanout', { events: payloads.slice(from, from + count), batch: BATCH, window: WINDOW });
    await deliver(clients, s, 'ours', 0, WARMUP, oursPub);
    await deliver(clients, f, 'floor', 0, WARMUP, floorPub);
    const r = await alternate(
      ROUNDS,
      (i) => deliver(clients, s, 'ours', WARMUP + i * m, m, oursPub),
      (i) => deliver(clients, f, 'floor', WARMUP + i * m, m, floorPub),
    );
    const stats = await s.call<Record<string, number>>('stats');
    const [ours, floor] = [medianOf(r.ours), medianOf(r.floor)];
    const rates = (xs: Array<{ rate: number }>) => xs.map((x) => fmt(x.rate)).join(', ');
    log(`  ours : ${perSec(ours.rate, 'deliveries')} (rounds: ${rates(r.ours)}; median round CPU ${cpuText(ours.cores)}; overflows ${stats.overflows}, slow-closed ${stats.slowClosed})`);
    log(`  floor: ${perSec(floor.rate, 'deliveries')} (rounds: ${rates(r.floor)}; median round CPU ${cpuText(floor.cores)})`);
    const [a, b] = [r.ours[0].sample, r.floor[0].sample]; // round 1 of each side: the same events
    log(`  first frame of round 1: ours ${a?.length} B, floor ${b?.length} B, ${a === b ? 'identical' : `differ:\n    ${a}\n    ${b}`}`);
    return [
      {
        benchmark: `fan-out to ${SUBSCRIBERS} graphql-ws subscribers`,
        ours: perSec(ours.rate, 'msg'),
        floor: perSec(floor.rate, 'msg'),
        ratio: ratio(ours.rate, floor.rate),
        target: '≥ 0.5× floor',
        pass: ours.rate >= 0.5 * floor.rate && stats.overflows === 0,
        note: stats.overflows ? `${stats.overflows} subscriber overflows (catch-up from the log) during the run` : undefined,
        values: { events: m, rounds: ROUNDS, method: roundsNote(ROUNDS), subscribers: SUBSCRIBERS, batch: BATCH, window: WINDOW, ours: r.ours, floor: r.floor, serverStats: stats },
      },
    ];
  } finally {
    await clients.call('closeAll').catch(() => undefined);
    await clients.stop();
    await app.stop();
    await fl.stop();
  }
}

export const fanout: Benchmark = { name: 'fanout', title: `fan-out to ${SUBSCRIBERS} graphql-ws subscribers`, run };
