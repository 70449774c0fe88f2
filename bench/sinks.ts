/**
 * Outbound sinks. Both parts use one receiver in this process (node:http, answers 200, counts).
 * 1. Webhook delivery rate: N events are ingested first (FF TCP), then a webhook sink is created
 *    and `replaySink` from the first of them: timed until the receiver has all N (signed POSTs,
 *    pipelined up to `outbound.sinkMaxInFlight` on the sink's connection, cursor saves and delivery
 *    records included). The floor: a bare undici loop POSTing the very bodies the sink sent, one at
 *    a time, to the same receiver. Also printed, not judged: each side's rate from its first delivery
 *    to its last (ours without the replaySink call and the runner's start) and CPU per event. One
 *    unreported round of each first (both warm), then alternating rounds.
 * 2. Ingest with 5 active sinks: FF TCP ingest of M events timed to committed rows, with no sink,
 *    then with 5 webhook sinks created just before the round (delivering while it ingests).
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { request, Agent } from 'undici';
import type { Benchmark, BenchContext, StartedServer } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { log, scaled, until } from './lib/env.ts';
import { ffTcpStreams } from './lib/ff-data.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec } from './lib/stats.ts';

interface Receiver {
  url: string;
  count: number;
  /** performance.now() of the first and the latest request received since count was reset. */
  first: number;
  last: number;
  bodies: string[];
  keep: boolean;
  server: Server;
}

async function startReceiver(): Promise<Receiver> {
  const r: Receiver = { url: '', count: 0, first: 0, last: 0, bodies: [], keep: false, server: null as unknown as Server };
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      r.last = performance.now();
      if (r.count++ === 0) r.first = r.last;
      if (r.keep) r.bodies.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
  });
  r.server.keepAliveTimeout = 10_000;
  r.server.listen(0, '127.0.0.1');
  await once(r.server, 'listening');
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hook`;
  return r;
}

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
  const rx = await startReceiver();
  const app = await startServer(ctx, 'app', 'sinks');
  const agent = new Agent({ connections: 1, pipelining: 1 });
  let rows = 0;
  try {
    // Part 1: delivery rate. One round of each side first, not reported: both sides start warm (JIT, connections).
    const deliveryRound = async (r: number | string) => {
      const before = await app.server.call<{ maxSeq: number }>('rows');
      rows += n;
      await ingest(app, ffTcpStreams(n, 1, `S${r}`), rows);
      const id = await createSink(app, rx.url);
      rx.count = 0;
      rx.bodies = [];
      rx.keep = true;
      const t0 = performance.now();
      const cpu0 = await app.server.call<NodeJS.CpuUsage>('cpu');
      await gql(app, 'mutation($id: ID!, $from: String!) { replaySink(id: $id, fromSeq: $from) { id } }', { id, from: String(before.maxSeq + 1) });
      await until(() => rx.count >= n, 180_000, 'deliveries', 5);
      const seconds = (performance.now() - t0) / 1000;
      const cpu1 = await app.server.call<NodeJS.CpuUsage>('cpu');
      const cpuUs = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / n;
      const startMs = rx.first - t0; // the replaySink call and the runner's start, until the first delivery arrives
      const steady = (n - 1) / ((rx.last - rx.first) / 1000);
      rx.keep = false;
      await deleteSink(app, id);
      return { rate: n / seconds, seconds, cpuUs, startMs, steady };
    };
    const floorRound = async () => {
      const bodies = rx.bodies.slice();
      rx.count = 0;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      for (const body of bodies) {
        const res = await request(rx.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, dispatcher: agent });
        await res.body.text();
        if (res.statusCode !== 200) throw new Error(`floor: ${res.statusCode}`);
      }
      const seconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const steady = (bodies.length - 1) / ((rx.last - rx.first) / 1000);
      return { rate: bodies.length / seconds, seconds, cpuUs: (cpu.user + cpu.system) / bodies.length, startMs: rx.first - t0, steady };
    };
    await deliveryRound('warm');
    await floorRound();
    const delivery = await alternate(ROUNDS, deliveryRound, floorRound);
    const ours = medianOf(delivery.ours);
    const floor = medianOf(delivery.floor);
    log(
      `  webhook delivery: ours ${perSec(ours.rate, 'events')} (rounds ${delivery.ours.map((x) => fmt(x.rate)).join(', ')}), floor ${perSec(floor.rate, 'POSTs')} (rounds ${delivery.floor.map((x) => fmt(x.rate)).join(', ')})`,
    );
    log(
      `  first to last delivery (start excluded): ours ${delivery.ours.map((x) => fmt(x.steady)).join(', ')}/s after ${delivery.ours.map((x) => fmt(x.startMs)).join(', ')} ms to the first; floor ${delivery.floor.map((x) => fmt(x.steady)).join(', ')}/s`,
    );
    log(
      `  CPU per event: server ${delivery.ours.map((x) => fmt(x.cpuUs)).join(', ')} µs (the receiver, in this process, not counted); floor client + receiver ${delivery.floor.map((x) => fmt(x.cpuUs)).join(', ')} µs per POST`,
    );

    // Part 2: ingest with 5 active sinks vs none.
    const ingestRounds = await alternate(
      ROUNDS,
      async (r) => {
        const ids = await Promise.all(Array.from({ length: 5 }, () => createSink(app, rx.url)));
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
        values: { events: n, method: roundsNote(ROUNDS), ours: delivery.ours, floor: delivery.floor },
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
    rx.server.closeAllConnections();
    rx.server.close();
  }
}

export const sinks: Benchmark = { name: 'sinks', title: 'Outbound sinks: webhook delivery rate, ingest with 5 sinks', run };
