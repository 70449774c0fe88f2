/**
 * Seeds a PostgreSQL database `bench_history_<rows>` with the app's schema (its migrations) and
 * `rows` events generated in SQL (generate_series, two sessions in parallel, secondary indexes
 * dropped during the load and rebuilt after), then VACUUM ANALYZE. A complete seed is reused by later
 * runs (marker table bench_meta); BENCH_RESEED=1 forces a new one. BENCH_HISTORY_DB names another
 * database (e.g. one per worktree, so branches with different indexes do not reseed each other's).
 *
 * Data: 30 days, seq order = time order; 80% PLATE_READ (FfPlateEvent) over ~200k distinct plates
 * (each seen ~4 times), 20% analytics kinds; 50 cameras; raw ≈ 0.6 KB (a compact FF payload).
 *
 *   npx tsx bench/seed-history.ts [rows]      (uses BENCH_DATABASE_URL / TEST_DATABASE_URL / default)
 */
import { createHash } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase } from '../src/core/db/client.ts';
import { log } from './lib/env.ts';
import { runSeederCli, withDbName } from './lib/pg.ts';

export const HISTORY_START = Date.UTC(2024, 4, 1);
export const HISTORY_DAYS = 30;
export const HISTORY_CAMERAS = 50;
const KINDS = ['LINE_CROSSED', 'ZONE_ENTERED', 'MOTION_STARTED', 'MOTION_ENDED', 'LOITERING'];

/** The seeded plate for pool index p (also used to pick query plates). */
export const plateSql = (p: string) => `chr(65 + (${p} % 23)) || chr(65 + ((${p} / 23) % 23)) || lpad(((${p} / 529) % 1000)::text, 3, '0') || chr(65 + ((${p} / 7) % 26))`;

export const cameraId = (i: number) => `ff/default/CAM-${String(i).padStart(2, '0')}`;

function insertSql(from: number, to: number, rows: number): string {
  const stepMs = (HISTORY_DAYS * 86_400_000) / rows;
  const start = new Date(HISTORY_START).toISOString();
  return `
  insert into events
    (seq, type_name, kind, vendor_type, occurred_at, received_at, adapter, instance, camera_id, dedupe_key,
     plate_normalized, track_id, plate, analytics, data, raw, media)
  overriding system value
  select g,
    case when pr then 'FfPlateEvent' else 'CamlyticsEvent' end,
    kind, case when pr then phase else lower(kind) end,
    t, t + interval '180 milliseconds', 'ff', 'default', cam, 'seed-' || g,
    case when pr then pn end, case when pr then cam || ':' || (g / 5) end,
    case when pr then jsonb_build_object('plate', pn, 'plateNormalized', pn, 'country', 'CZE', 'region', null,
      'confidence', 0.9, 'direction', dir, 'phase', upper(phase), 'trackId', cam || ':' || (g / 5),
      'vehicle', jsonb_build_object('type', 'CAR', 'color', 'WHITE', 'make', 'Skoda', 'model', 'Octavia')) end,
    case when pr then null else jsonb_build_object('ruleId', 'rule-' || (r3 % 7), 'ruleName', 'Gate line', 'objectClass', 'car', 'objectId', g::text) end,
    jsonb_build_object('deviceId', cam, 'carId', (g / 5)::text, 'roiId', '1', 'packetCounter', g, 'plateList', '',
      'geotag', jsonb_build_object('lat', 50.1, 'lon', 14.4), 'deviceModel', 'AXIS Q1700-LE', 'profileId', '2'),
    jsonb_build_object('carID', (g / 5)::text, 'carState', phase, 'plateText', pn, 'plateUTF8', pn, 'plateASCII', pn,
      'plateCountry', 'CZE', 'plateConfidence', '0.900000', 'carMoveDirection', lower(dir), 'roiID', '1',
      'sensorProviderID', cam, 'capture_timestamp', (extract(epoch from t) * 1000)::bigint::text,
      'datetime', to_char(t, 'YYYYMMDD HH24MISSMS'), 'geotag', jsonb_build_object('lat', 50.1, 'lon', 14.4),
      'vehicle_info', jsonb_build_object('type', 'CAR', 'brand', 'Skoda', 'model', 'Octavia', 'color', 'WHITE'),
      'camera_info', jsonb_build_object('SerialNumber', 'B8A44F000000', 'ProdShortName', 'AXIS Q1700-LE'),
      'imageFile', 'localdata/images/1/' || g || '.jpg', 'packetCounter', g::text, 'profileID', '2'),
    '[]'::jsonb
  from generate_series(${from}, ${to}) g,
  lateral (select abs(hashint8(g)::bigint) r1, abs(hashint8(-g)::bigint) r2, abs(hashint8(g::int8 * 7919)::bigint) r3) h,
  lateral (select (r1 % 10) < 8 pr, 'ff/default/CAM-' || lpad((r2 % ${HISTORY_CAMERAS})::text, 2, '0') cam,
    timestamptz '${start}' + (g * ${stepMs.toFixed(3)}) * interval '1 millisecond' t,
    ${plateSql('((r2 % 200000)::int)')} pn,
    (array['IN','OUT','UNKNOWN'])[1 + (r3 % 3)] dir,
    (array['new','update','reliable','lost'])[1 + (r3 % 4)] phase) x,
  lateral (select case when pr then 'PLATE_READ' else (array['${KINDS.join("','")}'])[1 + (r3 % ${KINDS.length})] end kind) k`;
}

