/**
 * Rules through GraphQL on a real server, against the simulators: an FF plate read at the north gate
 * that matches an ALLOW list triggers `io_alarm` on a VXG camera (the VXG simulator counts
 * triggers). Exactly once across a duplicate re-send and a replay of the log (a rewound cursor), and
 * across a restart with events stored while the engine was down; retries on VXG 503 until it
 * answers (SUCCEEDED) or the limit (FAILED with the reason); cooldown → SKIPPED; bad inputs →
 * BAD_USER_INPUT naming the field; the admin scope, also through node(id:). Both drivers; the
 * retry backoff runs on a ManualClock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VxgSimulator } from '../../simulators/vxg/index.ts';
import { defaultEventTypes } from '../../simulators/vxg/store.ts';
import { DbCursorStore } from '../../src/core/consumers/cursor-store.ts';
import { insertEvents, maxSeq } from '../../src/core/db/event-repo.ts';
import { RULE_RETRY } from '../../src/core/rules/limits.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';
import { encodeGlobalId } from '../../src/core/util/global-id.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { ffJson, postFf } from '../helpers/ff-events.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const CAM = 248527;
const VXG_CAMERA = encodeGlobalId('Camera', `vxg/cloud/${CAM}`);
const GATE = encodeGlobalId('Camera', 'ff/default/GATE-NORTH');
const T0 = Date.parse('2026-01-01T08:00:00Z');

/** The simulated camera's types plus a triggerable `io_alarm` (its I/O output: opens the gate). */
const ioAlarm = { name: 'io_alarm', caps: { can_be_triggered: true, can_record: false, can_snapshot: false, is_periodic: false }, notify: true, receive: true, record: false, snapshot: false };

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);

const CREATE = `mutation($input: CreateRuleInput!) { createRule(input: $input) { id name enabled when cooldownSec lastFiredAt actions { trigger { cameraId type meta camera { id } } createEvent { cameraId } sink { sinkId } } } }`;
const RUNS = `query($id: ID!) { node(id: $id) { ... on Rule { lastFiredAt runs(first: 50) { edges { node { action status attempts error event { seq ... on PlateReadEvent { plate } } } } } } } }`;

