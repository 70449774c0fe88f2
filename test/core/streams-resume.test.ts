/**
 * Stream sessions across a server restart, on each driver: a clean shutdown leaves vendor sessions
 * open and persisted; the next start resumes each one the vendor still keeps alive and stops the
 * others at the vendor. No vendor session is leaked, none is stopped twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { startStreamOrigin, streamTestAdapter, type StreamOrigin } from '../helpers/stream-origin.ts';
import { streamSessions } from '../../src/core/db/schema.ts';

const START = 'mutation($input: StartStreamInput!) { startStream(input: $input) { id state playlistUrl } }';
const KEEP = 'mutation($id: ID!) { keepStreamAlive(id: $id) { id state } }';
const STOP = 'mutation($id: ID!) { stopStream(id: $id) { id state } }';

for (const driver of drivers) {
  describe(`stream sessions across restarts (${driver.name})`, () => {
    let origin: StreamOrigin;
    let tdb: TestDb;
    let t: TestApp | null = null;
    const boot = () =>
      startTestApp({
        db: tdb,
        adapters: [streamTestAdapter],
        config: { adapters: [{ type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 100 }], streams: { idleTimeoutSec: 5 } },
      });
    const rows = () => tdb.database.db.select().from(streamSessions);
    const start = async (app: TestApp, width: number) => {
      const r = await app.gql(START, { input: { cameraId: 'hlstest/a/cam1', mode: 'LIVE', width } });
      expect(r.errors).toBeUndefined();
      return { ...(r.data.startStream as { id: string; state: string; playlistUrl: string }), sid: origin.lastSid() };
    };

    beforeAll(async () => {
      origin = await startStreamOrigin();
      tdb = await driver.open();
    });
    afterAll(async () => {
      await t?.close();
      await tdb.cleanup();
      await origin.close();
    });

    it('persists a live session as soon as it is active (a crash loses nothing)', async () => {
      t = await boot();
      const s = await start(t, 1);
      const row = (await waitFor(async () => (await rows()).find((r) => r.id === s.id), 5000, 'persisted row'))!;
      expect(row).toMatchObject({ adapter: 'hlstest', instance: 'a', cameraId: 'hlstest/a/cam1', mode: 'LIVE', vendorSessionId: s.sid, state: 'ACTIVE', keepaliveIntervalMs: 100 });
      expect(row.playlistUrl).toBe(`${origin.url}/hls/${s.sid}/master.m3u8`);
      expect(row.params).toMatchObject({ cameraVendorId: 'cam1', width: 1, from: null });
      expect((await t.gql(STOP, { id: s.id })).data.stopStream.state).toBe('STOPPED');
      await waitFor(async () => !(await rows()).some((r) => r.id === s.id), 5000, 'row deleted on stop');
    });

    it('resumes sessions the vendor still keeps alive and stops the others at the vendor', async () => {
      t ??= await boot();
      const keep = await start(t, 2);
      const lose = await start(t, 3);
      await t.close();
      t = null;
      expect(origin.stops).not.toContain(keep.sid); // a clean shutdown leaves them open for the next start
      expect(origin.stops).not.toContain(lose.sid);
      expect((await rows()).map((r) => r.id).sort()).toEqual([keep.id, lose.id].sort());

      origin.refuseKeepalive.add(lose.sid); // the vendor forgot this one while we were down
      t = await boot();
      expect(origin.stops).toContain(lose.sid);
      expect(origin.stops).not.toContain(keep.sid);
      expect((await rows()).map((r) => r.id)).toEqual([keep.id]);
      expect((await t.gql(KEEP, { id: lose.id })).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
      expect((await fetch(new URL(lose.playlistUrl, t.url))).status).toBe(404);

      // The resumed session: same id, proxied, kept alive, still shared.
      const playlist = await fetch(new URL(keep.playlistUrl, t.url));
      expect(playlist.status).toBe(200);
      expect(await playlist.text()).not.toContain(origin.url);
      expect((await t.gql(KEEP, { id: keep.id })).data.keepStreamAlive.state).toBe('ACTIVE');
      const before = origin.keepalives.get(keep.sid) ?? 0;
      await waitFor(() => (origin.keepalives.get(keep.sid) ?? 0) >= before + 3, 5000, 'keepalives after resume');
      const starts = origin.starts.length;
      const joined = await start(t, 2);
      expect(joined.id).toBe(keep.id);
      expect(origin.starts.length).toBe(starts);

      // Two holds (the original and the join): the second stop ends it, once.
      await t.gql(STOP, { id: keep.id });
      expect((await t.gql(STOP, { id: keep.id })).data.stopStream.state).toBe('STOPPED');
      expect(origin.stops.filter((x) => x === keep.sid)).toHaveLength(1);
      await waitFor(async () => (await rows()).length === 0, 5000, 'no rows left');
      expect(origin.live.size).toBe(0); // no vendor session leaked
    });

    it('forgets a persisted session whose camera is gone, after stopping it at the vendor', async () => {
      t ??= await boot();
      const s = await start(t, 4);
      await t.close();
      t = null;
      await tdb.database.db.update(streamSessions).set({ cameraId: 'hlstest/a/removed' });
      t = await boot();
      expect(origin.stops).toContain(s.sid);
      expect(await rows()).toEqual([]);
    });
  });
}
