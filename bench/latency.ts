/**
 * 4. Ingest → subscriber latency: 200 FF events/s written one per TCP write (as a camera does)
 * while 100 graphql-ws subscribers listen (20,000 deliveries/s). Each event carries a unique plate
 * (LAT<round>X000123) that the subscription returns; the sender and the subscribers share one process
 * (one clock), so latency = receipt − the moment the event was written to the socket, for every
 * delivery. Per side a 2 s warm-up (not counted), then 10 s measured (BENCH_SCALE < 1 shortens
 * it, to 3 s at least) split into alternating rounds with every server up; percentiles over all
 * measured deliveries.
 *
 * The floor is the bare pipeline of issue 19 (lib/floors.ts tcpIngest, on PostgreSQL): TCP split →
 * JSON.parse → one INSERT per batch, committed → then a ws broadcast to 100 sockets. Ours may not
 * deliver an event before its commit either (acknowledged means committed, and a subscriber must
 * never see an event the log could lose), so the commit's wait is in both. Pass: our p99 ≤ 3× the
 * floor's p99 in the same run (and every delivery arrives). Shown beside it, not judged: the
 * transport alone (floor-ws: TCP → JSON.parse → broadcast, nothing stored), which tells how much of
 * either is the database's commit. Without PostgreSQL (PGlite) the transport alone is the floor.
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startClients, startServer, type StartedServer } from './lib/context.ts';
import { cpuMeter, cpuText, type Child } from './lib/child.ts';
import { log, SCALE, until } from './lib/env.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { ROUNDS } from './lib/rounds.ts';
import { fmt, ms, summary } from './lib/stats.ts';

const SUBSCRIBERS = 100;
const RATE = 200;
const WARMUP_S = 2;
/** Our p99 may be at most this many times the floor's p99 (issue 19). */
const MAX_P99_RATIO = 3;

interface Round {
  events: number;
  expected: number;
  received: number;
  /** Deliveries of an earlier round's events that came after its grace period (not counted). */
  stale: number;
  errors: string[];
  samples: number[];
  p99: number;
  cores: Record<string, number>;
}

