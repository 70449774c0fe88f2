/**
 * Conformance kit 2, GraphQL with global ids and scopes: a capability handler that reads its vendor
 * id as a global id fails, so does a resolver that splits the global id, a mutation without a
 * declared scope, and a mutation whose scope is weaker than its operation says; the correct
 * adapter passes every one of these checks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConformanceOperation } from '../../src/testkit.ts';
import { kitAdapter } from './fixtures/kit2-adapters.ts';
import { KitRun } from './fixtures/kit2-run.ts';

const CAPABILITIES = 'capabilities:';
const OPERATIONS = 'operations:';
const SCOPES = 'graphql: every Mutation field it adds declares its scope';

const cameraName: ConformanceOperation = {
  name: 'kitCameraName',
  query: 'query($c: ID!) { kitCameraName(cameraId: $c) }',
  variables: (ids) => ({ c: ids.cameraId }),
  scope: 'events:read',
  check: (data) => (data.kitCameraName === 'Kit camera' ? undefined : `expected "Kit camera", got ${JSON.stringify(data.kitCameraName)}`),
};
const ping = (scope: ConformanceOperation['scope']): ConformanceOperation => ({
  name: 'kitPing',
  query: 'mutation($c: ID!) { kitPing(cameraId: $c) }',
  variables: (ids) => ({ c: ids.deviceId }),
  scope,
  check: (data) => (data.kitPing === true ? undefined : 'the camera was not found'),
});
const options = {
  capabilityCalls: { triggerEvent: { type: 'door' }, createEvent: { type: 'note', meta: { by: 'kit' } } },
  operations: [cameraName, ping('events:write')],
};

let kit: KitRun;
afterEach(() => kit?.teardown());

// Each test starts a server (PGlite, migrations) and runs checks with their own deadlines: a hang guard, not a timing.
describe('conformance kit: GraphQL with global ids and declared scopes', { timeout: 60_000 }, () => {
  it('passes the correct adapter on every check', async () => {
    kit = new KitRun();
    expect(await kit.run(kitAdapter(), [SCOPES, CAPABILITIES, OPERATIONS], options)).toEqual([null, null, null]);
  });

  it('fails a capability handler that reads its input as a global id', async () => {
    kit = new KitRun();
    const [caps] = await kit.run(kitAdapter('handler-global-id'), [CAPABILITIES], options);
    const on = /on Q2FtZXJhOm[A-Za-z0-9_=-]+ \(vendor id "cam-1"\)/.source;
    expect(caps).toMatch(new RegExp(`^triggerEvent ${on} failed: NOT_FOUND: the vendor has no camera undefined \\(thrown by capabilities.triggerEvent\\)\\ncreateEvent ${on} failed`));
  });

  it('fails a resolver that splits the camera id instead of taking the global id', async () => {
    kit = new KitRun();
    const [ops] = await kit.run(kitAdapter('resolver-splits-id'), [OPERATIONS], options);
    expect(ops).toMatch(/^kitCameraName with (\S+) \(vendor id "cam-1"\) failed: BAD_USER_INPUT: camera id \1: expected adapter\/instance\/vendorId$/);
  });

  it('fails a mutation that declares no scope, naming the field', async () => {
    kit = new KitRun();
    const [scopes] = await kit.run(kitAdapter('no-scope'), [SCOPES]);
    expect(scopes).toBe("Mutation.kitPing declares no scope: give it authScopes: requireScope(…) (SDK 2 wants a deliberate scope on every action; the server's default is admin)");
  });

  it('fails a mutation declaring events:write whose operation says it needs admin', async () => {
    kit = new KitRun();
    const [ops] = await kit.run(kitAdapter(), [OPERATIONS], { ...options, operations: [ping('admin')] });
    expect(ops).toBe("kitPing declares the scope admin but a key without admin ran it, not FORBIDDEN: give its field authScopes: requireScope('admin')");
  });
});
