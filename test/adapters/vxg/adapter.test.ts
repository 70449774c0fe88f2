/**
 * VXG events mirrored into the log and the live stream: camera-generated and triggered events
 * arrive on a graphql-ws subscription, thumbnails become media, storage paging over several pages,
 * no duplicates across polls and restarts, and the channel tokens never show in logs or GraphQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { collect, wsClient } from '../../helpers/ws-client.ts';
import { VxgSimulator } from '@unified-surveillance/simulators/vxg';
import { CAM_A, CAM_B, secretsIn, startVxgHarness, type VxgHarness } from './harness.ts';

const LIVE = `subscription($after: String, $f: EventFilter) { events(after: $after, filter: $f) {
  seq kind vendorType occurredAt camera { id name }
  media { id role contentType byteSize url }
  ... on VxgEvent { name vxgId meta thumbnailUrl downloadUrl }
} }`;
const VXG_EVENTS = `query($f: EventFilter) { events(first: 500, filter: $f) { edges { node { seq vendorType occurredAt media { role } ... on VxgEvent { vxgId } } } } }`;
const TRIGGER = `mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }`;
const ADAPTERS = `{ adapters { type id status detail counters { name value } } }`;

for (const driver of drivers) {
  describe(`VXG events mirrored live (${driver.name})`, () => {
    let h: VxgHarness;
    let db: TestDb;
    let sim: VxgSimulator;
    const graphqlTexts: string[] = [];
    const logSets: string[][] = [];
    const start = async (instances: (s: VxgSimulator) => Array<Record<string, unknown>>) => {
      h = await startVxgHarness({ db, sim, instances });
      logSets.push(h.logs);
    };
    const gql = async (q: string, v?: Record<string, unknown>) => {
      const r = await h.gql(q, v);
      graphqlTexts.push(r.text);
      return r;
    };
    const lastSeq = async () => {
      const r = await gql('{ events(first: 1) { edges { node { seq } } } }');
      return r.data.events.edges[0]?.node.seq ?? '0';
    };
    const storedIds = async (camid: number) => {
      const r = await gql(VXG_EVENTS, { f: { cameraIds: [h.cameraId(camid)] } });
      return r.data.events.edges.map((e: any) => e.node.vxgId as string);
    };

    beforeAll(async () => {
      db = await driver.open();
      sim = new VxgSimulator({ seed: `mirror-${driver.name}` });
      await sim.start();
      // An event stored before the adapter starts, inside the backfill window.
      sim.cameraEvent(CAM_A, 'net', { time: new Date(Date.now() - 20_000), meta: { state: 'online' } });
      await start((s) => [{ type: 'vxg', id: 'cloud', pageSize: 10, pollIntervalSec: 0.1, accessToken: [s.tokenFor(CAM_A), s.tokenFor(CAM_B)] }]);
    });
    afterAll(async () => {
      await h?.close();
      await sim?.stop();
      await db?.cleanup();
    });

    it('backfills recent events on first start', async () => {
      const before = sim.storedEvents(CAM_A)[0];
      await waitFor(async () => (await storedIds(CAM_A)).includes(String(before.id)), 5000, 'backfilled event');
    });

    it('camera-generated events arrive on a subscription with their thumbnail stored as media', async () => {
      const client = wsClient(h.url);
      try {
        const after = await lastSeq();
        const got = collect<{ events: any }>(client, LIVE, { after, f: { adapters: ['vxg'] } }, 2);
        const motion = sim.cameraEvent(CAM_A, 'motion', { meta: { zone: 'porch' } }); // motion snapshots and records
        const net = sim.cameraEvent(CAM_B, 'net', { meta: { state: 'offline' } });
        const rows = (await got).map((r) => r.events);
        const byId = Object.fromEntries(rows.map((e) => [e.vxgId, e]));
        expect(byId[motion.id]).toMatchObject({
          kind: 'MOTION_STARTED',
          vendorType: 'motion',
          name: 'motion',
          meta: { zone: 'porch' },
          occurredAt: `${motion.time}.000Z`,
          camera: { id: expect.any(String), name: `VXG camera ${CAM_A}` },
          thumbnailUrl: motion.thumb!.url,
          downloadUrl: motion.filemeta!.download.url,
          media: [{ role: 'SNAPSHOT', contentType: 'image/jpeg', byteSize: 204, url: expect.stringMatching(/^\/media\/[0-9a-f]{64}$/) }],
        });
        expect(byId[net.id]).toMatchObject({ kind: 'CUSTOM', vendorType: 'net', meta: { state: 'offline' }, media: [], thumbnailUrl: null });
        const img = await fetch(`${h.url}${byId[motion.id].media[0].url}`);
        expect(img.status).toBe(200);
        expect(img.headers.get('content-type')).toBe('image/jpeg');
        expect(Buffer.from(await img.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
      } finally {
        await client.dispose();
      }
    });

    it('a frontend that triggers an event sees it arrive on its subscription', async () => {
      const client = wsClient(h.url);
      try {
        const after = await lastSeq();
        const got = collect<{ events: any }>(client, LIVE, { after, f: { adapters: ['vxg'], cameraIds: [h.cameraId(CAM_B)] } }, 1);
        const r = await gql(TRIGGER, { i: { cameraId: h.cameraId(CAM_B), type: 'door_bell', meta: { button: '1' } } });
        expect(r.errors).toBeUndefined();
        const [row] = await got;
        expect(row.events).toMatchObject({ vendorType: 'door_bell', meta: { button: '1' }, media: [{ role: 'SNAPSHOT' }] });
        expect(sim.storedEvents(CAM_B).some((e) => String(e.id) === row.events.vxgId)).toBe(true);
      } finally {
        await client.dispose();
      }
    });

    it('pages over more than one page of stored events; every event stored exactly once', async () => {
      const t0 = Date.now();
      const made = Array.from({ length: 35 }, (_, i) => sim.cameraEvent(CAM_B, i % 2 ? 'net' : 'sound', { time: new Date(t0 - 1000 + (i % 3) * 1000), meta: { i }, withThumb: false }));
      const ids = await waitFor(
        async () => {
          const got = await storedIds(CAM_B);
          return made.every((m) => got.includes(String(m.id))) ? got : null;
        },
        8000,
        '35 events over 4 pages',
      );
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(sim.storedEvents(CAM_B).length);
    });

    it('events re-read in the overlap window are not stored again; counters say what happened', async () => {
      const countA = (await storedIds(CAM_A)).length;
      const polls = sim.stats.requests;
      await waitFor(() => sim.stats.requests > polls + 10, 5000, 'more polls');
      expect((await storedIds(CAM_A)).length).toBe(countA);
      const r = await gql(ADAPTERS);
      const vxg = r.data.adapters.find((a: any) => a.type === 'vxg');
      expect(vxg).toMatchObject({ status: 'READY', detail: null });
      const counters = Object.fromEntries(vxg.counters.map((c: any) => [c.name, c.value]));
      expect(counters['events.mirrored']).toBe(sim.storedEvents().length);
      expect(counters['events.duplicate'] ?? 0).toBe(0);
    });

    it('after a restart on the same database, the cursor resumes: nothing stored twice, new events still arrive', async () => {
      const before = sim.storedEvents().length;
      await h.close();
      const late = sim.cameraEvent(CAM_A, 'motion', { meta: { while: 'down' } });
      await start((s) => [{ type: 'vxg', id: 'cloud', pageSize: 10, pollIntervalSec: 0.1, accessToken: [s.tokenFor(CAM_A), s.tokenFor(CAM_B)] }]);
      await waitFor(async () => (await storedIds(CAM_A)).includes(String(late.id)), 5000, 'event made while down');
      const all = [...(await storedIds(CAM_A)), ...(await storedIds(CAM_B))];
      expect(new Set(all).size).toBe(all.length);
      expect(all.length).toBe(before + 1);
    });

    it('vendor links outside the configured API origin are fetched under the SSRF policy; a refused thumbnail does not cost the event', async () => {
      await h.close();
      // API through `localhost` (operator-configured baseUrl): thumbnail links name 127.0.0.1, another origin
      // on a loopback address, which the safe fetch refuses for vendor-supplied URLs.
      await start((s) => [{ type: 'vxg', id: 'cloud', pollIntervalSec: 0.1, baseUrl: s.url.replace('127.0.0.1', 'localhost'), accessToken: [s.tokenFor(CAM_A)] }]);
      const ev = sim.cameraEvent(CAM_A, 'motion', { meta: { thumb: 'refused' } });
      const id = String(ev.id);
      await waitFor(async () => (await storedIds(CAM_A)).includes(id), 5000, 'event with a refused thumbnail');
      const r = await gql(VXG_EVENTS, { f: { cameraIds: [h.cameraId(CAM_A)] } });
      const node = r.data.events.edges.map((e: any) => e.node).find((n: any) => n.vxgId === id);
      expect(node.media).toEqual([]);
      const vxg = (await gql(ADAPTERS)).data.adapters.find((a: any) => a.type === 'vxg');
      expect(vxg.counters.find((c: any) => c.name === 'media.failed')?.value).toBeGreaterThanOrEqual(1);
      expect(h.logs.join('')).toMatch(/refused to fetch http:\/\/127\.0\.0\.1:\d+\/sim\/media\/thumbs\/\d+\.jpg: loopback address/);
    });

    it('tokens never appear in logs or GraphQL output', async () => {
      const secrets = [CAM_A, CAM_B].flatMap((c) => secretsIn(sim.tokenFor(c)));
      await gql(`{ events(first: 500) { edges { node { raw ... on VxgEvent { meta thumbnailUrl downloadUrl } } } } }`);
      await gql(`{ adapters { detail } cameras(first: 10) { edges { node { name } } } }`);
      const logText = logSets.flat().join('');
      expect(logText.length).toBeGreaterThan(1000); // trace logging was on
      for (const s of secrets) {
        expect(logText).not.toContain(s);
        for (const t of graphqlTexts) expect(t).not.toContain(s);
      }
    });
  });
}
