/**
 * The database's work per event row, load-independently: replays captured FF rows
 * (bench/capture-ff-rows.ts) through insertEventBatch on a fresh database and reads the backend's
 * CPU time (/proc/<pid>/schedstat) and minor page faults (/proc/<pid>/stat) around each pass.
 * Usage: INSERT_ROWS=/tmp/rows.jsonl INSERT_BATCH=1000 INSERT_PASSES=3 tsx bench/insert-cpu.ts (rows: 1,000
 * warm-up, then each pass replays the rest with its own dedupe-key suffix; INSERT_POOL, INSERT_OPEN_CONNS,
 * INSERT_SETUP, INSERT_SKIP_DUPLICATES below). Load-independent it is not: CPU per row still rises with
 * the machine's load (caches), so compare interleaved runs.
 * (PostgreSQL on this machine: TEST_DATABASE_URL's server; a database insert_cpu_* is created and dropped).
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { sql } from 'drizzle-orm';
import { openDatabase } from '../src/core/db/client.ts';
import { insertEventBatch } from '../src/core/db/event-insert.ts';

const base = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const lines = readFileSync(process.env.INSERT_ROWS ?? '/tmp/rows.jsonl', 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.stringify(JSON.parse(l)));
const batch = Number(process.env.INSERT_BATCH ?? 1000);
const passes = Number(process.env.INSERT_PASSES ?? 3);
const warm = Number(process.env.INSERT_WARM ?? 1000);
const skipDuplicates = process.env.INSERT_SKIP_DUPLICATES === '1';
const name = `insert_cpu_${process.pid}`;
const u = new URL(base);
const admin = postgres(base, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name}`);
u.pathname = `/${name}`;
const database = await openDatabase({ url: u.toString(), maxConnections: Number(process.env.INSERT_OPEN_CONNS ?? 2) });
// As the app: the batches on the writer's own connection (Database.writerDb); INSERT_POOL=1: on the
// shared pool instead (with INSERT_OPEN_CONNS=8 they rotate over 8 backends, as before writerDb).
// INSERT_SETUP: SQL run after the migrations (e.g. drop an index to see its cost).
const db = process.env.INSERT_POOL === '1' ? database.db : (database.writerDb ?? database.db);
// INSERT_OPEN_CONNS=n: open n pool connections first (concurrent queries), as the app's other work does; batches then rotate over them.
await Promise.all(Array.from({ length: Number(process.env.INSERT_OPEN_CONNS ?? 0) }, () => database.db.execute(sql`select pg_sleep(0.1)`)));
if (process.env.INSERT_SETUP) await db.execute(sql.raw(process.env.INSERT_SETUP));
const rowsOf = (r: unknown) => (Array.isArray(r) ? r : (r as { rows: unknown[] }).rows) as Array<Record<string, string>>;
// Every client backend of this database (the admin connection is on another).
const pids = async () => (await admin`select pid from pg_stat_activity where datname = ${name} and backend_type = 'client backend'`).map((r) => Number(r.pid));
const probe = async () => {
  let ns = 0;
  let minflt = 0;
  for (const pid of await pids()) {
    try {
      ns += Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]);
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      minflt += Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[7]);
    } catch {}
  }
  return { ns, minflt };
};
const withSuffix = (rows: string[], sfx: string) => rows.map((j) => j.replace(/"dedupe_key":"([^"]*)"/, `"dedupe_key":"$1${sfx}"`));
async function replay(rows: string[]) {
  for (let i = 0; i < rows.length; i += batch) {
    const part = rows.slice(i, i + batch);
    const got = await insertEventBatch(db, { rowsJson: part, skipDuplicates });
    if (got.length !== part.length) throw new Error(`inserted ${got.length} of ${part.length}`);
  }
}
try {
  await replay(withSuffix(lines.slice(0, warm), '-warm'));
  const measured = lines.slice(warm);
  const results: string[] = [];
  for (let p = 0; p < passes; p++) {
    const a = await probe();
    const t0 = performance.now();
    await replay(withSuffix(measured, `-p${p}`));
    const ms = performance.now() - t0;
    const b = await probe();
    results.push(
      `[${(await pids()).length} backends] ${((b.ns - a.ns) / 1000 / measured.length).toFixed(1)} µs/row, ${((b.minflt - a.minflt) / measured.length).toFixed(2)} faults/row, ${((ms / measured.length) * 1000).toFixed(0)} µs/row wall`,
    );
  }
  const [t] = await admin`select temp_files::int as f, temp_bytes::float8 as b from pg_stat_database where datname = ${name}`;
  results.push(`temp files ${t.f} (${(t.b / 1048576).toFixed(0)} MB)`);
  const size = rowsOf(
    await db.execute(
      sql`select pg_total_relation_size('events')::text as s, pg_indexes_size('events')::text as i, pg_total_relation_size(reltoastrelid)::text as t from pg_class where oid = 'events'::regclass`,
    ),
  )[0];
  console.log(
    `batch ${batch}${skipDuplicates ? ' on conflict' : ''}: ${results.join(' | ')}; events ${(Number(size.s) / 1048576).toFixed(1)} MB (indexes ${(Number(size.i) / 1048576).toFixed(1)} MB, TOAST ${(Number(size.t) / 1048576).toFixed(1)} MB)`,
  );
} finally {
  await database.close();
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.end();
}
