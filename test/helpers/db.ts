/**
 * Test databases: in-memory PGlite always; a fresh throwaway database on the PostgreSQL server of
 * TEST_DATABASE_URL when set (created per call, dropped by the returned cleanup). Both start as a
 * copy of the template migrated once per run (db-templates.ts) when the run provides one.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { openDatabase, type Database } from '../../src/core/db/client.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export interface TestDb {
  name: 'pglite' | 'postgres';
  database: Database;
  cleanup(): Promise<void>;
}

let pgliteDump: Promise<Blob> | undefined;
/** The migrated template's data directory, read once per worker (undefined outside a run with db-templates.ts). */
function pgliteTemplateDump(): Promise<Blob> | undefined {
  const template = inject('pgliteTemplate');
  if (!template) return undefined;
  return (pgliteDump ??= readFile(template.dump).then((b) => new Blob([new Uint8Array(b)])));
}

export async function openPgliteTestDb(): Promise<TestDb> {
  const database = await openDatabase({ pgliteDir: 'memory://', pgliteLoadDataDir: await pgliteTemplateDump() });
  return { name: 'pglite', database, cleanup: () => database.close() };
}

/** A new database on the server of `baseUrl`, empty (for server processes to migrate) or a copy of `template`; `drop` removes it. */
export async function createPostgresDatabase(prefix = 't', baseUrl = TEST_DATABASE_URL!, template?: string): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`create database ${name}${template ? ` template ${template}` : ''}`);
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

export async function openPostgresTestDb(baseUrl = TEST_DATABASE_URL!): Promise<TestDb> {
  // The run's migrated template only lives on TEST_DATABASE_URL's server.
  const template = baseUrl === TEST_DATABASE_URL ? inject('postgresTemplate') || undefined : undefined;
  const created = await createPostgresDatabase('t', baseUrl, template);
  const database = await openDatabase({ url: created.url, maxConnections: 4 });
  return {
    name: 'postgres',
    database,
    cleanup: async () => {
      await database.close();
      await created.drop();
    },
  };
}

/** The drivers to run a shared suite against: PGlite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const drivers: Array<{ name: string; open: () => Promise<TestDb> }> = [
  { name: 'pglite', open: openPgliteTestDb },
  ...(TEST_DATABASE_URL ? [{ name: 'postgres', open: () => openPostgresTestDb() }] : []),
];

if (!TEST_DATABASE_URL && !process.env.__PG_SKIP_NOTED) {
  process.env.__PG_SKIP_NOTED = '1';
  console.log('TEST_DATABASE_URL is not set: PostgreSQL variants of the suites are skipped (PGlite variants run).');
}
