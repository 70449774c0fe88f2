/**
 * 4. Ingest → subscriber latency: 200 FF events/s written one per TCP write (as a camera does)
 * while 100 graphql-ws subscribers listen (20,000 deliveries/s). Each event carries a unique plate
 * (LAT000123) that the subscription returns; the sender and the subscribers share one process (one
 * clock), so latency = receipt − the moment the event was written to the socket, for every
 * delivery. Per side a 2 s warm-up (not counted), then 10 s measured (BENCH_SCALE < 1 shortens
 * it, to 3 s at least) split into alternating rounds with both servers up; percentiles over all
 * measured deliveries. The floor is the bare pipeline: TCP split → JSON.parse → ws broadcast of the
 * same fields to 100 sockets.
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startClients, startServer } from './lib/context.ts';
import { cpuMeter, cpuText, type Child } from './lib/child.ts';
import { log, SCALE, until } from './lib/env.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, ROUNDS } from './lib/rounds.ts';
import { fmt, ms, summary } from './lib/stats.ts';

const SUBSCRIBERS = 100;
const RATE = 200;
const WARMUP_S = 2;

interface Round {
  events: number;
  expected: number;
  received: number;
  errors: string[];
  samples: number[];
  cores: Record<string, number>;
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const measured = Math.max(3, Math.round(10 * Math.min(1, SCALE) * 10) / 10);
  const perRound = measured / ROUNDS;
  log(`latency: ${RATE} events/s to ${SUBSCRIBERS} subscribers (${fmt(RATE * SUBSCRIBERS)} deliveries/s): ${WARMUP_S} s warm-up, then ${ROUNDS} alternating rounds of ${fmt(perRound)} s per side`);
  const clients = await startClients();
  const app = await startServer(ctx, 'app', 'latency');
  const fl = await startServer(ctx, 'floor-ws', null);
  let tags = 0;
  try {
    const [s, f] = [app.server, fl.server];
    await clients.call('connect', { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: SUBSCRIBERS });
    await clients.call('connect', { group: 'floor', port: f.info.port, path: '/', mode: 'raw', count: SUBSCRIBERS });
    await until(async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions >= SUBSCRIBERS, 10_000, 'subscriptions');
    await until(async () => (await f.call<number>('clients')) >= SUBSCRIBERS, 10_000, 'floor clients');
    const round = async (group: string, server: Child<{ tcpPort: number }>, seconds: number): Promise<Round> => {
      const cpu = await cpuMeter([server, clients]);
      const r = await clients.call<Round>('latency', { group, tag: String(tags++), tcpPort: server.info.tcpPort, rate: RATE, seconds, warmupSeconds: 0, graceMs: 5000 });
      return { ...r, cores: await cpu() };
    };
    await round('ours', s, WARMUP_S);
    await round('floor', f, WARMUP_S);
    const r = await alternate(
      ROUNDS,
      () => round('ours', s, perRound),
      () => round('floor', f, perRound),
    );
    const stats = await s.call<Record<string, number>>('stats');

    const pool = (rs: Round[]) => {
      const all = rs.flatMap((x) => x.samples);
      return { ...summary(all), expected: rs.reduce((a, x) => a + x.expected, 0), received: rs.reduce((a, x) => a + x.received, 0), errors: rs.flatMap((x) => x.errors), cores: rs[0].cores };
    };
    const [ours, floor] = [pool(r.ours), pool(r.floor)];
    const line = (x: ReturnType<typeof pool>) =>
      `p50 ${fmt(x.p50)} / p90 ${fmt(x.p90)} / p99 ${fmt(x.p99)} / max ${fmt(x.max)} ms over ${fmt(x.n)} deliveries (received ${fmt(x.received)}/${fmt(x.expected)}); CPU in round 1 ${cpuText(x.cores)}`;
    log(`  ours : ${line(ours)}; overflows ${stats.overflows}`);
    log(`  floor: ${line(floor)}`);
    const complete = ours.received === ours.expected && ours.errors.length === 0;
    const note = complete ? undefined : `ours: ${ours.expected - ours.received} deliveries missing${ours.errors.length ? `, errors: ${ours.errors[0]}` : ''}`;
    const strip = (x: ReturnType<typeof pool>) => ({ ...x, cores: undefined });
    const values = { rate: RATE, measuredSeconds: measured, rounds: ROUNDS, subscribers: SUBSCRIBERS, warmupSeconds: WARMUP_S, ours: strip(ours), floor: strip(floor), serverStats: stats };
    return [
      { benchmark: 'ingest → subscriber latency p50', ours: ms(ours.p50), floor: ms(floor.p50), ratio: ratio(ours.p50, floor.p50), target: '≤ 10 ms', pass: complete && ours.p50 <= 10, note, values },
      { benchmark: 'ingest → subscriber latency p99', ours: ms(ours.p99), floor: ms(floor.p99), ratio: ratio(ours.p99, floor.p99), target: '≤ 50 ms', pass: complete && ours.p99 <= 50 },
    ];
  } finally {
    await clients.call('closeAll').catch(() => undefined);
    await clients.stop();
    await app.stop();
    await fl.stop();
  }
}

export const latency: Benchmark = { name: 'latency', title: `ingest → subscriber latency at ${RATE} ev/s × ${SUBSCRIBERS} subscribers`, run };
