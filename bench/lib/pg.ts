/**
 * Which PostgreSQL the benchmarks use (BENCH_DATABASE_URL, TEST_DATABASE_URL, else the local
 * default when reachable, else none → PGlite; BENCH_DATABASE_URL=pglite forces PGlite), throwaway
 * databases on it, and the "all rows committed" probe (max(seq) via the primary key, then an exact
 * count once).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../../src/core/db/client.ts';

export const DEFAULT_PG = 'postgres://postgres@127.0.0.1:5432/test';

export interface DbChoice {
  /** Base URL of the PostgreSQL server, or null when PGlite is used. */
  url: string | null;
  label: string;
}

async function reachable(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function chooseDatabase(): Promise<DbChoice> {
  const explicit = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (explicit === 'pglite') return { url: null, label: 'PGlite (BENCH_DATABASE_URL=pglite)' };
  if (explicit) {
    if (!(await reachable(explicit))) throw new Error(`database ${redact(explicit)} is not reachable`);
    return { url: explicit, label: `PostgreSQL ${redact(explicit)}` };
  }
  if (await reachable(DEFAULT_PG)) return { url: DEFAULT_PG, label: `PostgreSQL ${DEFAULT_PG}` };
  return { url: null, label: 'PGlite (no PostgreSQL reachable: set BENCH_DATABASE_URL)' };
}

export const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

export function withDbName(base: string, name: string): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database with the app's migrations applied; `drop()` removes it. BENCH_DB_TAG prefixes its name (tell your run's backends from another's in ps). */
export async function createBenchDb(base: string, prefix: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `bench_${process.env.BENCH_DB_TAG ?? ''}${prefix}_${Date.now().toString(36)}_${randomBytes(2).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = withDbName(base, name);
  const db = await openDatabase({ url, maxConnections: 2 });
  await db.close();
  return {
    url,
    name,
    drop: async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`).finally(() => a.end());
    },
  };
}

/**
 * Waits until `expected` rows are committed in `events`; returns the moment it saw them. Fails when
 * no new row appeared for `stallMs` (events rejected or lost) or after `timeoutMs`.
 */
export async function waitForRows(sql: postgres.Sql, expected: number, timeoutMs: number, everyMs = 10, stallMs = 15_000): Promise<number> {
  const end = Date.now() + timeoutMs;
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const [r] = await sql`select coalesce(max(seq), 0)::int8 as m from events`;
    const m = Number(r.m);
    if (m >= expected) {
      const at = performance.now();
      const [c] = await sql`select count(*)::int8 as n from events`;
      if (Number(c.n) !== expected) throw new Error(`expected ${expected} rows, found ${c.n} (max seq ${m})`);
      return at;
    }
    if (m !== last) [last, lastChange] = [m, Date.now()];
    if (Date.now() - lastChange > stallMs) throw new Error(`stalled: ${m} of ${expected} rows committed, none for ${stallMs / 1000} s`);
    if (Date.now() > end) throw new Error(`timed out: ${m} of ${expected} rows committed after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, everyMs));
  }
}

/**
 * Run a seeder as a command line (`npx tsx bench/seed-….ts [rows]`): rows from argv, else `rowsEnv`,
 * else 1,000,000; the server from BENCH_DATABASE_URL, TEST_DATABASE_URL or DEFAULT_PG. Prints the
 * result as JSON; exits 1 on failure.
 */
export function runSeederCli(seed: (base: string, rows: number) => Promise<unknown>, rowsEnv: string): void {
  const rows = Number(process.argv[2] ?? process.env[rowsEnv] ?? 1_000_000);
  const base = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_PG;
  seed(base, rows).then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
