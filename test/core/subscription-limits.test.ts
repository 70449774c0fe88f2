/**
 * Subscription bounds over real sockets: graphql-ws sockets per API key (4430 at connection_init),
 * operations per socket (LIMIT_EXCEEDED for that operation only), concurrent log replays (the
 * others wait their turn), SSE streams per API key (429 LIMIT_EXCEEDED beyond, others unaffected, a
 * freed slot usable), and an SSE subscriber that stops reading (closed after slowConsumerSec, its
 * subscription ended).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import WebSocket from 'ws';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { CLOSE_TOO_MANY_SOCKETS } from '../../src/core/http/ws.ts';

const KEYS = { a: 'key-a-0123456789abcdef', b: 'key-b-0123456789abcdef', c: 'key-c-0123456789abcdef' };
const LIVE = 'subscription($after: String) { events(after: $after) { seq } }';

interface RawWs {
  ws: WebSocket;
  /** 'ack', or the close code when the server closed it first. */
  outcome: Promise<'ack' | number>;
  messages: Array<Record<string, any>>;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
}

/** A graphql-transport-ws client by hand, so each frame and close code is visible. */
function rawWs(url: string, key: string): RawWs {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: Array<Record<string, any>> = [];
  ws.on('error', () => undefined);
  const outcome = new Promise<'ack' | number>((resolve) => {
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      messages.push(m);
      if (m.type === 'connection_ack') resolve('ack');
    });
    ws.once('close', (code) => resolve(code));
  });
  ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${key}` } })));
  return {
    ws,
    outcome,
    messages,
    subscribe: (id, query, variables = {}) => ws.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } })),
  };
}
const closedWs = (ws: WebSocket) => (ws.readyState === ws.CLOSED ? Promise.resolve() : new Promise<void>((r) => ws.once('close', () => r())));

describe('subscription limits', () => {
  let t: TestApp;
  const activeSubscriptions = async () => (await t.app.metrics.subscriptions.get()).values.reduce((a, v) => a + v.value, 0);
  const latestSeq = async () => Number((await t.gql('{ events(first: 1) { edges { node { seq } } } }', undefined, { authorization: `Bearer ${KEYS.a}` })).data.events.edges[0].node.seq);
  let n = 0;
  const post = async (count: number, over: Record<string, unknown> = {}) => {
    for (let i = 0; i < count; i++) expect((await postFf(t.url, ffJson(n++, over))).status).toBe(200);
  };

  beforeAll(async () => {
    t = await startTestApp({
      config: {
        auth: { apiKeys: Object.values(KEYS).map((key) => ({ key, scopes: ['events:read'] })) },
        adapters: [{ type: 'ff', id: 'default' }],
        limits: { wsMaxSocketsPerKey: 2, sseMaxStreamsPerKey: 2, wsMaxOperationsPerSocket: 2, maxConcurrentReplays: 2, slowConsumerSec: 1 },
      },
    });
    await post(5);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a third socket of one API key is closed with 4430 at connection_init; other keys are unaffected; a freed slot is usable', async () => {
    const a1 = rawWs(t.url, KEYS.a);
    const a2 = rawWs(t.url, KEYS.a);
    expect(await Promise.all([a1.outcome, a2.outcome])).toEqual(['ack', 'ack']);
    const a3 = rawWs(t.url, KEYS.a);
    expect(await a3.outcome).toBe(CLOSE_TOO_MANY_SOCKETS);
    const b1 = rawWs(t.url, KEYS.b);
    expect(await b1.outcome).toBe('ack');

    a1.ws.close();
    await closedWs(a1.ws);
    const a4 = rawWs(t.url, KEYS.a);
    expect(await a4.outcome).toBe('ack');
    for (const c of [a2, b1, a4]) c.ws.close();
    await Promise.all([a2, b1, a4].map((c) => closedWs(c.ws)));
  });

  it('an operation beyond wsMaxOperationsPerSocket gets LIMIT_EXCEEDED for itself only; the others go on', async () => {
    const c = rawWs(t.url, KEYS.a);
    expect(await c.outcome).toBe('ack');
    c.subscribe('1', LIVE);
    c.subscribe('2', LIVE);
    c.subscribe('3', LIVE);
    await waitFor(() => c.messages.some((m) => m.id === '3'), 5000, 'answer to the third');
    const third = c.messages.find((m) => m.id === '3')!;
    expect(third.type).toBe('error');
    expect(third.payload.map((e: any) => e.extensions?.code)).toEqual(['LIMIT_EXCEEDED']);

    await waitFor(async () => (await activeSubscriptions()) >= 2, 5000, 'two subscriptions');
    await post(1);
    await waitFor(() => ['1', '2'].every((id) => c.messages.some((m) => m.id === id && m.type === 'next')), 5000, 'events on 1 and 2');
    expect(c.ws.readyState).toBe(WebSocket.OPEN);

    // Completing one frees its place.
    c.ws.send(JSON.stringify({ id: '1', type: 'complete' }));
    c.subscribe('4', LIVE);
    await waitFor(async () => (await activeSubscriptions()) >= 2 && !c.messages.some((m) => m.id === '4' && m.type === 'error'), 5000, 'fourth subscribed');
    await post(1);
    await waitFor(() => c.messages.some((m) => m.id === '4' && m.type === 'next'), 5000, 'event on 4');
    expect(c.messages.filter((m) => m.type === 'error').map((m) => m.id)).toEqual(['3']);
    c.ws.close();
    await closedWs(c.ws);
    await waitFor(async () => (await activeSubscriptions()) === 0, 5000, 'subscriptions ended');
  });

  it('an SSE stream beyond sseMaxStreamsPerKey gets 429 LIMIT_EXCEEDED; other keys are unaffected; a freed slot is usable', async () => {
    await waitFor(async () => (await activeSubscriptions()) === 0, 5000, 'no subscriptions');
    const open = (key: string) => {
      const ctl = new AbortController();
      const res = fetch(`${t.url}/graphql`, {
        method: 'POST',
        signal: ctl.signal,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: LIVE }),
      });
      return { res, close: () => ctl.abort() };
    };
    const a1 = open(KEYS.a);
    const a2 = open(KEYS.a);
    expect([(await a1.res).status, (await a2.res).status]).toEqual([200, 200]);
    await waitFor(async () => (await activeSubscriptions()) === 2, 5000, 'two SSE subscriptions');
    const a3 = await open(KEYS.a).res;
    expect(a3.status).toBe(429);
    expect((await a3.json()).errors[0].extensions.code).toBe('LIMIT_EXCEEDED');
    const b1 = open(KEYS.b);
    expect((await b1.res).status).toBe(200);
    await waitFor(async () => (await activeSubscriptions()) === 3, 5000, 'three SSE subscriptions');

    a1.close();
    await waitFor(async () => (await activeSubscriptions()) === 2, 5000, 'a1 ended');
    const a4 = open(KEYS.a);
    expect((await a4.res).status).toBe(200);
    for (const s of [a2, b1, a4]) s.close();
    await waitFor(async () => (await activeSubscriptions()) === 0, 5000, 'SSE subscriptions ended');
  });

  it('replays beyond maxConcurrentReplays wait their turn, then deliver everything', async () => {
    const last = await latestSeq();
    // Two replays that hold their slot: each took one event of a page it has not finished.
    const holders = [t.app.services.subscribeEvents(null, 0n)[Symbol.asyncIterator](), t.app.services.subscribeEvents(null, 0n)[Symbol.asyncIterator]()];
    for (const h of holders) expect(Number((await h.next()).value!.seq)).toBe(1);

    const c = rawWs(t.url, KEYS.c);
    expect(await c.outcome).toBe('ack');
    c.subscribe('r', LIVE, { after: '0' });
    await waitFor(async () => (await t.app.metrics.replaysWaiting.get()).values[0]?.value === 1, 5000, 'the socket replay waiting');
    expect(c.messages.filter((m) => m.type === 'next')).toEqual([]);

    await holders[0].return!();
    await waitFor(() => c.messages.filter((m) => m.type === 'next').length >= last, 10_000, 'the replay after its turn');
    expect(c.messages.filter((m) => m.type === 'next').map((m) => Number(m.payload.data.events.seq))).toEqual(Array.from({ length: last }, (_, i) => i + 1));
    expect((await t.app.metrics.replaysWaiting.get()).values[0]?.value).toBe(0);
    await holders[1].return!();
    c.ws.close();
    await closedWs(c.ws);
  });

  it('an SSE subscriber that stops reading is closed after slowConsumerSec and its subscription ends', async () => {
    await waitFor(async () => (await activeSubscriptions()) === 0, 5000, 'no subscriptions');
    const slowBefore = (await t.app.metrics.slowClosed.get()).values[0]?.value ?? 0;
    const aliases = Array.from({ length: 12 }, (_, k) => `r${k}: raw`).join(' ');
    const body = JSON.stringify({ query: `subscription { events { seq ${aliases} } }` });
    const req = http.request(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${KEYS.b}` } });
    req.on('error', () => undefined);
    const response = new Promise<http.IncomingMessage>((resolve) => req.once('response', resolve));
    req.end(body);
    const res = await response;
    expect(res.headers['content-type']).toContain('text/event-stream');
    res.on('error', () => undefined);
    res.pause(); // never reads: the kernel buffers fill, then the server's writes wait
    const ended = new Promise<void>((r) => res.socket.once('close', () => r()));
    await waitFor(async () => (await activeSubscriptions()) === 1, 5000, 'SSE subscription active');

    // ~360 KB frames (12 × a 30 KB `raw`) until the server gives up on it.
    let posting = true;
    const load = (async () => {
      while (posting) await post(5, { pad: 'x'.repeat(30_000) });
    })();
    await waitFor(async () => (await t.app.metrics.slowClosed.get()).values[0]?.value === slowBefore + 1, 15_000, 'the stalled SSE response closed');
    posting = false;
    await load;
    res.resume(); // reading again, it finds the end behind what was in flight
    await ended;
    await waitFor(async () => (await activeSubscriptions()) === 0, 5000, 'the SSE subscription ended');
  });
});