export async function seedHistory(base: string, rows: number): Promise<{ url: string; name: string; reused: boolean; seconds: number }> {
  const started = performance.now();
  const name = process.env.BENCH_HISTORY_DB || `bench_history_${rows}`;
  const url = withDbName(base, name);
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    const [exists] = await admin`select 1 as x from pg_database where datname = ${name}`;
    if (!exists) await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url, maxConnections: 2 }); // applies migrations
  await database.close();
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  try {
    // Reseed only when the generator or the events/cameras tables (columns, indexes) changed.
    const schemaVersion = async () => {
      const shape = await sql`select table_name || '.' || column_name || ':' || data_type as d from information_schema.columns
        where table_schema = 'public' and table_name in ('events', 'cameras')
        union all select indexdef from pg_indexes where tablename in ('events', 'cameras') order by 1`;
      return createHash('sha256')
        .update(insertSql(1, 1, rows))
        .update(JSON.stringify(shape.map((r) => r.d)))
        .digest('hex')
        .slice(0, 16);
    };
    const version = await schemaVersion();
    await sql`create table if not exists bench_meta (rows bigint not null, version text not null, seeded_at timestamptz not null default now())`;
    const [meta] = await sql`select rows::int8 as rows, version from bench_meta`;
    if (process.env.BENCH_RESEED !== '1' && meta && Number(meta.rows) === rows && meta.version === version) {
      return { url, name, reused: true, seconds: (performance.now() - started) / 1000 };
    }
    log(`seed-history: seeding ${rows.toLocaleString()} events into ${name}…`);
    await sql`delete from bench_meta`;
    await sql`truncate events, cameras, media restart identity`;
    // Index definitions are kept in a table while they are dropped, so an interrupted seed can resume.
    await sql`create table if not exists bench_indexes (name text primary key, def text not null)`;
    await sql`insert into bench_indexes select indexname, indexdef from pg_indexes
      where tablename = 'events' and indexname <> 'events_pkey' on conflict do nothing`;
    const indexes = await sql<Array<{ name: string; def: string }>>`select name, def from bench_indexes order by name`;
    for (const ix of indexes) await sql.unsafe(`drop index if exists ${ix.name}`);
    const cams = Array.from({ length: HISTORY_CAMERAS }, (_, i) => ({
      id: cameraId(i),
      adapter: 'ff',
      instance: 'default',
      vendor_id: `CAM-${String(i).padStart(2, '0')}`,
      name: `Gate ${i}`,
      status: 'ONLINE',
    }));
    await sql`insert into cameras ${sql(cams)}`;
    const half = Math.floor(rows / 2);
    const load = (from: number, to: number) =>
      sql.begin(async (tx) => {
        await tx.unsafe('set local synchronous_commit = off');
        const chunk = 100_000;
        for (let a = from; a <= to; a += chunk) await tx.unsafe(insertSql(a, Math.min(to, a + chunk - 1), rows));
      });
    await Promise.all([load(1, half), load(half + 1, rows)]);
    await sql`select setval(pg_get_serial_sequence('events', 'seq'), ${rows})`;
    log(`seed-history: rows loaded in ${((performance.now() - started) / 1000).toFixed(1)} s; building ${indexes.length} indexes…`);
    const queue = [...indexes];
    const build = async () => {
      await sql.reserve().then(async (c) => {
        try {
          await c.unsafe(`set maintenance_work_mem = '256MB'`);
          for (let ix = queue.shift(); ix; ix = queue.shift()) await c.unsafe(ix.def);
        } finally {
          c.release();
        }
      });
    };
    await Promise.all([build(), build()]);
    await sql`drop table bench_indexes`;
    await sql`vacuum (analyze) events`; // sets hint bits and the visibility map now, not during the queries
    await sql`insert into bench_meta (rows, version) values (${rows}, ${await schemaVersion()})`;
    const seconds = (performance.now() - started) / 1000;
    log(`seed-history: done in ${seconds.toFixed(1)} s`);
    return { url, name, reused: false, seconds };
  } finally {
    await sql.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runSeederCli(seedHistory, 'BENCH_HISTORY_ROWS');
