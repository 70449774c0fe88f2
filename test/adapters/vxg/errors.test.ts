/**
 * VXG failures as typed GraphQL errors, never "Unexpected error": refused tokens (read-only,
 * wrong), VXG down / 500 / hanging / invalid JSON; instance status DEGRADED with a detail while VXG
 * fails and READY again after; retries only for idempotent requests; tokens never in the output.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { encodeChannelToken } from '@unified-surveillance/simulators/vxg';
import { waitFor } from '../../helpers/wait-for.ts';
import { CAM_A, CAM_B, secretsIn, startVxgHarness, type VxgHarness } from './harness.ts';

const CREATE = `mutation($i: CreateEventInput!) { createEvent(input: $i) { accepted vendorEventId } }`;
const TRIGGER = `mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted } }`;
const TYPES = `query($c: ID!, $r: Boolean) { vxgEventTypes(cameraId: $c, refresh: $r) { name } }`;
const ADD = `mutation($i: VxgAddEventTypeInput!) { vxgAddEventType(input: $i) { name } }`;
const CAMERAS = `{ cameras(first: 10, filter: { adapters: ["vxg"] }) { edges { node { status capabilities sources { instance vendorId } } } } }`;
const statusOf = async (h: VxgHarness, id: string) => (await h.gql('{ adapters { id status detail } }')).data.adapters.find((a: any) => a.id === id);

type Gql = Awaited<ReturnType<VxgHarness['gql']>>;
const TYPED = ['VENDOR_REJECTED', 'VENDOR_UNAVAILABLE', 'NOT_FOUND', 'BAD_USER_INPUT', 'UNSUPPORTED_CAPABILITY'];
function expectTyped(r: Gql, code: string): string {
  expect(r.errors, r.text).toHaveLength(1);
  expect(r.errors![0].extensions?.code).toBe(code);
  expect(TYPED).toContain(code);
  expect(r.errors![0].message).not.toMatch(/unexpected error/i);
  return r.errors![0].message;
}

for (const driver of drivers) {
  describe(`VXG refused tokens (${driver.name})`, () => {
    let h: VxgHarness;
    let db: TestDb;
    let watchToken = '';
    let wrongToken = '';
    beforeAll(async () => {
      db = await driver.open();
      h = await startVxgHarness({
        db,
        instances: (sim) => {
          watchToken = sim.tokenFor(CAM_A, { access: 'watch' });
          const good = JSON.parse(Buffer.from(sim.tokenFor(CAM_B), 'base64').toString()) as Record<string, unknown>;
          wrongToken = encodeChannelToken({ ...good, token: 'share.not-issued-by-vxg-000000' } as never);
          return [
            { type: 'vxg', id: 'watch', pollIntervalSec: 0.2, accessToken: watchToken },
            { type: 'vxg', id: 'wrong', pollIntervalSec: 0.2, accessToken: wrongToken },
          ];
        },
      });
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });

    it('a read-only ("watch") token: types are listed, but creating, triggering and adding types are VENDOR_REJECTED with VXG\'s reason', async () => {
      const cam = h.cameraId(CAM_A, 'watch');
      expect((await h.gql(TYPES, { c: cam })).data.vxgEventTypes.length).toBe(25);
      const { created, triggered } = h.sim.stats;
      expect(expectTyped(await h.gql(CREATE, { i: { cameraId: cam, type: 'motion' } }), 'VENDOR_REJECTED')).toMatch(/HTTP 403.*access 'all'/);
      expectTyped(await h.gql(TRIGGER, { i: { cameraId: cam, type: 'door_bell' } }), 'VENDOR_REJECTED');
      expectTyped(await h.gql(ADD, { i: { cameraId: cam, name: 'custom_x' } }), 'VENDOR_REJECTED');
      expect(h.sim.stats).toMatchObject({ created, triggered });
      expect((await statusOf(h, 'watch')).status).toBe('READY');
    });

    it('a wrong token: the instance is DEGRADED naming the refusal, its camera UNKNOWN with CREATE_EVENT only, and calls are VENDOR_REJECTED', async () => {
      const st = await waitFor(
        async () => {
          const s = await statusOf(h, 'wrong');
          return s.status === 'DEGRADED' ? s : null;
        },
        5000,
        'DEGRADED',
      );
      expect(st.detail).toMatch(/camera 237863: .*HTTP 401.*invalid or expired/);
      const cams = (await h.gql(CAMERAS)).data.cameras.edges.map((e: any) => e.node);
      expect(cams.find((c: any) => c.sources[0].instance === 'wrong')).toMatchObject({ status: 'UNKNOWN', capabilities: ['CREATE_EVENT'] });
      expect(h.sim.stats.unauthorized).toBeGreaterThan(0);
      expectTyped(await h.gql(TYPES, { c: h.cameraId(CAM_B, 'wrong') }), 'VENDOR_REJECTED');
      expectTyped(await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_B, 'wrong'), type: 'motion' } }), 'VENDOR_REJECTED');
      expectTyped(await h.gql(TRIGGER, { i: { cameraId: h.cameraId(CAM_B, 'wrong'), type: 'door_bell' } }), 'UNSUPPORTED_CAPABILITY');
    });

    it('neither token shows in logs, statuses or errors', async () => {
      const out = [
        (await h.gql('{ adapters { detail } }')).text,
        (await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_B, 'wrong'), type: 'motion' } })).text,
        (await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_A, 'watch'), type: 'motion' } })).text,
        h.logs.join(''),
      ].join('\n');
      for (const s of [...secretsIn(watchToken), ...secretsIn(wrongToken)]) expect(out).not.toContain(s);
    });
  });

  describe(`VXG unavailable (${driver.name})`, () => {
    let h: VxgHarness;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      // One poll at start, then only when woken: request counts below are ours.
      h = await startVxgHarness({
        db,
        instances: (sim) => {
          sim.cameraEvent(CAM_A, 'net'); // seen by the first poll
          return [{ type: 'vxg', id: 'cloud', pollIntervalSec: 3600, requestTimeoutMs: 400, accessToken: [sim.tokenFor(CAM_A)] }];
        },
      });
      await waitFor(async () => (await h.gql('{ events(first: 1) { edges { node { seq } } } }')).data.events.edges.length === 1, 5000, 'first poll');
    });
    afterEach(() => {
      h.sim.fault = 'none';
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });

    it('HTTP 500: an idempotent read is retried then VENDOR_UNAVAILABLE; a create is not retried', async () => {
      h.sim.fault = 'http500';
      let before = h.sim.stats.requests;
      expect(expectTyped(await h.gql(TYPES, { c: h.cameraId(CAM_A), r: true }), 'VENDOR_UNAVAILABLE')).toMatch(/HTTP 500.*simulated server error/);
      expect(h.sim.stats.requests - before).toBe(3);
      before = h.sim.stats.requests;
      expectTyped(await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_A), type: 'motion' } }), 'VENDOR_UNAVAILABLE');
      expect(h.sim.stats.requests - before).toBe(1); // event types come from the cache; the POST is not repeated
      expect(h.sim.stats.created).toBe(0);
    });

    it('VXG down, hanging or answering invalid JSON: typed errors within the deadline', async () => {
      h.sim.fault = 'down';
      expectTyped(await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_A), type: 'motion' } }), 'VENDOR_UNAVAILABLE');
      h.sim.fault = 'hang';
      const t0 = Date.now();
      expect(expectTyped(await h.gql(CREATE, { i: { cameraId: h.cameraId(CAM_A), type: 'motion' } }), 'VENDOR_UNAVAILABLE')).toMatch(/400 ms/);
      expect(Date.now() - t0).toBeLessThan(3000);
      h.sim.fault = 'invalid-json';
      expect(expectTyped(await h.gql(TYPES, { c: h.cameraId(CAM_A), r: true }), 'VENDOR_REJECTED')).toMatch(/invalid JSON/);
    });

    it('a create whose outcome was unknown is reconciled on retry with the same key: one VXG event', async () => {
      h.sim.fault = 'hang';
      const input = { cameraId: h.cameraId(CAM_A), type: 'motion', meta: { r: 'x' }, idempotencyKey: `unknown-${driver.name}` };
      expectTyped(await h.gql(CREATE, { i: input }), 'VENDOR_UNAVAILABLE');
      h.sim.fault = 'none';
      const before = h.sim.stats.created;
      const first = await h.gql(CREATE, { i: input });
      expect(first.errors).toBeUndefined();
      const again = await h.gql(CREATE, { i: input });
      expect(again.data.createEvent.vendorEventId).toBe(first.data.createEvent.vendorEventId);
      expect(h.sim.stats.created).toBe(before + 1);
    });
  });

  describe(`VXG status follows polling (${driver.name})`, () => {
    let h: VxgHarness;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      h = await startVxgHarness({ db, instances: (sim) => [{ type: 'vxg', id: 'cloud', pollIntervalSec: 0.1, accessToken: [sim.tokenFor(CAM_A)] }] });
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });

    it('the instance is DEGRADED while polling fails and READY once VXG answers again', async () => {
      await waitFor(async () => (await statusOf(h, 'cloud')).status === 'READY', 5000, 'READY');
      h.sim.fault = 'http500';
      const st = await waitFor(
        async () => {
          const s = await statusOf(h, 'cloud');
          return s.status === 'DEGRADED' ? s : null;
        },
        8000,
        'DEGRADED',
      );
      expect(st.detail).toMatch(/camera 248527: VXG could not serve the stored events of camera 248527 \(HTTP 500\)/);
      h.sim.fault = 'none';
      await waitFor(async () => (await statusOf(h, 'cloud')).status === 'READY', 8000, 'READY again');
    });
  });
}
