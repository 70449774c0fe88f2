/**
 * Readiness tells the truth: an adapter instance that cannot start (its TCP port is taken) makes
 * `/ready` 503 naming it (unless `readiness.allowFailedAdapters`), its ingest routes answer 503 +
 * Retry-After instead of 404, the other instances keep working, and it is retried in the background.
 * An instance still starting answers 503 too. A vendor that is down (DEGRADED) keeps the server
 * ready. An HTTP port in use ends start-up with one line and exit code 1.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import pino from 'pino';
import { z } from 'zod';
import { defineAdapter, sendJson } from '../../src/sdk.ts';
import { createApp } from '../../src/app.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import { adapterReadiness } from '../../src/core/adapter/readiness.ts';
import { openPgliteTestDb } from '../helpers/db.ts';
import { listenOnPort0 } from '../helpers/ports.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ROOT, seedDataDir, startServerProcess, type ServerProcess } from '../helpers/process.ts';

const sample = readFileSync(new URL('../fixtures/ff/sample-new.json', import.meta.url), 'utf8');
const postFf = (base: string, id: string) => fetch(`${base}/adapters/ff/${id}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sample });

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Hold a TCP port so an adapter instance cannot listen on it. */
async function occupy(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  const port = await listenOnPort0(server, '0.0.0.0');
  cleanups.push(() => new Promise((r) => server.close(r)));
  return { port, server };
}

async function serverWithTakenTcpPort(extraConfig = ''): Promise<{ p: ServerProcess; taken: { port: number; server: Server } }> {
  const taken = await occupy();
  const p = await startServerProcess({
    config: `adapters:\n  - { type: ff, id: busy, tcpPort: ${taken.port} }\n  - { type: ff, id: fine }\n${extraConfig}`,
    // Up once the failed start is known (503 until then, and afterwards without the flag).
    readyTimeoutMs: 150_000,
    readyWhen: async (r) => ((await r.json()) as { checks: Record<string, string> }).checks.adapters !== 'starting',
  });
  cleanups.push(() => p.cleanup());
  return { p, taken };
}

describe('readiness with an adapter instance that cannot start (real server process)', () => {
  it('/ready is 503 naming the instance; its ingest route answers 503 + Retry-After; other instances ingest; it starts once the port is free', async () => {
    const { p, taken } = await serverWithTakenTcpPort();
    const ready = await fetch(`${p.base}/ready`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { checks: Record<string, string> };
    expect(body.checks.adapters).toBe('failed: ff/busy');
    expect(body.checks['adapter ff/busy']).toMatch(/^failed to start: .*already in use/);
    expect(body.checks['adapter ff/fine']).toBeUndefined(); // READY instances are not listed

    const refused = await postFf(p.base, 'busy');
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    expect((await postFf(p.base, 'fine')).status).toBe(200);
    expect((await postFf(p.base, 'nobody')).status).toBe(404); // not configured: still no route

    // Retried in the background: once the port is free the instance starts and the server is ready.
    await new Promise((r) => taken.server.close(r));
    await waitFor(async () => (await fetch(`${p.base}/ready`)).status === 200, 60_000, '/ready 200 after the port was freed');
    expect((await postFf(p.base, 'busy')).status).toBe(200);
  }, 240_000);

  it('with readiness.allowFailedAdapters the server stays ready and still names the failed instance', async () => {
    const { p } = await serverWithTakenTcpPort('readiness: { allowFailedAdapters: true }\n');
    const ready = await fetch(`${p.base}/ready`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks.adapters).toBe('failed: ff/busy');
    expect((await postFf(p.base, 'busy')).status).toBe(503);
  }, 180_000);
});

describe('HTTP port already in use (real server process)', () => {
  it('exits 1 with one line naming the port, no stack trace', async () => {
    const taken = await occupy();
    const dir = mkdtempSync(join(tmpdir(), 'usa-port-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'config.yaml'), 'adapters: []\n');
    seedDataDir(join(dir, 'data'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, CONFIG_FILE: join(dir, 'config.yaml'), DATA_DIR: join(dir, 'data'), PORT: String(taken.port), HOST: '0.0.0.0', LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`HTTP port ${taken.port} is already in use`);
    expect(stderr + stdout).not.toMatch(/\n\s+at /); // no stack frames anywhere
  }, 180_000);
});

describe('an instance still starting (in process)', () => {
  it('answers 503 + Retry-After on its routes and keeps /ready 503 until its start() returns', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = defineAdapter({
      type: 'slow',
      version: '1.0.0',
      graphqlPrefix: 'Slow',
      configSchema: z.object({ type: z.string(), id: z.string() }),
      capabilities: [],
      async start(ctx) {
        ctx.route('POST', '/events', ({ res }) => sendJson(res, 200, { ok: true }));
        await gate;
        return { stop: () => {} };
      },
    });
    const db = await openPgliteTestDb();
    const dataDir = mkdtempSync(join(tmpdir(), 'usa-test-'));
    const app = await createApp({
      env: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' },
      config: validateConfig({ adapters: [{ type: 'slow', id: 's' }] }, process.env),
      adapters: [slow],
      database: db.database,
      log: pino({ level: 'silent' }),
    });
    cleanups.push(async () => {
      release();
      await app.close();
      await db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    });
    const listening = app.listen();
    await waitFor(() => app.server.listening, 5000, 'HTTP listening');
    await waitFor(() => app.registry.list()[0].status === 'STARTING', 5000, 'start() running');
    const url = app.url();
    const early = await fetch(`${url}/adapters/slow/s/events`, { method: 'POST', body: '{}' });
    expect(early.status).toBe(503);
    expect(early.headers.get('retry-after')).toBe('1');
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe('SERVICE_UNAVAILABLE');
    const ready = await fetch(`${url}/ready`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ adapters: 'starting', 'adapter slow/s': 'starting' });
    release();
    await listening;
    expect((await fetch(`${url}/adapters/slow/s/events`, { method: 'POST', body: '{}' })).status).toBe(200);
    expect((await fetch(`${url}/ready`)).status).toBe(200);
  }, 120_000);
});

describe('adapterReadiness', () => {
  const up = (name: string, status: 'READY' | 'DEGRADED' | 'ERROR', detail: string | null = null) => ({ name, phase: 'up' as const, status, detail });
  it('a running instance whose vendor is down (DEGRADED or ERROR) keeps the server ready and is listed', () => {
    const r = adapterReadiness([up('ff/a', 'READY'), up('vxg/v', 'DEGRADED', 'vendor unreachable'), up('ivms/i', 'ERROR', 'all down')], false);
    expect(r.ok).toBe(true);
    expect(r.checks).toEqual({ adapters: 'started', 'adapter vxg/v': 'DEGRADED: vendor unreachable', 'adapter ivms/i': 'ERROR: all down' });
  });
  it('a failed start is not ready unless allowed; a first start still running is never ready', () => {
    const failed = { name: 'ff/b', phase: 'failed' as const, status: 'STARTING' as const, detail: 'attempt 3' };
    expect(adapterReadiness([up('ff/a', 'READY'), failed], false)).toEqual({ ok: false, checks: { adapters: 'failed: ff/b', 'adapter ff/b': 'failed to start: attempt 3' } });
    expect(adapterReadiness([up('ff/a', 'READY'), failed], true).ok).toBe(true);
    expect(adapterReadiness([{ name: 'ff/c', phase: 'starting', status: 'STARTING', detail: null }], true).ok).toBe(false);
  });
});