for (const driver of drivers) {
  describe(`rules (${driver.name})`, () => {
    let t: TestApp;
    let db: TestDb;
    let sim: VxgSimulator;
    let clock: ManualClock;
    let packet = 0;
    let listId: string;
    let config: Record<string, unknown>;
    const gql = (q: string, v?: Record<string, unknown>, key = ADMIN) => t.gql(q, v, bearer(key)) as Promise<Gql>;
    const ok = async (q: string, v?: Record<string, unknown>) => {
      const r = await gql(q, v);
      expect(r.errors).toBeUndefined();
      return r.data;
    };
    /** Post an FF read of `plate` at the north gate; resolves once stored. Returns the packet (re-send it with `again`). */
    const read = async (plate: string, at = T0, again?: number) => {
      const n = again ?? ++packet;
      const res = await postFf(t.url, ffJson(n, { plateText: plate, capture_timestamp: String(at), sensorProviderID: 'GATE-NORTH' }), 'default', bearer(ADMIN));
      expect(res.status).toBe(200);
      return n;
    };
    const createRule = async (input: Record<string, unknown>) => (await ok(CREATE, { input })).createRule;
    const gateRule = (name: string, over: Record<string, unknown> = {}) =>
      createRule({ name, when: { plateListIds: [listId], siteIds: ['gate'] }, actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm', meta: { rule: name } } }], ...over });
    const runs = async (id: string) =>
      (await ok(RUNS, { id })).node.runs.edges.map((e: any) => e.node) as Array<{ action: number; status: string; attempts: number; error: string | null; event: { seq: string; plate: string } }>;
    const triggered = () => sim.stats.triggered;
    /** Until `cond` holds, moving the server's clock a second at a time (backoff and retry polls run on it). */
    const until = (cond: () => Promise<boolean>, what: string) =>
      waitFor(
        async () => {
          if (await cond()) return true;
          await clock.advance(1000);
          return false;
        },
        20_000,
        what,
      );
    const firstRun = async (id: string) => (await runs(id))[0];

    async function start() {
      t = await startTestApp({ config, db, clock });
    }

    beforeAll(async () => {
      sim = new VxgSimulator({ seed: 'rules', cameras: [{ camid: CAM, name: 'Gate controller', eventTypes: [...defaultEventTypes(), ioAlarm] }] });
      await sim.start();
      db = await driver.open();
      clock = new ManualClock(T0);
      config = {
        auth: {
          apiKeys: [
            { key: ADMIN, scopes: ['admin', 'events:read', 'events:write'] },
            { key: READER, scopes: ['events:read', 'events:write', 'streams'] },
          ],
        },
        adapters: [
          { type: 'ff', id: 'default', tcpPort: 0 },
          { type: 'vxg', id: 'cloud', accessToken: [sim.tokenFor(CAM)], pollIntervalSec: 3600 },
        ],
        sites: [{ id: 'gate', name: 'Gate' }],
        cameras: [{ id: 'gate-north', name: 'North gate', site: 'gate', sources: ['ff/default/GATE-NORTH'] }],
      };
      await start();
      const list = await ok('mutation { createPlateList(input: { name: "regulars", kind: ALLOW }) { id } }');
      listId = list.createPlateList.id;
      await ok('mutation($i: AddPlatesInput!) { addPlates(input: $i) { size } }', { i: { listId, entries: [{ plate: '1AB 2345' }, { plate: 'RS-001' }, { plate: 'CD555' }, { plate: 'EF777' }] } });
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await db?.cleanup();
      await sim?.stop();
    });

    it('a matching read triggers io_alarm once: not again for a duplicate re-send or a replay of the log; other reads do nothing', async () => {
      const rule = await gateRule('open gate');
      expect(rule).toMatchObject({ name: 'open gate', enabled: true, cooldownSec: 0, lastFiredAt: null, when: { plateListIds: [listId], siteIds: ['gate'] } });
      expect(rule.actions).toEqual([{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm', meta: { rule: 'open gate' }, camera: { id: VXG_CAMERA } }, createEvent: null, sink: null }]);
      const before = triggered();
      const p = await read('1AB2345');
      await read('ZZ999'); // not on the list
      await waitFor(async () => (await runs(rule.id)).some((r) => r.status === 'SUCCEEDED'), 10_000, 'the run succeeded');
      expect(triggered()).toBe(before + 1);
      const [run] = await runs(rule.id);
      expect(run).toMatchObject({ action: 0, status: 'SUCCEEDED', attempts: 1, error: null, event: { plate: '1AB2345' } });

      await read('1AB2345', T0, p); // the camera sends the same read again: stored once, acted on once
      const seq = BigInt(run!.event.seq);
      await new DbCursorStore(t.db.database.db).rewind('rules', seq - 1n); // the log handled again (as after a crash before the cursor was saved)
      t.app.rules.invalidate();
      await waitFor(() => t.app.rules.position !== null && t.app.rules.position >= seq, 10_000, 'the replay handled');
      await t.app.rules.idle();
      expect(triggered()).toBe(before + 1);
      expect(await runs(rule.id)).toHaveLength(1);
      const stored = await sim.storedEvents(CAM).filter((e) => e.name === 'io_alarm');
      expect(stored.at(-1)?.meta).toEqual({ rule: 'open gate' });
      await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id });
    });

    it('retries on VXG 503 with backoff on the clock, then SUCCEEDED; FAILED with the reason after the limit', async () => {
      const rule = await gateRule('retrying');
      const before = triggered();
      sim.fault = 'http503';
      await read('CD555');
      await waitFor(async () => (await runs(rule.id))[0]?.attempts === 1, 10_000, 'the first attempt failed');
      let [run] = await runs(rule.id);
      expect(run).toMatchObject({ status: 'PENDING', attempts: 1 });
      expect(run!.error).toMatch(/^VENDOR_UNAVAILABLE: .*503/);
      await until(async () => (await firstRun(rule.id))?.attempts === 2, 'the second attempt failed');
      sim.fault = 'none';
      await until(async () => (await firstRun(rule.id))?.status === 'SUCCEEDED', 'succeeded once VXG answered');
      [run] = await runs(rule.id);
      expect(run).toMatchObject({ status: 'SUCCEEDED', attempts: 3 });
      expect(triggered()).toBe(before + 1);

      sim.fault = 'http503';
      await read('EF777');
      await until(async () => (await firstRun(rule.id))?.status === 'FAILED', 'FAILED after the limit');
      sim.fault = 'none';
      [run] = await runs(rule.id);
      expect(run!.attempts).toBe(RULE_RETRY.maxAttempts);
      expect(run!.error).toMatch(new RegExp(`^gave up after ${RULE_RETRY.maxAttempts} attempts: VENDOR_UNAVAILABLE`));
      await clock.advance(RULE_RETRY.backoff.capMs * 2);
      expect((await firstRun(rule.id))!.status).toBe('FAILED');
      expect(triggered()).toBe(before + 1);
      await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id });
    });

    it('cooldown per rule and camera on occurredAt: reads within it are SKIPPED with the reason, a later one fires', async () => {
      const rule = await gateRule('cooldown', { cooldownSec: 60 });
      const before = triggered();
      const base = T0 + 3_600_000;
      await read('RS001', base);
      await read('RS001', base + 10_000);
      await read('1AB2345', base + 61_000);
      await waitFor(async () => (await runs(rule.id)).length === 3 && (await runs(rule.id)).every((r) => r.status !== 'PENDING'), 10_000, 'three runs done');
      const r = (await runs(rule.id)).reverse();
      expect(r.map((x) => x.status)).toEqual(['SUCCEEDED', 'SKIPPED', 'SUCCEEDED']);
      expect(r[1]!.error).toMatch(/^cooldown: .*cooldownSec 60/);
      expect(triggered()).toBe(before + 2);
      await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id });
    });

    it('fires after a restart for events stored while the engine was down, none twice', async () => {
      const rule = await createRule({ name: 'restart', when: { plate: 'RST*' }, actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm' } }] });
      const before = triggered();
      await read('RST001');
      await waitFor(() => triggered() === before + 1, 10_000, 'the first read fired');
      await t.close();
      // Stored while this server was down (as another instance, or a spool replay, would).
      const row = (plate: string, i: number) => ({
        typeName: 'FfPlateEvent',
        kind: 'PLATE_READ',
        vendorType: 'plate',
        occurredAt: new Date(T0 + i),
        receivedAt: new Date(),
        adapter: 'ff',
        instance: 'default',
        cameraId: 'ff/default/GATE-NORTH',
        dedupeKey: `restart-${plate}`,
        plateNormalized: plate,
        trackId: null,
        plate: { plate, plateNormalized: plate },
        analytics: null,
        data: {},
        raw: {},
        media: [],
      });
      await insertEvents(db.database.db, [row('RST002', 1), row('RST003', 2)]);
      const end = await maxSeq(db.database.db);
      await start();
      await waitFor(() => triggered() === before + 3, 10_000, 'the two stored while down fired');
      // At or past it: the VXG trigger may come back as an event of its own (the simulator's event poll) and move the log end.
      await waitFor(() => (t.app.rules.position ?? -1n) >= end, 10_000, 'cursor at the end');
      await t.app.rules.idle();
      expect(triggered()).toBe(before + 3);
      const r = await runs(rule.id);
      expect(r.map((x) => x.event.plate).sort()).toEqual(['RST001', 'RST002', 'RST003']);
      expect(r.every((x) => x.status === 'SUCCEEDED')).toBe(true);
      await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id });
    });

    it('updates (partial), disables (nothing fires), enables (only later events), lists and deletes', async () => {
      const rule = await gateRule('toggle');
      const upd = await ok('mutation($i: UpdateRuleInput!) { updateRule(input: $i) { id name enabled cooldownSec when } }', { i: { id: rule.id, enabled: false, cooldownSec: 5 } });
      expect(upd.updateRule).toMatchObject({ id: rule.id, name: 'toggle', enabled: false, cooldownSec: 5, when: { plateListIds: [listId] } });
      const before = triggered();
      await read('CD555', T0 + 7_200_000);
      await ok('mutation($i: UpdateRuleInput!) { updateRule(input: $i) { enabled } }', { i: { id: rule.id, enabled: true } });
      await read('EF777', T0 + 7_300_000);
      await waitFor(async () => (await runs(rule.id)).some((r) => r.status === 'SUCCEEDED'), 10_000, 'the later read fired');
      expect((await runs(rule.id)).map((r) => r.event.plate)).toEqual(['EF777']);
      expect(triggered()).toBe(before + 1);
      expect((await ok('{ rules { name } }')).rules.map((r: any) => r.name)).toContain('toggle');
      expect((await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id })).deleteRule).toBe(true);
      expect((await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id })).deleteRule).toBe(false);
    });

    it('bad inputs answer BAD_USER_INPUT naming the field', async () => {
      const base = { name: 'bad', when: { siteIds: ['gate'] }, actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm' } }] };
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ actions: [{ trigger: { cameraId: encodeGlobalId('Camera', 'vxg/cloud/999'), type: 'io_alarm' } }] }, 'input.actions[0].trigger.cameraId'],
        [{ actions: [{ trigger: { cameraId: GATE, type: 'io_alarm' } }] }, 'input.actions[0].trigger.cameraId'], // an FF camera cannot be triggered
        [{ actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io alarm!' } }] }, 'input.actions[0].trigger.type'],
        [{ actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm', meta: { big: 'x'.repeat(17_000) } } }] }, 'input.actions[0].trigger.meta'],
        [{ actions: [{ sink: { sinkId: 's1' } }] }, 'input.actions[0].sink'],
        [{ actions: [] }, 'input.actions'],
        [{ actions: Array.from({ length: 11 }, () => base.actions[0]) }, 'input.actions'],
        [{ when: { plateListIds: [encodeGlobalId('PlateList', 'nope')] } }, 'input.when.plateListIds[0]'],
        [{ when: { cameraIds: [encodeGlobalId('Camera', 'ff/default/NOPE')] } }, 'input.when.cameraIds[0]'],
        [{ when: { siteIds: ['nowhere'] } }, 'input.when.siteIds[0]'],
        [{ when: { plateFuzzy: { plate: 'AB1', maxDistance: 5 } } }, 'input.when.plateFuzzy.maxDistance'],
        [{ name: '' }, 'input.name'],
        [{ name: 'x'.repeat(101) }, 'input.name'],
        [{ cooldownSec: -1 }, 'input.cooldownSec'],
        [{ cooldownSec: 86_401 }, 'input.cooldownSec'],
      ];
      for (const [over, field] of cases) {
        const r = await gql(CREATE, { input: { ...base, ...over } });
        expect(codes(r), field).toEqual(['BAD_USER_INPUT']);
        expect(r.errors![0]!.message.startsWith(field), `${field}: ${r.errors![0]!.message}`).toBe(true);
      }
      // @oneOf: an action with two kinds (or none) is refused before the resolver
      const two = await gql(CREATE, { input: { ...base, actions: [{ trigger: base.actions[0]!.trigger, sink: { sinkId: 's' } }] } });
      expect(two.errors?.[0]?.message).toMatch(/exactly one key/i);
      await createRule({ ...base, name: 'taken' });
      const dup = await gql(CREATE, { input: { ...base, name: 'taken' } });
      expect(codes(dup)).toEqual(['BAD_USER_INPUT']);
      expect(dup.errors![0]!.message).toMatch(/^name: /);
      expect(codes(await gql('mutation { updateRule(input: { id: "nope", name: "x" }) { id } }'))).toEqual(['NOT_FOUND']);
    });

    it('every field and mutation needs admin, also through node(id:)', async () => {
      const rule = await gateRule('scoped');
      expect(codes(await gql('{ rules { id } }', {}, READER))).toEqual(['FORBIDDEN']);
      const viaNode = await gql('query($id: ID!) { node(id: $id) { ... on Rule { name runs { edges { node { status } } } } } }', { id: rule.id }, READER);
      expect(codes(viaNode)).toContain('FORBIDDEN');
      expect(viaNode.data?.node ?? null).toBeNull();
      expect(codes(await gql(CREATE, { input: { name: 'no', when: {}, actions: [{ trigger: { cameraId: VXG_CAMERA, type: 'io_alarm' } }] } }, READER))).toEqual(['FORBIDDEN']);
      expect(codes(await gql('mutation($i: UpdateRuleInput!) { updateRule(input: $i) { id } }', { i: { id: rule.id, enabled: false } }, READER))).toEqual(['FORBIDDEN']);
      expect(codes(await gql('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id }, READER))).toEqual(['FORBIDDEN']);
      expect((await ok('query($id: ID!) { node(id: $id) { ... on Rule { name } } }', { id: rule.id })).node).toEqual({ name: 'scoped' });
      await ok('mutation($id: ID!) { deleteRule(id: $id) }', { id: rule.id });
    });
  });
}
