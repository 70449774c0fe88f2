/**
 * IVMS adapter end to end against the simulator (real sockets; PGlite and, with TEST_DATABASE_URL,
 * PostgreSQL): channels as cameras through GraphQL, credentials never exposed, channel changes,
 * REST faults reflected in `adapters`, IVMS down at start-up and its recovery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IvmsSimulator, defaultChannels } from '@unified-surveillance/simulators/ivms';
import { startTestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { IVMS_ADAPTERS, LOCAL_ZONE, startIvms, type IvmsHarness } from './harness.ts';
import { unusedPort } from '../../helpers/ports.ts';

const CAMERAS = `{ cameras(first: 50, filter: { adapters: ["ivms"] }) { edges { node {
  id name status capabilities sources { adapter instance vendorId }
  ivmsChannel { channelId model ip number recordingStream oldestClipTime location { latitude longitude locationId } }
} } } }`;

type Cam = { id: string; name: string; status: string; capabilities: string[]; sources: Array<{ vendorId: string }>; ivmsChannel: Record<string, any> };

for (const driver of drivers) {
  describe(`IVMS adapter (${driver.name})`, () => {
    let h: IvmsHarness;
    let db: TestDb;
    const cameras = async (): Promise<Cam[]> => {
      const r = await h.t.gql(CAMERAS);
      expect(r.errors).toBeUndefined();
      return r.data.cameras.edges.map((e: { node: Cam }) => e.node);
    };
    beforeAll(async () => {
      db = await driver.open();
      h = await startIvms(db, { config: { limits: { requestTimeoutMs: 500 } } });
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });

    it('lists the channels as cameras with model, ip, location and status; READY', async () => {
      await h.internals().channels.refreshNow();
      const cams = await cameras();
      expect(cams.map((c) => [c.sources[0].vendorId, c.name, c.status])).toEqual([
        ['1', 'Entry_View', 'ONLINE'],
        ['10', 'Warehouse_Dock', 'ONLINE'],
        ['2', '192.168.1.47', 'ONLINE'],
        ['3', 'Parking_Gate', 'OFFLINE'],
      ]);
      expect(cams[0]).toMatchObject({
        id: expect.any(String),
        capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM'],
        ivmsChannel: {
          channelId: '1',
          model: 'Axis',
          ip: '192.168.1.10',
          number: 1,
          recordingStream: 'MajorStream',
          oldestClipTime: '2017-06-13 00:00:00',
          location: { latitude: 22.5726, longitude: 88.3639, locationId: 1 },
        },
      });
      expect(cams[2].ivmsChannel.location).toEqual({ latitude: null, longitude: null, locationId: 1 });
      await h.waitStatus('READY');
    });

    it('never exposes channel usernames, passwords or RTSP URLs', async () => {
      const r = await h.t.gql(`{ cameras(first: 50) { edges { node { ...on Camera { id name ivmsChannel { channelId model ip location { locationId } } } } } } }`);
      const text = JSON.stringify(r);
      for (const c of defaultChannels()) {
        expect(text).not.toContain(c.password);
        expect(text).not.toContain(c.majorUrl);
      }
      expect(text).not.toMatch(/rtsp:|username|password/i);
    });

    it('follows channel changes: new channels appear, removed ones go OFFLINE, status changes', async () => {
      const base = defaultChannels();
      h.sim.setChannels([...base.filter((c) => c.id !== 10).map((c) => (c.id === 3 ? { ...c, status: 0 as const } : c)), { ...base[0], id: 42, name: 'Lobby', ip: '192.168.1.99', status: 0 }]);
      await h.internals().channels.refreshNow();
      const byId = Object.fromEntries((await cameras()).map((c) => [c.sources[0].vendorId, c]));
      expect(byId['42']).toMatchObject({ name: 'Lobby', status: 'ONLINE' });
      expect(byId['10'].status).toBe('OFFLINE');
      expect(byId['3'].status).toBe('ONLINE');
      h.sim.setChannels(base);
      await h.internals().channels.refreshNow();
      expect((await cameras()).find((c) => c.sources[0].vendorId === '10')?.status).toBe('ONLINE');
    });

    it('REST faults show in `adapters` (site down, broken JSON, HTTP 500, hang) and clear on recovery', async () => {
      const cases: Array<[IvmsSimulator['fault'], RegExp]> = [
        ['site-down', /channel list: site VMS server down \(1504\/500: Cannot connect the site VMS server\.\)/],
        ['invalid-json', /site VMS server down .*not valid JSON/],
        ['http500', /channel list: HTTP 500/],
        ['hang', /(no complete answer within 500 ms|HEADERS_TIMEOUT)/], // deadline and undici's headers timeout race
      ];
      const before = await cameras();
      for (const [fault, detail] of cases) {
        h.sim.fault = fault;
        await h.internals().channels.refreshNow();
        const a = await h.waitStatus('DEGRADED', detail);
        expect(a.detail).toMatch(/\(retry in \d+ s\)/);
        expect(await cameras()).toEqual(before); // cameras are kept as they were while IVMS is unreachable
      }
      h.sim.fault = 'none';
      await h.internals().channels.refreshNow();
      await h.waitStatus('READY');
      expect((await h.adapter()).counters['channels.refresh_failed']).toBeGreaterThanOrEqual(4);
    });
  });
}

describe('IVMS down at start-up', () => {
  it('starts anyway (ERROR naming both problems), then recovers on its own when IVMS comes up', async () => {
    const port = await unusedPort();
    const db = await drivers[0].open();
    // Nothing listens yet: the simulator starts on this port only after the app is up (below).
    const sim = new IvmsSimulator({ port });
    const t = await startTestApp({
      db,
      adapters: IVMS_ADAPTERS,
      config: { adapters: [{ type: 'ivms', id: 'hq', baseUrl: `http://127.0.0.1:${port}`, timezone: LOCAL_ZONE, maxReconnectSec: 0.5, channelRefreshSec: 2 }] },
    });
    try {
      const status = async () => (await t.gql('{ adapters { type status detail } }')).data.adapters.find((a: { type: string }) => a.type === 'ivms');
      const down = await waitFor(
        async () => {
          const a = await status();
          return a.status === 'ERROR' && /channel list/.test(a.detail) && /notification socket disconnected/.test(a.detail) ? a : null;
        },
        8000,
        'ERROR with both problems',
      );
      expect(down.detail).toMatch(/ECONNREFUSED/);
      await sim.start();
      await waitFor(async () => (await status()).status === 'READY', 10_000, 'READY after IVMS came up');
      const r = await t.gql('{ cameras(first: 10, filter: { adapters: ["ivms"] }) { edges { node { name } } } }');
      expect(r.data.cameras.edges).toHaveLength(4);
    } finally {
      await t.close();
      await sim.stop();
      await db.cleanup();
    }
  });
});
