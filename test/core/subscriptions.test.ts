/**
 * Live subscriptions: replay after a seq then live with no gap and no duplicate; bounded memory for
 * slow subscribers (catch-up from the log, 4429 for a stalled socket, resume with `after`); SSE.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { print } from 'graphql';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { eventSubscriptions } from '../helpers/subscriptions.ts';
import { drivers } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';
import { LiveEventsDocument } from '../generated/graphql.ts';

const LIVE = print(LiveEventsDocument);
const postMany = async (t: TestApp, from: number, n: number, over: Record<string, unknown> = {}) => {
  for (let i = from; i < from + n; i += 20) {
    const batch = [];
    for (let j = i; j < Math.min(from + n, i + 20); j++) batch.push(postFf(t.url, ffJson(j, over)));
    const rs = await Promise.all(batch);
    for (const r of rs) expect(r.status).toBe(200);
  }
};
const seqsOf = (rows: Array<{ events: { seq: string } }>) => rows.map((r) => Number(r.events.seq));
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => a + i);

for (const driver of drivers) {
  describe(`subscriptions (${driver.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        db: await driver.open(),
        config: { adapters: [{ type: 'ff', id: 'default' }], limits: { subscriberBuffer: 10, slowConsumerSec: 1 } },
      });
    });
    afterAll(async () => {
      await t.close();
      await t.db.cleanup();
    });

    it('replays after a seq, then continues live: no gap, no duplicate at the seam', async () => {
      await postMany(t, 0, 30);
      const client = wsClient(t.url);
      const got = collect(client, LIVE, { after: '10' }, 60);
      await postMany(t, 30, 40); // concurrently with the replay
      const rows = await got;
      await client.dispose();
      expect(seqsOf(rows as never)).toEqual(range(11, 70));
    });

    it('a subscriber that does not read keeps at most its buffer, then catches up from the log without loss', async () => {
      const it = t.app.services.subscribeEvents(null, null)[Symbol.asyncIterator]() as AsyncIterator<{ seq: bigint }> & { buffered: number };
      const before = Number((await t.gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges[0].node.seq);
      await postMany(t, 1000, 120);
      expect(it.buffered).toBeLessThanOrEqual(10);
      const seen: number[] = [];
      for (let i = 0; i < 120; i++) seen.push(Number((await it.next()).value.seq));
      await it.return!();
      expect(seen).toEqual(range(before + 1, before + 120));
      const metrics = await (await fetch(`${t.url}/metrics`)).text();
      expect(metrics).toMatch(/subscription_overflows_total [1-9]/);
    });

    it('filters live events exactly like the stored query', async () => {
      const client = wsClient(t.url);
      const got = collect<{ events: { plate: string } }>(client, LIVE, { filter: { plate: 'S000*' } }, 3);
      await waitFor(() => t.app.metrics.subscriptions.get().then((m) => m.values.some((v) => v.value > 0)), 5000, 'subscription');
      await postMany(t, 2000, 5, {}); // plates T002000.. do not match
      for (let i = 0; i < 3; i++) expect((await postFf(t.url, ffJson(4000 + i, { plateText: `S-000 ${i}` }))).status).toBe(200);
      const rows = await got;
      await client.dispose();
      expect(rows.map((r) => r.events.plate)).toEqual(['S-000 0', 'S-000 1', 'S-000 2']);
    });

    it('filters live events by vendorTypes (with kinds) like the stored query and the replay', async () => {
      const active = () => eventSubscriptions(t.app);
      await waitFor(async () => (await active()) === 0, 10_000, 'earlier subscriptions closed');
      const filter = { vendorTypes: ['lost'], kinds: ['PLATE_READ'] };
      const client = wsClient(t.url);
      const got = collect<{ events: { seq: string; plate: string } }>(client, LIVE, { filter }, 2);
      await waitFor(async () => (await active()) === 1, 10_000, 'the subscription listening');
      // FF's vendorType is the carState: new (the default), update, lost.
      const states = ['new', 'lost', 'update', 'new', 'lost'];
      for (const [i, carState] of states.entries()) expect((await postFf(t.url, ffJson(6000 + i, { carState, plateText: `V-${i}` }))).status).toBe(200);
      const rows = await got;
      await client.dispose();
      expect(rows.map((r) => r.events.plate)).toEqual(['V-1', 'V-4']);
      const stored = await t.gql('query($f: EventFilter) { events(filter: $f) { edges { node { seq } } } }', { f: filter });
      expect(stored.data.events.edges.map((e: { node: { seq: string } }) => e.node.seq).reverse()).toEqual(rows.map((r) => r.events.seq));
      const replayClient = wsClient(t.url);
      const replayed = await collect<{ events: { seq: string } }>(replayClient, LIVE, { filter, after: '0' }, 2);
      await replayClient.dispose();
      expect(replayed.map((r) => r.events.seq)).toEqual(rows.map((r) => r.events.seq));
    });

    it('closes a stalled WebSocket with 4429 while others get everything; it resumes with after', async () => {
      const healthy = wsClient(t.url);
      const start = Number((await t.gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges[0].node.seq);
      const N = 400;
      const healthyGot = collect(healthy, LIVE, {}, N);

      // A raw graphql-transport-ws client that stops reading after the first event.
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      let lastSeq = 0;
      const acked = new Promise<void>((resolve) => {
        ws.on('message', (data) => {
          const m = JSON.parse(String(data));
          if (m.type === 'connection_ack') {
            ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { events { seq raw } }' } }));
            resolve();
          }
          if (m.type === 'next') {
            lastSeq = Number(m.payload.data.events.seq);
            (ws as unknown as { _socket: { pause(): void } })._socket.pause();
          }
        });
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
      await acked;
      await waitFor(() => t.app.metrics.subscriptions.get().then((m) => m.values.reduce((a, v) => a + v.value, 0) >= 2), 5000, 'two subscriptions');

      await postMany(t, 5000, N, { pad: 'x'.repeat(30_000) });
      const rows = await healthyGot;
      await healthy.dispose();
      expect(seqsOf(rows as never)).toEqual(range(start + 1, start + N));
      await waitFor(async () => /subscription_slow_closed_total [1-9]/.test(await (await fetch(`${t.url}/metrics`)).text()), 20_000, 'slow consumer closed');
      ws.removeAllListeners('message');
      ws.terminate();
      const resumeAfter = lastSeq; // the last event this client actually took
      expect(resumeAfter).toBeGreaterThan(start);
      expect(resumeAfter).toBeLessThan(start + N);

      const resumed = wsClient(t.url);
      const rest = await collect(resumed, LIVE, { after: String(resumeAfter) }, start + N - resumeAfter);
      await resumed.dispose();
      expect(seqsOf(rest as never)).toEqual(range(resumeAfter + 1, start + N));
      expect((await fetch(`${t.url}/health`)).status).toBe(200);
    }, 60_000);

    it('a reader that stops while the kernel still takes its frames is closed 4429 (slow), not cut as dead at the next keepalive', async () => {
      const slowClosed = async () => Number((await (await fetch(`${t.url}/metrics`)).text()).match(/^subscription_slow_closed_total (\d+)/m)?.[1] ?? 0);
      const before = await slowClosed();
      const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      const socket = () => (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      const closeCode = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.on('error', () => undefined);
      let got = 0;
      let firstSeen!: () => void;
      const first = new Promise<void>((r) => (firstSeen = r));
      ws.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.type === 'connection_ack') ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { events { seq } }' } }));
        if (m.type === 'next' && ++got === 1) {
          socket().pause(); // stops reading: what follows stays in the kernel's buffers, the server has nothing unsent
          firstSeen();
        }
      });
      ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init' })));
      await waitFor(async () => (await eventSubscriptions(t.app)) >= 1, 5000, 'subscribed');
      await postMany(t, 7000, 1);
      await first;
      await postMany(t, 7001, 3); // small frames: the kernel takes them at once
      // Keepalive pings go unanswered from here on; the socket is still judged slow, not dead.
      await waitFor(async () => (await slowClosed()) > before, 20_000, 'slow consumer closed');
      socket().resume();
      expect(await closeCode).toBe(4429);
      expect(got).toBe(1 + 3);
    }, 60_000);

    it('streams over SSE too', async () => {
      const active = () => eventSubscriptions(t.app);
      await waitFor(async () => (await active()) === 0, 10_000, 'earlier subscriptions closed');
      const ctrl = new AbortController();
      const res = await fetch(`${t.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ query: 'subscription { events { seq ... on PlateReadEvent { plate } } }' }),
        signal: ctrl.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const reader = res.body!.getReader();
      await waitFor(async () => (await active()) === 1, 10_000, 'the SSE subscription listening');
      await postMany(t, 9000, 2);
      let text = '';
      while ((text.match(/"plate"/g) ?? []).length < 2) text += new TextDecoder().decode((await reader.read()).value);
      ctrl.abort();
      expect(text).toContain('T009000');
      expect(text).toContain('T009001');
    });
  });
}
