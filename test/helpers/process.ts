/**
 * Real server processes for multi-instance and fault tests: `node --import tsx src/main.ts` (one
 * process: npx or the tsx binary would not pass every signal on), a YAML config written to a temp
 * dir, the env you give, stdout and stderr captured. The server binds HTTP port 0 and the harness
 * reads the port from its "listening" log line. On PGlite, a new DATA_DIR starts as a copy of the
 * run's migrated template (db-templates.ts) instead of running initdb and the migrations.
 * `startServerProcess` resolves once /ready answers 200 (or `readyWhen` says so).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inject } from 'vitest';
import { pgliteDirFor } from '../../src/core/db/client.ts';
import { waitFor } from './wait-for.ts';

export const ROOT = resolve(import.meta.dirname, '../..');

let configs = 0;

export interface ServerProcessOptions {
  /** YAML config text (written to a file; CONFIG_FILE points at it). */
  config: string;
  /** Extra environment: DATABASE_URL, REDIS_URL, DATA_DIR … (DATABASE_URL/REDIS_URL are removed unless given; LOG_LEVEL stays info or lower: the port is read from the log). */
  env?: Record<string, string | undefined>;
  /** Directory for the config and the default DATA_DIR (default: a new temp dir, removed by `cleanup`). */
  dir?: string;
  readyTimeoutMs?: number;
  /** When the server counts as up (default: `/ready` answers 200). */
  readyWhen?: (res: Response) => boolean | Promise<boolean>;
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  dir: string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  out(): string;
  err(): string;
  /** JSON log lines of stdout (non-JSON lines skipped). */
  logs(): Array<Record<string, unknown> & { msg?: string }>;
  kill(signal?: NodeJS.Signals): void;
  /** SIGKILL if still running, and remove the temp dir when this harness made it. */
  cleanup(): Promise<void>;
}

/** A new DATA_DIR's PGlite database starts as a copy of the run's migrated template (when the run made one). */
export function seedDataDir(dataDir: string): void {
  const template = runTemplate();
  const pgliteDir = pgliteDirFor(dataDir);
  if (template && !existsSync(pgliteDir)) cpSync(template.dir, pgliteDir, { recursive: true });
}

/** The run's migrated PGlite template; none outside vitest (the benches start servers too). */
function runTemplate(): { dir: string } | undefined {
  try {
    return inject('pgliteTemplate');
  } catch {
    return undefined;
  }
}

export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const ownDir = !options.dir;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'usa-proc-'));
  const config = join(dir, `config-${process.pid}-${++configs}.yaml`);
  writeFileSync(config, options.config);
  const env: NodeJS.ProcessEnv = { ...process.env, CONFIG_FILE: config, DATA_DIR: join(dir, 'data'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  if (!['info', 'debug', 'trace'].includes(env.LOG_LEVEL!)) throw new Error(`startServerProcess: LOG_LEVEL ${env.LOG_LEVEL} would hide the "listening" line that gives the port`);
  if (!env.DATABASE_URL) seedDataDir(env.DATA_DIR!);
  // `node --import tsx`: ONE process, so signals (SIGKILL too) reach the server itself. The tsx binary
  // runs the server as its child: SIGKILL of the wrapper would leave the server running, orphaned.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c) => (stdout += c));
  child.stderr!.on('data', (c) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const p: ServerProcess = {
    child,
    port: 0,
    base: '',
    dir,
    exited,
    out: () => stdout,
    err: () => stderr,
    logs: () =>
      stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .flatMap((l) => {
          try {
            return [JSON.parse(l) as Record<string, unknown>];
          } catch {
            return [];
          }
        }),
    kill: (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
    cleanup: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  let gone = false;
  void exited.then(() => (gone = true));
  try {
    await waitFor(
      async () => {
        if (gone) throw new Error(`server process exited before it was ready (code ${child.exitCode}); stderr: ${stderr}\nstdout: ${stdout.slice(-2000)}`);
        if (!p.port) {
          const url = p.logs().find((l) => l.msg === 'listening')?.url;
          if (typeof url !== 'string') return false;
          p.port = Number(new URL(url).port);
          p.base = `http://127.0.0.1:${p.port}`;
        }
        const res = await fetch(`${p.base}/ready`).catch(() => null);
        return res !== null && (options.readyWhen ? await options.readyWhen(res) : res.status === 200);
      },
      options.readyTimeoutMs ?? 60_000,
      `server ready (stderr: ${stderr})`,
    );
  } catch (err) {
    await p.cleanup();
    throw err;
  }
  return p;
}

/** POST a GraphQL operation to a server; throws on transport errors, returns the JSON body. */
export async function gql<T = any>(
  base: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }> {
  const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await r.json()) as { data?: T; errors?: Array<{ message: string }> };
}

/** The TCP port an adapter instance of the process listens on (from its "TCP listening" log line; tcpPort 0 → the one chosen). */
export function tcpPortOf(p: ServerProcess, adapter = 'ff', instance = 'default'): number {
  const line = p.logs().find((l) => l.msg === 'TCP listening' && l.adapter === adapter && l.instance === instance);
  if (typeof line?.port !== 'number') throw new Error(`${adapter}/${instance} logged no TCP port`);
  return line.port;
}
