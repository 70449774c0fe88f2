/**
 * 5. History query: `events(first: 50, filter)` over BENCH_HISTORY_ROWS (default 1,000,000) stored
 * events on PostgreSQL (seed-history.ts; a complete seed is reused). Per filter shape: 20 warm-up
 * queries, then up to 200 (× BENCH_SCALE) sequential queries over HTTP (keep-alive) with varying
 * parameters, within an 8 s budget per shape; p50/p99 of the round trip. The floor column is the
 * same page read with plain SQL through postgres.js (`select * … where <filter> order by seq desc
 * limit 51`, or its index-first form for the filters the repository reads that way), timed
 * alternately with ours: the database's share of the time.
 */
import postgres from 'postgres';
import { Pool } from 'undici';
import { createRng } from '@unified-surveillance/simulators/kit';
import { sql as drizzleSql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { fuzzyPlateConditions, indexFirst, timeWindowOnly } from '../src/core/db/event-repo.ts';
import type { EventKindName } from '../src/core/events/model.ts';
import type { Benchmark, BenchContext } from './lib/context.ts';
import { startServer } from './lib/context.ts';
import { log, scaled } from './lib/env.ts';
import { ratio, type ResultRow } from './lib/report.ts';
import { fmt, ms, summary } from './lib/stats.ts';
import { HISTORY_CAMERAS, HISTORY_DAYS, HISTORY_START, cameraId, seedHistory } from './seed-history.ts';

const WARMUP = 20;
/** Per filter shape, so a slow shape cannot stall the run (fewer samples are then reported). */
const BUDGET_MS = 8000;

/** The history page every filter shape asks for (also bench/ab-history.ts). */
export const QUERY = `query History($filter: EventFilter) {
  events(first: 50, filter: $filter) {
    edges { cursor node { id seq kind vendorType occurredAt receivedAt source { adapter instance } camera { id name }
      ... on PlateReadEvent { plate plateNormalized direction phase confidence } } }
    pageInfo { hasNextPage endCursor }
  }
}`;

type Filter = { kinds?: string[]; cameraIds?: string[]; plate?: string; from?: string; to?: string; plateFuzzy?: { plate: string; maxDistance: number } } | null;
type Shape = { name: string; make(): Filter /** p99 target in ms; default 20. */; targetMs?: number };

/**
 * Linked cameras (sites and linked cameras): the last cameras of the seed joined in threes — each
 * primary with the next two as its other sources, as a camera seen by three vendors would be.
 */
const LINKED_FROM = HISTORY_CAMERAS - 9;
const LINKED: Array<{ primary: string; sources: string[] }> = [0, 3, 6].map((k) => {
  const sources = [0, 1, 2].map((n) => cameraId(LINKED_FROM + k + n));
  return { primary: sources[0], sources };
});

/** Apply LINKED to the seeded cameras (idempotent: a reused seed gets the same links). */
async function linkCameras(sql: postgres.Sql): Promise<void> {
  for (const { primary, sources } of LINKED)
    for (const [rank, id] of sources.entries()) await sql`update cameras set linked_into = ${rank === 0 ? null : primary}, link_rank = ${rank} where id = ${id}`;
}

function shapes(plates: string[]): Shape[] {
  const r = createRng('bench-history');
  const cam = () => cameraId(r.int(0, LINKED_FROM - 1)); // unlinked cameras: one source each
  const kinds = [['PLATE_READ'], ['LINE_CROSSED'], ['MOTION_STARTED', 'MOTION_ENDED']];
  const span = HISTORY_DAYS * 86_400_000;
  return [
    { name: 'no filter', make: () => null },
    { name: 'kinds', make: () => ({ kinds: r.pick(kinds) }) },
    { name: 'cameraIds', make: () => ({ cameraIds: r.chance(0.7) ? [cam()] : [cam(), cam(), cam()] }) },
    // A linked camera by its id: the API expands it to its three sources; the SQL floor is given them.
    { name: 'linked camera', make: () => ({ cameraIds: [r.pick(LINKED).primary] }) },
    { name: 'plate exact', make: () => ({ plate: r.pick(plates) }) },
    { name: 'plate prefix', make: () => ({ plate: `${r.pick(plates).slice(0, r.int(1, 3))}*` }) },
    // A seeded plate read with one error: a replaced, dropped or added character, or a look-alike (issue 15: p99 ≤ 50 ms).
    {
      name: 'plate fuzzy (d=1)',
      targetMs: 50,
      make: () => {
        const p = [...r.pick(plates)];
        const i = r.int(0, p.length - 1);
        const c = String.fromCharCode(65 + r.int(0, 25));
        const edit = r.int(0, 3);
        if (edit === 0) p[i] = c;
        else if (edit === 1) p.splice(i, 1);
        else if (edit === 2) p.splice(i, 0, c);
        else p[i] = ({ O: '0', B: '8', S: '5', Z: '2', G: '6', I: '1', '0': 'O', '8': 'B', '5': 'S', '2': 'Z', '6': 'G', '1': 'I' } as Record<string, string>)[p[i]] ?? p[i];
        return { plateFuzzy: { plate: p.join(''), maxDistance: 1 } };
      },
    },
    // A window of 1–24 hours anywhere in the 30 days (edges at any millisecond), alone and with a camera or a plate.
    { name: 'time range', make: () => window() },
    { name: 'time range + camera', make: () => ({ ...window(), cameraIds: [cam()] }) },
    { name: 'time range + plate', make: () => ({ ...window(), plate: r.pick(plates) }) },
    { name: 'time range + plate prefix', make: () => ({ ...window(), plate: `${r.pick(plates).slice(0, 2)}*` }) },
  ];
  function window() {
    const from = HISTORY_START + r.int(0, span - 86_400_000);
    return { from: new Date(from).toISOString(), to: new Date(from + r.int(1, 24) * 3_600_000 - r.int(0, 3_599_999)).toISOString() };
  }
}

const dialect = new PgDialect();
const sql_and = (parts: SQL[]) => drizzleSql.join(parts, drizzleSql` and `);

/** The page our repository reads, as plain SQL. */
function sqlPage(sql: postgres.Sql, f: Filter) {
  const c: string[] = [];
  const p: Array<string | Date> = [];
  const arg = (v: string | Date) => (p.push(v), `$${p.length}`);
  if (f?.kinds) c.push(`kind in (${f.kinds.map(arg).join(', ')})`);
  const sourcesOf = (id: string) => LINKED.find((l) => l.primary === id)?.sources ?? [id];
  if (f?.cameraIds) c.push(`camera_id in (${f.cameraIds.flatMap(sourcesOf).map(arg).join(', ')})`);
  if (f?.plate) c.push(f.plate.endsWith('*') ? `plate_normalized like ${arg(`${f.plate.slice(0, -1)}%`)}` : `plate_normalized = ${arg(f.plate)}`);
  if (f?.from) c.push(`occurred_at >= ${arg(new Date(f.from))}`);
  if (f?.to) c.push(`occurred_at <= ${arg(new Date(f.to))}`);
  if (f?.plateFuzzy) {
    // The repository's conditions rendered to SQL text, parameters renumbered after the others.
    const q = dialect.sqlToQuery(sql_and(fuzzyPlateConditions(f.plateFuzzy)));
    const base = p.length;
    p.push(...(q.params as string[]));
    c.push(q.sql.replace(/\$(\d+)/g, (_m, n: string) => `$${base + Number(n)}`));
  }
  const where = c.length ? `where ${c.join(' and ')}` : '';
  const filter = f && { ...f, kinds: f.kinds as EventKindName[] | undefined, from: f.from ? new Date(f.from) : null, to: f.to ? new Date(f.to) : null };
  // The same plan choices as the repository (event-repo.ts): a time window alone by hour bucket,
  // other selective filters read seqs from their index first.
  if (timeWindowOnly(filter)) {
    const hour = (x: string) => `date_bin('1 hour'::interval, ${x}, '2000-01-01 00:00:00+00'::timestamptz)`;
    return sql.unsafe(
      `select * from events where seq in (select w.seq from generate_series(${hour(`${arg(new Date(f!.from!))}::timestamptz`)}, ${hour(`${arg(new Date(f!.to!))}::timestamptz`)}, '1 hour'::interval) h(at),
        lateral (select seq from events ${where} and ${hour('occurred_at')} = h.at order by seq desc limit 51) w order by w.seq desc limit 51) order by seq desc`,
      p,
    );
  }
  if (indexFirst(filter)) return sql.unsafe(`select * from events where seq in (select seq from events ${where} order by seq + 0 desc limit 51) order by seq desc`, p);
  return sql.unsafe(`select * from events ${where} order by seq desc limit 51`, p);
}

/** Alternates a and b (which one goes first alternates too, so neither gets the warmer cache) until n pairs or the budget. */
async function timePairs(n: number, budgetMs: number, a: () => Promise<void>, b: () => Promise<void>): Promise<[number[], number[]]> {
  const out: [number[], number[]] = [[], []];
  const end = performance.now() + budgetMs;
  for (let i = 0; i < n && performance.now() < end; i++) {
    for (const k of i % 2 ? [1, 0] : [0, 1]) {
      const t = performance.now();
      await (k === 0 ? a() : b());
      out[k].push(performance.now() - t);
    }
  }
  return out;
}

async function run(ctx: BenchContext): Promise<ResultRow[]> {
  const target = 'p99 ≤ 20 ms';
  if (!ctx.db.url) return [{ benchmark: 'history query', ours: 'skipped', floor: '—', ratio: '—', target, pass: null, note: 'needs PostgreSQL' }];
  const rows = Number(process.env.BENCH_HISTORY_ROWS ?? 1_000_000);
  const seed = await seedHistory(ctx.db.url, rows);
  log(`history: ${fmt(rows)} events in ${seed.name} (${seed.reused ? 'reused' : `seeded in ${fmt(seed.seconds)} s`})`);
  const samples = scaled(200, 20);
  const sql = postgres(seed.url, { max: 1, onnotice: () => {} });
  await linkCameras(sql);
  const app = await startServer(ctx, 'app', null, { BENCH_DB_URL: seed.url });
  const pool = new Pool(`http://127.0.0.1:${app.server.info.port}`, { connections: 1 });
  const out: ResultRow[] = [];
  try {
    const plates = (await sql`select plate_normalized as p from events where seq % 1009 = 0 and plate_normalized is not null limit 500`).map((x) => x.p as string);
    for (const shape of shapes(plates)) {
      const filters = Array.from({ length: samples + WARMUP }, () => shape.make());
      let empty = 0;
      const gql = async (filter: Filter) => {
        const res = await pool.request({ path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { filter } }) });
        const body = (await res.body.json()) as { data?: { events: { edges: unknown[] } }; errors?: Array<{ message: string }> };
        if (res.statusCode !== 200 || body.errors) throw new Error(`${shape.name}: ${res.statusCode} ${JSON.stringify(body.errors ?? body).slice(0, 300)}`);
        if (body.data!.events.edges.length === 0) empty++;
      };
      let i = 0;
      let j = 0;
      const next = () => filters[i++ % filters.length];
      const viaApi = () => gql(next());
      const direct = async () => void (await sqlPage(sql, filters[j++ % filters.length]));
      await timePairs(WARMUP, BUDGET_MS / 4, viaApi, direct);
      // The server's CPU per request: less noisy than its latency on a shared machine (not judged).
      const cpu0 = await app.server.call<NodeJS.CpuUsage>('cpu');
      const [o, d] = await timePairs(samples, BUDGET_MS, viaApi, direct);
      const cpu1 = await app.server.call<NodeJS.CpuUsage>('cpu');
      const cpuMsPerRequest = (cpu1.user + cpu1.system - cpu0.user - cpu0.system) / 1000 / o.length;
      const [ours, floor] = [summary(o), summary(d)];
      log(
        `  ${shape.name.padEnd(26)} ours p50 ${fmt(ours.p50)} / p99 ${fmt(ours.p99)} / max ${fmt(ours.max)} ms; SQL only p50 ${fmt(floor.p50)} / p99 ${fmt(floor.p99)} ms; server CPU ${fmt(cpuMsPerRequest)} ms/request; ${empty} empty pages; ${ours.n} samples`,
      );
      out.push({
        benchmark: `history p99: ${shape.name}`,
        ours: ms(ours.p99),
        floor: `${ms(floor.p99)} (SQL)`,
        ratio: ratio(ours.p99, floor.p99),
        target: shape.targetMs ? `p99 ≤ ${shape.targetMs} ms` : target,
        pass: ours.p99 <= (shape.targetMs ?? 20),
        values: { rows, samples, ours, sqlOnly: floor, emptyPages: empty, serverCpuMsPerRequest: cpuMsPerRequest },
      });
    }
  } finally {
    await pool.close();
    await sql.end();
    await app.stop();
  }
  return out;
}

export const history: Benchmark = { name: 'history', title: 'history query over stored events', run };
