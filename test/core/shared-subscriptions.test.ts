/**
 * Shared fan-out of `subscription { events }` over graphql-ws: subscribers of the same operation
 * and variables share one execution and one serialisation per event, yet each keeps its own
 * events, order, buffer and backpressure; scopes and error masking still apply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import WebSocket from 'ws';
import { parse } from 'graphql';
import { defineAdapter, readJsonBody, sendJson } from '../../src/sdk.ts';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { isSharedOperation, sharedOperationKey } from '../../src/core/http/shared-subscriptions.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { drivers } from '../helpers/db.ts';
import { collect, wsClient } from '../helpers/ws-client.ts';

const READ = 'read-only-key-0123456789';
const WRITE = 'write-only-key-0123456789';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

/** Executions of the `executions` field per event seq: one per execution of a subscription on that event. */
const executions = new Map<string, number>();
const counted = defineAdapter({
  type: 'counted',
  version: '1.0.0',
  graphqlPrefix: 'Counted',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (_b, refs) =>
    void refs.eventType('CountedTestEvent', {
      fields: (t) => ({
        executions: t.int({
          resolve: (ev) => {
            const n = (executions.get(ev.seq.toString()) ?? 0) + 1;
            executions.set(ev.seq.toString(), n);
            return n;
          },
        }),
        failing: t.string({
          nullable: true,
          resolve: () => {
            throw new Error('relation "secret_table" does not exist');
          },
        }),
      }),
    }),
  start(ctx) {
    ctx.route('POST', '/emit', async ({ req, res }) => {
      const body = (await readJsonBody(req, 1_000_000)) as { key: string; kind: 'CUSTOM' | 'ANALYTICS_ALERT' };
      const r = await ctx.publish({ typeName: 'CountedTestEvent', kind: body.kind, vendorType: 'counted', occurredAt: new Date(), dedupeKey: body.key, raw: body });
      sendJson(res, 200, { seq: r.seq.toString() });
    });
    return { stop: () => {} };
  },
});

const COUNTED = 'subscription Counted($filter: EventFilter) { events(filter: $filter) { seq kind ... on CountedTestEvent { executions } } }';
type Row = { events: { seq: string; kind: string; executions: number } };

const emit = async (t: TestApp, key: string, kind = 'CUSTOM', pad = '') => {
  const r = await fetch(`${t.url}/adapters/counted/c1/emit`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, kind, pad }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { seq: string }).seq;
};
const activeEventSubscriptions = async (t: TestApp) => (await t.app.metrics.subscriptions.get()).values.find((v) => v.labels.field === 'events')?.value ?? 0;
const metric = async (t: TestApp, name: string) => Number((await (await fetch(`${t.url}/metrics`)).text()).match(new RegExp(`^${name} (\\d+)`, 'm'))?.[1] ?? 0);

describe('which operations share', () => {
  it('a subscription whose only root field is events; the key ignores variable key order and includes scopes', () => {
    expect(isSharedOperation(parse('subscription { events { seq } }'))).toBe(true);
    expect(isSharedOperation(parse('subscription S { live: events(after: "3") { seq } }'), 'S')).toBe(true);
    expect(isSharedOperation(parse('subscription { events @include(if: true) { seq } }'))).toBe(false);
    expect(isSharedOperation(parse('subscription { ffPlateTrackUpdated { trackId } }'))).toBe(false);
    expect(isSharedOperation(parse('query { events(first: 1) { edges { cursor } } }'))).toBe(false);
    const read = { open: false, scopes: new Set(['events:read'] as const) };
    const q = 'subscription { events { seq } }';
    expect(sharedOperationKey(q, null, { a: 1, b: { c: 2, d: 3 } }, read)).toBe(sharedOperationKey(q, undefined, { b: { d: 3, c: 2 }, a: 1 }, read));
    expect(sharedOperationKey(q, null, undefined, read)).toBe(sharedOperationKey(q, null, {}, read));
    expect(sharedOperationKey(q, null, { a: 1 }, read)).not.toBe(sharedOperationKey(q, null, { a: 2 }, read));
    expect(sharedOperationKey(q, null, {}, read)).not.toBe(sharedOperationKey(q, null, {}, { open: true, scopes: new Set() }));
    expect(sharedOperationKey(q, null, {}, read)).not.toBe(sharedOperationKey(q, null, {}, { open: false, scopes: new Set(['streams'] as const) }));
  });
});

