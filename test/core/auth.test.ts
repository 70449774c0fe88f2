/**
 * API keys and scopes on HTTP, graphql-ws and /media; ingest routes outside API keys; the open
 * mode warning; operation limits; CSRF; masked errors; the WebSocket payload cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { z } from 'zod';
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { defineAdapter } from '../../src/sdk.ts';
import { ffAdapter } from '../../src/adapters/ff/index.ts';
import { createApp } from '../../src/app.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openPgliteTestDb } from '../helpers/db.ts';

const READ = 'read-only-key-0123456789';
const ADMIN = 'admin-key-0123456789abcdef';
const WRITE = 'write-only-key-0123456789';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ff/${name}`, import.meta.url), 'utf8');

/** A resolver and a route that throw plain errors carrying SQL-ish text. */
const boom = defineAdapter({
  type: 'boom',
  version: '1.0.0',
  graphqlPrefix: 'Boom',
  configSchema: z.object({ type: z.string(), id: z.string() }),
  capabilities: [],
  graphql: (builder) => {
    builder.queryField('boomFail', (t) =>
      t.string({
        resolve: () => {
          throw new Error('relation "secret_table" does not exist: select * from secret_table');
        },
      }),
    );
  },
  start(ctx) {
    ctx.route('POST', '/fail', () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    });
    return { stop: () => {} };
  },
});
const adapters = [ffAdapter, boom];

