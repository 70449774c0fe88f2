/** What every benchmark module gets from the runner, and helpers to start its servers. */
import { rmSync } from 'node:fs';
import type { ResultRow } from './report.ts';
import { startChild, type Child } from './child.ts';
import { createBenchDb, type DbChoice } from './pg.ts';

export interface BenchContext {
  db: DbChoice;
}

export interface Benchmark {
  name: string;
  title: string;
  run(ctx: BenchContext): Promise<ResultRow[]>;
}

export interface ServerInfo {
  port: number;
  tcpPort: number;
  database?: string;
  pid: number;
  /** The app's DATA_DIR (media files), removed after the server exits. */
  dataDir?: string;
}

export interface StartedServer {
  server: Child<ServerInfo>;
  /** Throwaway database URL ('' for PGlite). */
  dbUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts `tsx bench/server.ts <role>` (with --cpu-prof when BENCH_CPU_PROF=1) on a fresh database
 * with the app's migrations when the role needs one (`app`, `floor-tcp`) and PostgreSQL is used.
 */
export async function startServer(ctx: BenchContext, role: string, dbPrefix: string | null, env: Record<string, string> = {}): Promise<StartedServer> {
  const db = dbPrefix && ctx.db.url ? await createBenchDb(ctx.db.url, dbPrefix) : null;
  try {
    const server = await startChild<ServerInfo>('server.ts', [role], {
      name: role,
      profile: true,
      // PGlite's initdb and the migrations take tens of seconds on a busy small machine.
      readyTimeoutMs: 180_000,
      env: { BENCH_DB_URL: env.BENCH_DB_URL ?? db?.url ?? '', ...env },
    });
    return {
      server,
      dbUrl: db?.url ?? '',
      stop: async () => {
        await server.stop();
        if (server.info.dataDir) rmSync(server.info.dataDir, { recursive: true, force: true });
        await db?.drop();
      },
    };
  } catch (e) {
    await db?.drop();
    throw e;
  }
}

export async function startClients(): Promise<Child<{ pid: number }>> {
  return startChild<{ pid: number }>('clients.ts', [], { name: 'clients' });
}

/** The subscription every fan-out / latency / memory subscriber runs. */
export const LIVE_QUERY = 'subscription { events { seq kind occurredAt ... on PlateReadEvent { plate direction } } }';
