/**
 * The SDK 2 example plugin (examples/adapter-access-control, "Acme Access" door controllers): its own
 * tests (conformance kit 2, signature, payload, simulator) run by the repo's suite as its `npm test`
 * runs them, its package.json complete, and the plugin loaded from config the way a user installs it —
 * doors as devices beside the built-ins' cameras, an ACCESS_DENIED webhook on a door, and UNLOCK
 * reached through the door's global id: refused to an events:write key before the controller hears
 * of it, performed for an admin key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcmeAccessController } from '../../examples/adapter-access-control/src/simulator/index.ts';
import acmeAccessAdapter from '../../examples/adapter-access-control/src/index.ts';
import { sdkRangeProblem } from '../../src/core/plugins/sdk-range.ts';
import { drivers, type TestDb } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ROOT, startPluginApp, userProject, type PluginApp, type UserProject } from './helpers.ts';

await import('../../examples/adapter-access-control/test/signature.test.ts');
await import('../../examples/adapter-access-control/test/payload.test.ts');
await import('../../examples/adapter-access-control/test/simulator.test.ts');
await import('../../examples/adapter-access-control/test/conformance.test.ts');

const DIR = join(ROOT, 'examples', 'adapter-access-control');
const PACKAGE = 'usa-adapter-access-control';
const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { name: string; devDependencies: Record<string, string>; workspaces?: string[] };

describe('the access-control example package', () => {
  it('is a workspace of the server, lists what its tsconfig and tests need at the versions the server pins, and is written for SDK 2', () => {
    const host = readJson(join(ROOT, 'package.json'));
    const pkg = readJson(join(DIR, 'package.json'));
    expect(host.workspaces).toContain('examples/adapter-access-control');
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(['@types/node', 'typescript', host.name, 'vitest'].sort());
    for (const name of ['@types/node', 'typescript', 'vitest']) expect(pkg.devDependencies[name], name).toBe(host.devDependencies[name]);
    expect(acmeAccessAdapter.sdk).toBe('^2.0.0');
    expect(sdkRangeProblem(acmeAccessAdapter.sdk)).toBeNull();
  });
});

const ADMIN = 'access-admin-key-0123456789';
const WRITER = 'access-writer-key-0123456789';
const API_KEY = 'controller-api-key-0123456789';
const SECRET = 'controller-webhook-secret-0123';

for (const driver of drivers) {
  describe(`access-control plugin from config (${driver.name})`, () => {
    let db: TestDb;
    let project: UserProject;
    let t: PluginApp;
    const controller = new AcmeAccessController(API_KEY, SECRET);
    const gqlAs = async (key: string, query: string, variables?: Record<string, unknown>) => {
      const res = await fetch(`${t.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
    };
    const doors = async () =>
      (
        await gqlAs(ADMIN, '{ devices(first: 50, filter: { types: ["AcmeDoor"] }) { edges { node { __typename id name capabilities status ... on AcmeDoor { acmeLocked } } } } }')
      ).data?.devices.edges.map((e: any) => e.node) ?? [];

    beforeAll(async () => {
      db = await driver.open();
      project = userProject({ [PACKAGE]: DIR });
      const baseUrl = await controller.start();
      t = await startPluginApp(
        db,
        {
          auth: {
            apiKeys: [
              { key: ADMIN, scopes: ['admin'] },
              { key: WRITER, scopes: ['events:read', 'events:write', 'streams'] },
            ],
          },
          plugins: [PACKAGE],
          adapters: [{ type: 'acme-access', id: 'hq', baseUrl, apiKey: API_KEY, webhookSecret: SECRET, pollIntervalSec: 0.2 }],
        },
        { projectRoot: project.dir },
      );
      await waitFor(async () => (await doors()).length === controller.doors.size, 10_000, 'the polled doors to be registered as devices');
    });
    afterAll(async () => {
      await t?.close();
      await controller.stop();
      await db?.cleanup();
      project?.cleanup();
    });

    it('lists its doors as AcmeDoor devices, with LOCK, UNLOCK and its own ACME_HOLD_OPEN, and not among cameras', async () => {
      const list = await doors();
      expect(list.map((d: any) => d.name).sort()).toEqual([...controller.doors.values()].map((d) => d.name).sort());
      for (const d of list) expect(d).toMatchObject({ __typename: 'AcmeDoor', capabilities: expect.arrayContaining(['LOCK', 'UNLOCK', 'ACME_HOLD_OPEN']), status: 'ONLINE' });
      const cams = await gqlAs(ADMIN, '{ cameras(first: 50) { edges { node { id } } } }');
      expect(cams.data.cameras.edges).toEqual([]);
    });

    it('stores an ACCESS_DENIED webhook on the door: Event.device is the AcmeDoor, Event.camera is null', async () => {
      const sent = await controller.emit(`${t.url}/adapters/acme-access/hq/events`, { type: 'access.denied' });
      let node: any;
      await waitFor(
        async () => {
          const r = await gqlAs(ADMIN, '{ events(first: 5, filter: { kinds: [ACCESS_DENIED] }) { edges { node { kind vendorType camera { id } device { __typename name } } } } }');
          node = r.data?.events.edges[0]?.node;
          return node !== undefined;
        },
        10_000,
        'the ACCESS_DENIED event to be stored',
      );
      expect(node).toMatchObject({ kind: 'ACCESS_DENIED', vendorType: 'access.denied', camera: null, device: { __typename: 'AcmeDoor' } });
      expect(node.device.name).toBe(sent.door.name);
    });

    it('unlockDevice through the door global id: FORBIDDEN for an events:write key (the controller hears nothing), performed for an admin key', async () => {
      const door = (await doors()).find((d: any) => d.name === controller.doors.get('D-2')?.name);
      const before = controller.unlocks.length;
      const mutation = 'mutation($id: ID!) { unlockDevice(input: { deviceId: $id, durationSec: 5, idempotencyKey: "e2e-1" }) { accepted device { id } } }';
      const refused = await gqlAs(WRITER, mutation, { id: door.id });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.errors?.[0]?.message).toMatch(/admin.*UNLOCK/);
      expect(controller.unlocks.length).toBe(before);
      const done = await gqlAs(ADMIN, mutation, { id: door.id });
      expect(done.errors).toBeUndefined();
      expect(done.data.unlockDevice).toEqual({ accepted: true, device: { id: door.id } });
      expect(controller.unlocks.length).toBe(before + 1);
      expect(controller.unlocks.at(-1)).toMatchObject({ door: 'D-2', durationSec: 5 });
    });
  });
}