interface Side {
  group: string;
  label: string;
  started: StartedServer;
  rounds: Round[];
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const measured = Math.max(3, Math.round(10 * Math.min(1, SCALE) * 10) / 10);
  const perRound = measured / ROUNDS;
  log(`latency: ${RATE} events/s to ${SUBSCRIBERS} subscribers (${fmt(RATE * SUBSCRIBERS)} deliveries/s): ${WARMUP_S} s warm-up, then ${ROUNDS} alternating rounds of ${fmt(perRound)} s per side`);
  const clients = await startClients();
  const sides: Side[] = [];
  let tags = 0;
  try {
    sides.push({ group: 'ours', label: 'ours', started: await startServer(ctx, 'app', 'latency'), rounds: [] });
    if (ctx.db.url) sides.push({ group: 'floor', label: 'floor (bare pipeline, committed)', started: await startServer(ctx, 'floor-tcp', 'latfloor'), rounds: [] });
    sides.push({ group: 'transport', label: ctx.db.url ? 'transport only (nothing stored)' : 'floor (transport only; PGlite run)', started: await startServer(ctx, 'floor-ws', null), rounds: [] });
    const [ours, floor] = sides;
    const transport = sides.length === 3 ? sides[2] : null;
    const s = ours.started.server;
    await clients.call('connect', { group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: SUBSCRIBERS });
    for (const side of sides.slice(1)) await clients.call('connect', { group: side.group, port: side.started.server.info.port, path: '/', mode: 'raw', count: SUBSCRIBERS });
    await until(async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions >= SUBSCRIBERS, 10_000, 'subscriptions');
    for (const side of sides.slice(1)) await until(async () => (await side.started.server.call<number>('clients')) >= SUBSCRIBERS, 10_000, `${side.group} clients`);
    const round = async (side: Side, seconds: number): Promise<Round> => {
      const server: Child<{ tcpPort: number }> = side.started.server;
      const cpu = await cpuMeter([server, clients]);
      const r = await clients.call<Round>('latency', { group: side.group, tag: String(tags++), tcpPort: server.info.tcpPort, rate: RATE, seconds, warmupSeconds: 0, graceMs: 5000 });
      return { ...r, cores: await cpu() };
    };
    for (const side of sides) await round(side, WARMUP_S);
    for (let i = 0; i < ROUNDS; i++) for (const side of sides) side.rounds.push(await round(side, perRound));
    const stats = await s.call<Record<string, number>>('stats');

    const pool = (rs: Round[]) => {
      const all = rs.flatMap((x) => x.samples);
      return {
        ...summary(all),
        roundP99: rs.map((x) => x.p99),
        expected: rs.reduce((a, x) => a + x.expected, 0),
        received: rs.reduce((a, x) => a + x.received, 0),
        stale: rs.reduce((a, x) => a + x.stale, 0),
        errors: rs.flatMap((x) => x.errors),
        cores: rs[0].cores,
      };
    };
    type Pooled = ReturnType<typeof pool>;
    const line = (x: Pooled) =>
      `p50 ${fmt(x.p50)} / p95 ${fmt(x.p95)} / p99 ${fmt(x.p99)} / max ${fmt(x.max)} ms (p99 per round ${x.roundP99.map((v) => fmt(v)).join(', ')}) over ${fmt(x.n)} deliveries (received ${fmt(x.received)}/${fmt(x.expected)}${x.stale ? `, ${fmt(x.stale)} late from an earlier round` : ''}); CPU in round 1 ${cpuText(x.cores)}`;
    const [o, f] = [pool(ours.rounds), pool(floor.rounds)];
    const t = transport ? pool(transport.rounds) : null;
    log(`  ours : ${line(o)}; overflows ${stats.overflows}`);
    log(`  ${floor.label}: ${line(f)}`);
    if (t && transport) log(`  ${transport.label}: ${line(t)}`);
    const p99Ratio = o.p99 / f.p99;
    log(`  p99 ratio ours/floor ${fmt(p99Ratio)}× (pass ≤ ${MAX_P99_RATIO}×)${t ? `; ours/transport only ${fmt(o.p99 / t.p99)}×` : ''}`);
    const complete = o.received === o.expected && o.errors.length === 0;
    const note = complete ? undefined : `ours: ${o.expected - o.received} deliveries missing${o.errors.length ? `, errors: ${o.errors[0]}` : ''}`;
    const strip = (x: Pooled | null) => x && { ...x, cores: undefined };
    const values = {
      rate: RATE,
      measuredSeconds: measured,
      rounds: ROUNDS,
      subscribers: SUBSCRIBERS,
      warmupSeconds: WARMUP_S,
      ours: strip(o),
      floor: strip(f),
      transportOnly: strip(t),
      serverStats: stats,
    };
    const floorNote = transport ? 'floor = bare TCP → INSERT, committed → ws broadcast' : 'floor = transport only (PGlite run)';
    return [
      { benchmark: 'ingest → subscriber latency p50', ours: ms(o.p50), floor: ms(f.p50), ratio: ratio(o.p50, f.p50), target: '≤ 10 ms', pass: complete && o.p50 <= 10, note, values },
      {
        benchmark: 'ingest → subscriber latency p99',
        ours: ms(o.p99),
        floor: ms(f.p99),
        ratio: ratio(o.p99, f.p99),
        target: `≤ ${MAX_P99_RATIO}× floor p99`,
        pass: complete && p99Ratio <= MAX_P99_RATIO,
        note: `${floorNote}${t ? `; transport only: p99 ${ms(t.p99)}` : ''}; ours p95 ${ms(o.p95)}, max ${ms(o.max)}`,
      },
    ];
  } finally {
    await clients.call('closeAll').catch(() => undefined);
    await clients.stop();
    for (const side of sides) await side.started.stop();
  }
}

export const latency: Benchmark = { name: 'latency', title: `ingest → subscriber latency at ${RATE} ev/s × ${SUBSCRIBERS} subscribers`, run };
