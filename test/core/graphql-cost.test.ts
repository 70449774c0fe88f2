/**
 * No request may take the server down (issue 11): the query cost limit (page sizes multiplied
 * down the tree, core and adapter fields, through fragments and variables), the bound on list
 * arguments, execution cancelled when the HTTP client goes away, and over graphql-ws a limit error
 * that answers one operation while the socket and its subscriptions live on. Auth on and off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { Client } from 'graphql-ws';
import { defineAdapter } from '../../src/sdk.ts';
import { ffAdapter } from '../../src/adapters/ff/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { wsClient } from '../helpers/ws-client.ts';

const READ = 'read-only-key-0123456789';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const LIMITS = { maxCost: 2000, maxListItems: 5 };

/** A chain of fields, each waiting for the test to open the gate: shows whether execution goes on. */
const chain = {
  calls: 0,
  ctx: null as null | { request?: Request },
  open: () => {},
  gate: Promise.resolve(),
  close() {
    this.gate = new Promise<void>((r) => (this.open = r));
  },
};
const chainAdapter = defineAdapter({
  type: 'chain',
  version: '1.0.0',
  graphqlPrefix: 'Chain',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (builder) => {
    const Step = builder.objectRef<{ n: number }>('ChainStep');
    Step.implement({
      fields: (t) => ({
        n: t.exposeInt('n'),
        next: t.field({
          type: Step,
          resolve: async (s, _a, ctx) => {
            chain.calls += 1;
            chain.ctx = ctx as never;
            await chain.gate;
            return { n: s.n + 1 };
          },
        }),
      }),
    });
    builder.queryField('chainStart', (t) => t.field({ type: Step, resolve: () => ({ n: 0 }) }));
  },
  start: () => ({ stop: () => {} }),
});
const adapters = [ffAdapter, chainAdapter];

