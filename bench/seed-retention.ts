/**
 * Seeds a PostgreSQL database `bench_retention_<rows>` for the retention bench: a copy of the
 * history seed (seed-history.ts: `rows` events generated in SQL, 30 days of May 2024, so all expired
 * under `events: 1d`) where every plate read (80%) has one image, as production rows do: a media row
 * (INSERT … SELECT, 8 KB, in a segment file that does not exist: the pass never reads bytes) and its
 * ref in `events.media`. The refs are written with the events' secondary indexes dropped and rebuilt
 * after (an UPDATE of every row otherwise writes every index entry again), then VACUUM ANALYZE. A
 * complete seed is reused by later runs (marker table bench_retention_meta, keyed by the history
 * seed's version and this file's SQL); BENCH_RESEED=1 forces a new one. Each bench run works on a
 * `create database … template` copy of it (a file copy).
 *
 *   npx tsx bench/seed-retention.ts [rows]      (uses BENCH_DATABASE_URL / TEST_DATABASE_URL / default)
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { log } from './lib/env.ts';
import { runSeederCli, withDbName } from './lib/pg.ts';
import { seedHistory } from './seed-history.ts';

const MEDIA_SQL = `insert into media (id, content_type, byte_size, segment, "offset")
  select md5('bench-media-' || seq), 'image/jpeg', 8000, 'bench-seed-000000000000.seg', seq * 8000 from events where plate_normalized is not null`;
const REFS_SQL = `update events set media = jsonb_build_array(jsonb_build_object('id', md5('bench-media-' || seq), 'role', 'PLATE_CROP', 'contentType', 'image/jpeg', 'byteSize', 8000))
  where plate_normalized is not null`;

export async function seedRetention(base: string, rows: number): Promise<{ url: string; name: string; reused: boolean; seconds: number }> {
  const started = performance.now();
  const history = await seedHistory(base, rows);
  const name = `bench_retention_${rows}`;
  const url = withDbName(base, name);
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    const hist = postgres(history.url, { max: 1, onnotice: () => {} });
    const [h] = await hist`select version from bench_meta`.finally(() => hist.end());
    const version = createHash('sha256').update(String(h?.version)).update(MEDIA_SQL).update(REFS_SQL).digest('hex').slice(0, 16);
    const [exists] = await admin`select 1 as x from pg_database where datname = ${name}`;
    if (exists && process.env.BENCH_RESEED !== '1') {
      const sql = postgres(url, { max: 1, onnotice: () => {} });
      try {
        const [meta] = await sql`select version from bench_retention_meta`.catch(() => [undefined]);
        if (meta?.version === version) return { url, name, reused: true, seconds: (performance.now() - started) / 1000 };
      } finally {
        await sql.end();
      }
    }
    log(`seed-retention: copying ${history.name} and adding one image per plate read…`);
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin`select pg_terminate_backend(pid) from pg_stat_activity where datname = ${history.name} and pid <> pg_backend_pid()`;
    await admin.unsafe(`create database ${name} template ${history.name}`);
    const sql = postgres(url, { max: 2, onnotice: () => {} });
    try {
      const indexes = await sql<Array<{ name: string; def: string }>>`select indexname as name, indexdef as def from pg_indexes
        where tablename = 'events' and indexname <> 'events_pkey' order by 1`;
      for (const ix of indexes) await sql.unsafe(`drop index ${ix.name}`);
      await sql.begin(async (tx) => {
        await tx.unsafe('set local synchronous_commit = off');
        await tx.unsafe(MEDIA_SQL);
        await tx.unsafe(REFS_SQL);
      });
      log(`seed-retention: images added in ${((performance.now() - started) / 1000).toFixed(1)} s; rebuilding ${indexes.length} indexes…`);
      const queue = [...indexes];
      const build = () =>
        sql.reserve().then(async (c) => {
          try {
            await c.unsafe(`set maintenance_work_mem = '256MB'`);
            for (let ix = queue.shift(); ix; ix = queue.shift()) await c.unsafe(ix.def);
          } finally {
            c.release();
          }
        });
      await Promise.all([build(), build()]);
      await sql`vacuum (analyze) events, media`;
      await sql`create table bench_retention_meta (version text not null, seeded_at timestamptz not null default now())`;
      await sql`insert into bench_retention_meta (version) values (${version})`;
    } finally {
      await sql.end();
    }
    const seconds = (performance.now() - started) / 1000;
    log(`seed-retention: done in ${seconds.toFixed(1)} s`);
    return { url, name, reused: false, seconds };
  } finally {
    await admin.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runSeederCli(seedRetention, 'BENCH_RETENTION_ROWS');
