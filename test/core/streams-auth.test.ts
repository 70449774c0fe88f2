/**
 * /streams/ with API keys: the `streams` scope from a Bearer header or `?access_token=` (HLS
 * players cannot set headers); rewritten playlists carry the access token on; 401/403 as JSON.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { startStreamOrigin, streamTestAdapter, type StreamOrigin } from '../helpers/stream-origin.ts';

const STREAMS = 'streams-only-key-0123456789';
const READ = 'read-only-key-0123456789ab';
const ADMIN = 'admin-key-0123456789abcdef';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const START = 'mutation { startStream(input: { cameraId: "hlstest/a/cam1", mode: LIVE }) { id playlistUrl } }';

const CONSOLE = 'https://console.example';

describe('stream routes with API keys', () => {
  let origin: StreamOrigin;
  let t: TestApp;
  let playlistUrl: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(new URL(path, t.url), { headers });
  const codeOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;

  beforeAll(async () => {
    origin = await startStreamOrigin();
    t = await startTestApp({
      adapters: [streamTestAdapter],
      config: {
        auth: {
          apiKeys: [
            { key: STREAMS, scopes: ['streams'] },
            { key: READ, scopes: ['events:read'] },
            { key: ADMIN, scopes: ['admin'] },
          ],
        },
        adapters: [{ type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 1000 }],
        cors: { origins: [CONSOLE] },
      },
    });
    expect((await t.gql(START, undefined, bearer(READ))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const r = await t.gql(START, undefined, bearer(STREAMS));
    expect(r.errors).toBeUndefined();
    playlistUrl = r.data.startStream.playlistUrl;
  });
  afterAll(async () => {
    await t.close();
    await origin.close();
  });

  it('answers 401 without a key or with a wrong one, 403 without the streams scope, as JSON', async () => {
    for (const r of [await get(playlistUrl), await get(playlistUrl, bearer('wrong-key-0123456789abcdef')), await get(`${playlistUrl}?access_token=wrong-key-0123456789abcdef`)]) {
      expect(r.status).toBe(401);
      expect(await codeOf(r)).toBe('UNAUTHENTICATED');
    }
    for (const r of [await get(playlistUrl, bearer(READ)), await get(`${playlistUrl}?access_token=${READ}`)]) {
      expect(r.status).toBe(403);
      expect(await codeOf(r)).toBe('FORBIDDEN');
    }
    // An unknown session is not revealed before authentication.
    expect((await get(`/streams/${'x'.repeat(32)}/index.m3u8`)).status).toBe(401);
  });

  it('accepts the streams scope (or admin) from a Bearer header', async () => {
    for (const key of [STREAMS, ADMIN]) {
      const r = await get(playlistUrl, bearer(key));
      expect(r.status).toBe(200);
      const text = await r.text();
      expect(text).not.toContain('access_token'); // the header is not echoed into URLs
      const variant = text.split('\n').find((l) => l.startsWith('r/'))!;
      expect((await get(new URL(variant, new URL(playlistUrl, t.url)).pathname)).status).toBe(401);
      expect((await get(new URL(variant, new URL(playlistUrl, t.url)).pathname, bearer(key))).status).toBe(200);
    }
  });

  it('accepts ?access_token= and carries it into every rewritten URI, so a player needs no headers', async () => {
    const r = await get(`${playlistUrl}?access_token=${STREAMS}`);
    expect(r.status).toBe(200);
    const base = new URL(playlistUrl, t.url);
    const variant = new URL((await r.text()).split('\n').find((l) => l.startsWith('r/'))!, base);
    expect(variant.searchParams.get('access_token')).toBe(STREAMS);
    const media = await (await fetch(variant)).text();
    const refs = media.split(/\r?\n/).flatMap((l) => (l.startsWith('#') ? [...l.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]) : l ? [l] : []));
    expect(refs).toHaveLength(5);
    for (const ref of refs) {
      const u = new URL(ref, variant);
      expect(u.searchParams.get('access_token')).toBe(STREAMS);
      expect((await fetch(u)).status).toBe(200);
    }
  });

  it('answers CORS preflights so players on an allowed origin (cors.origins) can send the header; other origins get no CORS headers', async () => {
    const r = await fetch(new URL(playlistUrl, t.url), { method: 'OPTIONS', headers: { origin: CONSOLE, 'access-control-request-headers': 'authorization' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(r.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    const foreign = await fetch(new URL(playlistUrl, t.url), { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const read = await get(playlistUrl, { ...bearer(STREAMS), origin: 'https://evil.example' });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });
});
