/**
 * Field-level scopes (src/schema/scopes.ts): nothing is reachable without its scope, through
 * fragments, nested fields and mutation results, over HTTP, SSE and graphql-ws; a shared
 * `events` subscription is never joined across scopes; adapter mutations need admin unless they
 * declare a scope; with no API keys everything is allowed.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { GraphQLSchema } from 'graphql';
import type { Client } from 'graphql-ws';
import { defineAdapter } from '../../src/sdk.ts';
import { requireScope } from '../../src/sdk/graphql.ts';
import { builtInAdapters } from '../../src/adapters/index.ts';
import { buildSchema } from '../../src/schema/build.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startStreamOrigin, streamTestAdapter, type StreamOrigin } from '../helpers/stream-origin.ts';
import { wsClient } from '../helpers/ws-client.ts';

const READ = 'read-only-key-0123456789ab';
const WRITE = 'write-only-key-0123456789a';
const STREAMS = 'streams-only-key-012345678';
const ADMIN = 'admin-key-0123456789abcdef';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ff/${name}`, import.meta.url), 'utf8');
const PLATE = '1AB1234'; // in sample-new.json

/** A plugin-style adapter: one mutation without a declared scope (→ admin), one declaring events:write. */
const actions = { undeclared: 0, declared: 0 };
const pluginLike = defineAdapter({
  type: 'scopetest',
  version: '1.0.0',
  graphqlPrefix: 'Scopetest',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (builder) => {
    builder.mutationField('scopetestReboot', (t) => t.boolean({ resolve: () => ++actions.undeclared > 0 }));
    builder.mutationField('scopetestMark', (t) => t.boolean({ authScopes: requireScope('events:write'), resolve: () => ++actions.declared > 0 }));
  },
  start: () => ({ stop: () => {} }),
});
const adapters = [...builtInAdapters, streamTestAdapter, pluginLike];

type Gql = { data?: any; errors?: Array<{ message: string; path?: Array<string | number>; extensions?: Record<string, unknown> }> };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);
const forbidden = (r: Gql) => {
  expect(r.errors?.length).toBeGreaterThan(0);
  expect(new Set(codes(r))).toEqual(new Set(['FORBIDDEN']));
};

/** Every message of one graphql-ws subscription until it completes or errors. */
function subscribeAll(client: Client, query: string): { results: Gql[]; done: Promise<void> } {
  const results: Gql[] = [];
  const done = new Promise<void>((resolve, reject) => {
    client.subscribe({ query }, { next: (r) => void results.push(r as Gql), error: (e) => (Array.isArray(e) ? (results.push({ errors: e }), resolve()) : reject(e)), complete: resolve });
  });
  return { results, done };
}

/** An SSE subscription's text until `until` matches (or the stream ends). */
async function sse(t: TestApp, key: string, query: string, until: RegExp): Promise<string> {
  const ctrl = new AbortController();
  const res = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...bearer(key) },
    body: JSON.stringify({ query }),
    signal: ctrl.signal,
  });
  const reader = res.body!.getReader();
  let text = '';
  try {
    while (!until.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
  } finally {
    ctrl.abort();
  }
  return text;
}