/** Open a raw graphql-transport-ws socket; resolves its close code. */
function rawWs(t: TestApp, first?: (ws: WebSocket) => void) {
  const ws = new WebSocket(`${t.url.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const messages: unknown[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  ws.on('error', () => {});
  ws.once('open', () => first?.(ws));
  const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
  return { ws, messages, closed };
}

describe('with API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({
      adapters,
      config: {
        auth: {
          apiKeys: [
            { key: READ, scopes: ['events:read'] },
            { key: ADMIN, scopes: ['admin'] },
            { key: WRITE, scopes: ['events:write'] },
          ],
        },
        adapters: [
          { type: 'ff', id: 'default' },
          { type: 'boom', id: 'b' },
        ],
        limits: { maxDepth: 8, maxAliases: 5, maxTokens: 300, wsMaxPayloadBytes: 4096 },
      },
    });
  });
  afterAll(() => t.close());

  it('answers 401 UNAUTHENTICATED without a key, with a wrong key or a malformed header', async () => {
    for (const headers of [{}, bearer('wrong-key-0123456789abc'), { authorization: READ }]) {
      const r = await t.gql('{ adapters { id } }', undefined, headers);
      expect(r.status).toBe(401);
      expect(r.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(r.data ?? null).toBeNull();
    }
  });

  it('lets events:read query but not mutate; events:write and admin may mutate', async () => {
    const q = await t.gql('{ adapters { id status } events(first: 1) { edges { cursor } } }', undefined, bearer(READ));
    expect(q.status).toBe(200);
    expect(q.errors).toBeUndefined();
    const mutation = 'mutation { triggerEvent(input: { cameraId: "ff/default/none", type: "x" }) { accepted } }';
    const denied = await t.gql(mutation, undefined, bearer(READ));
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(denied.data ?? null).toBeNull();
    // Past the scope check, the camera lookup answers.
    for (const key of [ADMIN, WRITE]) expect((await t.gql(mutation, undefined, bearer(key))).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql('{ adapters { id } }', undefined, bearer(WRITE))).errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('closes graphql-ws with 4403 without a key or with a wrong one; a valid key subscribes', async () => {
    for (const payload of [undefined, {}, { authorization: 'Bearer not-a-key-0123456789' }]) {
      const s = rawWs(t, (ws) => ws.send(JSON.stringify(payload === undefined ? { type: 'connection_init' } : { type: 'connection_init', payload })));
      expect(await s.closed).toBe(4403);
      expect(s.messages).toEqual([]);
    }
    const client = createClient({ url: `${t.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: bearer(READ) });
    try {
      const it = client.iterate<{ events: { seq: string; plate: string } }>({ query: 'subscription { events { seq ... on PlateReadEvent { plate } } }' });
      const next = it.next();
      const gauge = async () => (await t.app.metrics.subscriptions.get()).values.find((v) => v.labels.field === 'events')?.value ?? 0;
      await waitFor(async () => (await gauge()) >= 1, 10_000, 'subscription active');
      // Ingest needs no API key: the FF instance has no secret configured.
      const ingest = await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('sample-new.json') });
      expect(ingest.status).toBe(200);
      const got = await next;
      expect(got.value?.data?.events.plate).toBe('1AB1234');
      await it.return?.();
    } finally {
      await client.dispose();
    }
  });

  it('requires a key for /media, and ingest routes do not', async () => {
    const ingest = await fetch(`${t.url}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: fixture('sample-image-array.json') });
    expect(ingest.status).toBe(200);
    const r = await t.gql<{ events: { edges: Array<{ node: { media: Array<{ url: string; contentType: string }> } }> } }>(
      '{ events(first: 1) { edges { node { media { url contentType } } } } }',
      undefined,
      bearer(READ),
    );
    const media = r.data!.events.edges[0].node.media;
    expect(media.length).toBeGreaterThan(0);
    const url = `${t.url}${media[0].url}`;
    const anon = await fetch(url);
    expect(anon.status).toBe(401);
    expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    expect((await fetch(url, { headers: bearer('bad-key-0123456789abcdef') })).status).toBe(401);
    expect((await fetch(url, { headers: bearer(WRITE) })).status).toBe(403);
    const ok = await fetch(url, { headers: bearer(READ) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toBe(media[0].contentType);
    expect((await fetch(`${t.url}/media/nope`, { headers: bearer(READ) })).status).toBe(404);
    // For <img src> and video elements, which cannot send headers: the key as ?access_token=.
    const viaQuery = await fetch(`${url}?access_token=${READ}`);
    expect(viaQuery.status).toBe(200);
    expect(viaQuery.headers.get('content-type')).toBe(media[0].contentType);
    expect((await fetch(`${url}?access_token=bad-key-0123456789abcdef`)).status).toBe(401);
    expect((await fetch(`${url}?access_token=${WRITE}`)).status).toBe(403);
  });

  it("answers viewer with the key's effective scopes, for any key", async () => {
    const q = '{ viewer { open keyName scopes } }';
    expect((await t.gql(q, undefined, bearer(READ))).data?.viewer).toEqual({ open: false, keyName: 'key1', scopes: ['events:read'] });
    expect((await t.gql(q, undefined, bearer(WRITE))).data?.viewer).toEqual({ open: false, keyName: 'key3', scopes: ['events:write'] });
    expect((await t.gql(q, undefined, bearer(ADMIN))).data?.viewer.scopes).toEqual(['events:read', 'events:write', 'streams', 'admin']);
    const anon = await t.gql(q);
    expect(anon.status).toBe(401);
    expect(anon.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('rejects operations past maxDepth, maxAliases and maxTokens at validation', async () => {
    const nest = (levels: number) => {
      let inner = 'id';
      for (let i = 0; i < levels; i++) inner = `camera { events(first: 1) { edges { node { ${inner} } } } }`;
      return `{ events(first: 1) { edges { node { ${inner} } } } }`;
    };
    expect((await t.gql(nest(1), undefined, bearer(READ))).errors).toBeUndefined();
    const deep = await t.gql(nest(3), undefined, bearer(READ));
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors?.[0].message).toMatch(/depth limit of 8 exceeded/i); // armor errors carry no extensions.code

    const aliases = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: adapters { id }`).join(' ')} }`;
    expect((await t.gql(aliases(5), undefined, bearer(READ))).errors).toBeUndefined();
    const manyAliases = await t.gql(aliases(6), undefined, bearer(READ));
    expect(manyAliases.data ?? null).toBeNull();
    expect(manyAliases.errors?.[0].message).toMatch(/aliases limit of 5 exceeded/i);

    const manyTokens = await t.gql(`{ ${Array(400).fill('__typename').join(' ')} }`, undefined, bearer(READ));
    expect(manyTokens.data ?? null).toBeNull();
    expect(manyTokens.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(manyTokens.errors?.[0].message).toMatch(/token limit of 300 exceeded/i);
  });

  it('refuses a browser-style GET without the CSRF header or authorization; allows it with them', async () => {
    const get = (headers: Record<string, string>) => fetch(`${t.url}/graphql?query=${encodeURIComponent('{__typename}')}`, { headers: { accept: 'application/json', ...headers } });
    // With keys configured the key is checked first (401); the CSRF check is shown open below.
    expect((await get({})).status).toBe(401);
    expect((await get(bearer(READ))).status).toBe(200);
    // A simple form POST (no preflight in a browser) is refused too.
    const form = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query={__typename}' });
    expect([401, 403, 415]).toContain(form.status);
  });

  it('masks unexpected errors: id and INTERNAL only, no stack or SQL', async () => {
    const r = await t.gql('{ boomFail }', undefined, bearer(READ));
    expect(r.errors).toHaveLength(1);
    expect(r.errors![0].message).toMatch(/^Unexpected error \(id [0-9a-f-]{36}\)$/);
    expect(r.errors![0].extensions?.code).toBe('INTERNAL');
    const text = JSON.stringify(r);
    expect(text).not.toMatch(/secret_table|stack|\.ts:\d+/);

    const route = await fetch(`${t.url}/adapters/boom/b/fail`, { method: 'POST' });
    expect(route.status).toBe(500);
    const body = (await route.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INTERNAL');
    expect(body.error.message).toMatch(/\(id [0-9a-f-]{36}\)/);
    expect(JSON.stringify(body)).not.toMatch(/hunter2|ECONNREFUSED|stack/);
  });

  it('closes a WebSocket that sends a frame over wsMaxPayloadBytes with 1009', async () => {
    const s = rawWs(t, (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: { ...bearer(READ), pad: 'x'.repeat(5000) } })));
    expect(await s.closed).toBe(1009);
    const ok = rawWs(t, (ws) => ws.send(JSON.stringify({ type: 'connection_init', payload: bearer(READ) })));
    await waitFor(() => ok.messages.length > 0, 5000, 'connection_ack');
    expect(ok.messages[0]).toMatchObject({ type: 'connection_ack' });
    ok.ws.close();
    await ok.closed;
  });
});

describe('without API keys', () => {
  it('runs open and logs a warning at start-up', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write: (chunk, _e, cb) => (
        lines.push(
          ...String(chunk)
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l)),
        ),
        cb()
      ),
    });
    const db = await openPgliteTestDb();
    const app = await createApp({
      env: { port: 0, host: '127.0.0.1', dataDir: '/tmp/usa-open-unused', logLevel: 'warn' },
      config: validateConfig({ adapters: [] }),
      database: db.database,
      log: pino({ level: 'warn' }, sink),
    });
    try {
      await app.listen();
      const warning = lines.find((l) => l.level === 40 && /API/.test(l.msg) && /open/.test(l.msg));
      expect(warning).toBeDefined();
      const r = await fetch(`${app.url()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ adapters { id } }' }) });
      expect(r.status).toBe(200);
      const viewer = await fetch(`${app.url()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ viewer { open keyName scopes } }' }) });
      expect(((await viewer.json()) as { data: unknown }).data).toEqual({ viewer: { open: true, keyName: null, scopes: ['events:read', 'events:write', 'streams', 'admin'] } });
      expect((await fetch(`${app.url()}/graphql?query=${encodeURIComponent('{__typename}')}`)).status).toBe(403);
      expect((await fetch(`${app.url()}/graphql?query=${encodeURIComponent('{__typename}')}`, { headers: { 'x-graphql-yoga-csrf': '1' } })).status).toBe(200);
    } finally {
      await app.close();
      await db.cleanup();
    }
  });

  it('does not log the warning when keys are configured', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) });
    const db = await openPgliteTestDb();
    const app = await createApp({
      env: { port: 0, host: '127.0.0.1', dataDir: '/tmp/usa-open-unused', logLevel: 'warn' },
      config: validateConfig({ auth: { apiKeys: [{ key: ADMIN, scopes: ['admin'] }] } }),
      database: db.database,
      log: pino({ level: 'warn' }, sink),
    });
    await app.close();
    await db.cleanup();
    expect(lines.join('')).not.toMatch(/open to anyone/);
  });
});
