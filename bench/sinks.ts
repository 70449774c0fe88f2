/**
 * Outbound sinks. Both parts deliver to one receiver in its own child process (bench/receiver.ts:
 * node:http, answers 200, counts), so that neither the server nor the floor's client shares its time
 * slice; the floor's client runs in this process.
 * 1. Webhook delivery rate: N events are ingested first (FF TCP) and ONE webhook sink is created;
 *    each round is a `replaySink` of those N events, timed until the receiver has all N (signed POSTs,
 *    pipelined up to `outbound.sinkMaxInFlight` on the sink's connection, cursor saves and delivery
 *    records included). The floor: a bare undici loop POSTing the very bodies the sink sent, one at a
 *    time, to the same receiver. A steady-state sink is what a user sees (it runs for weeks, its
 *    connection is open, its code warm), so the sink lives through all the rounds and the first round
 *    of each side is not reported (it warms the JIT, the sink's runner and connection, the floor's
 *    agent); then alternating rounds. Also printed, not judged: each side's rate from its first
 *    delivery to its last (ours without the replaySink call and the cursor reload), the gaps of 5 ms or
 *    more between two requests at the receiver (a sink's batch boundaries show there), and CPU per
 *    event of the server (ours), of the floor's client, and of the receiver on each side.
 * 2. Ingest with 5 active sinks: FF TCP ingest of M events timed to committed rows, with no sink,
 *    then with 5 webhook sinks created just before the round (delivering while it ingests).
 */
import { once } from 'node:events';
import net from 'node:net';
import { request, Agent } from 'undici';
import { startChild, type Child } from './lib/child.ts';
import type { Benchmark, BenchContext, StartedServer } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { epochMs, log, scaled, until } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';

type Receiver = Child<{ url: string; pid: number }>;

/** Resolves when the receiver has `n` requests since its reset; throws after `timeoutMs`. */
async function received(rx: Receiver, n: number, timeoutMs = 180_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`receiver: ${n} deliveries not in within ${timeoutMs} ms`)), timeoutMs)));
  try {
    await Promise.race([rx.call('wait', { n }), late]);
  } finally {
    clearTimeout(timer);
  }
}

type Stats = { first: number; last: number; stalls: number; stalledMs: number };

const cpuOf = (c: NodeJS.CpuUsage) => c.user + c.system;

// biome-ignore lint/suspicious/noExplicitAny: the answers' shapes are the operations' own, read at the call sites
type Answer = any;