describe('with API keys', () => {
  let origin: StreamOrigin;
  let t: TestApp;
  let eventId: string;
  let cameraId: string;
  let adminStream: string;
  const gql = (key: string, query: string, variables?: Record<string, unknown>) => t.gql(query, variables, bearer(key)) as Promise<Gql & { status: number }>;

  beforeAll(async () => {
    origin = await startStreamOrigin();
    t = await startTestApp({
      adapters,
      config: {
        auth: {
          apiKeys: [
            { key: READ, scopes: ['events:read'] },
            { key: WRITE, scopes: ['events:write'] },
            { key: STREAMS, scopes: ['streams'] },
            { key: ADMIN, scopes: ['admin'] },
          ],
        },
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 60_000 },
          { type: 'scopetest', id: 's' },
        ],
      },
    });
    const ingest = await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('sample-new.json') });
    expect(ingest.status).toBe(200);
    const r = await gql(ADMIN, '{ events(first: 1) { edges { node { id camera { id } } } } }');
    eventId = r.data.events.edges[0].node.id;
    cameraId = r.data.events.edges[0].node.camera.id;
    const s = await gql(ADMIN, 'mutation { startStream(input: { cameraId: "hlstest/a/cam1", mode: LIVE }) { id } }');
    expect(s.errors).toBeUndefined();
    adminStream = s.data.startStream.id;
  });
  afterAll(async () => {
    await t?.close();
    await origin?.close();
  });

  it('an events:write key cannot stop or start a stream, however the mutation is written', async () => {
    const starts = origin.starts.length;
    const stop = `stopStream(id: "${adminStream}") { id state }`;
    const start = 'startStream(input: { cameraId: "hlstest/a/cam1", mode: LIVE }) { id }';
    for (const op of [
      `mutation { ... on Mutation { ${start} ${stop} } }`, // the reported finding
      `mutation { ${stop} }`,
      `mutation M { ...Acts } fragment Acts on Mutation { ${stop} }`,
      `mutation { ... { ... on Mutation { ${start} } } }`,
    ]) {
      const r = await gql(WRITE, op);
      forbidden(r);
      expect(r.data ?? null).toBeNull();
    }
    expect(origin.stops).toEqual([]);
    expect(origin.starts.length).toBe(starts);
    const still = await gql(STREAMS, `mutation { keepStreamAlive(id: "${adminStream}") { state } }`);
    expect(still.errors).toBeUndefined();
    expect(['STARTING', 'ACTIVE']).toContain(still.data.keepStreamAlive.state);
  });

  it('a streams key keeps its stream alive but reads no events through it (keepStreamAlive { camera { events } })', async () => {
    const ok = await gql(STREAMS, `mutation { keepStreamAlive(id: "${adminStream}") { id camera { name } } }`);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.keepStreamAlive.camera.name).toBe('Lobby');
    const leak = await gql(STREAMS, `mutation { keepStreamAlive(id: "${adminStream}") { id camera { events(first: 5) { edges { node { seq raw } } } } } }`);
    forbidden(leak);
    expect(leak.errors![0].path).toEqual(['keepStreamAlive', 'camera', 'events']);
    expect(JSON.stringify(leak)).not.toContain(PLATE);
    // The same through a camera reached from the root, and through a fragment on it.
    const viaCamera = await gql(STREAMS, `{ camera(id: "${cameraId}") { name ...E } } fragment E on Camera { events(first: 1) { edges { node { raw } } } }`);
    forbidden(viaCamera);
    expect(viaCamera.data.camera).toBeNull();
    expect(JSON.stringify(viaCamera)).not.toContain(PLATE);
  });

  it('a streams key gets FORBIDDEN for an event through node, nodes, event and Query fragments, and the rest of the query', async () => {
    const node = await gql(STREAMS, `{ node(id: "${eventId}") { id ... on PlateReadEvent { plate } ... on Event { raw } } }`);
    forbidden(node);
    expect(node.data).toEqual({ node: null });
    expect(JSON.stringify(node)).not.toContain(PLATE);
    const nodes = await gql(STREAMS, `{ nodes(ids: ["${eventId}", "${cameraId}"]) { id ... on Camera { name } ... on Event { raw } } }`);
    forbidden(nodes);
    expect(nodes.errors![0].path).toEqual(['nodes', 0]);
    expect(nodes.data.nodes[0]).toBeNull();
    expect(nodes.data.nodes[1]).toEqual({ id: cameraId, name: expect.any(String) });
    expect(JSON.stringify(nodes)).not.toContain(PLATE);
    const partial = await gql(STREAMS, `{ cameras { edges { node { name } } } ... on Query { event(id: "${eventId}") { seq } } }`);
    forbidden(partial);
    expect(partial.data.event).toBeNull();
    expect(partial.data.cameras.edges.length).toBeGreaterThan(0);
    for (const q of ['{ ...Q } fragment Q on Query { events(first: 1) { edges { node { raw } } } }', '{ ffPlateTracks { bestPlate } }', '{ adapters { id } }']) {
      const r = await gql(STREAMS, q);
      forbidden(r);
      expect(JSON.stringify(r)).not.toContain(PLATE);
    }
  });

  it('an events:read key reads events everywhere but cannot act', async () => {
    const r = await gql(
      READ,
      `{ node(id: "${eventId}") { ... on PlateReadEvent { plate } } camera(id: "${cameraId}") { events(first: 1) { edges { node { ... on PlateReadEvent { plate } } } } } ffPlateTracks { bestPlate } }`,
    );
    expect(r.errors).toBeUndefined();
    expect(r.data.node.plate).toBe(PLATE);
    expect(r.data.camera.events.edges[0].node.plate).toBe(PLATE);
    expect(r.data.ffPlateTracks[0].bestPlate).toBe(PLATE);
    for (const op of ['mutation { startStream(input: { cameraId: "hlstest/a/cam1", mode: LIVE }) { id } }', 'mutation { triggerEvent(input: { cameraId: "x", type: "t" }) { accepted } }'])
      forbidden(await gql(READ, op));
  });

  it('adapter mutations: admin unless they declare a scope; VXG event types need admin', async () => {
    const before = { ...actions };
    for (const key of [READ, WRITE, STREAMS]) {
      forbidden(await gql(key, 'mutation { scopetestReboot }'));
      forbidden(await gql(key, 'mutation { vxgAddEventType(input: { cameraId: "vxg/x/1", name: "n" }) { name } }'));
      forbidden(await gql(key, 'mutation { vxgUpdateEventType(input: { cameraId: "vxg/x/1", name: "n" }) { name } }'));
    }
    expect(actions.undeclared).toBe(before.undeclared);
    expect((await gql(ADMIN, 'mutation { scopetestReboot }')).data).toEqual({ scopetestReboot: true });
    // Past the scope check, the camera lookup answers.
    expect(codes(await gql(ADMIN, 'mutation { vxgAddEventType(input: { cameraId: "vxg/x/1", name: "n" }) { name } }'))).toEqual(['NOT_FOUND']);
    forbidden(await gql(READ, 'mutation { scopetestMark }'));
    expect((await gql(WRITE, 'mutation { scopetestMark }')).data).toEqual({ scopetestMark: true });
    expect(actions.declared).toBe(before.declared + 1);
  });

  it('subscriptions need their scope over graphql-ws and SSE', async () => {
    const client = wsClient(t.url, bearer(STREAMS));
    try {
      for (const query of [
        'subscription { events { seq raw } }',
        'subscription { ... on Subscription { events { seq } } }',
        'subscription { adapterStatusChanged { id } }',
        'subscription { ffPlateTrackUpdated { bestPlate } }',
      ]) {
        const s = subscribeAll(client, query);
        await s.done;
        expect(s.results.flatMap((r) => codes(r))).toEqual(['FORBIDDEN']);
        expect(s.results.every((r) => r.data == null)).toBe(true);
      }
    } finally {
      await client.dispose();
    }
    const readClient = wsClient(t.url, bearer(READ));
    try {
      const s = subscribeAll(readClient, 'subscription { streamSessionChanged { id state } }');
      await s.done;
      expect(s.results.flatMap((r) => codes(r))).toEqual(['FORBIDDEN']);
    } finally {
      await readClient.dispose();
    }
    const text = await sse(t, STREAMS, 'subscription { events { seq raw } }', /FORBIDDEN/);
    expect(text).toContain('FORBIDDEN');
    expect(text).not.toContain('"seq"');
  });

  it('a shared events subscription is never joined by a key without the scope', async () => {
    const query = `subscription { events { seq ... on PlateReadEvent { plate } raw } }`;
    const gauge = async () => (await t.app.metrics.subscriptions.get()).values.find((v) => v.labels.field === 'events')?.value ?? 0;
    const base = await gauge();
    const reader = wsClient(t.url, bearer(READ));
    const intruder = wsClient(t.url, bearer(STREAMS));
    try {
      const it = reader.iterate<{ events: { seq: string; plate: string } }>({ query });
      const first = it.next();
      await waitFor(async () => (await gauge()) >= base + 1, 10_000, 'reader subscribed');
      const denied = subscribeAll(intruder, query);
      await denied.done;
      expect(denied.results.flatMap((r) => codes(r))).toEqual(['FORBIDDEN']);
      const body = fixture('sample-new.json').replace(/"carID"\s*:\s*"[^"]*"/, '"carID": "4242"');
      expect((await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(200);
      expect((await first).value?.data?.events.plate).toBe(PLATE);
      // The refused subscriber got nothing after its error: only the reader received the event.
      expect(denied.results).toHaveLength(1);
      expect(JSON.stringify(denied.results)).not.toContain(PLATE);
      await it.return?.();
    } finally {
      await reader.dispose();
      await intruder.dispose();
    }
  });
});

