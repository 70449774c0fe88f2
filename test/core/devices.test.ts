/**
 * Devices beyond cameras, adapter-declared kinds and capabilities, capability scopes and
 * LOCK/UNLOCK (SDK 2): a door adapter written in this test (device type TestDoor, kind
 * TEST_BATTERY_LOW, capabilities UNLOCK, TRIGGER_EVENT and TEST_HOLD_OPEN, TRIGGER_EVENT raised to
 * admin) on a real server with API keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLSchema } from 'graphql';
import type { AdapterContext, DeviceActionInput, TriggerInput } from '../../src/core/adapter/types.ts';
import { pluginNamePrefix } from '../../src/core/adapter/define.ts';
import { capabilityScope } from '../../src/core/adapter/capability-scopes.ts';
import { buildSchema } from '../../src/schema/build.ts';
import { defineAdapter, encodeGlobalId, z } from '../../src/sdk.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { EventKindsDocument } from '../../console/src/generated/graphql.ts';
import { kindsFromIntrospection } from '../../console/src/lib/event-kinds.ts';

const TYPE = 'testdoor';
const DOOR = `${TYPE}/a/door-1`;
const CAM = `${TYPE}/a/cam-1`;
const T0 = new Date('2024-06-14T14:04:36.372Z');

const WRITE = 'write-only-key-0123456789a';
const ADMIN = 'admin-key-0123456789abcdef';
const bearer = (k: string) => ({ authorization: `Bearer ${k}` });

const calls = { unlock: [] as DeviceActionInput[], trigger: [] as TriggerInput[] };
let doorCtx: AdapterContext | null = null;

const base = {
  version: '1.0.0',
  configSchema: z.object({ type: z.literal(TYPE), id: z.string() }).strict(),
  graphqlPrefix: 'Test',
};

const doorAdapter = defineAdapter({
  ...base,
  type: TYPE,
  capabilities: ['UNLOCK', 'TRIGGER_EVENT', 'TEST_HOLD_OPEN'],
  eventKinds: ['TEST_BATTERY_LOW'],
  capabilityScopes: { TRIGGER_EVENT: 'admin' },
  deviceTypes: ['TestDoor'],
  graphql: (_builder, refs) => {
    refs.eventType('TestDoorEvent', {
      fields: (t) => ({
        battery: t.int({ nullable: true, resolve: (ev) => (ev.data.battery as number | undefined) ?? null }),
        // A field from the vendor payload: the core reads `raw` for pages that select this type's fields.
        firmware: t.string({ nullable: true, resolve: (ev) => (ev.raw as { fw?: string } | null)?.fw ?? null }),
      }),
    });
    refs.deviceType('TestDoor', { description: 'A test door', fields: (t) => ({ location: t.string({ resolve: (d) => String(d.details.location ?? '') }) }) });
  },
  async start(ctx) {
    doorCtx = ctx as AdapterContext;
    await ctx.devices.upsert({ vendorId: 'door-1', type: 'TestDoor', name: 'Front door', capabilities: ['UNLOCK', 'TEST_HOLD_OPEN'], details: { location: 'lobby' } });
    await ctx.cameras.upsert({ vendorId: 'cam-1', name: 'Lobby camera', capabilities: ['TRIGGER_EVENT'] });
    await ctx.publish({
      typeName: 'TestDoorEvent',
      kind: 'TEST_BATTERY_LOW',
      vendorType: 'battery',
      occurredAt: T0,
      dedupeKey: 'battery-1',
      device: { vendorId: 'door-1', type: 'TestDoor' },
      data: { battery: 7 },
      raw: { fw: '2.1.0' },
    });
    return {
      stop: () => {},
      capabilities: {
        unlock: async (input: DeviceActionInput) => {
          calls.unlock.push(input);
          return { accepted: true, vendorActionId: `act-${calls.unlock.length}` };
        },
        triggerEvent: async (input: TriggerInput) => {
          calls.trigger.push(input);
          return { accepted: true };
        },
      },
    };
  },
});

type Gql = { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
const codes = (r: Gql) => (r.errors ?? []).map((e) => e.extensions?.code);

let t: TestApp;
const gql = (key: string, query: string, variables?: Record<string, unknown>) => t.gql(query, variables, bearer(key)) as Promise<Gql>;

beforeAll(async () => {
  t = await startTestApp({
    adapters: [doorAdapter],
    config: {
      auth: {
        apiKeys: [
          { key: WRITE, scopes: ['events:write', 'events:read'] },
          { key: ADMIN, scopes: ['admin'] },
        ],
      },
      adapters: [{ type: TYPE, id: 'a' }],
    },
  });
});
afterAll(async () => {
  await t?.close();
});

describe('devices', () => {
  it('devices lists doors and cameras; cameras lists only cameras', async () => {
    const r = await gql(ADMIN, '{ devices { edges { node { __typename id name capabilities ... on TestDoor { location } } } } cameras { edges { node { id } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.devices.edges.map((e: any) => e.node)).toEqual([
      { __typename: 'Camera', id: encodeGlobalId('Camera', CAM), name: 'Lobby camera', capabilities: ['TRIGGER_EVENT'] },
      { __typename: 'TestDoor', id: encodeGlobalId('TestDoor', DOOR), name: 'Front door', capabilities: ['UNLOCK', 'TEST_HOLD_OPEN'], location: 'lobby' },
    ]);
    expect(r.data.cameras.edges.map((e: any) => e.node.id)).toEqual([encodeGlobalId('Camera', CAM)]);
  });

  it('devices filters by type', async () => {
    const r = await gql(ADMIN, '{ devices(filter: { types: ["TestDoor"] }) { edges { node { id } } } }');
    expect(r.data.devices.edges.map((e: any) => e.node.id)).toEqual([encodeGlobalId('TestDoor', DOOR)]);
    const long = await gql(ADMIN, `{ devices(filter: { types: ["${'A'.repeat(101)}"] }) { edges { node { id } } } }`);
    expect(codes(long)).toEqual(['BAD_USER_INPUT']);
  });

  it('device and node find a door by its global id; camera does not', async () => {
    const id = encodeGlobalId('TestDoor', DOOR);
    const r = await gql(ADMIN, `query($id: ID!) { device(id: $id) { __typename name } node(id: $id) { ... on TestDoor { name location } } camera(id: $id) { id } }`, { id });
    expect(r.errors).toBeUndefined();
    expect(r.data).toEqual({ device: { __typename: 'TestDoor', name: 'Front door' }, node: { name: 'Front door', location: 'lobby' }, camera: null });
    // A global id of another type names no device.
    const wrong = await gql(ADMIN, `query($id: ID!) { device(id: $id) { name } }`, { id: encodeGlobalId('Camera', DOOR) });
    expect(wrong.data).toEqual({ device: null });
  });

  it("an event from a door has Event.device and no Event.camera, and its adapter's kind", async () => {
    const r = await gql(ADMIN, '{ events(first: 5) { edges { node { kind camera { id } device { __typename id } ... on TestDoorEvent { battery firmware } } } } }');
    expect(r.errors).toBeUndefined();
    expect(r.data.events.edges.map((e: any) => e.node)).toEqual([
      { kind: 'TEST_BATTERY_LOW', camera: null, device: { __typename: 'TestDoor', id: encodeGlobalId('TestDoor', DOOR) }, battery: 7, firmware: '2.1.0' },
    ]);
  });

  it("the console's kind filter reads the adapter's kinds by introspection (its EventKinds operation)", async () => {
    const r = await gql(WRITE, EventKindsDocument.toString());
    expect(r.errors).toBeUndefined();
    const kinds = kindsFromIntrospection(r.data.__type);
    expect(kinds).toEqual(expect.arrayContaining(['TEST_BATTERY_LOW', 'PLATE_READ', 'CUSTOM']));
  });

  it('ctx.devices lists the devices of the instance with their types; ctx.cameras only cameras', async () => {
    expect((await doorCtx!.devices.list()).map((d) => [d.id, d.type])).toEqual([
      [CAM, 'Camera'],
      [DOOR, 'TestDoor'],
    ]);
    expect((await doorCtx!.cameras.list()).map((c) => c.id)).toEqual([CAM]);
  });
});

describe('declared names', () => {
  it("the EventKind and Capability enums contain the adapter's own values", () => {
    const schema: GraphQLSchema = buildSchema([doorAdapter]);
    const values = (name: string) => (schema.getType(name) as any).getValues().map((v: { name: string }) => v.name);
    expect(values('EventKind')).toEqual(expect.arrayContaining(['TEST_BATTERY_LOW', 'ACCESS_GRANTED', 'DOOR_FORCED_OPEN', 'CUSTOM']));
    expect(values('Capability')).toEqual(expect.arrayContaining(['TEST_HOLD_OPEN', 'LOCK', 'UNLOCK']));
    expect(values('EventKind')).not.toContain('TEST_HOLD_OPEN');
    expect(values('EventKind')).not.toContain('TEST_BATTERY_LOW_X');
  });

  it('publish refuses a kind the adapter did not declare, naming it', async () => {
    const ev = { typeName: 'TestDoorEvent', vendorType: 'x', occurredAt: T0, raw: {}, device: { vendorId: 'door-1', type: 'TestDoor' } };
    await expect(doorCtx!.publish({ ...ev, kind: 'TEST_SMOKE', dedupeKey: 'k1' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('TEST_SMOKE') });
    await expect(doorCtx!.publish({ ...ev, kind: 'ACCESS_GRANTED', dedupeKey: 'k2' })).resolves.toMatchObject({ duplicate: false });
  });

  it('publish and ctx.devices refuse a device type the adapter did not declare; camera and device together are refused', async () => {
    const ev = { typeName: 'TestDoorEvent', kind: 'DOOR_OPENED', vendorType: 'x', occurredAt: T0, raw: {} };
    await expect(doorCtx!.publish({ ...ev, dedupeKey: 'k3', device: { vendorId: 'r-1', type: 'TestReader' } })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining('TestReader'),
    });
    await expect(doorCtx!.devices.upsert({ vendorId: 'r-1', type: 'TestReader' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    await expect(doorCtx!.publish({ ...ev, dedupeKey: 'k4', camera: { vendorId: 'cam-1' }, device: { vendorId: 'door-1', type: 'TestDoor' } })).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const r = await gql(ADMIN, '{ devices { edges { node { id } } } }');
    expect(r.data.devices.edges).toHaveLength(2);
  });

  it('defineAdapter refuses extras without the prefix, and capabilityScopes of capabilities it lacks', () => {
    const def = { ...base, type: 'bad', start: () => ({ stop() {} }) };
    expect(() => defineAdapter({ ...def, capabilities: ['HOLD_OPEN'] })).toThrow(/capability "HOLD_OPEN".*TEST_\[A-Z0-9_\]\+/);
    expect(() => defineAdapter({ ...def, capabilities: [], eventKinds: ['BATTERY_LOW'] })).toThrow(/event kind "BATTERY_LOW"/);
    expect(() => defineAdapter({ ...def, capabilities: [], eventKinds: [`TEST_${'X'.repeat(60)}`] })).toThrow(/at most 64/);
    expect(() => defineAdapter({ ...def, capabilities: [], capabilityScopes: { UNLOCK: 'events:write' } })).toThrow(/capabilityScopes: "UNLOCK"/);
    expect(() => defineAdapter({ ...def, capabilities: [], deviceTypes: ['Door'] })).toThrow(/deviceTypes: "Door"/);
    expect(pluginNamePrefix('AcmeDoors')).toBe('ACME_DOORS');
    expect(pluginNamePrefix('Ff')).toBe('FF');
  });

  it('buildSchema refuses a declared device type that is not defined, and a defined one that is not declared', () => {
    const undefinedType = defineAdapter({ ...base, type: 'nodef', capabilities: [], deviceTypes: ['TestGate'], start: () => ({ stop() {} }) });
    expect(() => buildSchema([undefinedType])).toThrow(/adapter "nodef".*TestGate/);
    const undeclared = defineAdapter({ ...base, type: 'nodecl', capabilities: [], graphql: (_b, refs) => void refs.deviceType('TestGate'), start: () => ({ stop() {} }) });
    expect(() => buildSchema([undeclared])).toThrow(/adapter "nodecl".*not listed.*TestGate/);
  });

  it('capabilityScope: defaults, overrides, admin for physical and declared capabilities', () => {
    expect(capabilityScope({}, 'TRIGGER_EVENT')).toBe('events:write');
    expect(capabilityScope({}, 'LIVE_STREAM')).toBe('streams');
    expect(capabilityScope({}, 'SNAPSHOT')).toBe('events:read');
    expect(capabilityScope({}, 'UNLOCK')).toBe('admin');
    expect(capabilityScope({}, 'TEST_HOLD_OPEN')).toBe('admin');
    expect(capabilityScope({ capabilityScopes: { UNLOCK: 'events:write' } }, 'UNLOCK')).toBe('events:write');
  });
});

describe('UNLOCK', () => {
  const unlock = 'mutation($input: UnlockDeviceInput!) { unlockDevice(input: $input) { accepted vendorActionId device { __typename id } } }';

  it('unlockDevice through the global id reaches the handler with the vendor id, the duration and the idempotency key', async () => {
    const before = calls.unlock.length;
    const r = await gql(ADMIN, unlock, { input: { deviceId: encodeGlobalId('TestDoor', DOOR), durationSec: 5, idempotencyKey: 'k-1' } });
    expect(r.errors).toBeUndefined();
    expect(r.data.unlockDevice).toEqual({ accepted: true, vendorActionId: `act-${before + 1}`, device: { __typename: 'TestDoor', id: encodeGlobalId('TestDoor', DOOR) } });
    expect(calls.unlock.slice(before)).toEqual([{ deviceVendorId: 'door-1', durationSec: 5, idempotencyKey: 'k-1' }]);
  });

  it('a key with events:write but not admin is FORBIDDEN, naming the scope, and the handler is not called', async () => {
    const before = calls.unlock.length;
    const r = await gql(WRITE, unlock, { input: { deviceId: encodeGlobalId('TestDoor', DOOR) } });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0].extensions?.scopes).toEqual(['admin']);
    expect(r.errors![0].message).toContain('UNLOCK');
    expect(calls.unlock.length).toBe(before);
  });

  it('durationSec out of 1..3600 and a long idempotencyKey are BAD_USER_INPUT, before any vendor call', async () => {
    const before = calls.unlock.length;
    for (const input of [
      { deviceId: DOOR, durationSec: 0 },
      { deviceId: DOOR, durationSec: 3601 },
      { deviceId: DOOR, idempotencyKey: 'k'.repeat(201) },
    ]) {
      const r = await gql(ADMIN, unlock, { input });
      expect(codes(r), JSON.stringify(input).slice(0, 60)).toEqual(['BAD_USER_INPUT']);
    }
    expect(calls.unlock.length).toBe(before);
  });

  it('UNSUPPORTED_CAPABILITY for a device without UNLOCK; NOT_FOUND for no device; lockDevice on a door without LOCK', async () => {
    expect(codes(await gql(ADMIN, unlock, { input: { deviceId: encodeGlobalId('Camera', CAM) } }))).toEqual(['UNSUPPORTED_CAPABILITY']);
    expect(codes(await gql(ADMIN, unlock, { input: { deviceId: `${TYPE}/a/nope` } }))).toEqual(['NOT_FOUND']);
    const lock = await gql(ADMIN, 'mutation($id: ID!) { lockDevice(input: { deviceId: $id }) { accepted } }', { id: encodeGlobalId('TestDoor', DOOR) });
    expect(codes(lock)).toEqual(['UNSUPPORTED_CAPABILITY']);
  });
});

describe('capability scopes of core mutations', () => {
  const trigger = 'mutation($id: ID!) { triggerEvent(input: { cameraId: $id, type: "x" }) { accepted } }';

  it('capabilityScopes raising TRIGGER_EVENT to admin makes triggerEvent FORBIDDEN for an events:write key', async () => {
    const before = calls.trigger.length;
    const r = await gql(WRITE, trigger, { id: encodeGlobalId('Camera', CAM) });
    expect(codes(r)).toEqual(['FORBIDDEN']);
    expect(r.errors![0].extensions?.scopes).toEqual(['admin']);
    expect(calls.trigger.length).toBe(before);
    const ok = await gql(ADMIN, trigger, { id: encodeGlobalId('Camera', CAM) });
    expect(ok.errors).toBeUndefined();
    expect(calls.trigger.length).toBe(before + 1);
  });
});
