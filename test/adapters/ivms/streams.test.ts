/**
 * IVMS stream sessions end to end: startStream through GraphQL opens an IVMS HLS session at the
 * simulator, the playlist and a segment come through /streams/, keepalives reach IVMS while the
 * session is used, and stopStream or idle expiry really stop it there. Archive sessions, an
 * unknown channel (3110) and a site that is down.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SimSession } from '@unified-surveillance/simulators/ivms';
import { defaultChannels } from '@unified-surveillance/simulators/ivms';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { startIvms, type IvmsHarness } from './harness.ts';

const START = `mutation($input: StartStreamInput!) { startStream(input: $input) { id mode state playlistUrl expiresAt camera { name } } }`;
const STOP = `mutation($id: ID!) { stopStream(id: $id) { id state } }`;
const CAMERA_IDS = `{ cameras(first: 50, filter: { adapters: ["ivms"] }) { edges { node { id sources { vendorId } } } } }`;

type Session = { id: string; mode: string; state: string; playlistUrl: string; camera: { name: string } };

/** The first segment URI of a playlist, as a path on this server. */
const segmentPath = (playlist: string, s: Session) => new URL(playlist.split('\n').find((l) => l && !l.startsWith('#'))!, `http://x${s.playlistUrl}`).pathname;

for (const driver of drivers) {
  describe(`IVMS stream sessions (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    let cameraId: Record<string, string>;
    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db, { config: { keepaliveSec: 1 }, app: { streams: { idleTimeoutSec: 2.5 } } });
      await h.internals().channels.refreshNow();
      const r = await h.t.gql(CAMERA_IDS);
      cameraId = Object.fromEntries(r.data.cameras.edges.map((e: { node: { id: string; sources: Array<{ vendorId: string }> } }) => [e.node.sources[0].vendorId, e.node.id]));
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });
    beforeEach(() => {
      h.sim.fault = 'none';
      h.sim.setChannels(defaultChannels());
    });

    /** Start a session; returns it and the IVMS session it opened. */
    const start = async (input: Record<string, unknown>): Promise<{ s: Session; vendor: SimSession }> => {
      const known = new Set(h.sim.sessions.keys());
      const r = await h.t.gql(START, { input });
      expect(r.errors).toBeUndefined();
      const vendor = [...h.sim.sessions.values()].find((v) => !known.has(v.id));
      expect(vendor).toBeDefined();
      return { s: r.data.startStream, vendor: vendor! };
    };
    const get = async (path: string) => {
      const res = await fetch(`${h.t.url}${path}`);
      return { status: res.status, type: res.headers.get('content-type'), body: Buffer.from(await res.arrayBuffer()) };
    };

    it('live: playlist and a segment through /streams/, keepalives at IVMS while used, stopStream stops it', async () => {
      const { s, vendor } = await start({ cameraId: cameraId['1'], mode: 'LIVE' });
      expect(s).toMatchObject({ mode: 'LIVE', state: 'ACTIVE', camera: { name: 'Entry_View' }, playlistUrl: `/streams/${s.id}/index.m3u8` });
      expect(vendor).toMatchObject({ kind: 'live', channelId: 1, stopped: false });

      const playlist = await get(s.playlistUrl);
      expect(playlist.status).toBe(200);
      const text = playlist.body.toString('utf8');
      expect(text).toContain('#EXTM3U');
      expect(text).not.toContain(h.sim.url); // the IVMS address never reaches the player
      const segment = segmentPath(text, s);
      expect(segment).toMatch(new RegExp(`^/streams/${s.id}/r/`));
      const seg = await get(segment);
      expect([seg.status, seg.body[0]]).toEqual([200, 0x47]); // MPEG-TS sync byte

      // Used (playlist fetches) → kept alive at IVMS every keepaliveSec (1 s).
      await waitFor(async () => (await get(s.playlistUrl)).status === 200 && vendor.keepalives >= 2, 8000, 'two keepalives at IVMS');
      const stopped = await h.t.gql(STOP, { id: s.id });
      expect(stopped.data.stopStream.state).toBe('STOPPED');
      expect(h.sim.sessions.get(vendor.id)).toMatchObject({ stopped: true, expired: false });
      expect((await get(s.playlistUrl)).status).toBe(404);
    });

    it('an unused session expires: the IVMS session is stopped, not left to time out', async () => {
      const { s, vendor } = await start({ cameraId: cameraId['10'], mode: 'LIVE', width: 640, height: 360 });
      expect(s.state).toBe('ACTIVE');
      await waitFor(() => h.sim.sessions.get(vendor.id)?.stopped, 8000, 'stoplive after idle expiry');
      expect(h.sim.sessions.get(vendor.id)?.expired).toBe(false);
    });

    it('archive: startarchive from a past time, playlist and segment through the proxy, stoparchive', async () => {
      const from = new Date(Date.now() - 3_600_000).toISOString();
      const { s, vendor } = await start({ cameraId: cameraId['2'], mode: 'ARCHIVE', from, width: 800, height: 700, audio: false });
      expect(vendor).toMatchObject({ kind: 'archive', channelId: 2 });
      const text = (await get(s.playlistUrl)).body.toString('utf8');
      expect(text).not.toContain(h.sim.url);
      const segment = segmentPath(text, s);
      expect(segment).toMatch(new RegExp(`^/streams/${s.id}/r/`)); // the archive playlist's absolute URLs are rewritten too
      expect((await get(segment)).status).toBe(200);
      await h.t.gql(STOP, { id: s.id });
      expect(h.sim.sessions.get(vendor.id)?.stopped).toBe(true);
    });

    it('a channel IVMS no longer knows (3110) is NOT_FOUND naming it', async () => {
      h.sim.setChannels(defaultChannels().filter((c) => c.id !== 3));
      const r = await h.t.gql(START, { input: { cameraId: cameraId['3'], mode: 'LIVE' } });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'NOT_FOUND', vendorStatus: 3110 });
      expect(r.errors?.[0].message).toContain('channel 3');
    });

    it('site VMS down: VENDOR_UNAVAILABLE, no session left behind', async () => {
      h.sim.fault = 'site-down';
      const before = h.sim.sessions.size;
      const r = await h.t.gql(START, { input: { cameraId: cameraId['1'], mode: 'LIVE' } });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'VENDOR_UNAVAILABLE', vendorStatus: 1504 });
      expect(h.sim.sessions.size).toBe(before);
    });
  });
}
