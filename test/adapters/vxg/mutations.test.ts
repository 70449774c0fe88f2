/**
 * VXG mutations end to end through GraphQL against the simulator: createEvent (custom types,
 * times, idempotency), triggerEvent (triggerable or refused before any VXG call), event type
 * listing over several pages, adding and updating types, scopes. PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { defaultEventTypes } from '@unified-surveillance/simulators/vxg';
import { waitFor } from '../../helpers/wait-for.ts';
import { CAM_A, CAM_B, startVxgHarness, type VxgHarness } from './harness.ts';

const CREATE = `mutation($i: CreateEventInput!) { createEvent(input: $i) { accepted vendorEventId camera { id sources { vendorId } } } }`;
const TRIGGER = `mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted vendorEventId camera { id } } }`;
const TYPES = `query($c: ID!, $r: Boolean) { vxgEventTypes(cameraId: $c, refresh: $r) { name caps { canBeTriggered canRecord canSnapshot isPeriodic } notify receive record snapshot period custom } }`;
const ADD = `mutation($i: VxgAddEventTypeInput!) { vxgAddEventType(input: $i) { name custom notify receive caps { canBeTriggered } } }`;
const UPDATE = `mutation($i: VxgUpdateEventTypeInput!) { vxgUpdateEventType(input: $i) { name record snapshot notify period } }`;
const VXG_EVENTS = `query($f: EventFilter) { events(first: 200, filter: $f) { edges { node { kind vendorType occurredAt camera { id } ... on VxgEvent { name vxgId meta } } } } }`;
const THIRD_CAM = 301;
const KEYS = {
  apiKeys: [
    { key: 'writer-key-123456', scopes: ['events:read', 'events:write'] },
    { key: 'reader-key-123456', scopes: ['events:read'] },
    { key: 'admin-key-1234567', scopes: ['admin'] },
  ],
};
const W = { authorization: 'Bearer writer-key-123456' };
/** Adding or changing a camera's event types configures it at VXG: admin. */
const A = { authorization: 'Bearer admin-key-1234567' };

const codeOf = (r: { errors?: Array<{ extensions?: Record<string, any> }> }) => r.errors?.[0]?.extensions?.code;

