/**
 * Creates a new PGlite data directory (initdb) in a short-lived child process. PGlite runs initdb in
 * two more WebAssembly instances beside its own; in-process their memory stays resident after they
 * close (~300–450 MB more RSS for the life of the server), in a child it is returned at its exit.
 * The server then opens the directory as on any later start ("found DB, resuming").
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** initdb with PGlite's own wasm is slow on a busy small machine; beyond this it is taken as hung. */
const INITDB_TIMEOUT_MS = 5 * 60_000;
/** The child's stderr kept for the error message. */
const STDERR_MAX = 4096;

const CHILD = `
const d = JSON.parse(process.argv[1]);
const { PGlite } = await import(d.url);
const pg = new PGlite(d.dir, { startParams: d.startParams });
await pg.waitReady;
await pg.close();
`;

/** True when `dir` holds no PostgreSQL data directory yet. */
export function needsInitdb(dir: string): boolean {
  return !existsSync(join(dir, 'PG_VERSION'));
}

/** Runs PGlite's initdb for `dir` in a child process; rejects with the child's stderr when it fails. */
export async function initPgliteDirInChild(dir: string, startParams: string[]): Promise<void> {
  // The child imports PGlite's ESM build by URL (its cwd may be anywhere), found with require (which every loader supports).
  const url = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('@electric-sql/pglite')
      .replace(/\.cjs$/, '.js'),
  ).href;
  const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, JSON.stringify({ url, dir, startParams })], {
    stdio: ['ignore', 'ignore', 'pipe'],
    timeout: INITDB_TIMEOUT_MS,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (s: string) => {
    if (stderr.length < STDERR_MAX) stderr += s.slice(0, STDERR_MAX - stderr.length);
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c, s) => resolve([c, s]));
  });
  if (code !== 0) throw new Error(`PGlite initdb of ${dir} failed (${signal ? `signal ${signal}` : `exit ${code}`}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
}