const NESTED = '{ events(first: 100) { edges { node { camera { events(first: 100) { edges { node { seq } } } } } } } }';
const code = (r: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => r.errors?.[0]?.extensions?.code;

function costCases(name: string, headers: () => Record<string, string>, app: () => TestApp) {
  describe(name, () => {
    it('refuses an operation whose page sizes multiply past maxCost, before anything runs, with the cost in extensions', async () => {
      const t = app();
      const r = await t.gql(NESTED, undefined, headers());
      expect(code(r)).toBe('BAD_USER_INPUT');
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0].extensions!.maxCost).toBe(LIMITS.maxCost);
      expect(r.errors![0].extensions!.cost as number).toBeGreaterThan(LIMITS.maxCost);
      // Smaller pages of the same shape are fine.
      const small = await t.gql(NESTED.replaceAll('first: 100', 'first: 5'), undefined, headers());
      expect(small.errors).toBeUndefined();
      expect(small.data.events.edges.length).toBeGreaterThan(0);
    });

    it('counts page sizes given as variables, selections inside fragments, and adapter-added list fields', async () => {
      const t = app();
      const viaVariable = await t.gql('query($n: Int) { events(first: $n) { edges { node { camera { events(first: $n) { edges { node { seq } } } } } } } }', { n: 100 }, headers());
      expect(code(viaVariable)).toBe('BAD_USER_INPUT');
      expect(viaVariable.errors![0].extensions!.cost as number).toBeGreaterThan(LIMITS.maxCost);
      expect((await t.gql('query($n: Int) { events(first: $n) { edges { node { seq } } } }', { n: 100 }, headers())).errors).toBeUndefined();
      // Costs are remembered per document and page-size values (cost-cache.ts): the same text with other values is costed anew.
      const nested = 'query($n: Int, $f: EventFilter) { events(first: $n, filter: $f) { edges { node { camera { events(first: $n) { edges { node { seq } } } } } } } }';
      for (const [n, refused] of [
        [5, false],
        [100, true],
        [5, false],
        [100, true],
      ] as const) {
        const r = await t.gql(nested, { n, f: { kinds: ['PLATE_READ'] } }, headers());
        expect(code(r)).toBe(refused ? 'BAD_USER_INPUT' : undefined);
      }
      // A filter that does not coerce is not costed; the same page sizes with a valid filter still are.
      expect(code(await t.gql(nested, { n: 100, f: { kinds: ['NOT_A_KIND'] } }, headers()))).toBe('BAD_USER_INPUT');
      expect((await t.gql(nested, { n: 100, f: { kinds: ['MOTION_STARTED'] } }, headers())).errors![0].extensions!.cost as number).toBeGreaterThan(LIMITS.maxCost);

      const viaFragment = await t.gql('{ events(first: 100) { edges { node { ...F } } } } fragment F on Event { camera { events(first: 5) { edges { node { seq } } } } }', undefined, headers());
      expect(code(viaFragment)).toBe('BAD_USER_INPUT');
      expect(viaFragment.errors![0].extensions!.cost as number).toBeGreaterThan(LIMITS.maxCost);

      // ffPlateTracks (an FF adapter field): `first` tracks, each with a list of events.
      const tracks = (n: number) => `{ ffPlateTracks(first: ${n}) { trackId events { seq kind vendorType occurredAt } } }`;
      expect((await t.gql(tracks(50), undefined, headers())).errors).toBeUndefined();
      const many = await t.gql(tracks(100), undefined, headers());
      expect(code(many)).toBe('BAD_USER_INPUT');
      expect(many.errors![0].extensions!.cost as number).toBeGreaterThan(LIMITS.maxCost);
    });

    it('still names the argument when a page is out of range (its own error comes first)', async () => {
      const r = await app().gql('{ events(first: 5000) { edges { node { seq } } } }', undefined, headers());
      expect(code(r)).toBe('BAD_USER_INPUT');
      expect(r.errors![0].extensions!.cost).toBeUndefined();
    });

    it('bounds every list argument: nodes(ids:), filter lists inline and in variables', async () => {
      const t = app();
      const ids = (n: number) => Array.from({ length: n }, (_, i) => encodeGlobalID('FfPlateEvent', String(i + 1)));
      const ok = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(LIMITS.maxListItems) }, headers());
      expect(ok.errors).toBeUndefined();
      expect(ok.data.nodes).toHaveLength(LIMITS.maxListItems);
      const tooMany = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(LIMITS.maxListItems + 1) }, headers());
      expect(code(tooMany)).toBe('BAD_USER_INPUT');
      expect(tooMany.errors![0].extensions).toMatchObject({ listItems: LIMITS.maxListItems + 1, maxListItems: LIMITS.maxListItems });
      expect(tooMany.data ?? null).toBeNull();

      const inline = await t.gql('{ events(first: 1, filter: { cameraIds: ["a", "b", "c", "d", "e", "f"] }) { edges { cursor } } }', undefined, headers());
      expect(code(inline)).toBe('BAD_USER_INPUT');
      const nested = await t.gql('query($f: EventFilter) { events(first: 1, filter: $f) { edges { cursor } } }', { f: { adapters: ['ff', 'ff', 'ff', 'ff', 'ff', 'ff'] } }, headers());
      expect(code(nested)).toBe('BAD_USER_INPUT');
      expect(nested.errors![0].extensions!.listItems).toBe(6);
    });

    it('stops executing an operation when its HTTP client goes away', async () => {
      const t = app();
      const query = JSON.stringify({ query: '{ chainStart { next { next { next { n } } } } }' });
      const post = (signal?: AbortSignal) => fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers() }, body: query, signal });
      // Control: with the gate open, every level runs.
      chain.calls = 0;
      chain.gate = Promise.resolve();
      const done = (await (await post()).json()) as { data: { chainStart: { next: { next: { next: { n: number } } } } } };
      expect(done.data.chainStart.next.next.next.n).toBe(3);
      expect(chain.calls).toBe(3);

      chain.calls = 0;
      chain.close();
      const ac = new AbortController();
      const pending = post(ac.signal).catch((e: Error) => e);
      await waitFor(() => chain.calls === 1, 10_000, 'first level running');
      ac.abort();
      await waitFor(() => chain.ctx?.request?.signal.aborted, 10_000, 'the server sees the client gone');
      chain.open();
      expect(((await pending) as Error).name).toBe('AbortError');
      // What was waiting on the gate resumes in microtasks; a macrotask later, nothing more ran.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      expect(chain.calls).toBe(1);
    });
  });
}

