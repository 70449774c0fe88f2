/**
 * Adapter lifecycle: start failures and crashes put one instance in ERROR and restart it with
 * backoff while everything else keeps serving; start timeouts; stop closes everything; status is
 * visible in `adapters` and streamed by `adapterStatusChanged` over graphql-ws.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { z } from 'zod';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { defineAdapter, readJsonBody, sendJson } from '../../src/sdk.ts';
import { ffAdapter } from '../../src/adapters/ff/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openPgliteTestDb } from '../helpers/db.ts';
import { AdapterRegistry } from '../../src/core/adapter/registry.ts';
import { AdapterRoutes } from '../../src/core/adapter/routes.ts';
import { createMetrics } from '../../src/core/ops/metrics.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { EventWriter } from '../../src/core/events/writer.ts';
import { Ingest } from '../../src/core/events/ingest.ts';
import { FileMediaStore } from '../../src/core/media/store.ts';
import { CameraCache } from '../../src/core/cameras/cache.ts';
import { createSafeFetch } from '../../src/core/http/safe-fetch.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import type { AdapterInstanceInfo } from '../../src/core/ports.ts';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const base = z.object({ type: z.string(), id: z.string() });

/** start() throws `failures` times, then runs. */
function flakyAdapter(failures: number) {
  const state = { starts: 0, stops: 0 };
  const def = defineAdapter({
    type: 'flaky',
    version: '1.0.0',
    graphqlPrefix: 'Flaky',
    configSchema: base,
    capabilities: [],
    start() {
      state.starts += 1;
      if (state.starts <= failures) throw new Error('vendor login refused');
      return { stop: () => void (state.stops += 1) };
    },
  });
  return { def, state };
}

/** Routes: /emit publishes a TestThingEvent, /crash calls ctx.fail(), /degrade sets DEGRADED; plus a TCP listener. */
function thingAdapter() {
  const state = { starts: 0, stops: 0, tcpPorts: [] as number[] };
  const def = defineAdapter({
    type: 'thing',
    version: '1.0.0',
    graphqlPrefix: 'Thing',
    configSchema: base,
    capabilities: [],
    graphql: (_b, refs) => void refs.eventType('TestThingEvent', { description: 'test event' }),
    async start(ctx) {
      state.starts += 1;
      ctx.route('POST', '/emit', async ({ req, res }) => {
        const body = (await readJsonBody(req, 10_000)) as { key: string };
        const r = await ctx.publish({ typeName: 'TestThingEvent', kind: 'CUSTOM', vendorType: 'thing', occurredAt: new Date(), dedupeKey: body.key, raw: body });
        ctx.count('emitted');
        sendJson(res, 200, { seq: r.seq.toString() });
      });
      ctx.route('POST', '/crash', ({ res }) => {
        ctx.fail(new Error('vendor socket hung up'));
        sendJson(res, 202, {});
      });
      ctx.route('POST', '/degrade', ({ res, query }) => {
        ctx.setStatus('DEGRADED', `probe ${query.get('n')}`);
        sendJson(res, 200, {});
      });
      const tcp = await ctx.listenTcp({ port: 0, host: '127.0.0.1', onConnection: (s) => s.end('hi\n') });
      state.tcpPorts.push(tcp.port);
      return { stop: () => void (state.stops += 1) };
    },
  });
  return { def, state };
}

const tcpOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
const post = (t: TestApp, path: string, body: unknown = {}) => fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const adaptersQuery = async (t: TestApp) => {
  const r = await t.gql<{
    adapters: Array<{ type: string; id: string; status: string; detail: string | null; since: string; lastEventAt: string | null; counters: Array<{ name: string; value: number }> }>;
  }>('{ adapters { type id status detail since lastEventAt counters { name value } } }');
  expect(r.errors).toBeUndefined();
  return new Map(r.data!.adapters.map((a) => [`${a.type}/${a.id}`, a]));
};

