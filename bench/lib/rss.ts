/**
 * Idle RSS of two processes started the way a user would, for bench/idle-memory.ts:
 * - `npm start` (its prestart, then the node command of package.json's "start") on a fresh DATA_DIR with the default config (embedded
 *   PGlite, one FF TCP instance), idle after /ready and one GraphQL query;
 * - a bare PGlite instance in plain node with the same start parameters (pglite-settings.ts) and the
 *   same node options as the "start" script (all but its script: what the runtime is given applies to
 *   PGlite alike), on a data directory created the same way (initdb in a child, pglite-initdb.ts),
 *   idle after a warm-up query.
 * RSS is read from outside (`ps`), so both are measured alike.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { initPgliteDirInChild } from '../../src/core/db/pglite-initdb.ts';
import { DEFAULT_PGLITE_SETTINGS, pgliteSettingParams } from '../../src/core/db/pglite-settings.ts';
import { ROOT, sleep, until } from './env.ts';

/** Resident set size of a process in bytes. */
export function rssOf(pid: number): number {
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

const exitedEarly = (proc: ChildProcess, what: string) => {
  if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode}`);
};

/** The node arguments of package.json's "start" script (`node <options> <script>`), run directly so `ps` reads the server itself. */
function startArgs(): string[] {
  const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(/\s+/);
  if (start[0] !== 'node') throw new Error(`package.json "start" is not a node command: ${start.join(' ')}`);
  return start.slice(1);
}

/** `npm start` on a fresh DATA_DIR: RSS after `idleMs` idle following /ready and one query. */
export async function npmStartIdleRss(idleMs: number): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-bench-start-'));
  const [port, tcpPort] = [await freePort(), await freePort()];
  execFileSync('npm', ['run', '--silent', 'prestart'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const proc = spawn(process.execPath, startArgs(), {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', FF_TCP_PORT: String(tcpPort), LOG_LEVEL: 'warn', CONFIG_FILE: '', DATABASE_URL: '', REDIS_URL: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    await until(
      async () => {
        exitedEarly(proc, 'npm start');
        return (await fetch(`${base}/ready`).catch(() => null))?.ok;
      },
      300_000,
      'npm start /ready',
      200,
    );
    const r = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ __typename }' }) });
    if (!r.ok) throw new Error(`warm-up query: HTTP ${r.status}`);
    await sleep(idleMs);
    return rssOf(proc.pid!);
  } finally {
    await stop(proc);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const BARE = `
const d = JSON.parse(process.argv[1]);
const { PGlite } = await import(d.url);
const pg = new PGlite(d.dir, { startParams: d.startParams });
await pg.query("create table if not exists warm(id int primary key, j jsonb)");
await pg.query("insert into warm select g, jsonb_build_object('g', g) from generate_series(1, 1000) g on conflict do nothing");
await pg.query("select count(*) from warm where j ? 'g'");
process.stdout.write('READY\\n');
process.on('SIGTERM', () => pg.close().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
`;

/** A bare PGlite (plain node, no app) with the embedded default's settings: RSS after `idleMs` idle. */
export async function barePgliteIdleRss(idleMs: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'usa-bench-pglite-'));
  const startParams = [...PGlite.defaultStartParams, ...pgliteSettingParams(DEFAULT_PGLITE_SETTINGS)];
  try {
    await initPgliteDirInChild(dir, startParams);
    const url = pathToFileURL(
      createRequire(import.meta.url)
        .resolve('@electric-sql/pglite')
        .replace(/\.cjs$/, '.js'),
    ).href;
    const nodeOptions = startArgs().slice(0, -1);
    const proc = spawn(process.execPath, [...nodeOptions, '--input-type=module', '-e', BARE, JSON.stringify({ url, dir, startParams })], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      proc.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
      await until(
        () => {
          exitedEarly(proc, 'bare PGlite');
          return out.includes('READY');
        },
        300_000,
        'bare PGlite ready',
        100,
      );
      await sleep(idleMs);
      return rssOf(proc.pid!);
    } finally {
      await stop(proc);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
