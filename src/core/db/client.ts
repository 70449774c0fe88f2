/**
 * Opens the event store: embedded PGlite under DATA_DIR by default, PostgreSQL via postgres.js when
 * a postgres:// URL is given. Migrations are applied before the handle is returned.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import * as schema from './schema.ts';
import { LocalLeases, type Leases, type LeasesOptions } from '../cluster/lease.ts';
import { PgLeases } from '../cluster/pg-leases.ts';
import { openPgLockSession } from '../cluster/pg-lock-session.ts';
import { initPgliteDirInChild, needsInitdb } from './pglite-initdb.ts';
import { DEFAULT_PGLITE_SETTINGS, pgliteSettingParams, type PgliteSettings } from './pglite-settings.ts';
import { PROJECT_ROOT } from '../util/project-root.ts';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  db: Db;
  /**
   * The event writer's handle (events/writer.ts): on PostgreSQL a client of its own with ONE
   * connection, so every group commit runs in the same backend. Through the shared pool the batches
   * rotated over every connection the app had opened (postgres.js hands a query to the idle
   * connection that waited longest), and each backend grew and released the batch statement's
   * transient memory anew. Absent (PGlite, a Database built elsewhere): `db`.
   */
  writerDb?: Db;
  kind: 'pglite' | 'postgres';
  /** Cheap liveness probe; throws when the database cannot answer. */
  ping(): Promise<void>;
  /**
   * Leases for work that runs once per deployment (lease.ts): advisory locks on a session of
   * their own on PostgreSQL; granted at once on PGlite (one process is the whole deployment).
   */
  createLeases(opts: LeasesOptions): Leases;
  close(): Promise<void>;
}

export const MIGRATIONS_DIR = join(PROJECT_ROOT, 'migrations');

export interface OpenDatabaseOptions {
  /** postgres:// or postgresql:// URL; absent → PGlite. */
  url?: string;
  /** PGlite directory (created if missing); `memory://` for an in-memory database. */
  pgliteDir?: string;
  /** A PGlite data directory dump (`dumpDataDir`) to start from instead of running initdb: tests copy one migrated template. */
  pgliteLoadDataDir?: Blob;
  /** PGlite memory settings (config `database.pglite`); default the small-footprint ones. */
  pglite?: PgliteSettings;
  /** postgres.js pool size. */
  maxConnections?: number;
}

export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.maxConnections ?? 10);
  return openPglite(opts.pgliteDir ?? 'memory://', opts.pglite ?? DEFAULT_PGLITE_SETTINGS, opts.pgliteLoadDataDir);
}

async function openPglite(dir: string, settings: PgliteSettings, loadDataDir?: Blob): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  const startParams = [...PGlite.defaultStartParams, ...pgliteSettingParams(settings)];
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    // A new directory: initdb in a child, so its memory is not kept by this process (pglite-initdb.ts).
    if (!loadDataDir && needsInitdb(dir)) await initPgliteDirInChild(dir, startParams);
  }
  const client = new PGlite(dir, loadDataDir ? { loadDataDir, startParams } : { startParams });
  await client.waitReady;
  const db = drizzle({ client, schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    ping: async () => {
      await db.execute(sql`select 1`);
    },
    createLeases: (lo) => new LocalLeases(lo),
    close: async () => {
      if (!client.closed) await client.close();
    },
  };
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const { default: postgres } = await import('postgres');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const options = {
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    // Fail fast instead of queueing forever when the server is gone.
    // force_custom_plan: a prepared statement (event-repo.ts, readPage) is planned for each
    // execution's values, as an unnamed one is, never with a generic plan blind to them (a time
    // window's width, a plate's rarity decide the index).
    connection: { application_name: 'unified-surveillance-api', plan_cache_mode: 'force_custom_plan' },
  };
  const client = postgres(url, { ...options, max: Math.max(2, max) }); // the migration lock below holds one connection while migrate() needs another
  const db = drizzle({ client, schema });
  // The writer's one connection (Database.writerDb), opened at its first batch.
  const writerClient = postgres(url, { ...options, max: 1 });
  // Concurrent instances starting together must not both run migrations.
  // The lock is session-level, so hold it on one reserved connection.
  const lockConn = await client.reserve();
  await lockConn`select pg_advisory_lock(7413001)`;
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_DIR });
  } finally {
    await lockConn`select pg_advisory_unlock(7413001)`;
    lockConn.release();
  }
  return {
    db: db as unknown as Db,
    writerDb: drizzle({ client: writerClient, schema }) as unknown as Db,
    kind: 'postgres',
    ping: async () => {
      await client`select 1`;
    },
    createLeases: (lo) => new PgLeases(() => openPgLockSession(url), lo),
    close: async () => {
      await Promise.all([client.end({ timeout: 5 }), writerClient.end({ timeout: 5 })]);
    },
  };
}

/** The PGlite directory under DATA_DIR. */
export function pgliteDirFor(dataDir: string): string {
  return join(dataDir, 'pglite');
}
