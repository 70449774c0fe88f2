/**
 * Rules latency: a matching FF plate read (HTTP POST, acked once stored) → the VXG simulator
 * receiving the rule's trigger call. 50 reads/s for 20 s (BENCH_SCALE < 1 shortens it, to 5 s at
 * least) after a 2 s warm-up, every read a distinct plate of an ALLOW list with a rule
 * "plateListIds → trigger io_alarm" (cooldown 0). Latency = the simulator's receipt of the k-th
 * trigger − the send of the k-th read (reads are sent in order, each after the previous ack, so
 * the log and the triggers follow that order). Floors, in the same run: the same FF POST → ack
 * alone, and a direct GraphQL triggerEvent round trip (client → server → VXG simulator → answer).
 * The server, the simulator and the load run in this one process (one clock): the figures include
 * their sharing of the event loop, so they are an upper bound of the server's own share.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { validateConfig } from '../src/core/config/load.ts';
import { openDatabase } from '../src/core/db/client.ts';
import { encodeGlobalId } from '../src/core/util/global-id.ts';
import { VxgSimulator } from '../simulators/vxg/index.ts';
import { defaultEventTypes } from '../simulators/vxg/store.ts';
import type { Benchmark, BenchContext } from './lib/context.ts';
import { epochMs, log, SCALE, sleep, until } from './lib/env.ts';
import { createBenchDb } from './lib/pg.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { fmt, ms, summary } from './lib/stats.ts';

const RATE = 50;
const WARMUP_S = 2;
const CAM = 248527;
const TRIGGER_FLOOR_CALLS = 200;
const IO_ALARM = { name: 'io_alarm', caps: { can_be_triggered: true, can_record: false, can_snapshot: false, is_periodic: false }, notify: true, receive: true, record: false, snapshot: false };

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const seconds = Math.max(5, Math.round(20 * Math.min(1, SCALE)));
  const total = (seconds + WARMUP_S) * RATE;
  log(
    `rules-latency: ${RATE} matching FF reads/s for ${seconds} s (+${WARMUP_S} s warm-up) → VXG trigger calls; floors: FF POST → ack, GraphQL triggerEvent round trip (${TRIGGER_FLOOR_CALLS} calls)`,
  );
  const arrivals: number[] = [];
  const sim = new VxgSimulator({ seed: 'bench-rules', cameras: [{ camid: CAM, eventTypes: [...defaultEventTypes(), IO_ALARM] }], onTrigger: () => arrivals.push(epochMs()) });
  await sim.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-bench-rules-'));
  const pg = ctx.db.url ? await createBenchDb(ctx.db.url, 'rules') : null;
  const database = pg ? await openDatabase({ url: pg.url }) : undefined;
  const config = validateConfig({
    adapters: [
      { type: 'ff', id: 'default', tcpPort: 0 },
      { type: 'vxg', id: 'cloud', accessToken: [sim.tokenFor(CAM)], pollIntervalSec: 3600 },
    ],
  });
  const app = await createApp({ env: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'error' }, config, database, log: pino({ level: process.env.BENCH_LOG_LEVEL ?? 'error' }) });
  try {
    await app.listen();
    const base = app.url();
    const gql = async (query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      const body = (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(body.errors[0]!.message);
      return body.data;
    };
    const plate = (i: number) => `RL${String(i).padStart(5, '0')}`;
    const listId = (await gql('mutation { createPlateList(input: { name: "bench", kind: ALLOW }) { id } }')).createPlateList.id;
    await gql('mutation($i: AddPlatesInput!) { addPlates(input: $i) { size } }', { i: { listId, entries: Array.from({ length: total }, (_, i) => ({ plate: plate(i) })) } });
    const cameraId = encodeGlobalId('Camera', `vxg/cloud/${CAM}`);
    await gql('mutation($i: CreateRuleInput!) { createRule(input: $i) { id } }', {
      i: { name: 'bench', when: { plateListIds: [listId] }, actions: [{ trigger: { cameraId, type: 'io_alarm' } }] },
    });
    await until(() => app.rules.held, 10_000, 'the rules lease');

    const sent: number[] = [];
    const acks: number[] = [];
    const started = epochMs();
    for (let i = 0; i < total; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - epochMs();
      if (wait > 0) await sleep(wait);
      const t0 = epochMs();
      sent.push(t0);
      const res = await fetch(`${base}/adapters/ff/default/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          packetCounter: String(i),
          carID: String(i),
          carState: 'new',
          plateText: plate(i),
          plateConfidence: '0.9',
          capture_timestamp: String(Date.now()),
          sensorProviderID: 'GATE',
        }),
      });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`FF POST answered ${res.status}`);
      acks.push(epochMs() - t0);
    }
    await until(() => arrivals.length >= total, 30_000, `${total} trigger calls (got ${arrivals.length})`);
    const skip = WARMUP_S * RATE;
    const ours = summary(arrivals.slice(skip, total).map((at, k) => at - sent[skip + k]!));
    const ack = summary(acks.slice(skip));

    const rtt: number[] = [];
    for (let i = 0; i < TRIGGER_FLOOR_CALLS; i++) {
      const t0 = epochMs();
      await gql('mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }', { i: { cameraId, type: 'io_alarm', idempotencyKey: `bench-${i}` } });
      rtt.push(epochMs() - t0);
    }
    const trig = summary(rtt.slice(20));
    const line = (x: ReturnType<typeof summary>) => `p50 ${fmt(x.p50)} / p90 ${fmt(x.p90)} / p99 ${fmt(x.p99)} / max ${fmt(x.max)} ms (n ${fmt(x.n)})`;
    log(`  read → trigger call : ${line(ours)}; extra trigger calls ${arrivals.length - total - TRIGGER_FLOOR_CALLS}`);
    log(`  floor FF POST → ack : ${line(ack)}`);
    log(`  floor triggerEvent  : ${line(trig)}`);
    const exact = arrivals.length === total + TRIGGER_FLOOR_CALLS;
    const note = `floors: FF POST → ack p50 ${ms(ack.p50)} / p99 ${ms(ack.p99)}; GraphQL triggerEvent p50 ${ms(trig.p50)} / p99 ${ms(trig.p99)} (ratio vs triggerEvent)${exact ? '' : `; ${arrivals.length - total - TRIGGER_FLOOR_CALLS} trigger calls too many`}`;
    const values = { rate: RATE, seconds, warmupSeconds: WARMUP_S, ours, ack, triggerEvent: trig };
    return [
      { benchmark: 'read → rule trigger p50', ours: ms(ours.p50), floor: ms(trig.p50), ratio: ratio(ours.p50, trig.p50), target: '—', pass: null, values },
      { benchmark: 'read → rule trigger p99', ours: ms(ours.p99), floor: ms(trig.p99), ratio: ratio(ours.p99, trig.p99), target: '≤ 100 ms', pass: exact && ours.p99 <= 100, note },
    ];
  } finally {
    await app.close();
    await database?.close();
    await pg?.drop();
    await sim.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export const rulesLatency: Benchmark = { name: 'rules-latency', title: `matching FF read → VXG trigger call at ${RATE} ev/s`, run };