function wsCases(name: string, params: () => Record<string, unknown> | undefined, app: () => TestApp) {
  it(`${name}: over graphql-ws a depth, cost or list error answers that operation; the socket and its subscription live on`, async () => {
    const t = app();
    const client: Client = wsClient(t.url, params());
    let closed = false;
    client.on('closed', () => (closed = true));
    try {
      const sub = client.iterate<{ events: { seq: string } }>({ query: 'subscription { events { seq } }' });
      const first = sub.next();
      const gauge = async () => (await t.app.metrics.subscriptions.get()).values.find((v) => v.labels.field === 'events')?.value ?? 0;
      await waitFor(async () => (await gauge()) >= 1, 10_000, 'subscription active');

      const once = async (query: string, variables?: Record<string, unknown>) => {
        try {
          for await (const r of client.iterate({ query, variables })) return r.errors ?? [];
          return [];
        } catch (e) {
          return e as Array<{ message: string; extensions?: Record<string, unknown> }>;
        }
      };
      let deep = 'seq';
      for (let i = 0; i < 4; i++) deep = `camera { events(first: 1) { edges { node { ${deep} } } } }`;
      const depthErrors = await once(`{ events(first: 1) { edges { node { ${deep} } } } }`);
      expect(depthErrors.length).toBeGreaterThan(0);
      expect(depthErrors[0].message).toMatch(/depth/i); // armor errors carry no extensions.code
      const costErrors = await once(NESTED);
      expect(costErrors[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(costErrors[0].extensions?.cost as number).toBeGreaterThan(LIMITS.maxCost);
      const listErrors = await once('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ['1', '2', '3', '4', '5', '6'] });
      expect(listErrors[0].extensions?.code).toBe('BAD_USER_INPUT');
      const costlySub = await once('subscription { ffPlateTrackUpdated { events { seq camera { events(first: 500) { edges { node { seq } } } } } } }');
      expect(costlySub[0].extensions?.code).toBe('BAD_USER_INPUT');
      // `events` subscriptions are shared between subscribers (shared-subscriptions.ts): the same holds there.
      const costlyShared = await once('subscription { events { camera { events(first: 500) { edges { node { seq kind raw } } } } } }');
      expect(costlyShared[0].extensions?.code).toBe('BAD_USER_INPUT');

      expect(closed).toBe(false);
      const ok = await once('{ events(first: 1) { edges { cursor } } }');
      expect(ok).toEqual([]);
      expect((await postFf(t.url, ffJson(Date.now() % 1_000_000, { sensorProviderID: 'CAM-WS' }))).status).toBe(200);
      const got = await first;
      expect(got.value?.data?.events.seq).toMatch(/^\d+$/);
      await sub.return?.();
      expect(closed).toBe(false);
    } finally {
      await client.dispose();
    }
  });
}

async function seed(t: TestApp) {
  for (let i = 0; i < 6; i++) expect((await postFf(t.url, ffJson(i, { sensorProviderID: `CAM-${i % 2}` }))).status).toBe(200);
}

describe('with API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      adapters,
      config: {
        auth: { apiKeys: [{ key: READ, scopes: ['events:read'] }] },
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'chain', id: 'c' },
        ],
        limits: LIMITS,
      },
    });
    await seed(t);
  });
  afterAll(() => t.close());
  costCases(
    'HTTP',
    () => bearer(READ),
    () => t,
  );
  wsCases(
    'events:read key',
    () => bearer(READ),
    () => t,
  );
});

describe('without API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      adapters,
      config: {
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'chain', id: 'c' },
        ],
        limits: LIMITS,
      },
    });
    await seed(t);
  });
  afterAll(() => t.close());
  costCases(
    'HTTP',
    () => ({}),
    () => t,
  );
  wsCases(
    'open',
    () => undefined,
    () => t,
  );
});
