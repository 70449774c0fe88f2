/**
 * Stream sessions end to end, on each driver: startStream through an in-test adapter to a small HLS
 * origin; the HLS proxy (rewriting, bytes, no open proxy); sharing and holds; keepalive while used
 * and idle expiry; stopStream; keepalive failure → restart or FAILED; streamSessionChanged;
 * capability and input checks. The server runs on a ManualClock: keepalives, idle expiry and
 * expiresAt move only when the test advances it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { wsClient } from '../helpers/ws-client.ts';
import { startForeignHost, startStreamOrigin, streamTestAdapter, type StreamOrigin } from '../helpers/stream-origin.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';

const START = 'mutation($input: StartStreamInput!) { startStream(input: $input) { id mode state playlistUrl expiresAt camera { name } } }';
const KEEP = 'mutation($id: ID!) { keepStreamAlive(id: $id) { id state expiresAt } }';
const STOP = 'mutation($id: ID!) { stopStream(id: $id) { id state } }';
const SUB = 'subscription($id: ID) { streamSessionChanged(id: $id) { id state mode camera { name } } }';
/** URIs of a playlist: URI lines and URI="..." attributes. */
const urisOf = (text: string) => text.split('\n').flatMap((l) => (l.startsWith('#') ? [...l.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]) : l.trim() ? [l.trim()] : []));

