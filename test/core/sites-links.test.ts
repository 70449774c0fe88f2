/**
 * Sites and linked cameras through GraphQL on a real server: a test adapter with two instances
 * (a: the gate's LPR camera, b: the recorder's channels). Config links (sources, key, name, site,
 * status rule, capabilities union), run-time link/unlink with stable ids, history resolution before
 * and after a link, capability routing to the first capable source, sites/siteIds filters, bad
 * inputs, admin scope, config re-applied at start-up (config links no longer configured undone).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdapterContext, TriggerInput } from '../../src/core/adapter/types.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import { defineAdapter, encodeGlobalId, z } from '../../src/sdk.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { openPgliteTestDb, type TestDb } from '../helpers/db.ts';

const TYPE = 'tcam';
const ADMIN = 'admin-key-0123456789abcdef';
const READER = 'read-key-0123456789abcdefg';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });
const cam = (id: string) => encodeGlobalId('Camera', id);
const GATE = 'tcam/a/GATE';
const CH3 = 'tcam/b/CH3';
const CH4 = 'tcam/b/CH4';
const CH5 = 'tcam/b/CH5';

const triggers: Array<{ instance: string; input: TriggerInput }> = [];
const ctxs = new Map<string, AdapterContext>();

const camSchema = z.object({ vendorId: z.string(), capabilities: z.array(z.string()), status: z.enum(['ONLINE', 'OFFLINE', 'UNKNOWN']) });
const tcam = defineAdapter({
  type: TYPE,
  version: '1.0.0',
  graphqlPrefix: 'Tcam',
  configSchema: z.object({ type: z.literal(TYPE), id: z.string(), cameras: z.array(camSchema) }).strict(),
  capabilities: ['TRIGGER_EVENT', 'LIVE_STREAM', 'ARCHIVE_STREAM'],
  async start(ctx) {
    ctxs.set(ctx.config.id, ctx as unknown as AdapterContext);
    for (const c of ctx.config.cameras) await ctx.cameras.upsert({ vendorId: c.vendorId, name: `${ctx.config.id}-${c.vendorId}`, capabilities: c.capabilities as never, status: c.status });
    return {
      stop: () => {},
      capabilities: {
        triggerEvent: async (input: TriggerInput) => {
          triggers.push({ instance: ctx.config.id, input });
          return { accepted: true };
        },
      },
    };
  },
});

const adapters = [
  { type: TYPE, id: 'a', cameras: [{ vendorId: 'GATE', capabilities: ['TRIGGER_EVENT'], status: 'ONLINE' }] },
  {
    type: TYPE,
    id: 'b',
    cameras: [
      { vendorId: 'CH3', capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM', 'TRIGGER_EVENT'], status: 'OFFLINE' },
      { vendorId: 'CH4', capabilities: ['TRIGGER_EVENT'], status: 'ONLINE' },
      { vendorId: 'CH5', capabilities: [], status: 'ONLINE' },
    ],
  },
];
const auth = {
  apiKeys: [
    { key: ADMIN, scopes: ['admin', 'events:read', 'events:write', 'streams'] },
    { key: READER, scopes: ['events:read', 'events:write'] },
  ],
};
const config = (cameras: unknown[]) => ({
  auth,
  adapters,
  sites: [
    { id: 'hq', name: 'Headquarters', timezone: 'Europe/Prague' },
    { id: 'depot', name: 'Depot' },
  ],
  cameras,
});
const GATE_NORTH = { id: 'gate-north', name: 'North gate', site: 'hq', sources: [GATE, CH3] };

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);

let t: TestApp;
let tdb: TestDb;
const gql = (query: string, variables?: Record<string, unknown>, key = ADMIN) => t.gql(query, variables, bearer(key)) as Promise<Gql>;

let n = 0;
async function publish(instance: string, vendorId: string, occurredAt: Date): Promise<string> {
  n += 1;
  const r = await ctxs.get(instance)!.publish({ typeName: 'GenericEvent', kind: 'LINE_CROSSED', vendorType: 'line', occurredAt, dedupeKey: `e-${n}`, camera: { vendorId }, data: {}, raw: {} });
  return String(r.seq);
}

const CAMERA = `query($id: ID!) { camera(id: $id) { id key name status capabilities site { id key name timezone } sources { adapter instance vendorId status capabilities } } }`;
const EVENTS = `query($f: EventFilter) { events(filter: $f, first: 50) { edges { node { seq camera { id } } } } }`;
const seqsOf = (r: Gql) => (r.data.events.edges as Array<{ node: { seq: string } }>).map((e) => e.node.seq).sort();
const LINK = 'mutation($input: LinkCamerasInput!) { linkCameras(input: $input) { id sources { vendorId } } }';
const UNLINK = 'mutation($input: UnlinkCameraSourceInput!) { unlinkCameraSource(input: $input) { id sources { vendorId } } }';
const UPDATE = 'mutation($input: UpdateCameraInput!) { updateCamera(input: $input) { id name site { key } } }';

describe('sites and linked cameras', () => {
  beforeAll(async () => {
    tdb = await openPgliteTestDb();
    t = await startTestApp({ config: config([GATE_NORTH]), adapters: [tcam], db: tdb });
  });
  afterAll(async () => {
    await t?.close();
    await tdb?.cleanup();
  });

  it('a configured camera is one Camera: its id is the first source, key, name, site, sources in config order, union of capabilities, status over the video sources', async () => {
    const r = await gql(CAMERA, { id: cam(GATE) });
    expect(r.errors).toBeUndefined();
    expect(r.data.camera).toEqual({
      id: cam(GATE),
      key: 'gate-north',
      name: 'North gate',
      // CH3 is the only video source and is OFFLINE: OFFLINE although GATE is ONLINE.
      status: 'OFFLINE',
      capabilities: ['TRIGGER_EVENT', 'LIVE_STREAM', 'ARCHIVE_STREAM'],
      site: { id: encodeGlobalId('Site', 'hq'), key: 'hq', name: 'Headquarters', timezone: 'Europe/Prague' },
      sources: [
        { adapter: TYPE, instance: 'a', vendorId: 'GATE', status: 'ONLINE', capabilities: ['TRIGGER_EVENT'] },
        { adapter: TYPE, instance: 'b', vendorId: 'CH3', status: 'OFFLINE', capabilities: ['LIVE_STREAM', 'ARCHIVE_STREAM', 'TRIGGER_EVENT'] },
      ],
    });
    // The linked source is not listed apart; asking for it gives its camera.
    const list = await gql('{ cameras { edges { node { id } } } }');
    expect(list.data.cameras.edges.map((e: { node: { id: string } }) => e.node.id).sort()).toEqual([cam(GATE), cam(CH4), cam(CH5)].sort());
    expect((await gql(CAMERA, { id: cam(CH3) })).data.camera.id).toBe(cam(GATE));
  });

  it('sites and the siteIds filters (by global id or key)', async () => {
    const r = await gql('{ sites { id key name timezone cameras { edges { node { id } } } } }');
    expect(r.data.sites).toEqual([
      { id: encodeGlobalId('Site', 'depot'), key: 'depot', name: 'Depot', timezone: null, cameras: { edges: [] } },
      { id: encodeGlobalId('Site', 'hq'), key: 'hq', name: 'Headquarters', timezone: 'Europe/Prague', cameras: { edges: [{ node: { id: cam(GATE) } }] } },
    ]);
    const f = await gql('query($f: CameraFilter) { cameras(filter: $f) { edges { node { id } } } }', { f: { siteIds: [encodeGlobalId('Site', 'hq')] } });
    expect(f.data.cameras.edges).toEqual([{ node: { id: cam(GATE) } }]);
    const none = await gql('query($f: CameraFilter) { cameras(filter: $f) { edges { node { id } } } }', { f: { siteIds: ['depot'] } });
    expect(none.data.cameras.edges).toEqual([]);
  });

  it('events of every source resolve to the camera; cameraIds and siteIds match all its sources', async () => {
    const a = await publish('a', 'GATE', new Date('2024-06-01T10:00:00Z'));
    const b = await publish('b', 'CH3', new Date('2024-06-01T10:00:01Z'));
    const other = await publish('b', 'CH5', new Date('2024-06-01T10:00:02Z'));
    const byCam = await gql(EVENTS, { f: { cameraIds: [cam(GATE)] } });
    expect(seqsOf(byCam)).toEqual([a, b].sort());
    expect(byCam.data.events.edges.map((e: { node: { camera: { id: string } } }) => e.node.camera.id)).toEqual([cam(GATE), cam(GATE)]);
    expect(seqsOf(await gql(EVENTS, { f: { cameraIds: [cam(CH3)] } }))).toEqual([a, b].sort()); // a source's id means its camera
    expect(seqsOf(await gql(EVENTS, { f: { siteIds: [encodeGlobalId('Site', 'hq')] } }))).toEqual([a, b].sort());
    expect(seqsOf(await gql(EVENTS, { f: { siteIds: ['hq'], cameraIds: [cam(CH5)] } }))).toEqual([]);
    expect(seqsOf(await gql(EVENTS, { f: { siteIds: ['depot'] } }))).toEqual([]);
    expect(seqsOf(await gql(EVENTS, { f: { cameraIds: [cam(CH5)] } }))).toEqual([other]);
  });

  it('a capability mutation goes to the first source (config order) that has it', async () => {
    triggers.length = 0;
    const r = await gql('mutation($i: TriggerEventInput!) { triggerEvent(input: $i) { accepted camera { id } } }', { i: { cameraId: cam(GATE), type: 'io_alarm' } });
    expect(r.errors).toBeUndefined();
    expect(r.data.triggerEvent).toEqual({ accepted: true, camera: { id: cam(GATE) } });
    expect(triggers).toEqual([{ instance: 'a', input: expect.objectContaining({ cameraVendorId: 'GATE', type: 'io_alarm' }) }]);
  });

  it('run-time link: into keeps its id, earlier events of the joined source resolve to it; unlink gives the source its old id back', async () => {
    const early = await publish('b', 'CH4', new Date('2024-06-01T09:00:00Z'));
    const ev = `query($id: ID!) { event(id: $id) { camera { id } } }`;
    expect((await gql(ev, { id: early })).data.event.camera.id).toBe(cam(CH4));

    const l = await gql(LINK, { input: { into: cam(GATE), from: [cam(CH4)] } });
    expect(l.errors).toBeUndefined();
    expect(l.data.linkCameras).toEqual({ id: cam(GATE), sources: [{ vendorId: 'GATE' }, { vendorId: 'CH3' }, { vendorId: 'CH4' }] });
    expect((await gql(ev, { id: early })).data.event.camera.id).toBe(cam(GATE));
    expect(seqsOf(await gql(EVENTS, { f: { cameraIds: [cam(GATE)] } }))).toContain(early);
    const list = await gql('{ cameras { edges { node { id } } } }');
    expect(list.data.cameras.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(cam(CH4));

    const u = await gql(UNLINK, { input: { cameraId: cam(GATE), source: { adapter: TYPE, instance: 'b', vendorId: 'CH4' } } });
    expect(u.errors).toBeUndefined();
    expect(u.data.unlinkCameraSource).toEqual({ id: cam(GATE), sources: [{ vendorId: 'GATE' }, { vendorId: 'CH3' }] });
    expect((await gql(ev, { id: early })).data.event.camera.id).toBe(cam(CH4));
    expect(seqsOf(await gql(EVENTS, { f: { cameraIds: [cam(GATE)] } }))).not.toContain(early);
  });

  it('updateCamera renames and moves a camera; null restores the vendor name', async () => {
    const r = await gql(UPDATE, { input: { id: cam(CH5), name: 'Yard', siteId: encodeGlobalId('Site', 'depot') } });
    expect(r.data.updateCamera).toEqual({ id: cam(CH5), name: 'Yard', site: { key: 'depot' } });
    const back = await gql(UPDATE, { input: { id: cam(CH5), name: null, siteId: null } });
    expect(back.data.updateCamera).toEqual({ id: cam(CH5), name: 'b-CH5', site: null });
  });

  it('bad inputs: unknown camera or source, into itself, a source already in another camera, the primary source, unknown site, bounds', async () => {
    const unknown = await gql(LINK, { input: { into: cam(GATE), from: [cam('tcam/b/NOPE')] } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect(unknown.errors![0].message).toContain('tcam/b/NOPE');
    const self = await gql(LINK, { input: { into: cam(CH5), from: [cam(CH5)] } });
    expect(codes(self)).toEqual(['BAD_USER_INPUT']);
    const twice = await gql(LINK, { input: { into: cam(CH5), from: [cam(CH3)] } });
    expect(codes(twice)).toEqual(['BAD_USER_INPUT']);
    expect(twice.errors![0].message).toContain(CH3);
    const intoSource = await gql(LINK, { input: { into: cam(CH3), from: [cam(CH5)] } });
    expect(codes(intoSource)).toEqual(['BAD_USER_INPUT']);
    const tooMany = await gql(LINK, { input: { into: cam(GATE), from: Array.from({ length: 51 }, (_, i) => cam(`tcam/b/X${i}`)) } });
    expect(codes(tooMany)).toEqual(['BAD_USER_INPUT']);
    const primary = await gql(UNLINK, { input: { cameraId: cam(GATE), source: { adapter: TYPE, instance: 'a', vendorId: 'GATE' } } });
    expect(codes(primary)).toEqual(['BAD_USER_INPUT']);
    const notIn = await gql(UNLINK, { input: { cameraId: cam(GATE), source: { adapter: TYPE, instance: 'b', vendorId: 'CH5' } } });
    expect(codes(notIn)).toEqual(['BAD_USER_INPUT']);
    const noSource = await gql(UNLINK, { input: { cameraId: cam(GATE), source: { adapter: TYPE, instance: 'b', vendorId: 'NOPE' } } });
    expect(codes(noSource)).toEqual(['NOT_FOUND']);
    const noSite = await gql(UPDATE, { input: { id: cam(CH5), siteId: 'mars' } });
    expect(codes(noSite)).toEqual(['NOT_FOUND']);
    expect(noSite.errors![0].message).toContain('mars');
    const longName = await gql(UPDATE, { input: { id: cam(CH5), name: 'x'.repeat(201) } });
    expect(codes(longName)).toEqual(['BAD_USER_INPUT']);
    const noCam = await gql(UPDATE, { input: { id: cam('tcam/b/NOPE'), name: 'x' } });
    expect(codes(noCam)).toEqual(['NOT_FOUND']);
  });

  it('the mutations need the admin scope', async () => {
    expect(codes(await gql(LINK, { input: { into: cam(CH5), from: [cam(CH4)] } }, READER))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(UNLINK, { input: { cameraId: cam(GATE), source: { adapter: TYPE, instance: 'b', vendorId: 'CH3' } } }, READER))).toEqual(['FORBIDDEN']);
    expect(codes(await gql(UPDATE, { input: { id: cam(CH5), name: 'x' } }, READER))).toEqual(['FORBIDDEN']);
    expect((await gql(CAMERA, { id: cam(GATE) })).data.camera.sources).toHaveLength(2);
  });

  it('config is applied again at start-up: a run-time link stays, a config link no longer configured is undone', async () => {
    expect((await gql(LINK, { input: { into: cam(CH5), from: [cam(CH4)] } })).errors).toBeUndefined();
    await t.close();
    t = await startTestApp({ config: config([{ id: 'gate-north', sources: [GATE] }]), adapters: [tcam], db: tdb });
    const gate = (await gql(CAMERA, { id: cam(GATE) })).data.camera;
    expect(gate.sources.map((s: { vendorId: string }) => s.vendorId)).toEqual(['GATE']);
    expect(gate).toMatchObject({ key: 'gate-north', name: 'North gate', site: { key: 'hq' } }); // not redeclared: kept
    expect((await gql(CAMERA, { id: cam(CH3) })).data.camera.id).toBe(cam(CH3));
    expect((await gql(CAMERA, { id: cam(CH5) })).data.camera.sources.map((s: { vendorId: string }) => s.vendorId)).toEqual(['CH5', 'CH4']);
  });

  it('an adapter instance removed from config: its links stay visible, queries keep working, its capabilities answer VENDOR_UNAVAILABLE', async () => {
    const seq = await publish('b', 'CH4', new Date('2026-01-02T10:00:00Z')); // CH4 is linked into CH5 (previous test)
    await t.close();
    t = await startTestApp({ config: { ...config([{ id: 'gate-north', sources: [GATE] }]), adapters: [adapters[0]] }, adapters: [tcam], db: tdb });
    const ch5 = await gql(CAMERA, { id: cam(CH5) });
    expect(ch5.errors).toBeUndefined();
    expect(ch5.data.camera.sources.map((s: { instance: string; vendorId: string }) => `${s.instance}/${s.vendorId}`)).toEqual(['b/CH5', 'b/CH4']);
    const listed = await gql('{ cameras(first: 50) { edges { node { id sources { vendorId } } } } }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data.cameras.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(cam(CH5));
    const events = await gql(EVENTS, { f: { cameraIds: [cam(CH5)] } });
    expect(events.errors).toBeUndefined();
    expect(events.data.events.edges).toContainEqual({ node: { seq, camera: { id: cam(CH5) } } });
    const before = triggers.length;
    const r = await gql('mutation($c: ID!) { triggerEvent(input: { cameraId: $c, type: "x" }) { accepted } }', { c: cam(CH5) });
    expect(codes(r)).toEqual(['VENDOR_UNAVAILABLE']);
    expect(r.errors?.[0]?.message).toMatch(/tcam\/b/);
    expect(triggers.length).toBe(before);
  });
});

describe('sites: and cameras: in config', () => {
  const problems = (doc: unknown): string[] => {
    try {
      validateConfig(doc);
    } catch (e) {
      return (e as { problems: string[] }).problems;
    }
    return [];
  };
  const base = { adapters: [{ type: 'ff', id: 'default' }], sites: [{ id: 'hq', name: 'HQ', timezone: 'Europe/Prague' }] };

  it('a valid config passes', () => {
    expect(problems({ ...base, cameras: [{ id: 'g', site: 'hq', sources: ['ff/default/G1'] }] })).toEqual([]);
  });
  it('each mistake is one problem naming its path', () => {
    expect(problems({ ...base, cameras: [{ id: 'g', sources: ['ivms/hq/3'] }] })).toEqual([expect.stringMatching(/^cameras\[0\]\.sources\[0\]: unknown adapter instance "ivms\/hq"/)]);
    expect(problems({ ...base, cameras: [{ id: 'g', sources: ['ff-default-G1'] }] })).toEqual([expect.stringMatching(/^cameras\[0\]\.sources\[0\]: must be "adapter\/instance\/vendorId"/)]);
    expect(
      problems({
        ...base,
        cameras: [
          { id: 'g', sources: ['ff/default/G1'] },
          { id: 'h', sources: ['ff/default/G1'] },
        ],
      }),
    ).toEqual([expect.stringMatching(/^cameras\[1\]\.sources\[0\]: source "ff\/default\/G1" is already in cameras\[0\]/)]);
    expect(problems({ ...base, cameras: [{ id: 'g', site: 'mars', sources: ['ff/default/G1'] }] })).toEqual([expect.stringMatching(/^cameras\[0\]\.site: unknown site "mars"/)]);
    expect(problems({ ...base, sites: [{ id: 'hq', name: 'HQ', timezone: 'Mars/Olympus' }] })).toEqual([expect.stringMatching(/^sites\[0\]\.timezone: unknown IANA time zone "Mars\/Olympus"/)]);
  });
});