describe('without API keys (open)', () => {
  let origin: StreamOrigin;
  let t: TestApp;
  beforeAll(async () => {
    origin = await startStreamOrigin();
    t = await startTestApp({
      adapters,
      config: {
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 60_000 },
          { type: 'scopetest', id: 's' },
        ],
      },
    });
    expect((await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('sample-new.json') })).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await origin?.close();
  });

  it('allows everything', async () => {
    const s = await t.gql('mutation { startStream(input: { cameraId: "hlstest/a/cam1", mode: LIVE }) { id } }');
    expect(s.errors).toBeUndefined();
    const r = await t.gql(`mutation { keepStreamAlive(id: "${s.data.startStream.id}") { camera { events(first: 1) { edges { node { id ... on PlateReadEvent { plate } } } } } } scopetestReboot }`);
    expect(r.errors).toBeUndefined();
    expect(r.data.scopetestReboot).toBe(true);
    const events = await t.gql('{ events(first: 1) { edges { node { id ... on PlateReadEvent { plate } } } } }');
    const id = events.data.events.edges[0].node.id;
    expect((await t.gql(`{ node(id: "${id}") { ... on PlateReadEvent { plate } } adapters { id } }`)).data.node.plate).toBe(PLATE);
    expect((await t.gql('mutation { vxgAddEventType(input: { cameraId: "vxg/x/1", name: "n" }) { name } }')).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});

describe('every root field declares a scope', () => {
  /** The scope map each root field of the built-in schema (plus a plugin-like adapter) requires. */
  function rootScopes(schema: GraphQLSchema): Record<string, string> {
    const out: Record<string, string> = {};
    for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
      for (const f of Object.values(root!.getFields())) {
        const scopes = (f.extensions?.pothosOptions as { authScopes?: Record<string, boolean> } | undefined)?.authScopes;
        out[`${root!.name}.${f.name}`] = scopes ? Object.keys(scopes).sort().join('|') : '(none)';
      }
    }
    return out;
  }

  it('matches the documented table; undeclared adapter fields get the default of their root type', () => {
    const schema = buildSchema(adapters);
    const read = 'events:read';
    const anyKey = 'events:read|events:write|streams';
    expect(rootScopes(schema)).toEqual({
      'Query.adapters': read,
      'Query.camera': anyKey,
      'Query.cameras': anyKey,
      'Query.device': anyKey,
      'Query.devices': anyKey,
      'Query.camlyticsAggregates': read,
      'Query.event': read,
      'Query.events': read,
      'Query.ffPlateTrack': read,
      'Query.ffPlateTracks': read,
      'Query.ivmsEventClip': read,
      'Query.ivmsEventSnapshot': read,
      'Query.node': anyKey,
      'Query.nodes': anyKey,
      'Query.plateLists': read,
      'Query.auditLog': 'admin',
      'Query.storageUsage': 'admin',
      'Query.diskSpace': 'admin',
      'Query.retentionPolicies': 'admin',
      'Query.rules': 'admin',
      'Query.sinks': 'admin',
      'Query.sites': anyKey,
      'Query.viewer': anyKey,
      'Query.vxgEventTypes': read,
      // The device's adapter decides (capabilityScopes, default admin): checked at dispatch (test/core/devices.test.ts).
      'Mutation.lockDevice': anyKey,
      'Mutation.unlockDevice': anyKey,
      'Mutation.createEvent': 'events:write',
      'Mutation.triggerEvent': 'events:write',
      'Mutation.keepStreamAlive': 'streams',
      'Mutation.startStream': 'streams',
      'Mutation.stopStream': 'streams',
      'Mutation.linkCameras': 'admin',
      'Mutation.unlinkCameraSource': 'admin',
      'Mutation.updateCamera': 'admin',
      'Mutation.createPlateList': 'admin',
      'Mutation.deletePlateList': 'admin',
      'Mutation.addPlates': 'admin',
      'Mutation.removePlates': 'admin',
      'Mutation.exportPlate': 'admin',
      'Mutation.setRetentionPolicies': 'admin',
      'Mutation.createRule': 'admin',
      'Mutation.updateRule': 'admin',
      'Mutation.deleteRule': 'admin',
      'Mutation.erasePlate': 'admin',
      'Mutation.createWebhookSink': 'admin',
      'Mutation.createMqttSink': 'admin',
      'Mutation.pauseSink': 'admin',
      'Mutation.resumeSink': 'admin',
      'Mutation.deleteSink': 'admin',
      'Mutation.replaySink': 'admin',
      'Mutation.vxgAddEventType': 'admin',
      'Mutation.vxgUpdateEventType': 'admin',
      'Mutation.scopetestReboot': 'admin',
      'Mutation.scopetestMark': 'events:write',
      'Subscription.adapterStatusChanged': read,
      'Subscription.events': read,
      'Subscription.ffPlateTrackUpdated': read,
      'Subscription.streamSessionChanged': 'streams',
    });
  });

  it('every event type, Media and StreamSession carry their type scope', () => {
    const schema = buildSchema(adapters);
    const typeScopes = (name: string) => Object.keys((schema.getType(name)?.extensions?.pothosOptions as { authScopes?: object } | undefined)?.authScopes ?? {}).join('|');
    const eventTypes = schema.getPossibleTypes(schema.getType('Event') as never).map((t) => t.name);
    expect(eventTypes.length).toBeGreaterThanOrEqual(5);
    for (const name of [...eventTypes, 'Media', 'FfPlateTrack', 'CamlyticsAggregateBucket', 'AdapterInstance']) expect([name, typeScopes(name)]).toEqual([name, 'events:read']);
    expect(typeScopes('StreamSession')).toBe('streams');
    expect(typeScopes('Camera')).toBe('events:read|events:write|streams');
  });
});