describe('adapter lifecycle in the app', () => {
  it('a failing start() puts only that instance in ERROR with detail, retries with backoff, the rest keeps serving, /ready is 503 until it runs', async () => {
    const flaky = flakyAdapter(1);
    const thing = thingAdapter();
    const clock = new ManualClock(); // the restart backoff runs on it: the test moves time
    const t = await startTestApp({
      clock,
      adapters: [ffAdapter, flaky.def, thing.def],
      config: {
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'flaky', id: 'f1' },
          { type: 'thing', id: 't1' },
        ],
      },
    });
    cleanups.push(() => t.close());
    const first = await adaptersQuery(t);
    expect(first.get('flaky/f1')).toMatchObject({ status: 'ERROR', detail: expect.stringMatching(/vendor login refused \(retry 1 in [\d.]+ s\)/) });
    expect(first.get('ff/default')?.status).toBe('READY');
    expect(first.get('thing/t1')?.status).toBe('READY');
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
    const notReady = await fetch(`${t.url}/ready`); // a failed instance makes the server unready, by name
    expect(notReady.status).toBe(503);
    expect(((await notReady.json()) as { checks: Record<string, string> }).checks.adapters).toBe('failed: flaky/f1');
    const sample = readFileSync(new URL('../fixtures/ff/sample-new.json', import.meta.url), 'utf8');
    const ingest = await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: sample });
    expect(ingest.status).toBe(200);

    // The first retry waits 0.5–1 s (backoff with jitter) after the ERROR: not yet at 499 ms, done by 1 s.
    await clock.advance(499);
    expect(flaky.state.starts).toBe(1);
    expect((await adaptersQuery(t)).get('flaky/f1')?.status).toBe('ERROR');
    await clock.advance(501);
    await waitFor(async () => (await adaptersQuery(t)).get('flaky/f1')?.status === 'READY', 10_000, 'flaky READY');
    const ready = (await adaptersQuery(t)).get('flaky/f1')!;
    expect(ready.detail).toBeNull();
    expect(Date.parse(ready.since) - Date.parse(first.get('flaky/f1')!.since)).toBeGreaterThanOrEqual(500);
    expect(flaky.state.starts).toBe(2);
    expect((await fetch(`${t.url}/ready`)).status).toBe(200);
  });

  it('ctx.fail() stops the instance (routes 503, TCP closed), restarts it, and adapterStatusChanged streams every transition', async () => {
    const thing = thingAdapter();
    const t = await startTestApp({ adapters: [thing.def], config: { adapters: [{ type: 'thing', id: 't1' }] } });
    cleanups.push(() => t.close());
    const client: Client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    cleanups.push(() => client.dispose());
    const seen: Array<{ id: string; status: string; detail: string | null }> = [];
    const errors: unknown[] = [];
    client.subscribe<{ adapterStatusChanged: { id: string; status: string; detail: string | null } }>(
      { query: 'subscription { adapterStatusChanged { id status detail } }' },
      { next: (v) => void seen.push(v.data!.adapterStatusChanged), error: (e) => void errors.push(e), complete: () => {} },
    );
    // The subscription is live once a probe status change comes through.
    let n = 0;
    await waitFor(async () => (await post(t, `/adapters/thing/t1/degrade?n=${++n}`), seen.some((s) => s.status === 'DEGRADED')), 10_000, 'subscription live');
    await waitFor(() => seen.some((s) => s.detail === `probe ${n}`), 10_000, 'last probe delivered');

    const emitted = await post(t, '/adapters/thing/t1/emit', { key: 'before-crash' });
    expect(emitted.status).toBe(200);
    const port1 = thing.state.tcpPorts[0];
    expect(await tcpOpen(port1)).toBe(true);

    seen.length = 0;
    expect((await post(t, '/adapters/thing/t1/crash')).status).toBe(202);
    await waitFor(() => seen.some((s) => s.status === 'ERROR'), 10_000, 'ERROR seen');
    expect(thing.state.stops).toBe(1);
    const whileDown = await post(t, '/adapters/thing/t1/emit', { key: 'while-down' });
    expect(whileDown.status).toBe(503); // a configured instance that is down: retry, not "no such route"
    expect(Number(whileDown.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await tcpOpen(port1)).toBe(false);

    await waitFor(() => seen.some((s) => s.status === 'READY'), 10_000, 'READY again');
    const statuses = seen.map((s) => s.status).filter((s, i, a) => s !== a[i - 1]);
    expect(statuses).toEqual(['ERROR', 'STARTING', 'READY']);
    expect(seen[0].detail).toBe('vendor socket hung up');
    expect(seen.find((s) => s.detail?.includes('retry 1'))).toBeDefined();
    expect(thing.state.starts).toBe(2);
    expect((await post(t, '/adapters/thing/t1/emit', { key: 'after-restart' })).status).toBe(200);
    expect(await tcpOpen(thing.state.tcpPorts[1])).toBe(true);
    expect(errors).toEqual([]);

    const info = (await adaptersQuery(t)).get('thing/t1')!;
    expect(info.status).toBe('READY');
    expect(info.counters).toEqual([{ name: 'emitted', value: 2 }]);
    expect(Date.parse(info.lastEventAt!)).toBeGreaterThan(Date.now() - 10_000);
  });

  it('app.close() stops every instance and leaves no listener open', async () => {
    const thing = thingAdapter();
    const t = await startTestApp({
      adapters: [thing.def],
      config: {
        adapters: [
          { type: 'thing', id: 'a' },
          { type: 'thing', id: 'b' },
        ],
      },
    });
    const ports = [...thing.state.tcpPorts];
    expect(ports).toHaveLength(2);
    for (const p of ports) expect(await tcpOpen(p)).toBe(true);
    await t.close();
    expect(thing.state.stops).toBe(2);
    for (const p of ports) expect(await tcpOpen(p)).toBe(false);
    expect(t.app.registry.list().map((i) => i.status)).toEqual(['STOPPED', 'STOPPED']);
    expect(t.app.server.listening).toBe(false);
  });
});

