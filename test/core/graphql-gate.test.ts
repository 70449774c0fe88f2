/**
 * What /graphql does before it parses anything (issue 11): with API keys, no key → 401 before the
 * body is read, parsed or validated (no "Did you mean" suggestions); the body cap (413); GraphiQL as
 * a small page plus cached static assets, behind the key (`?access_token=`) when auth is on;
 * introspection on for every authenticated caller unless `graphql.introspection: false`; client
 * errors logged at debug without the query text. Auth on and off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Readable, Writable } from 'node:stream';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const READ = 'read-only-key-0123456789';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const MAX_BODY = 4096;

/** POST a body to /graphql; a Readable body goes chunked (no Content-Length). */
function post(url: string, body: string | Readable, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    if (typeof body === 'string') req.end(body);
    else body.pipe(req);
  });
}
/** A body that is valid JSON text so far and goes on for `bytes`. */
const endless = (bytes: number) =>
  Readable.from(
    (function* () {
      yield '{"query":"{ __typename }","pad":"';
      for (let sent = 0; sent < bytes; sent += 1024) yield 'x'.repeat(1024);
      yield '"}';
    })(),
  );
const html = { accept: 'text/html,application/xhtml+xml' };

describe('with API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { auth: { apiKeys: [{ key: READ, scopes: ['events:read'] }] }, adapters: [], graphql: { maxBodyBytes: MAX_BODY } } });
  });
  afterAll(() => t.close());

  it('answers 401 before parsing or validating: no suggestions, no parse errors, even for a body over the cap', async () => {
    const typo = await post(t.url, JSON.stringify({ query: '{ adapterz { id } }' }));
    expect(typo.status).toBe(401);
    expect(JSON.parse(typo.text).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(typo.text).not.toMatch(/Did you mean|adapters/);
    // A CORS preflight carries no Authorization: it is not refused as unauthenticated.
    expect(
      (await fetch(`${t.url}/graphql`, { method: 'OPTIONS', headers: { origin: t.url, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } }))
        .status,
    ).not.toBe(401);
    const garbage = await post(t.url, '{ not json');
    expect(garbage.status).toBe(401);
    const huge = await post(t.url, endless(8 * MAX_BODY));
    expect(huge.status).toBe(401);
    // With the key, the same typo is a validation error with a suggestion.
    const typed = await post(t.url, JSON.stringify({ query: '{ adapterz { id } }' }), bearer(READ));
    expect(typed.text).toMatch(/Did you mean/);
  });

  it('caps the body at graphql.maxBodyBytes: 413 by Content-Length and while it streams', async () => {
    const declared = await post(t.url, JSON.stringify({ query: '{ __typename }', pad: 'x'.repeat(MAX_BODY) }), bearer(READ));
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    const streamed = await post(t.url, endless(8 * MAX_BODY), bearer(READ));
    expect(streamed.status).toBe(413);
    const ok = await post(t.url, JSON.stringify({ query: '{ __typename }', extensions: { pad: 'x'.repeat(MAX_BODY / 2) } }), bearer(READ));
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).data.__typename).toBe('Query');
  });

  it('serves GraphiQL only with a key: a small page that hands ?access_token= to GraphiQL, and cached static assets', async () => {
    const anon = await fetch(`${t.url}/graphql`, { headers: html });
    expect(anon.status).toBe(401);
    expect((await anon.text()).length).toBeLessThan(1000);
    expect((await fetch(`${t.url}/graphql?access_token=wrong-key-0123456789abc`, { headers: html })).status).toBe(401);

    const page = await fetch(`${t.url}/graphql?access_token=${READ}`, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const text = await page.text();
    expect(text.length).toBeLessThan(10_000);
    expect(text).toContain(`"authorization":"Bearer ${READ}"`); // GraphiQL's headers and connection_init payload
    const assets = [...text.matchAll(/\/graphql\/graphiql\/[\w.]+\?access_token=[\w-]+/g)].map((m) => m[0]);
    expect(assets.map((a) => a.split('?')[0]).sort()).toEqual([
      '/graphql/graphiql/editor.worker.js',
      '/graphql/graphiql/favicon.ico',
      '/graphql/graphiql/graphiql.css',
      '/graphql/graphiql/graphiql.js',
      '/graphql/graphiql/graphql.worker.js',
      '/graphql/graphiql/json.worker.js',
    ]);

    expect((await fetch(`${t.url}/graphql/graphiql/graphiql.js`)).status).toBe(401);
    const js = await fetch(`${t.url}/graphql/graphiql/graphiql.js?access_token=${READ}`, { headers: { 'accept-encoding': 'identity' } });
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect(js.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = js.headers.get('etag')!;
    expect(await js.text()).toContain('renderYogaGraphiQL');
    const again = await fetch(`${t.url}/graphql/graphiql/graphiql.js?access_token=${READ}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const gz = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      request(`${t.url}/graphql/graphiql/graphiql.css?access_token=${READ}`, { headers: { 'accept-encoding': 'gzip' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      })
        .on('error', reject)
        .end();
    });
    expect(gz.encoding).toBe('gzip');
    expect(gunzipSync(gz.body).toString()).toContain('graphiql');
    expect((await fetch(`${t.url}/graphql/graphiql/nope.js?access_token=${READ}`)).status).toBe(404);
  });

  it('answers introspection to an authenticated key only', async () => {
    const intro = '{ __schema { queryType { name } } }';
    expect((await t.gql(intro)).status).toBe(401);
    const r = await t.gql(intro, undefined, bearer(READ));
    expect(r.errors).toBeUndefined();
    expect(r.data.__schema.queryType.name).toBe('Query');
  });
});

describe('without API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [], graphql: { maxBodyBytes: MAX_BODY } } });
  });
  afterAll(() => t.close());

  it('serves GraphiQL and its assets to anyone, with no key in the page', async () => {
    const page = await fetch(`${t.url}/graphql`, { headers: html });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text.length).toBeLessThan(10_000);
    expect(text).not.toMatch(/access_token|authorization":"Bearer/);
    expect((await fetch(`${t.url}/graphql/graphiql/graphql.worker.js`)).status).toBe(200);
  });

  it('caps the body (413) and answers introspection', async () => {
    expect((await post(t.url, endless(8 * MAX_BODY))).status).toBe(413);
    const r = await t.gql('{ __type(name: "Event") { name } }');
    expect(r.data.__type.name).toBe('Event');
  });
});

describe('graphql.introspection: false', () => {
  for (const keys of [true, false]) {
    it(`refuses __schema and __type, keeps __typename (${keys ? 'with' : 'without'} keys)`, async () => {
      const t = await startTestApp({ config: { adapters: [], graphql: { introspection: false }, ...(keys ? { auth: { apiKeys: [{ key: READ, scopes: ['events:read'] }] } } : {}) } });
      try {
        const h = keys ? bearer(READ) : {};
        const r = await t.gql('{ __schema { queryType { name } } }', undefined, h);
        expect(r.data ?? null).toBeNull();
        expect(r.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect((await t.gql('{ __type(name: "Event") { name } }', undefined, h)).errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect((await t.gql('{ __typename }', undefined, h)).data.__typename).toBe('Query');
      } finally {
        await t.close();
      }
    });
  }
});

describe('logging of GraphQL errors', () => {
  let app: App;
  let db: TestDb;
  const lines: Array<Record<string, unknown> & { level: number; msg: string }> = [];
  beforeAll(async () => {
    db = await openPgliteTestDb();
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
    app = await createApp({
      env: { port: 0, host: '127.0.0.1', dataDir: '/tmp/usa-gate-unused', logLevel: 'debug' },
      config: validateConfig({ adapters: [], auth: { apiKeys: [{ key: READ, scopes: ['events:read'] }] } }),
      database: db.database,
      log: pino({ level: 'debug' }, sink),
    });
    await app.listen();
  });
  afterAll(async () => {
    await app.close();
    await db.cleanup();
  });

  it("logs the client's errors at debug with their code, never at error, never with the query text", async () => {
    const gql = (query: string, headers: Record<string, string> = bearer(READ)) =>
      fetch(`${app.url()}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) }).then(
        (r) => r.json() as Promise<{ errors?: Array<{ extensions?: { code?: string } }> }>,
      );
    const marker = 'MARKER_FIELD_7f3a';
    const cases: Array<[string, Record<string, string> | undefined, string]> = [
      // The marker is in the query text, not in any error's message or path.
      [`{ events(first: 9999) { edges { cursor } } ${marker}: __typename }`, undefined, 'BAD_USER_INPUT'],
      [`{ event(id: "not-an-id") { seq } ${marker}: __typename }`, undefined, 'BAD_USER_INPUT'],
      [`mutation { stopStream(id: "x") { id } ${marker}: __typename }`, undefined, 'FORBIDDEN'],
      [`{ adapterz { id } ${marker}: __typename }`, undefined, 'GRAPHQL_VALIDATION_FAILED'],
      [`{ adapters { id } ${marker}: __typename }`, {}, 'UNAUTHENTICATED'],
    ];
    for (const [query, headers, expected] of cases) expect((await gql(query, headers)).errors?.[0]?.extensions?.code).toBe(expected);
    const serious = lines.filter((l) => l.level >= 50);
    expect(serious).toEqual([]);
    expect(JSON.stringify(lines)).not.toContain(marker);
    expect(lines.some((l) => l.level === 20 && l.code === 'BAD_USER_INPUT')).toBe(true);
  });
});
