/**
 * Operations: /health, /ready (503 once the database is gone), /metrics after ingest, and a
 * graceful SIGTERM of the real process under load with every acknowledged event still stored
 * after a restart on the same DATA_DIR.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { startTestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { drivers } from '../helpers/db.ts';
import { startServerProcess, type ServerProcess } from '../helpers/process.ts';

const sample = JSON.parse(readFileSync(new URL('../fixtures/ff/sample-new.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ffEvent = (carID: string) => JSON.stringify({ ...sample, carID });
const postFf = (base: string, body: string) => fetch(`${base}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const metricValue = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

for (const driver of drivers) {
  describe(`health, readiness and metrics on ${driver.name}`, () => {
    it('/health and /ready answer 200; /ready answers 503 once the database is closed, /health stays 200', async () => {
      const db = await driver.open();
      const t = await startTestApp({ db });
      try {
        expect((await fetch(`${t.url}/health`)).status).toBe(200);
        const ready = await fetch(`${t.url}/ready`);
        expect(ready.status).toBe(200);
        expect(await ready.json()).toMatchObject({ checks: { database: 'ok', adapters: 'started' } });
        await t.app.database.close();
        const down = await fetch(`${t.url}/ready`);
        expect(down.status).toBe(503);
        expect(await down.json()).toMatchObject({ checks: { database: 'unreachable' } });
        expect((await fetch(`${t.url}/health`)).status).toBe(200);
      } finally {
        await t.close();
        await db.cleanup();
      }
    });

    it('/metrics counts ingested, duplicate and rejected events, active subscriptions and batch latency', async () => {
      const db = await driver.open();
      const t = await startTestApp({ db });
      const client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
      try {
        const metrics = async () => {
          const r = await fetch(`${t.url}/metrics`);
          expect(r.status).toBe(200);
          expect(r.headers.get('content-type')).toMatch(/^text\/plain/);
          return r.text();
        };
        const dispose = client.subscribe({ query: 'subscription { events { seq } }' }, { next: () => {}, error: () => {}, complete: () => {} });
        await waitFor(async () => metricValue(await metrics(), 'subscriptions_active{field="events"}') === 1, 10_000, 'subscription gauge');

        expect((await postFf(t.url, ffEvent('m-1'))).status).toBe(200);
        expect((await postFf(t.url, ffEvent('m-1'))).status).toBe(200); // duplicate
        expect((await postFf(t.url, ffEvent('m-2'))).status).toBe(200);
        // Passes the FF parser, refused by the core: the image bytes are not an image.
        const badImage = JSON.stringify({ ...sample, carID: 'm-3', ImageArray: [{ ImageType: 'plate', ImageFormat: 'jpeg', BinaryImage: Buffer.from('not an image at all').toString('base64') }] });
        expect((await postFf(t.url, badImage)).status).toBe(415);

        const text = await metrics();
        expect(metricValue(text, 'events_ingested_total{adapter="ff",instance="default"}')).toBe(2);
        expect(metricValue(text, 'events_deduplicated_total{adapter="ff",instance="default"}')).toBe(1);
        expect(metricValue(text, 'events_rejected_total{adapter="ff",instance="default",code="UNSUPPORTED_MEDIA_TYPE"}')).toBe(1);
        expect(metricValue(text, 'db_batch_seconds_count')).toBeGreaterThanOrEqual(2);
        expect(text).toMatch(/^db_batch_seconds_bucket\{le="0\.1"\} \d+$/m);
        expect(metricValue(text, 'adapter_up{adapter="ff",instance="default"}')).toBe(1);
        expect(text).toMatch(/^process_resident_memory_bytes \d+/m);

        dispose();
        await waitFor(async () => metricValue(await metrics(), 'subscriptions_active{field="events"}') === 0, 10_000, 'gauge back to 0');
      } finally {
        await client.dispose();
        await t.close();
        await db.cleanup();
      }
    });
  });
}

describe('the process under SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'usa-sigterm-'));
  const procs: ServerProcess[] = [];
  afterAll(async () => {
    for (const p of procs) await p.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = 'adapters:\n  - { type: ff, id: default, tcpPort: 0, tcpHost: 127.0.0.1 }\n';
  async function startProcess() {
    // Same DATA_DIR each time (PGlite under it): the restart must find what the first process stored.
    const p = await startServerProcess({ config, dir, env: { DATA_DIR: join(dir, 'data') }, readyTimeoutMs: 40_000 });
    procs.push(p);
    return p;
  }

  it('a second process on the same DATA_DIR refuses to start with one line naming the owner; the first keeps running', async () => {
    const first = await startProcess();
    const second = startServerProcess({ config, dir, env: { DATA_DIR: join(dir, 'data') }, readyTimeoutMs: 40_000 });
    await expect(second).rejects.toThrow(new RegExp(`exited before it was ready \\(code 1\\)[^]*DATA_DIR .* is in use by process ${first.child.pid}`));
    expect((await fetch(`${first.base}/health`)).status).toBe(200);
    first.kill('SIGTERM');
    expect(await first.exited).toBe(0);
  }, 90_000);

  it('stops accepting, finishes in-flight work, exits 0; every 2xx event is stored after restart', async () => {
    const p1 = await startProcess();
    const acked = new Map<string, string>(); // carID → seq
    let failed = 0;
    let sent = 0;
    let signalled = false;
    const worker = async (w: number) => {
      for (let i = 0; i < 200; i++) {
        const carID = `w${w}-${i}`;
        sent += 1;
        try {
          const r = await postFf(p1.base, ffEvent(carID));
          if (r.ok) acked.set(carID, ((await r.json()) as { seq: string }).seq);
          else {
            failed += 1;
            await r.body?.cancel();
          }
          if (!r.ok && signalled) return;
        } catch {
          failed += 1;
          return; // connection refused or closed: the server is going away
        }
        if (!signalled && acked.size >= 30) {
          signalled = true;
          p1.child.kill('SIGTERM');
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
    expect(signalled).toBe(true);
    expect(await p1.exited).toBe(0);
    expect(acked.size).toBeGreaterThanOrEqual(30);
    expect(acked.size + failed).toBe(sent); // each request was acknowledged or refused/cut, none lost track of
    expect(failed).toBeGreaterThan(0); // some requests were refused or cut by the stop

    const lines = p1.out().trim().split('\n');
    const logs = lines.map((l) => JSON.parse(l) as { level: number; time: number; msg: string });
    for (const l of logs) expect(l).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['listening', 'stopping', 'stopped']));
    expect(p1.err()).not.toMatch(/^\s+at /m);

    const p2 = await startProcess();
    const r = await fetch(`${p2.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ events(first: 500) { edges { node { seq ... on FfPlateEvent { carId } } } } }' }),
    });
    const body = (await r.json()) as { data: { events: { edges: Array<{ node: { seq: string; carId: string } }> } } };
    const stored = new Map(body.data.events.edges.map((e) => [e.node.carId, e.node.seq]));
    const missing = [...acked].filter(([car, seq]) => stored.get(car) !== seq);
    expect(missing).toEqual([]);
    expect(stored.size).toBe(new Set(stored.values()).size);
    p2.child.kill('SIGTERM');
    expect(await p2.exited).toBe(0);
  }, 90_000);
});
