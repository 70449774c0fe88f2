/**
 * `npm run bench [-- <names…>] [--json [file]]`: runs the benchmarks (all by default, in the order
 * below) and ends with one table: benchmark | ours | floor | ratio | target | pass/fail.
 * Each benchmark measures our server and a bare floor in the same run, both as child processes.
 * Env: BENCH_SCALE (counts ×, default 1), BENCH_DATABASE_URL / TEST_DATABASE_URL (else the local
 * default PostgreSQL if reachable, else PGlite), BENCH_HISTORY_ROWS (default 1,000,000),
 * BENCH_RETENTION_ROWS (default BENCH_HISTORY_ROWS), BENCH_TCP_CONNECTIONS (1–4, default 2), BENCH_ROUNDS (alternating ours/floor rounds, default 3),
 * BENCH_LOG_LEVEL (server log level, default error), BENCH_CPU_PROF=1 (server CPU profiles in
 * bench-profiles/; summarise one with `npx tsx bench/profile.ts <file>`). The history benchmark keeps
 * its seeded database `bench_history_<rows>` for later runs (seed-history.ts).
 * Exit code: 0 when every benchmark ran (targets missed are reported, not fatal), 1 on errors.
 */
import os from 'node:os';
import type { Benchmark, BenchContext } from './lib/context.ts';
import { log, SCALE } from './lib/env.ts';
import { chooseDatabase } from './lib/pg.ts';
import { failedRow, printTable, writeJson, type ResultRow } from './lib/report.ts';
import { ffTcp } from './ff-tcp.ts';
import { ffMultipart } from './ff-multipart.ts';
import { plateLists } from './plate-lists.ts';
import { fanout } from './fanout.ts';
import { latency } from './latency.ts';
import { history } from './history.ts';
import { idleMemory, idleSubscribers } from './idle-memory.ts';
import { retention } from './retention.ts';
import { rulesLatency } from './rules-latency.ts';
import { sinks } from './sinks.ts';

const ALL: Benchmark[] = [ffTcp, plateLists, ffMultipart, fanout, latency, history, rulesLatency, sinks, idleSubscribers, idleMemory, retention];
const TARGETS: Record<string, string> = {
  'ff-tcp': '≥ 0.5× and ≥ 10,000 ev/s',
  'plate-lists': '≥ 0.8× of no lists',
  'ff-multipart': '≥ 0.5× floor',
  fanout: '≥ 0.5× floor at 100 and 1,000 subscribers, nothing lost',
  latency: 'p50 ≤ 10 ms, p99 ≤ 3× floor p99',
  history: 'p99 ≤ 20 ms',
  'rules-latency': 'p99 ≤ 100 ms',
  'idle-subscribers': '10,000 idle subscribers ≤ 600 MB RSS',
  'idle-memory': 'npm start ≤ 1.1× bare PGlite',
  retention: '≥ 0.8× ingest during a pass; no lock held by the pass blocks the writer > 100 ms; writer wait ≤ +100 ms (max with the pass vs without)',
  sinks: 'delivery ≥ 0.5× bare undici loop; ingest with 5 sinks ≥ 0.8× none',
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const j = argv.indexOf('--json');
  const jsonPath = j >= 0 ? (argv[j + 1] && !argv[j + 1].startsWith('-') && !ALL.some((b) => b.name === argv[j + 1]) ? argv[j + 1] : 'bench-results.json') : null;
  const names = argv.filter((a, i) => !a.startsWith('--') && !(j >= 0 && i === j + 1 && a === jsonPath));
  const unknown = names.filter((n) => !ALL.some((b) => b.name === n));
  if (unknown.length) {
    log(`unknown benchmark(s): ${unknown.join(', ')}; choose from ${ALL.map((b) => b.name).join(', ')}`);
    process.exit(2);
  }
  const selected = names.length ? ALL.filter((b) => names.includes(b.name)) : ALL;
  const started = performance.now();
  const ctx: BenchContext = { db: await chooseDatabase() };
  const load = () => os.loadavg()[0].toFixed(1);
  const header = `npm run bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} CPU(s), load avg ${load()} at start, BENCH_SCALE=${SCALE}, database: ${ctx.db.label}`;
  log(header);
  if (os.loadavg()[0] > os.cpus().length) log(`WARNING: the machine is already busy (load ${load()} on ${os.cpus().length} CPUs): figures will be noisy; the ratios (same run) are the robust part.`);

  const rows: ResultRow[] = [];
  let errors = 0;
  for (const b of selected) {
    log(`\n== ${b.name}: ${b.title}`);
    const t = performance.now();
    try {
      rows.push(...(await b.run(ctx)));
    } catch (e) {
      errors++;
      log(`  ERROR: ${(e as Error).stack ?? e}`);
      rows.push(failedRow(b.name, TARGETS[b.name] ?? '', e));
    }
    log(`  (${((performance.now() - t) / 1000).toFixed(1)} s; load avg now ${load()})`);
  }
  const seconds = (performance.now() - started) / 1000;
  const table = printTable(rows, `\n${header}\ntotal ${seconds.toFixed(0)} s, load avg ${load()} at end`);
  process.stdout.write(`${table}\n`);
  if (jsonPath) {
    writeJson(jsonPath, { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), scale: SCALE, database: ctx.db.label, seconds }, rows);
    log(`wrote ${jsonPath}`);
  }
  process.exit(errors ? 1 : 0);
}

main().catch((e) => {
  log(String((e as Error).stack ?? e));
  process.exit(1);
});