describe('AdapterRegistry with small timeouts', () => {
  async function harness(o: { startTimeoutMs?: number; maxBackoffMs?: number }) {
    const tdb = await openPgliteTestDb();
    const dir = mkdtempSync(join(tmpdir(), 'usa-reg-'));
    const db = tdb.database.db;
    const log = pino({ level: 'silent' });
    const metrics = createMetrics();
    const writer = new EventWriter({ db, bus: new LocalEventBus(), log, metrics });
    const media = new FileMediaStore(join(dir, 'media'), db);
    const cameraCache = new CameraCache();
    const ingest = new Ingest({ writer, media, cameras: cameraCache });
    const routes = new AdapterRoutes();
    const fetch = createSafeFetch({});
    const statuses: AdapterInstanceInfo[] = [];
    const registry = new AdapterRegistry({
      deps: { db, ingest, media, cameraCache, routes, fetch, log, metrics, leases: tdb.database.createLeases({ log }) },
      metrics,
      log,
      ...o,
      onStatus: (i) => void statuses.push(i),
    });
    cleanups.push(async () => {
      await registry.stopAll();
      await writer.close();
      await fetch.close();
      await tdb.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });
    return { registry, routes, statuses };
  }

  it('a start() slower than startTimeoutMs is ERROR and retried; what the late start opens is closed and it is stopped', async () => {
    const state = { starts: 0, stops: 0, latePort: 0, lateError: null as unknown, lateDone: false };
    let timedOut!: () => void;
    const afterTimeout = new Promise<void>((r) => (timedOut = r));
    const slow = defineAdapter({
      type: 'slow',
      version: '1.0.0',
      graphqlPrefix: 'Slow',
      configSchema: base,
      capabilities: [],
      async start(ctx) {
        state.starts += 1;
        if (state.starts === 1) {
          await afterTimeout; // finishes only after the registry gave up on it
          try {
            ctx.route('POST', '/late', ({ res }) => sendJson(res, 200, {}));
            state.latePort = (await ctx.listenTcp({ port: 0, host: '127.0.0.1', onConnection: (s) => s.end() })).port;
          } catch (e) {
            state.lateError = e; // refusing is fine too
          }
          state.lateDone = true;
        }
        return { stop: () => void (state.stops += 1) };
      },
    });
    const { registry, routes, statuses } = await harness({ startTimeoutMs: 100, maxBackoffMs: 50 });
    registry.add(slow, { type: 'slow', id: 's' });
    await registry.startAll();
    expect(statuses.find((s) => s.status === 'ERROR')?.detail).toMatch(/start did not finish within 100 ms/);
    timedOut();
    await waitFor(() => registry.list()[0].status === 'READY', 3000, 'READY after retry');
    expect(state.starts).toBe(2);
    // The abandoned first start finishes later: it must be stopped, and what it opened must not stay open.
    await waitFor(() => state.lateDone, 3000, 'late start finished');
    await waitFor(() => state.stops === 1, 2000, 'late instance stopped');
    if (state.latePort) expect(await tcpOpen(state.latePort)).toBe(false);
    expect(routes.find('POST', '/adapters/slow/s/late')).toBeUndefined();
    expect(registry.list()[0].status).toBe('READY');
  });

  it('a TCP connection reset on an adapter that ignores socket errors does not crash the process', async () => {
    let conns = 0;
    let closed = 0;
    const careless = defineAdapter({
      type: 'careless',
      version: '1.0.0',
      graphqlPrefix: 'Careless',
      configSchema: base,
      capabilities: [],
      async start(ctx) {
        // No 'error' listener of its own (a 'close' one only lets the test see the reset arrive).
        const tcp = await ctx.listenTcp({ port: 0, host: '127.0.0.1', onConnection: (s) => void ((conns += 1), s.once('close', () => (closed += 1))) });
        return { tcpPort: tcp.port, stop: () => {} };
      },
    });
    const { registry } = await harness({});
    registry.add(careless, { type: 'careless', id: 'c' });
    await registry.startAll();
    const port = (registry.find('careless', 'c')!.running as unknown as { tcpPort: number }).tcpPort;
    const client = connect(port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    await waitFor(() => conns === 1, 2000, 'server saw the connection');
    client.resetAndDestroy();
    await waitFor(() => closed === 1, 2000, 'the server side closed by the reset');
    expect(registry.list()[0].status).toBe('READY');
    expect(await tcpOpen(port)).toBe(true);
  });

  it('stopAll() closes routes and listeners and cancels pending retries', async () => {
    const thing = thingAdapter();
    const flaky = flakyAdapter(Infinity);
    const { registry, routes } = await harness({ maxBackoffMs: 20 });
    // Fake timers from here: the retries run when the test advances time, so "none after stopAll" needs no wait.
    vi.useFakeTimers();
    cleanups.push(() => vi.useRealTimers());
    registry.add(thing.def, { type: 'thing', id: 'x' });
    registry.add(flaky.def, { type: 'flaky', id: 'y' });
    await registry.startAll();
    expect(registry.readiness().map((r) => r.phase)).toEqual(['up', 'failed']); // flaky keeps failing and retrying
    expect(routes.find('POST', '/adapters/thing/x/emit')).toBeDefined();
    await vi.advanceTimersByTimeAsync(100);
    expect(flaky.state.starts).toBeGreaterThanOrEqual(3); // a few retries
    await registry.stopAll();
    const startsAtStop = flaky.state.starts;
    expect(routes.find('POST', '/adapters/thing/x/emit')).toBeUndefined();
    expect(await tcpOpen(thing.state.tcpPorts[0])).toBe(false);
    expect(thing.state.stops).toBe(1);
    expect(registry.list().map((i) => [i.status, i.detail])).toEqual([
      ['STOPPED', 'server stopping'],
      ['STOPPED', 'server stopping'],
    ]);
    await vi.advanceTimersByTimeAsync(60_000); // far past any retry delay
    expect(flaky.state.starts).toBe(startsAtStop);
  });
});
