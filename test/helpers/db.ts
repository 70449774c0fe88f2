/**
 * Test databases: in-memory PGlite always; a fresh throwaway database on the PostgreSQL server of
 * TEST_DATABASE_URL when set (created per call, dropped by the returned cleanup).
 */
import { randomBytes } from 'node:crypto';
import { openDatabase, type Database } from '../../src/core/db/client.ts';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

export interface TestDb {
  name: 'pglite' | 'postgres';
  database: Database;
  cleanup(): Promise<void>;
}

export async function openPgliteTestDb(): Promise<TestDb> {
  const database = await openDatabase({ pgliteDir: 'memory://' });
  return { name: 'pglite', database, cleanup: () => database.close() };
}

/** A new empty database on the server of `baseUrl` (for server processes to migrate); `drop` removes it. */
export async function createPostgresDatabase(prefix = 't', baseUrl = TEST_DATABASE_URL!): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
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
  const created = await createPostgresDatabase('t', baseUrl);
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