for (const driver of drivers) {
  describe(`shared subscriptions (${driver.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({
        db: await driver.open(),
        adapters: [...builtInAdapters, counted],
        config: {
          auth: {
            apiKeys: [
              { key: READ, scopes: ['events:read'] },
              { key: WRITE, scopes: ['events:write'] },
            ],
          },
          adapters: [{ type: 'counted', id: 'c1' }],
          limits: { subscriberBuffer: 10 },
        },
      });
    });
    afterAll(async () => {
      await t.close();
      await t.db.cleanup();
    });

    it('20 subscribers of one operation and 5 of another get exactly their events in order; each event executes once per operation', async () => {
      executions.clear();
      const all = { filter: { adapters: ['counted'] } };
      const alerts = [{ filter: { adapters: ['counted'], kinds: ['ANALYTICS_ALERT'] } }, { filter: { kinds: ['ANALYTICS_ALERT'], adapters: ['counted'] } }];
      const clients = Array.from({ length: 25 }, () => wsClient(t.url, bearer(READ)));
      const N = 30;
      const got = clients.map((c, i) => collect<Row>(c, COUNTED, i < 20 ? all : alerts[i % 2], i < 20 ? N : N / 3));
      await waitFor(async () => (await activeEventSubscriptions(t)) === 25, 10_000, '25 subscriptions');

      const seqs: string[] = [];
      for (let i = 0; i < N; i++) seqs.push(await emit(t, `shared-${i}`, i % 3 === 2 ? 'ANALYTICS_ALERT' : 'CUSTOM'));
      const rows = await Promise.all(got);
      const alertSeqs = seqs.filter((_, i) => i % 3 === 2);
      for (let i = 0; i < 25; i++) expect(rows[i].map((r) => r.events.seq)).toEqual(i < 20 ? seqs : alertSeqs);
      for (const r of rows[24]) expect(r.events.kind).toBe('ANALYTICS_ALERT');
      // Executed once per distinct operation: 2 for alerts (both operations), 1 for the rest.
      expect(seqs.map((s) => executions.get(s))).toEqual(seqs.map((_, i) => (i % 3 === 2 ? 2 : 1)));
      // …and every sharer got the bytes of that one execution.
      for (let i = 1; i < 20; i++) expect(rows[i]).toEqual(rows[0]);
      for (let i = 21; i < 25; i++) expect(rows[i]).toEqual(rows[20]);

      await Promise.all(clients.map((c) => c.dispose()));
      await waitFor(async () => (await activeEventSubscriptions(t)) === 0, 5000, 'sources closed');
    });

    it('a stalled sharer does not delay the others; it falls behind on its own', async () => {
      const query = 'subscription Big { events(filter: { adapters: ["counted"] }) { seq raw ... on CountedTestEvent { executions } } }';
      const healthy = wsClient(t.url, bearer(READ));
      const N = 200;
      const healthyGot = collect<{ events: { seq: string; executions: number } }>(healthy, query, {}, N);

      const stalled = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
      const stalledSeqs: string[] = [];
      const stalledExecutions: number[] = [];
      stalled.on('message', (data) => {
        const m = JSON.parse(String(data));
        if (m.type === 'connection_ack') stalled.send(JSON.stringify({ id: 's', type: 'subscribe', payload: { query, variables: {} } }));
        if (m.type === 'next') {
          stalledSeqs.push(m.payload.data.events.seq);
          stalledExecutions.push(m.payload.data.events.executions);
          (stalled as unknown as { _socket: { pause(): void } })._socket.pause();
        }
      });
      stalled.on('open', () => stalled.send(JSON.stringify({ type: 'connection_init', payload: bearer(READ) })));
      await waitFor(async () => (await activeEventSubscriptions(t)) === 2, 5000, 'two subscriptions');
      const overflowsBefore = await metric(t, 'subscription_overflows_total');

      const pad = 'x'.repeat(60_000);
      const seqs: string[] = [];
      for (let i = 0; i < N; i++) seqs.push(await emit(t, `big-${i}`, 'CUSTOM', pad));
      const rows = await healthyGot;
      expect(rows.map((r) => r.events.seq)).toEqual(seqs);
      // One execution per event, the first one shared by both.
      expect(rows.every((r) => r.events.executions === 1)).toBe(true);
      expect(stalledExecutions[0]).toBe(1);
      // The stalled one is still connected (not closed for being slow yet), took only the start, in order…
      expect(stalled.readyState).toBe(WebSocket.OPEN);
      expect(stalledSeqs.length).toBeGreaterThan(0);
      expect(stalledSeqs.length).toBeLessThan(N);
      expect(stalledSeqs).toEqual(seqs.slice(0, stalledSeqs.length));
      // …and its own buffer overflowed (it will catch up from the log), not the healthy one's.
      expect(await metric(t, 'subscription_overflows_total')).toBeGreaterThan(overflowsBefore);

      await healthy.dispose();
      stalled.terminate();
      await waitFor(async () => (await activeEventSubscriptions(t)) === 0, 5000, 'sources closed');
    });

    it('checks scopes per subscriber: a key without events:read is refused even when the operation is already shared', async () => {
      const reader = wsClient(t.url, bearer(READ));
      const readerGot = collect<Row>(reader, COUNTED, {}, 1);
      await waitFor(async () => (await activeEventSubscriptions(t)) === 1, 5000, 'reader subscribed');
      const writer = wsClient(t.url, bearer(WRITE));
      const refused = await collect(writer, COUNTED, {}, 1).then(
        () => 'subscribed',
        (e: unknown) => String(e instanceof Error ? e.message : JSON.stringify(e)),
      );
      expect(refused).toContain('FORBIDDEN');
      const seq = await emit(t, 'scoped');
      expect((await readerGot).map((r) => r.events.seq)).toEqual([seq]);
      await Promise.all([reader.dispose(), writer.dispose()]);
    });

    it('masks a resolver error once for all sharers (same error id, no internals)', async () => {
      const query = 'subscription { events(filter: { adapters: ["counted"] }) { seq ... on CountedTestEvent { failing } } }';
      const clients = [0, 1, 2].map(() => wsClient(t.url, bearer(READ)));
      const got = clients.map(
        (c) =>
          new Promise<{ errors?: Array<{ message: string; extensions?: { code?: string; errorId?: string } }> }>((resolve, reject) => {
            const stop = c.subscribe({ query }, { next: (r) => (resolve(r as never), stop()), error: reject, complete: () => undefined });
          }),
      );
      await waitFor(async () => (await activeEventSubscriptions(t)) === 3, 5000, 'three subscriptions');
      await emit(t, 'failing');
      const results = await Promise.all(got);
      const e = results[0].errors?.[0];
      expect(e?.extensions?.code).toBe('INTERNAL');
      expect(e?.message).not.toContain('secret_table');
      for (const r of results) expect(r.errors?.[0].extensions?.errorId).toBe(e?.extensions?.errorId);
      await Promise.all(clients.map((c) => c.dispose()));
    });
  });
}
