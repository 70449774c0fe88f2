/**
 * vitest globalSetup: migrate once per run, copy per test. Makes a PGlite data directory migrated
 * once (on disk, copied into server processes' DATA_DIR; and dumped as a tarball that in-memory test
 * databases load instead of running initdb and the migrations) and, with TEST_DATABASE_URL, a
 * migrated template database that test databases are created from (`create database … template`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/core/db/client.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from './db.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `dir`: a migrated PGlite data directory; `dump`: its `dumpDataDir` tarball. */
    pgliteTemplate: { dir: string; dump: string };
    /** Name of a migrated database on TEST_DATABASE_URL's server ('' without one). */
    postgresTemplate: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = mkdtempSync(join(tmpdir(), 'usa-db-template-'));
  const dir = join(root, 'pglite');
  const dump = join(root, 'pglite.tar');
  const pglite = await openDatabase({ pgliteDir: dir });
  const tarball = await (pglite.db as unknown as { $client: PGlite }).$client.dumpDataDir('none');
  writeFileSync(dump, Buffer.from(await tarball.arrayBuffer()));
  await pglite.close();
  project.provide('pgliteTemplate', { dir, dump });

  const postgres = TEST_DATABASE_URL ? await createPostgresDatabase('tpl') : null;
  if (postgres) await (await openDatabase({ url: postgres.url, maxConnections: 2 })).close(); // migrates it
  project.provide('postgresTemplate', postgres?.name ?? '');

  return async () => {
    await postgres?.drop();
    rmSync(root, { recursive: true, force: true });
  };
}
