/**
 * 3. Fan-out to 100 and to 1,000 graphql-ws subscribers running the same operation (LIVE_QUERY).
 * FF events are first ingested over TCP (untimed) so they are committed; then, timed, the server
 * publishes M of them on its event bus exactly as the writer does after a commit, flow-controlled
 * (lib/pump.ts) so buffers never overflow. Deliveries/s = N × M / (time until every subscriber has
 * received all M), counted by raw WebSocket clients in separate processes (lib/client-pool.ts),
 * which also check that every subscriber got every event, in order (the seq of each frame):
 * "nothing lost" is part of each row's pass condition. The floor is a bare `ws` server sending the
 * same JSON payload bytes to N sockets, with the same flow control and clients.
 * Per size: 100 warm-up events per side, then alternating rounds (lib/rounds.ts) with both servers
 * up; the 1,000 row adds 900 subscribers to the 100 of the first row.
 */
import type { Benchmark, BenchContext } from './lib/context.ts';
import { LIVE_QUERY, startServer } from './lib/context.ts';
import { cpuMeter, cpuText, type Child } from './lib/child.ts';
import { ClientPool, type WaitResult } from './lib/client-pool.ts';
import { log, scaled, until } from './lib/env.ts';
import { ingestOverTcp } from './lib/ingest.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';

/** Subscribers per row, and events per round for each (≈ 150,000–300,000 deliveries a round). */
const SIZES = [
  { subscribers: 100, events: scaled(1500, 100) },
  { subscribers: 1000, events: scaled(300, 30) },
];
const BATCH = 10;
const WINDOW = 200;
const WARMUP = 100;
/** Two client processes (each holds half of ours and half of the floor's subscribers at 1,000). */
const CLIENTS_PER_PROCESS = 1000;

interface Delivery extends WaitResult {
  seconds: number;
  rate: number;
  pumped: unknown;
  cores: Record<string, number>;
}