for (const driver of drivers) {
  describe(`VXG mutations (${driver.name})`, () => {
    let h: VxgHarness;
    let db: TestDb;
    beforeAll(async () => {
      db = await driver.open();
      const noTrigger = defaultEventTypes().filter((t) => !t.caps.can_be_triggered);
      h = await startVxgHarness({
        db,
        auth: KEYS,
        sim: { cameras: [{ camid: CAM_A }, { camid: CAM_B }, { camid: THIRD_CAM, eventTypes: noTrigger }] },
        // pageSize 10: the 25 event types come in 3 pages.
        instances: (sim) => [
          { type: 'vxg', id: 'cloud', pageSize: 10, pollIntervalSec: 0.1, accessToken: [sim.tokenFor(CAM_A), { token: sim.tokenFor(CAM_B), name: 'Parking' }, sim.tokenFor(THIRD_CAM)] },
        ],
      });
    });
    afterAll(async () => {
      await h?.close();
      await db?.cleanup();
    });
    const gql = (q: string, v?: Record<string, unknown>) => h.gql(q, v, q === ADD || q === UPDATE ? A : W);
    const eventsOf = async (camid: number) => (await gql(VXG_EVENTS, { f: { cameraIds: [h.cameraId(camid)] } })).data.events.edges.map((e: any) => e.node);

    it('lists every event type over several pages, with caps and settings', async () => {
      const r = await gql(TYPES, { c: h.cameraId(CAM_A), r: true });
      expect(r.errors).toBeUndefined();
      const types = r.data.vxgEventTypes;
      expect(types).toHaveLength(25);
      expect(types.map((t: any) => t.name).slice(0, 3)).toEqual(['motion', 'net', 'snapshot']);
      expect(types.at(-1)).toMatchObject({ name: 'door_bell', caps: { canBeTriggered: true } }); // on page 3
      expect(types.find((t: any) => t.name === 'snapshot')).toMatchObject({ period: 0, caps: { isPeriodic: true }, record: null });
    });

    it('takes the Camera global id a client has as well as the internal id (services.cameraById)', async () => {
      const globalId = (await gql(`{ camera(id: "${h.cameraId(CAM_A)}") { id } }`)).data.camera.id;
      expect(globalId).not.toBe(h.cameraId(CAM_A));
      const r = await gql(TYPES, { c: globalId });
      expect(r.errors).toBeUndefined();
      expect(r.data.vxgEventTypes).toHaveLength(25);
      expect(codeOf(await gql(TYPES, { c: Buffer.from(`GenericEvent:${h.cameraId(CAM_A)}`).toString('base64') }))).toBe('NOT_FOUND');
    });

    it('camera capabilities follow the event types (TRIGGER_EVENT only with a triggerable type)', async () => {
      const r = await gql(`{ cameras(first: 10, filter: { adapters: ["vxg"] }) { edges { node { name capabilities sources { vendorId } } } } }`);
      const byVendor = Object.fromEntries(r.data.cameras.edges.map((e: any) => [e.node.sources[0].vendorId, e.node]));
      expect(byVendor[String(CAM_A)]).toMatchObject({ name: `VXG camera ${CAM_A}`, capabilities: ['CREATE_EVENT', 'TRIGGER_EVENT'] });
      expect(byVendor[String(CAM_B)]).toMatchObject({ name: 'Parking', capabilities: ['CREATE_EVENT', 'TRIGGER_EVENT'] });
      expect(byVendor[String(THIRD_CAM)].capabilities).toEqual(['CREATE_EVENT']);
    });

    it('adds a custom type, then createEvent stores an event of it (time in whole UTC seconds, meta kept) and it is mirrored', async () => {
      const add = await gql(ADD, { i: { cameraId: h.cameraId(CAM_B), name: 'custom_event', notify: true } });
      expect(add.errors).toBeUndefined();
      expect(add.data.vxgAddEventType).toEqual({ name: 'custom_event', custom: true, notify: true, receive: false, caps: { canBeTriggered: false } });
      const listed = await gql(TYPES, { c: h.cameraId(CAM_B) });
      expect(listed.data.vxgEventTypes.filter((t: any) => t.name === 'custom_event')).toEqual([expect.objectContaining({ custom: true })]);

      const before = h.sim.stats.created;
      const time = new Date(Date.now() - 5000 + 789); // milliseconds are dropped
      const r = await gql(CREATE, { i: { cameraId: h.cameraId(CAM_B), type: 'custom_event', time: time.toISOString(), meta: { tag1: 'value1' } } });
      expect(r.errors).toBeUndefined();
      expect(r.data.createEvent).toMatchObject({ accepted: true, vendorEventId: expect.stringMatching(/^\d+$/), camera: { sources: [{ vendorId: String(CAM_B) }] } });
      expect(h.sim.stats.created).toBe(before + 1);
      const stored = h.sim.storedEvents(CAM_B).find((e) => String(e.id) === r.data.createEvent.vendorEventId)!;
      expect(stored).toMatchObject({ name: 'custom_event', meta: { tag1: 'value1' }, time: new Date(Math.floor(time.getTime() / 1000) * 1000).toISOString().slice(0, 19) });

      const mirrored = await waitFor(async () => (await eventsOf(CAM_B)).find((e: any) => e.vxgId === r.data.createEvent.vendorEventId), 5000, 'created event mirrored');
      expect(mirrored).toMatchObject({ kind: 'CUSTOM', vendorType: 'custom_event', name: 'custom_event', meta: { tag1: 'value1' }, occurredAt: `${stored.time}.000Z` });
    });

    it('an event created far in the past (outside the poll window) is mirrored at once', async () => {
      const r = await gql(CREATE, { i: { cameraId: h.cameraId(CAM_B), type: 'net', time: '2020-01-02T03:04:05Z', meta: { old: true } } });
      expect(r.errors).toBeUndefined();
      const ev = (await eventsOf(CAM_B)).find((e: any) => e.vxgId === r.data.createEvent.vendorEventId);
      expect(ev).toMatchObject({ occurredAt: '2020-01-02T03:04:05.000Z', vendorType: 'net', meta: { old: true } });
    });

    it('an event dated far in the future is mirrored and does not hide later events', async () => {
      const future = new Date(Date.now() + 365 * 86_400_000);
      const r = await gql(CREATE, { i: { cameraId: h.cameraId(CAM_B), type: 'net', time: future.toISOString() } });
      expect(r.errors).toBeUndefined();
      await waitFor(async () => (await eventsOf(CAM_B)).some((e: any) => e.vxgId === r.data.createEvent.vendorEventId), 5000, 'future event');
      const now = h.sim.cameraEvent(CAM_B, 'sound', { meta: { after: 'future' } });
      await waitFor(async () => (await eventsOf(CAM_B)).some((e: any) => e.vxgId === String(now.id)), 5000, 'event after the future one');
    });

    it('createEvent retried with the same idempotencyKey creates one VXG event (sequential and concurrent)', async () => {
      const before = h.sim.stats.created;
      const input = { cameraId: h.cameraId(CAM_A), type: 'motion', meta: { n: '1' }, idempotencyKey: `create-${driver.name}` };
      const first = await gql(CREATE, { i: input });
      const again = await gql(CREATE, { i: input });
      expect(first.errors).toBeUndefined();
      expect(again.data.createEvent.vendorEventId).toBe(first.data.createEvent.vendorEventId);
      expect(h.sim.stats.created).toBe(before + 1);

      const burst = await Promise.all(Array.from({ length: 4 }, () => gql(CREATE, { i: { ...input, idempotencyKey: `burst-${driver.name}` } })));
      expect(new Set(burst.map((r) => r.data?.createEvent?.vendorEventId)).size).toBe(1);
      expect(h.sim.stats.created).toBe(before + 2);

      const reused = await gql(CREATE, { i: { ...input, meta: { n: '2' } } });
      expect(codeOf(reused)).toBe('BAD_USER_INPUT');
      expect(h.sim.stats.created).toBe(before + 2);
    });

    it('createEvent refuses an unknown type, a bad name, non-object meta before calling VXG', async () => {
      const before = h.sim.stats.created;
      for (const [type, meta] of [
        ['no_such_type', null],
        ['bad/name', null],
        ['motion', [1, 2]],
      ] as const) {
        const r = await gql(CREATE, { i: { cameraId: h.cameraId(CAM_A), type, meta } });
        expect(codeOf(r)).toBe('BAD_USER_INPUT');
      }
      expect(h.sim.stats.created).toBe(before);
    });

    it('triggerEvent on a triggerable type: the camera generates it and it arrives in the log; a retry with the key does not trigger again', async () => {
      const before = h.sim.stats.triggered;
      const input = { cameraId: h.cameraId(CAM_A), type: 'door_bell', meta: { who: 'courier' }, idempotencyKey: `trig-${driver.name}` };
      const r = await gql(TRIGGER, { i: input });
      expect(r.errors).toBeUndefined();
      expect(r.data.triggerEvent).toMatchObject({ accepted: true, camera: { id: expect.any(String) } });
      expect((await gql(TRIGGER, { i: input })).data.triggerEvent.accepted).toBe(true);
      expect(h.sim.stats.triggered).toBe(before + 1);
      const ev = await waitFor(async () => (await eventsOf(CAM_A)).find((e: any) => e.vendorType === 'door_bell' && e.meta?.who === 'courier'), 5000, 'triggered event');
      expect(ev).toMatchObject({ kind: 'CUSTOM', name: 'door_bell' });
    });

    it('triggerEvent on a type that cannot be triggered is UNSUPPORTED_CAPABILITY with no VXG trigger call', async () => {
      const { triggered, triggerRefused } = h.sim.stats;
      const r = await gql(TRIGGER, { i: { cameraId: h.cameraId(CAM_A), type: 'motion' } });
      expect(codeOf(r)).toBe('UNSUPPORTED_CAPABILITY');
      expect(r.errors![0].message).toMatch(/motion.*cannot be triggered/);
      expect(h.sim.stats).toMatchObject({ triggered, triggerRefused });
      const unknown = await gql(TRIGGER, { i: { cameraId: h.cameraId(CAM_A), type: 'nope' } });
      expect(codeOf(unknown)).toBe('BAD_USER_INPUT');
      // A camera without any triggerable type lacks TRIGGER_EVENT: refused by the core.
      const third = await gql(TRIGGER, { i: { cameraId: h.cameraId(THIRD_CAM), type: 'motion' } });
      expect(codeOf(third)).toBe('UNSUPPORTED_CAPABILITY');
      expect(h.sim.stats).toMatchObject({ triggered, triggerRefused });
    });

    it("updates a type's settings; refuses settings the type cannot have, unknown types and empty updates", async () => {
      const r = await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'motion', record: false, notify: false } });
      expect(r.errors).toBeUndefined();
      expect(r.data.vxgUpdateEventType).toMatchObject({ name: 'motion', record: false, notify: false });
      const listed = await gql(TYPES, { c: h.cameraId(CAM_A), r: true });
      expect(listed.data.vxgEventTypes.find((t: any) => t.name === 'motion')).toMatchObject({ record: false, notify: false });

      expect(codeOf(await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'net', record: true } }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'motion', period: 5 } }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'motion' } }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'no_such', notify: true } }))).toBe('NOT_FOUND');
      const periodic = await gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'snapshot', period: 30 } });
      expect(periodic.data.vxgUpdateEventType).toMatchObject({ name: 'snapshot', period: 30 });
    });

    it('adding a type that exists or with a bad name is BAD_USER_INPUT', async () => {
      expect(codeOf(await gql(ADD, { i: { cameraId: h.cameraId(CAM_A), name: 'motion' } }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await gql(ADD, { i: { cameraId: h.cameraId(CAM_A), name: 'a b' } }))).toBe('BAD_USER_INPUT');
    });

    it('cameras are addressed by global or raw id; unknown cameras are NOT_FOUND everywhere', async () => {
      const global = Buffer.from(`Camera:${h.cameraId(CAM_A)}`).toString('base64');
      expect((await gql(TYPES, { c: global })).data.vxgEventTypes.length).toBeGreaterThan(20);
      const missing = 'vxg/cloud/999999';
      for (const [q, v] of [
        [TYPES, { c: missing }],
        [CREATE, { i: { cameraId: missing, type: 'motion' } }],
        [TRIGGER, { i: { cameraId: missing, type: 'door_bell' } }],
        [ADD, { i: { cameraId: missing, name: 'x' } }],
        [UPDATE, { i: { cameraId: missing, name: 'motion', notify: true } }],
      ] as const) {
        expect(codeOf(await gql(q, v))).toBe('NOT_FOUND');
      }
    });

    it('VXG event-type mutations need admin (events:write is not enough); listing needs events:read', async () => {
      for (const key of ['reader-key-123456', 'writer-key-123456']) {
        expect(codeOf(await h.gql(ADD, { i: { cameraId: h.cameraId(CAM_A), name: 'reader_type' } }, { authorization: `Bearer ${key}` }))).toBe('FORBIDDEN');
        expect(codeOf(await h.gql(UPDATE, { i: { cameraId: h.cameraId(CAM_A), name: 'motion', notify: true } }, { authorization: `Bearer ${key}` }))).toBe('FORBIDDEN');
      }
      expect((await gql(TYPES, { c: h.cameraId(CAM_A) })).data.vxgEventTypes.some((t: { name: string }) => t.name === 'reader_type')).toBe(false);
      const q = await h.gql(TYPES, { c: h.cameraId(CAM_A) }, { authorization: 'Bearer reader-key-123456' });
      expect(q.data.vxgEventTypes.length).toBeGreaterThan(20);
    });
  });
}
