/**
 * Capability handlers are reached through GraphQL with global ids: for each capability the adapter
 * declares that has a core mutation (TRIGGER_EVENT triggerEvent, CREATE_EVENT createEvent, UNLOCK
 * unlockDevice, LOCK lockDevice), the kit calls the mutation with the global id of one of the
 * instance's cameras / devices having it (as a client would), and checks that the mutation returned
 * no errors and that the adapter's handler got the device's vendor id, not the global id.
 */
import type { LiveServer } from './live.ts';
import type { AdapterRecording } from './recorder.ts';
import type { ConformanceCapabilityCalls, ConformanceCheck } from './types.ts';

export interface CapabilityCheckDeps {
  server: LiveServer;
  rec: AdapterRecording;
  type: string;
  id: string;
  capabilities: readonly string[];
  calls?: ConformanceCapabilityCalls;
  live(): Promise<void>;
}

interface CapabilityMutation {
  capability: string;
  option: keyof ConformanceCapabilityCalls;
  mutation: string;
  inputType: string;
  /** The handler of RunningAdapter.capabilities and its vendor id field. */
  handler: string;
  vendorField: string;
  /** `cameras` for camera actions, `devices` for device actions. */
  list: 'cameras' | 'devices';
  input(globalId: string, call: Record<string, unknown>): Record<string, unknown>;
}

const MUTATIONS: CapabilityMutation[] = [
  {
    capability: 'TRIGGER_EVENT',
    option: 'triggerEvent',
    mutation: 'triggerEvent',
    inputType: 'TriggerEventInput',
    handler: 'triggerEvent',
    vendorField: 'cameraVendorId',
    list: 'cameras',
    input: (cameraId, c) => ({ cameraId, type: c.type, meta: c.meta }),
  },
  {
    capability: 'CREATE_EVENT',
    option: 'createEvent',
    mutation: 'createEvent',
    inputType: 'CreateEventInput',
    handler: 'createEvent',
    vendorField: 'cameraVendorId',
    list: 'cameras',
    input: (cameraId, c) => ({ cameraId, type: c.type, meta: c.meta }),
  },
  {
    capability: 'UNLOCK',
    option: 'unlock',
    mutation: 'unlockDevice',
    inputType: 'UnlockDeviceInput',
    handler: 'unlock',
    vendorField: 'deviceVendorId',
    list: 'devices',
    input: (deviceId, c) => ({ deviceId, ...(c.durationSec !== undefined ? { durationSec: c.durationSec } : {}) }),
  },
  {
    capability: 'LOCK',
    option: 'lock',
    mutation: 'lockDevice',
    inputType: 'LockDeviceInput',
    handler: 'lock',
    vendorField: 'deviceVendorId',
    list: 'devices',
    input: (deviceId) => ({ deviceId }),
  },
];

export function capabilityCheck(deps: CapabilityCheckDeps): ConformanceCheck {
  const { server, rec, type, id } = deps;
  const mine = MUTATIONS.filter((m) => deps.capabilities.includes(m.capability));
  const missing = mine.filter((m) => !deps.calls?.[m.option]);
  return {
    name: 'capabilities: the core mutations reach its handlers with the vendor id of the device given by its global id',
    skip: !mine.length
      ? 'it declares none of TRIGGER_EVENT, CREATE_EVENT, LOCK, UNLOCK'
      : missing.length === mine.length
        ? `no ConformanceOptions.capabilityCalls.${missing.map((m) => m.option).join(' / ')} for ${missing.map((m) => m.capability).join(', ')}`
        : undefined,
    run: async () => {
      await deps.live();
      const wrong: string[] = [];
      const skipped: string[] = missing.map((m) => `${m.capability}: no ConformanceOptions.capabilityCalls.${m.option}`);
      const mutations = server.running.schema.getMutationType()?.getFields() ?? {};
      const queries = server.running.schema.getQueryType()?.getFields() ?? {};
      let ran = 0;
      for (const m of mine) {
        const call = deps.calls?.[m.option] as Record<string, unknown> | undefined;
        if (!call) continue;
        if (!mutations[m.mutation] || !queries[m.list]) {
          skipped.push(`${m.capability}: this server's schema has no ${mutations[m.mutation] ? `Query.${m.list}` : `Mutation.${m.mutation}`}`);
          continue;
        }
        const listed = await server.gql(
          `query($f: ${m.list === 'cameras' ? 'CameraFilter' : 'DeviceFilter'}) { ${m.list}(first: 1, filter: $f) { edges { node { id sources { adapter instance vendorId } } } } }`,
          { f: { adapters: [type], instances: [id], capabilities: [m.capability] } },
        );
        if (listed.errors?.length) {
          wrong.push(`${m.capability}: listing ${m.list} failed: ${listed.errors.map((e) => e.message).join('; ')}`);
          continue;
        }
        const node = listed.data?.[m.list]?.edges?.[0]?.node as { id: string; sources: Array<{ adapter: string; instance: string; vendorId: string }> } | undefined;
        if (!node) {
          wrong.push(`${m.capability}: none of ${type}/${id}'s ${m.list} has the capability ${m.capability} (the simulator must provide one)`);
          continue;
        }
        const vendorId = node.sources.find((s) => s.adapter === type && s.instance === id)?.vendorId ?? node.sources[0]?.vendorId;
        const from = rec.capabilityCalls.length;
        ran++;
        const r = await server.gql(`mutation($i: ${m.inputType}!) { ${m.mutation}(input: $i) { accepted } }`, { i: m.input(node.id, call) });
        const calls = rec.capabilityCalls.slice(from).filter((c) => c.handler === m.handler);
        const got = calls.map((c) => (c.input as Record<string, unknown> | undefined)?.[m.vendorField]);
        if (got.length && got.some((v) => v !== vendorId))
          wrong.push(
            `${m.mutation} on ${node.id}: the handler capabilities.${m.handler} got ${m.vendorField} ${got.map((v) => JSON.stringify(v)).join(', ')}, expected the vendor id ${JSON.stringify(vendorId)}`,
          );
        if (r.errors?.length)
          wrong.push(
            `${m.mutation} on ${node.id} (vendor id ${JSON.stringify(vendorId)}) failed: ${r.errors.map((e) => `${e.extensions?.code ? `${e.extensions.code}: ` : ''}${e.message}`).join('; ')}${calls.some((c) => c.error !== undefined) ? ` (thrown by capabilities.${m.handler})` : ''}`,
          );
        else if (!got.length) wrong.push(`${m.mutation} on ${node.id} answered without calling capabilities.${m.handler}`);
      }
      if (wrong.length) throw new Error(wrong.join('\n'));
      if (!ran) return { skipped: skipped.join('; ') };
    },
  };
}