async function gql(s: StartedServer, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${s.server.info.port}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: Answer; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL: ${JSON.stringify(body.errors).slice(0, 300)}`);
  return body.data;
}

/** Ingest `data` over TCP; resolves when `total` rows are committed. */
async function ingest(s: StartedServer, data: ReturnType<typeof ffTcpStreams>, total: number): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    data.streams.map(async (bufs) => {
      const sock = net.connect({ host: '127.0.0.1', port: s.server.info.tcpPort });
      await once(sock, 'connect');
      for (const b of bufs) if (!sock.write(b)) await once(sock, 'drain');
      await new Promise<void>((r) => sock.end(r));
    }),
  );
  await until(async () => (await s.server.call<{ count: number }>('rows')).count >= total, 180_000, 'rows', 10);
  return (performance.now() - t0) / 1000;
}

let sinkNo = 0;
const createSink = async (app: StartedServer, url: string) =>
  (await gql(app, 'mutation($i: CreateWebhookSinkInput!) { createWebhookSink(input: $i) { sink { id } } }', { i: { name: `bench-${++sinkNo}`, url } })).createWebhookSink.sink.id as string;
const deleteSink = (app: StartedServer, id: string) => gql(app, 'mutation($id: ID!) { deleteSink(id: $id) }', { id });

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const n = scaled(3000, 200);
  const m = scaled(15_000, 1000);
  const rx: Receiver = await startChild('receiver.ts', [], { name: 'receiver' });
  const app = await startServer(ctx, 'app', 'sinks');
  const agent = new Agent({ connections: 1, pipelining: 1 });
  let rows = 0;
  try {
    // Part 1: delivery rate. One sink for every round; each round replays the same N events.
    const before = await app.server.call<{ maxSeq: number }>('rows');
    rows += n;
    await ingest(app, ffTcpStreams(n, 1, 'S'), rows);
    const sinkId = await createSink(app, rx.info.url);
    let bodies: string[] = [];
    const deliveryRound = async (r: number | string) => {
      await rx.call('reset', { keep: r === 'warm' });
      const t0 = epochMs();
      const [cpu0, rx0] = await Promise.all([app.server.call<NodeJS.CpuUsage>('cpu'), rx.call<NodeJS.CpuUsage>('cpu')]);
      await gql(app, 'mutation($id: ID!, $from: String!) { replaySink(id: $id, fromSeq: $from) { id } }', { id: sinkId, from: String(before.maxSeq + 1) });
      await received(rx, n);
      const seconds = (epochMs() - t0) / 1000;
      const [cpu1, rx1, st] = await Promise.all([app.server.call<NodeJS.CpuUsage>('cpu'), rx.call<NodeJS.CpuUsage>('cpu'), rx.call<Stats>('stats')]);
      if (r === 'warm') bodies = await rx.call<string[]>('bodies');
      return {
        rate: n / seconds,
        seconds,
        cpuUs: (cpuOf(cpu1) - cpuOf(cpu0)) / n,
        rxCpuUs: (cpuOf(rx1) - cpuOf(rx0)) / n,
        startMs: st.first - t0, // the replaySink call and the cursor reload, until the first delivery arrives
        steady: (n - 1) / ((st.last - st.first) / 1000),
        stalls: st.stalls,
        stalledMs: st.stalledMs,
      };
    };
    const floorRound = async () => {
      await rx.call('reset', { keep: false });
      const t0 = epochMs();
      const rx0 = await rx.call<NodeJS.CpuUsage>('cpu');
      const cpu0 = process.cpuUsage();
      for (const body of bodies) {
        const res = await request(rx.info.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: agent });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`floor: ${res.statusCode}`);
      }
      const seconds = (epochMs() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const [rx1, st] = await Promise.all([rx.call<NodeJS.CpuUsage>('cpu'), rx.call<Stats>('stats')]);
      return {
        rate: bodies.length / seconds,
        seconds,
        cpuUs: cpuOf(cpu) / bodies.length,
        rxCpuUs: (cpuOf(rx1) - cpuOf(rx0)) / bodies.length,
        startMs: st.first - t0,
        steady: (bodies.length - 1) / ((st.last - st.first) / 1000),
        stalls: st.stalls,
        stalledMs: st.stalledMs,
      };
    };
    await deliveryRound('warm');
    if (bodies.length !== n) throw new Error(`the warm round kept ${bodies.length} bodies, expected ${n}`);
    await floorRound();
    const delivery = await alternate(ROUNDS, deliveryRound, floorRound);
    await deleteSink(app, sinkId);
    const ours = medianOf(delivery.ours);
    const floor = medianOf(delivery.floor);
    log(
      `  webhook delivery: ours ${perSec(ours.rate, 'events')} (rounds ${delivery.ours.map((x) => fmt(x.rate)).join(', ')}), floor ${perSec(floor.rate, 'POSTs')} (rounds ${delivery.floor.map((x) => fmt(x.rate)).join(', ')})`,
    );
    log(
      `  first to last delivery (start excluded): ours ${delivery.ours.map((x) => fmt(x.steady)).join(', ')}/s after ${delivery.ours.map((x) => fmt(x.startMs)).join(', ')} ms to the first; floor ${delivery.floor.map((x) => fmt(x.steady)).join(', ')}/s`,
    );
    const stallText = (xs: Array<{ stalls: number; stalledMs: number }>) => xs.map((x) => `${x.stalls} (${fmt(x.stalledMs)} ms)`).join(', ');
    log(`  gaps of 5 ms or more at the receiver: ours ${stallText(delivery.ours)}; floor ${stallText(delivery.floor)}`);
    log(
      `  CPU per event: server ${delivery.ours.map((x) => fmt(x.cpuUs)).join(', ')} µs, its receiver ${delivery.ours.map((x) => fmt(x.rxCpuUs)).join(', ')} µs; floor client ${delivery.floor.map((x) => fmt(x.cpuUs)).join(', ')} µs, its receiver ${delivery.floor.map((x) => fmt(x.rxCpuUs)).join(', ')} µs per POST`,
    );

    // Part 2: ingest with 5 active sinks vs none.
    const ingestRounds = await alternate(
      ROUNDS,
      async (r) => {
        const ids = await Promise.all(Array.from({ length: 5 }, () => createSink(app, rx.info.url)));
        rows += m;
        const seconds = await ingest(app, ffTcpStreams(m, 2, `W${r}`), rows);
        await Promise.all(ids.map((id) => deleteSink(app, id)));
        return { rate: m / seconds, seconds };
      },
      async (r) => {
        rows += m;
        const seconds = await ingest(app, ffTcpStreams(m, 2, `N${r}`), rows);
        return { rate: m / seconds, seconds };
      },
    );
    const withSinks = medianOf(ingestRounds.ours);
    const none = medianOf(ingestRounds.floor);
    log(
      `  ingest: with 5 sinks ${perSec(withSinks.rate, 'events')} (rounds ${ingestRounds.ours.map((x) => fmt(x.rate)).join(', ')}), none ${perSec(none.rate, 'events')} (rounds ${ingestRounds.floor.map((x) => fmt(x.rate)).join(', ')})`,
    );
    return [
      {
        benchmark: 'Webhook sink delivery rate',
        ours: perSec(ours.rate, 'ev'),
        floor: `${perSec(floor.rate, 'POST')} (bare undici loop)`,
        ratio: ratio(ours.rate, floor.rate),
        target: '≥ 0.5× floor',
        pass: ours.rate >= 0.5 * floor.rate,
        values: { events: n, method: `${roundsNote(ROUNDS)}, one sink replaying the same events, after one unreported round per side`, ours: delivery.ours, floor: delivery.floor },
      },
      {
        benchmark: 'Ingest with 5 active sinks',
        ours: perSec(withSinks.rate, 'ev'),
        floor: `${perSec(none.rate, 'ev')} (no sinks)`,
        ratio: ratio(withSinks.rate, none.rate),
        target: '≥ 0.8× no sinks',
        pass: withSinks.rate >= 0.8 * none.rate,
        values: { events: m, method: roundsNote(ROUNDS), with: ingestRounds.ours, none: ingestRounds.floor },
      },
    ];
  } finally {
    await agent.close();
    await app.stop();
    await rx.stop();
  }
}

export const sinks: Benchmark = { name: 'sinks', title: 'Outbound sinks: webhook delivery rate, ingest with 5 sinks', run };
