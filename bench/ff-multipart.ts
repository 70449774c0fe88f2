/**
 * 2. FF multipart ingest: K POSTs as cameras send them (event.json + ~60 KB vehicle JPEG + ~8 KB
 * plate crop, makeJpeg, unique per request) at concurrency 32 over keep-alive connections (undici
 * Pool). Ours answers 200 only once the row and both images are durable; afterwards rows and
 * media rows are counted and every image is read back and checked against its hash. The floor is node:http + @fastify/busboy parsing the
 * same bodies and answering 200 (nothing stored). Both servers stay up: a warm-up of 100 requests
 * each, then alternating rounds of K / rounds requests (lib/rounds.ts); the median round is shown.
 */
import { Pool } from 'undici';
import type { Benchmark, BenchContext, StartedServer } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { cpuMeter } from './lib/child.ts';
import { log, scaled } from './lib/env.ts';
import { ffMultipartBodies } from './lib/ff-data.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { alternate, medianOf, ROUNDS, roundsNote } from './lib/rounds.ts';
import { fmt, perSec, summary } from './lib/stats.ts';

const CONCURRENCY = 32;
type Body = ReturnType<typeof ffMultipartBodies>[number];

async function fire(pool: Pool, path: string, bodies: Body[]) {
  let next = 0;
  let failures = 0;
  let firstFailure: string | undefined;
  const latencies: number[] = [];
  const t0 = performance.now();
  const worker = async () => {
    for (let i = next++; i < bodies.length; i = next++) {
      const s = performance.now();
      const res = await pool.request({ path, method: 'POST', headers: bodies[i].headers, body: bodies[i].body });
      const text = await res.body.text();
      latencies.push(performance.now() - s);
      if (res.statusCode < 200 || res.statusCode > 299) {
        failures++;
        firstFailure ??= `${res.statusCode} ${text.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - t0) / 1000;
  return { seconds, rate: bodies.length / seconds, failures, firstFailure, lat: summary(latencies) };
}

function side(s: StartedServer, path: string) {
  const pool = new Pool(`http://127.0.0.1:${s.server.info.port}`, { connections: CONCURRENCY, pipelining: 1 });
  return {
    pool,
    warm: async (bodies: Body[]) => {
      const w = await fire(pool, path, bodies);
      if (w.failures) throw new Error(`warm-up: ${w.failures} non-2xx answers, e.g. ${w.firstFailure}`);
    },
    round: async (bodies: Body[]) => {
      const cpu = await cpuMeter([s.server]);
      const r = await fire(pool, path, bodies);
      return { ...r, cpu: (await cpu())[s.server.name] };
    },
  };
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const k = scaled(3000, 100);
  const per = Math.ceil(k / ROUNDS);
  const w = Math.min(100, Math.ceil(k / 10));
  const t = performance.now();
  const bodies = ffMultipartBodies(w + per * ROUNDS);
  const avg = bodies.reduce((a, b) => a + b.body.length, 0) / bodies.length;
  log(`ff-multipart: ${ROUNDS} × ${fmt(per)} requests (+${w} warm-up) of ${fmt(avg / 1024, 1)} KB at concurrency ${CONCURRENCY} (bodies built in ${fmt((performance.now() - t) / 1000)} s)`);
  const slice = (r: number) => bodies.slice(w + r * per, w + (r + 1) * per);

  const app = await startServer(ctx, 'app', 'http');
  const fl = await startServer(ctx, 'floor-http', null);
  const [o, f] = [side(app, '/adapters/ff/default/events'), side(fl, '/')];
  try {
    await o.warm(bodies.slice(0, w));
    await f.warm(bodies.slice(0, w));
    const r = await alternate(
      ROUNDS,
      (i) => o.round(slice(i)),
      (i) => f.round(slice(i)),
    );
    const rows = await app.server.call<{ count: number; mediaRows: number }>('rows');
    const check = { ...rows, files: await app.server.call<number>('mediaVerified') };
    const expected = bodies.length;
    const complete = check.count === expected && check.mediaRows === 2 * expected && check.files === 2 * expected;
    const [ours, floor] = [medianOf(r.ours), medianOf(r.floor)];
    const failures = r.ours.reduce((a, x) => a + x.failures, 0);
    const line = (x: typeof ours, all: Array<typeof ours>) =>
      `${perSec(x.rate, 'req')} (rounds: ${all.map((y) => fmt(y.rate)).join(', ')}; median round: latency p50 ${fmt(x.lat.p50)} / p99 ${fmt(x.lat.p99)} ms, server CPU ${fmt(x.cpu * 100, 0)}%)`;
    log(`  ours : ${line(ours, r.ours)}; non-2xx ${failures}${ours.firstFailure ? ` e.g. ${ours.firstFailure}` : ''}`);
    log(`         stored: ${check.count}/${expected} rows, ${check.mediaRows} media rows, ${check.files} media read back intact (expected ${2 * expected})`);
    log(`  floor: ${line(floor, r.floor)}`);
    return [
      {
        benchmark: 'FF multipart ingest (JSON+60 KB+8 KB)',
        ours: perSec(ours.rate, 'req'),
        floor: perSec(floor.rate, 'req'),
        ratio: ratio(ours.rate, floor.rate),
        target: '≥ 0.5× floor',
        pass: failures === 0 && complete && ours.rate >= 0.5 * floor.rate,
        note: failures || !complete ? `ours: ${failures} non-2xx; stored ${check.count} rows / ${check.files} files of ${expected} / ${2 * expected}` : undefined,
        values: { requestsPerRound: per, rounds: ROUNDS, method: roundsNote(ROUNDS), warmup: w, concurrency: CONCURRENCY, bodyBytes: avg, ours: r.ours, floor: r.floor, stored: check },
      },
    ];
  } finally {
    await o.pool.close();
    await f.pool.close();
    await app.stop();
    await fl.stop();
  }
}

export const ffMultipart: Benchmark = { name: 'ff-multipart', title: 'FF multipart ingest → rows + media files', run };