for (const driver of drivers) {
  describe(`stream sessions (${driver.name})`, () => {
    let origin: StreamOrigin;
    let foreign: Awaited<ReturnType<typeof startForeignHost>>;
    let tdb: TestDb;
    let t: TestApp;
    let width = 100;
    const clock = new ManualClock();
    /** A session's next keepalive or idle check is set (within one keepalive interval): the last one's answer was handled. */
    const scheduled = () => waitFor(() => (clock.nextAt() ?? Number.POSITIVE_INFINITY) <= clock.nowMs() + 50, 5000, 'the next keepalive scheduled');
    /** Distinct parameters per test, so that sessions of different tests never share. */
    const uniq = () => ++width;
    const get = (path: string) => fetch(new URL(path, t.url));
    const start = async (input: Record<string, unknown> = {}) => {
      const r = await t.gql(START, { input: { cameraId: 'hlstest/a/cam1', mode: 'LIVE', width: uniq(), ...input } });
      expect(r.errors).toBeUndefined();
      return r.data.startStream as { id: string; state: string; playlistUrl: string; expiresAt: string; mode: string; camera: { id: string } };
    };
    const mutate = async (doc: string, id: string) => {
      const r = await t.gql(doc, { id });
      return { session: r.data ? (Object.values(r.data)[0] as { state: string; expiresAt?: string }) : null, code: r.errors?.[0]?.extensions?.code };
    };

    beforeAll(async () => {
      origin = await startStreamOrigin();
      foreign = await startForeignHost();
      origin.foreignUrl = foreign.url;
      tdb = await driver.open();
      t = await startTestApp({
        db: tdb,
        adapters: [streamTestAdapter],
        config: {
          adapters: [
            { type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 50 },
            { type: 'hlstest', id: 'b', baseUrl: origin.url, handlers: false },
            { type: 'hlstest', id: 'c', baseUrl: origin.url, playlistHost: 'localhost' },
          ],
          streams: { idleTimeoutSec: 1 },
        },
        clock,
      });
    });
    afterAll(async () => {
      await t.close();
      await tdb.cleanup();
      await origin.close();
      await foreign.close();
    });

    it('starts a session behind our own playlist URL; every URI of every playlist is rewritten; segments arrive byte for byte', async () => {
      const s = await start({ audio: true });
      const sid = origin.lastSid();
      expect(s).toMatchObject({ state: 'ACTIVE', mode: 'LIVE', playlistUrl: `/streams/${s.id}/index.m3u8`, camera: { name: 'Lobby' } });
      expect(s.id).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(origin.starts.at(-1)!.req).toMatchObject({ cameraVendorId: 'cam1', mode: 'LIVE', from: null, audio: true });
      expect(Date.parse(s.expiresAt) - clock.nowMs()).toBe(1000); // the idle timeout

      const res = await get(s.playlistUrl);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/vnd.apple.mpegurl');
      const master = await res.text();
      expect(master).not.toMatch(/127\.0\.0\.|\/hls\//);
      const variants = urisOf(master);
      expect(variants).toHaveLength(2); // one relative, one absolute upstream
      for (const v of variants) expect(v).toMatch(/^r\/[A-Za-z0-9_-]+\.m3u8$/);

      const low = new URL(variants[0], new URL(s.playlistUrl, t.url));
      const media = await (await fetch(low)).text();
      expect(media).not.toMatch(/127\.0\.0\.|\/hls\//);
      const parts = urisOf(media); // init (MAP), key (KEY), seg0 (relative), seg1 (absolute), seg2 (../)
      expect(parts).toHaveLength(5);
      const upstream = [`low/init.mp4`, `key.bin`, `low/seg0.m4s`, `low/seg1.m4s`, `shared/seg2.m4s`].map((p) => `/hls/${sid}/${p}`);
      for (const [i, p] of parts.entries()) {
        const url = new URL(p, low);
        expect(url.pathname.startsWith(`/streams/${s.id}/r/`)).toBe(true);
        const r = await fetch(url);
        expect(r.status).toBe(200);
        expect(Buffer.from(await r.arrayBuffer()).equals(origin.bytesOf(upstream[i]))).toBe(true);
        if (p.includes('.m4s')) expect(r.headers.get('content-type')).toBe('video/iso.segment');
      }
      const ranged = await fetch(new URL(parts[2], low), { headers: { range: 'bytes=100-199' } }); // EXT-X-BYTERANGE players
      expect(ranged.status).toBe(206);
      expect(ranged.headers.get('content-range')).toBe(`bytes 100-199/${origin.bytesOf(upstream[2]).length}`);
      expect(Buffer.from(await ranged.arrayBuffer()).equals(origin.bytesOf(upstream[2]).subarray(100, 200))).toBe(true);
      // The same upstream URL keeps its token when the playlist is fetched again (tables stay small).
      expect(urisOf(await (await fetch(low)).text())).toEqual(parts);
    });

    it('is not an open proxy: only URLs listed in this session’s playlists, and foreign hosts still pass the SSRF policy', async () => {
      const a = await start();
      const b = await start();
      const aMaster = await (await get(a.playlistUrl)).text();
      const aToken = urisOf(aMaster)[0];
      const notFound = async (path: string) => {
        const r = await get(path);
        expect(r.status, path).toBe(404);
        expect(((await r.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      };
      await notFound(`/streams/${b.id}/${aToken}`); // a's token on b
      await notFound(`/streams/${a.id}/r/AAAAAAAAAAAAAAAA.ts`);
      await notFound(`/streams/${'x'.repeat(32)}/index.m3u8`);
      await notFound('/streams/not-an-id/index.m3u8');
      await notFound(`/streams/${a.id}/r/${encodeURIComponent('http://127.0.0.1/secret')}`);
      const high = new URL(urisOf(aMaster)[1], new URL(a.playlistUrl, t.url));
      const foreignRef = urisOf(await (await fetch(high)).text()).at(-1)!;
      const r = await fetch(new URL(foreignRef, high));
      expect(r.status).toBe(502);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('VENDOR_REJECTED');
      expect(foreign.hits).toBe(0);
    });

    it('fetches from the host of the playlist URL the adapter returned, even when it is private and not configured', async () => {
      const s = await start({ cameraId: 'hlstest/c/cam1' }); // playlist on http://localhost:<port>: loopback, not an allow-listed host
      const master = await get(s.playlistUrl);
      expect(master.status).toBe(200);
      const low = new URL(urisOf(await master.text())[0], new URL(s.playlistUrl, t.url)); // relative: localhost again
      const seg = new URL(urisOf(await (await fetch(low)).text())[2], low);
      const r = await fetch(seg);
      expect(r.status).toBe(200);
      expect(Buffer.from(await r.arrayBuffer()).equals(origin.bytesOf(`/hls/${origin.lastSid()}/low/seg0.m4s`))).toBe(true);
    });

    it('shares one vendor session between viewers of the same camera and parameters; the last stopStream stops it', async () => {
      const w = uniq();
      const before = origin.starts.length;
      const [a, b] = await Promise.all([start({ width: w }), start({ width: w })]);
      const c = await start({ width: w });
      expect(new Set([a.id, b.id, c.id]).size).toBe(1);
      expect(origin.starts.length).toBe(before + 1);
      const sid = origin.lastSid();
      const other = await start({ width: w, height: 480 });
      expect(other.id).not.toBe(a.id);
      expect(origin.starts.length).toBe(before + 2);

      expect((await mutate(STOP, a.id)).session?.state).toBe('ACTIVE'); // two holders left
      expect((await mutate(STOP, a.id)).session?.state).toBe('ACTIVE');
      expect(origin.stops).not.toContain(sid);
      expect((await mutate(STOP, a.id)).session?.state).toBe('STOPPED');
      expect(origin.stops.filter((x) => x === sid)).toHaveLength(1);
      expect((await get(a.playlistUrl)).status).toBe(404);
      expect((await mutate(STOP, a.id)).session?.state).toBe('STOPPED'); // idempotent, no second vendor stop
      expect((await mutate(KEEP, a.id)).session?.state).toBe('STOPPED');
      expect(origin.stops.filter((x) => x === sid)).toHaveLength(1);
      expect((await mutate(STOP, 'no-such-session')).code).toBe('NOT_FOUND');
      expect((await mutate(KEEP, 'no-such-session')).code).toBe('NOT_FOUND');
      // A stopped session is no longer shared: the same parameters open a new vendor session.
      const again = await start({ width: w });
      expect(again.id).not.toBe(a.id);
      expect(origin.starts.length).toBe(before + 3);
    });

    it('sends keepalives on schedule while the playlist is fetched, none after it goes idle; idle expiry stops it at the vendor', async () => {
      // Sessions of earlier tests expire first, so that the only timers due soon are this session's.
      await waitFor(async () => (await clock.advance(100), origin.live.size === 0), 10_000, 'earlier sessions expired');
      const s = await start();
      const sid = origin.lastSid();
      const keepalives = () => origin.keepalives.get(sid) ?? 0;
      const startedAt = clock.nowMs();
      await scheduled();
      // 1.6 s of use, longer than the idle timeout (1 s): the playlist every 100 ms, a keepalive every 50 ms.
      let lastUseAt = 0;
      for (let n = 1; n <= 32; n++) {
        if (n % 2 === 1) {
          expect((await get(s.playlistUrl)).status).toBe(200);
          lastUseAt = clock.nowMs();
        }
        await clock.advance(50);
        await waitFor(() => keepalives() === n, 5000, `keepalive ${n}`);
        await scheduled();
      }
      expect(origin.stops).not.toContain(sid);
      // Unused from now on: keepalives go on until the idle timeout, then the vendor session is stopped.
      for (;;) {
        const before = keepalives();
        await clock.advance(50);
        const next = await waitFor(() => (origin.stops.includes(sid) ? 'stopped' : keepalives() > before ? 'kept' : null), 5000, 'a keepalive or the stop');
        if (next === 'stopped') break;
        await scheduled();
      }
      expect(clock.nowMs()).toBe(lastUseAt + 1000);
      expect(keepalives()).toBe((lastUseAt + 1000 - startedAt) / 50 - 1); // every 50 ms from the start, none at the expiry itself
      await waitFor(async () => (await mutate(KEEP, s.id)).session?.state === 'STOPPED', 5000, 'STOPPED');
      const count = keepalives();
      await clock.advance(60_000); // nothing may happen any more
      expect(keepalives()).toBe(count);
      expect((await get(s.playlistUrl)).status).toBe(404);
    });

    it('keepStreamAlive keeps a session open without playlist fetches and moves expiresAt', async () => {
      const s = await start();
      const sid = origin.lastSid();
      let last = Date.parse(s.expiresAt);
      for (let i = 0; i < 5; i++) {
        await clock.advance(300); // 1.5 s in all: past the idle timeout (1 s) but for keepStreamAlive
        const k = await mutate(KEEP, s.id);
        expect(k.session?.state).toBe('ACTIVE');
        expect(Date.parse(k.session!.expiresAt!)).toBe(last + 300);
        last = Date.parse(k.session!.expiresAt!);
      }
      expect(origin.stops).not.toContain(sid);
      expect((await mutate(STOP, s.id)).session?.state).toBe('STOPPED');
      expect(origin.stops).toContain(sid);
    });

    it('restarts the vendor session under the same id when a keepalive fails, and reports it', async () => {
      const s = await start();
      const sid1 = origin.lastSid();
      const client = wsClient(t.url);
      const it = client.iterate<{ streamSessionChanged: { id: string; state: string } }>({ query: SUB, variables: { id: s.id } });
      try {
        expect((await it.next()).value?.data?.streamSessionChanged).toMatchObject({ id: s.id, state: 'ACTIVE' });
        origin.refuseKeepalive.add(sid1);
        const starting = it.next();
        await clock.advance(50); // the next keepalive
        expect((await starting).value?.data?.streamSessionChanged.state).toBe('STARTING');
        expect((await it.next()).value?.data?.streamSessionChanged.state).toBe('ACTIVE');
        const sid2 = origin.lastSid();
        expect(sid2).not.toBe(sid1);
        expect(origin.starts.at(-1)!.req).toEqual(origin.starts.find((x) => x.sid === sid1)!.req);
        expect(origin.stops).toContain(sid1); // what was left of the old one
        const low = new URL(urisOf(await (await get(s.playlistUrl)).text())[0], new URL(s.playlistUrl, t.url));
        const seg = urisOf(await (await fetch(low)).text())[2];
        const bytes = Buffer.from(await (await fetch(new URL(seg, low))).arrayBuffer());
        expect(bytes.equals(origin.bytesOf(`/hls/${sid2}/low/seg0.m4s`))).toBe(true);
      } finally {
        await it.return?.();
        await client.dispose();
      }
    });

    it('marks the session FAILED when the restart fails too; the subscription ends there', async () => {
      const s = await start();
      const sid = origin.lastSid();
      const client = wsClient(t.url);
      const it = client.iterate<{ streamSessionChanged: { state: string } }>({ query: SUB, variables: { id: s.id } });
      try {
        expect((await it.next()).value?.data?.streamSessionChanged.state).toBe('ACTIVE');
        origin.failStarts = true;
        origin.refuseKeepalive.add(sid);
        const starting = it.next();
        await clock.advance(50); // the next keepalive
        expect((await starting).value?.data?.streamSessionChanged.state).toBe('STARTING');
        expect((await it.next()).value?.data?.streamSessionChanged.state).toBe('FAILED');
        expect((await it.next()).done).toBe(true);
      } finally {
        origin.failStarts = false;
        await it.return?.();
        await client.dispose();
      }
      expect((await get(s.playlistUrl)).status).toBe(404);
      expect((await mutate(KEEP, s.id)).session?.state).toBe('FAILED');
    });

    it('streamSessionChanged without an id sees every session: STARTING, ACTIVE, STOPPED', async () => {
      const client = wsClient(t.url);
      const subscribers = t.app.streams.subscribers;
      const it = client.iterate<{ streamSessionChanged: { id: string; state: string } }>({ query: SUB, variables: {} });
      try {
        const pending = it.next();
        await waitFor(() => t.app.streams.subscribers > subscribers, 5000, 'subscription registered');
        const s = await start();
        await mutate(STOP, s.id);
        const states = [];
        // (A for loop's update would await a fourth change before checking the count: it passed only while other sessions expired.)
        for (let r = await pending; ; r = await it.next()) {
          const v = r.value?.data?.streamSessionChanged;
          if (v?.id === s.id) states.push(v); // sessions of earlier tests may change meanwhile
          if (states.length === 3) break;
        }
        expect(states).toEqual([{ id: s.id, state: 'STARTING', mode: 'LIVE', camera: { name: 'Lobby' } }, expect.objectContaining({ state: 'ACTIVE' }), expect.objectContaining({ state: 'STOPPED' })]);
      } finally {
        await it.return?.();
        await client.dispose();
      }
    });

    it('refuses cameras without the capability, instances without stream handlers and bad parameters, before any vendor call', async () => {
      const before = origin.starts.length;
      const code = async (input: Record<string, unknown>) => (await t.gql(START, { input: { cameraId: 'hlstest/a/cam1', mode: 'LIVE', ...input } })).errors?.[0]?.extensions?.code;
      expect(await code({ cameraId: 'hlstest/a/cam2' })).toBe('UNSUPPORTED_CAPABILITY');
      expect(await code({ cameraId: 'hlstest/a/cam3', mode: 'ARCHIVE', from: '2024-06-14T10:00:00Z' })).toBe('UNSUPPORTED_CAPABILITY');
      expect(await code({ cameraId: 'hlstest/b/cam1' })).toBe('UNSUPPORTED_CAPABILITY');
      expect(await code({ cameraId: 'hlstest/a/none' })).toBe('NOT_FOUND');
      expect(await code({ mode: 'ARCHIVE' })).toBe('BAD_USER_INPUT');
      expect(await code({ from: '2024-06-14T10:00:00Z' })).toBe('BAD_USER_INPUT');
      expect(await code({ width: 0 })).toBe('BAD_USER_INPUT');
      expect(origin.starts.length).toBe(before);
      const archive = await start({ mode: 'ARCHIVE', from: '2024-06-14T10:00:00.000Z' });
      expect(archive.mode).toBe('ARCHIVE');
      expect(origin.starts.at(-1)!.req).toMatchObject({ mode: 'ARCHIVE', from: '2024-06-14T10:00:00.000Z' });
    });
  });
}
