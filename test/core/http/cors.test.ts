/**
 * CORS: same-origin by default (no CORS headers for any other origin), an allow-list in
 * `cors.origins` for /graphql and /media (/streams: streams-auth.test.ts). Allowed origins get their
 * own origin back, never `*`, never credentials (the API authenticates with a bearer header).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { createCorsPolicy } from '../../../src/core/http/cors.ts';

const CONSOLE = 'https://console.example';
const EVIL = 'https://evil.example';
const query = JSON.stringify({ query: '{ adapters { id } }' });
const post = (url: string, origin: string) => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: query });
const preflight = (url: string, path: string, origin: string) =>
  fetch(`${url}${path}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } });

describe('CORS with an allow-list', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [], cors: { origins: [CONSOLE] } } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('/graphql: a foreign Origin gets no access-control-allow-origin (the answer itself is unchanged)', async () => {
    const r = await post(t.url, EVIL);
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('/graphql: an allowed Origin gets itself back, without credentials', async () => {
    const r = await post(t.url, CONSOLE);
    expect(r.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(r.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('/graphql preflight: allowed origin may send Authorization; a foreign one gets no CORS headers', async () => {
    const ok = await preflight(t.url, '/graphql', CONSOLE);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    const foreign = await preflight(t.url, '/graphql', EVIL);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('access-control-allow-headers')).toBeNull();
  });

  it('/media: preflight and GET carry CORS headers for the allowed origin only', async () => {
    const ok = await fetch(`${t.url}/media/nope`, { method: 'OPTIONS', headers: { origin: CONSOLE, 'access-control-request-headers': 'authorization' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(ok.headers.get('access-control-allow-headers')).toContain('authorization');
    const missing = await fetch(`${t.url}/media/nope`, { headers: { origin: CONSOLE } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    const foreign = await fetch(`${t.url}/media/nope`, { headers: { origin: EVIL } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('CORS by default (no cors.origins)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ config: { adapters: [] } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('no origin gets CORS headers, on answers or preflights', async () => {
    for (const origin of [CONSOLE, EVIL]) {
      expect((await post(t.url, origin)).headers.get('access-control-allow-origin')).toBeNull();
      expect((await preflight(t.url, '/graphql', origin)).headers.get('access-control-allow-origin')).toBeNull();
    }
  });
});

describe('createCorsPolicy', () => {
  it('allows exactly the listed origins', () => {
    const p = createCorsPolicy([CONSOLE]);
    expect(p.allows(CONSOLE)).toBe(true);
    expect(p.allows(`${CONSOLE}:443`)).toBe(false);
    expect(p.allows('null')).toBe(false);
    expect(p.allows(undefined)).toBe(false);
  });
});
