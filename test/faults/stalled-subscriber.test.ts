/**
 * One stalled subscriber among healthy ones under load (a real server process, slowConsumerSec: 2):
 * a graphql-ws client whose socket stops reading while events stream in (its frames ~150 KB each). The healthy
 * subscribers get every event (counts, in order), server memory stays bounded (RSS and heap from
 * /metrics before, peak, after), the stalled one is closed with 4429 and, resuming with `after`
 * = the last event it took, receives the rest with no gap and no duplicate.
 */
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { ffJson } from '../helpers/ff-events.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { metricsText, metricValue, proxiedPg, sleep, TEST_DATABASE_URL, type ProxiedPg } from './helpers.ts';

const N = 1500;
const PAD = 'x'.repeat(12_000);
/** The stalled one asks for `raw` 12 times (aliases): its frames are ~150 KB, so a server that kept its backlog would grow by ~220 MB. */
const RAW_ALIASES = 12;
const HEALTHY = 5;
const MB = 1024 * 1024;

describe('one stalled subscriber under load', () => {
  let server: ServerProcess;
  let pg: ProxiedPg | undefined;
  afterAll(async () => {
    await server?.cleanup();
    await pg?.drop();
  });

  it('healthy subscribers get every event, memory stays bounded, the stalled one is closed 4429 and resumes without gap or duplicate', async () => {
    // PostgreSQL when there is one: PGlite's WebAssembly heap (~900 MB RSS) would hide the server's own memory.
    pg = TEST_DATABASE_URL ? await proxiedPg() : undefined;
    server = await startServerProcess({ config: 'adapters:\n  - { type: ff, id: default }\nlimits: { slowConsumerSec: 2, subscriberBuffer: 200 }\n', env: { DATABASE_URL: pg?.directUrl } });
    const base = server.base;
    const memory = async () => {
      const text = await metricsText(base);
      return { rss: metricValue(text, 'process_resident_memory_bytes'), heap: metricValue(text, 'nodejs_heap_size_used_bytes') };
    };
    const activeSubs = async () => metricValue(await metricsText(base), 'subscriptions_active{field="events"}');

    // Healthy subscribers: small frames.
    const clients = Array.from({ length: HEALTHY }, () => wsClient(base));
    const healthy = clients.map((c) => collect<{ events: { seq: string } }>(c, 'subscription { events { seq ... on PlateReadEvent { plate } } }', {}, N));

    // The stalled one: big frames (raw, with its 12 KB pad, 12 times); stops reading after its first event.
    const stalled = new WebSocket(`${base.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
    const stalledSeqs: number[] = [];
    let closeCode = 0;
    const rawSocket = () => (stalled as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    stalled.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'connection_ack')
        stalled.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query: `subscription { events { seq ${Array.from({ length: RAW_ALIASES }, (_, k) => `r${k}: raw`).join(' ')} } }` } }));
      if (m.type === 'next') {
        stalledSeqs.push(Number(m.payload.data.events.seq));
        if (stalledSeqs.length === 1) rawSocket().pause();
      }
    });
    const closed = new Promise<void>((r) => stalled.once('close', (code) => ((closeCode = code), r())));
    stalled.on('error', () => undefined);
    stalled.on('open', () => stalled.send(JSON.stringify({ type: 'connection_init' })));
    await waitFor(async () => (await activeSubs()) === HEALTHY + 1, 15_000, 'all subscriptions active');
    const before = await memory();

    // Load: N events of ~12 KB, 8 at a time; memory sampled meanwhile.
    const peak = { ...before };
    let loading = true;
    const sampler = (async () => {
      while (loading) {
        const m = await memory().catch(() => null);
        if (m) {
          peak.rss = Math.max(peak.rss, m.rss);
          peak.heap = Math.max(peak.heap, m.heap);
        }
        await sleep(300);
      }
    })();
    // The server gives up on the stalled one (4429) while the load goes on; once the client reads
    // again (at once: the server cuts the connection 1 s after the close frame) it finds the close
    // frame behind what was already in flight to it.
    let takenBeforeClose = -1;
    const slowClosed = (async () => {
      await waitFor(async () => metricValue(await metricsText(base), 'subscription_slow_closed_total') >= 1, 30_000, 'slow consumer closed');
      takenBeforeClose = stalledSeqs.length;
      rawSocket().resume();
    })();
    const ackedSeqs: number[] = [];
    let next = 0;
    const started = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < N) {
          const i = next++;
          const r = await fetch(`${base}/adapters/ff/default/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(ffJson(i, { carID: `s${i}`, sensorProviderID: 'STALL', pad: PAD })),
          });
          expect(r.status).toBe(200);
          ackedSeqs.push(Number(((await r.json()) as { seq: string }).seq));
        }
      }),
    );
    const loadMs = Date.now() - started;
    const rows = await Promise.all(healthy);
    await Promise.all(clients.map((c) => c.dispose()));
    ackedSeqs.sort((a, b) => a - b);
    const healthyOk = rows.map((r) => JSON.stringify(r.map((x) => Number(x.events.seq))) === JSON.stringify(ackedSeqs));

    await slowClosed;
    await closed;
    loading = false;
    await sampler;
    const after = await memory();
    const lastSeq = stalledSeqs.at(-1)!;

    // Resume with `after` = the last event it took.
    const resumed = wsClient(base);
    const rest = await collect<{ events: { seq: string } }>(resumed, 'subscription($a: String) { events(after: $a) { seq } }', { a: String(lastSeq) }, ackedSeqs.filter((s) => s > lastSeq).length);
    await resumed.dispose();
    const combined = [...stalledSeqs, ...rest.map((r) => Number(r.events.seq))];
    const gaps = ackedSeqs.filter((s) => !combined.includes(s)).length;
    const dupes = combined.length - new Set(combined).size;

    const stalledVolumeMb = (N * PAD.length * RAW_ALIASES) / MB;
    console.log(
      `stalled-subscriber(${pg ? 'postgres' : 'pglite'}): events=${N} x ${PAD.length / 1000} KB in ${loadMs}ms, healthy=${HEALTHY} got ${rows.map((r) => r.length).join('/')} (all in order: ${healthyOk.every(Boolean) ? 'yes' : 'NO'}), ` +
        `stalled took ${takenBeforeClose} before the close, ${stalledSeqs.length} incl. in flight, close=${closeCode}, resumed after=${lastSeq} got ${rest.length}, gaps=${gaps}, duplicates=${dupes}; ` +
        `server RSS ${(before.rss / MB).toFixed(0)} → peak ${(peak.rss / MB).toFixed(0)} → ${(after.rss / MB).toFixed(0)} MB, heap ${(before.heap / MB).toFixed(0)} → peak ${(peak.heap / MB).toFixed(0)} → ${(after.heap / MB).toFixed(0)} MB ` +
        `(the stalled one's share of the stream: ${stalledVolumeMb.toFixed(0)} MB)`,
    );
    expect(healthyOk).toEqual(Array(HEALTHY).fill(true));
    expect(closeCode).toBe(4429);
    expect(takenBeforeClose).toBeLessThan(N);
    expect(gaps).toBe(0);
    expect(dupes).toBe(0);
    // Bounded: the server did not keep the stalled subscriber's backlog.
    expect(peak.heap - before.heap).toBeLessThan(stalledVolumeMb * MB * 0.5);
    expect(peak.rss - before.rss).toBeLessThan(stalledVolumeMb * MB * 0.5);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});