type Payload = { seq: string };

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const total = SIZES.reduce((a, s) => a + WARMUP + ROUNDS * s.events, 0);
  const max = Math.max(...SIZES.map((s) => s.subscribers));
  const pool = await ClientPool.start(2 * max, CLIENTS_PER_PROCESS);
  const app = await startServer(ctx, 'app', 'fanout');
  const fl = await startServer(ctx, 'floor-ws', null);
  const rows: ResultRow[] = [];
  try {
    const [s, f] = [app.server, fl.server];
    await ingestOverTcp(s.info.tcpPort, total, async () => (await s.call<{ count: number }>('rows')).count);
    const payloads = await s.call<Payload[]>('fanoutPrepare', { count: total });
    let next = 0; // the next unused event
    let connected = 0;
    for (const size of SIZES) {
      const n = size.subscribers;
      log(`fanout: ${fmt(size.events)} events × ${fmt(n)} subscribers = ${fmt(size.events * n)} deliveries per round, ${ROUNDS} rounds (batches of ${BATCH}, ≤ ${WINDOW} unsent per subscriber)`);
      await pool.connect({ group: 'ours', port: s.info.port, path: '/graphql', mode: 'gql', query: LIVE_QUERY, count: n - connected });
      await pool.connect({ group: 'floor', port: f.info.port, path: '/', mode: 'raw', count: n - connected });
      connected = n;
      await until(async () => (await s.call<{ subscriptions: number }>('stats')).subscriptions >= n, 60_000, `${n} subscriptions`);
      await until(async () => (await f.call<number>('clients')) >= n, 60_000, `${n} floor clients`);
      const before = await s.call<Record<string, number>>('stats');

      /** Publishes events [from, from+count) through `server` and waits until every subscriber of `group` has them, in order. */
      const deliver = async (server: Child<unknown>, group: 'ours' | 'floor', from: number, count: number): Promise<Delivery> => {
        await pool.arm(
          group,
          count,
          payloads.slice(from, from + count).map((p) => Number(p.seq)),
        );
        const cpu = await cpuMeter([server, ...pool.children]);
        const t0 = performance.now();
        const waiting = pool.wait(120_000);
        const pumped =
          group === 'ours'
            ? await s.call('fanout', { from, count, batch: BATCH, window: WINDOW, subscribers: n })
            : await f.call('fanout', { events: payloads.slice(from, from + count), batch: BATCH, window: WINDOW });
        const r = await waiting;
        const seconds = (performance.now() - t0) / 1000;
        const cores = await cpu();
        if (!r.ok) log(`  ${group}: INCOMPLETE: ${JSON.stringify({ ...r, sample: undefined })}`);
        return { ...r, seconds, rate: (n * count) / seconds, pumped, cores };
      };
      await deliver(s, 'ours', next, WARMUP);
      await deliver(f, 'floor', next, WARMUP);
      next += WARMUP;
      const base = next;
      const r = await alternate(
        ROUNDS,
        (i) => deliver(s, 'ours', base + i * size.events, size.events),
        (i) => deliver(f, 'floor', base + i * size.events, size.events),
      );
      next += ROUNDS * size.events;
      const after = await s.call<Record<string, number>>('stats');
      const overflows = after.overflows - before.overflows;
      const slowClosed = after.slowClosed - before.slowClosed;
      const [ours, floor] = [medianOf(r.ours), medianOf(r.floor)];
      const rates = (xs: Delivery[]) => xs.map((x) => fmt(x.rate)).join(', ');
      log(`  ours : ${perSec(ours.rate, 'deliveries')} (rounds: ${rates(r.ours)}; median round CPU ${cpuText(ours.cores)}; overflows ${overflows}, slow-closed ${slowClosed})`);
      log(`  floor: ${perSec(floor.rate, 'deliveries')} (rounds: ${rates(r.floor)}; median round CPU ${cpuText(floor.cores)})`);
      const [a, b] = [r.ours[0].sample, r.floor[0].sample]; // round 1 of each side: the same events
      log(`  first frame of round 1: ours ${a?.length} B, floor ${b?.length} B, ${a === b ? 'identical' : `differ:\n    ${a}\n    ${b}`}`);
      // Nothing lost: every subscriber got every event of every round, in order, and none was closed.
      const lost = r.ours.reduce((x, d) => x + d.missing + d.wrong, 0);
      const closed = r.ours.reduce((x, d) => Math.max(x, d.closed), 0);
      const complete = r.ours.every((d) => d.ok);
      const expected = n * ROUNDS * size.events;
      log(`  ours : ${fmt(expected - r.ours.reduce((x, d) => x + d.missing, 0))} of ${fmt(expected)} deliveries received, ${fmt(lost)} missing or out of order, ${closed} subscribers closed`);
      const notes = [
        overflows ? `${overflows} subscriber overflows (catch-up from the log)` : '',
        complete
          ? ''
          : `not every subscriber got every event in order: ${lost} missing or out of order, ${closed} closed${r.ours.find((d) => d.firstWrong)?.firstWrong ? `; first: ${r.ours.find((d) => d.firstWrong)?.firstWrong}` : ''}`,
      ].filter(Boolean);
      const strip = (d: Delivery) => ({ ...d, sample: undefined });
      rows.push({
        benchmark: `fan-out to ${fmt(n)} graphql-ws subscribers`,
        ours: perSec(ours.rate, 'msg'),
        floor: perSec(floor.rate, 'msg'),
        ratio: ratio(ours.rate, floor.rate),
        target: '≥ 0.5× floor, nothing lost',
        pass: ours.rate >= 0.5 * floor.rate && overflows === 0 && complete,
        note: notes.length ? notes.join('; ') : undefined,
        values: {
          events: size.events,
          rounds: ROUNDS,
          method: roundsNote(ROUNDS),
          subscribers: n,
          batch: BATCH,
          window: WINDOW,
          deliveriesChecked: expected,
          lost,
          ours: r.ours.map(strip),
          floor: r.floor.map(strip),
          serverStats: after,
        },
      });
    }
    return rows;
  } finally {
    await pool.closeAll();
    await pool.stop();
    await app.stop();
    await fl.stop();
  }
}

export const fanout: Benchmark = { name: 'fanout', title: `fan-out to ${SIZES.map((s) => fmt(s.subscribers)).join(' and ')} graphql-ws subscribers`, run };
