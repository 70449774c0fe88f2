/**
 * Acme Access adapter plugin (PROTOCOL.md): a door controller that pushes signed webhooks
 * (access granted/denied, door opened/closed/forced/held, low battery) and offers a REST API to
 * list doors and unlock, lock or hold them open. Doors are devices of type AcmeDoor; the core's
 * unlockDevice / lockDevice reach them through their global ids (scope admin), and so does the
 * plugin's acmeHoldDoorOpen.
 *
 * A plugin: its only imports from the server are `unified-surveillance-api/sdk` and (types of
 * its GraphQL additions) `unified-surveillance-api/sdk/graphql`.
 */
import { defineAdapter } from 'unified-surveillance-api/sdk';
import { doorActions } from './actions.ts';
import { AcmeAccessClient } from './client.ts';
import { acmeAccessConfigSchema } from './config.ts';
import { pollDoors } from './doors.ts';
import { BATTERY_LOW_KIND, DOOR_CAPABILITIES, DOOR_TYPE } from './map.ts';
import { type AcmeAccessApi, addAcmeAccessSchema } from './schema.ts';
import { webhookHandler } from './webhook.ts';

export const ADAPTER_TYPE = 'acme-access';

export const acmeAccessAdapter = defineAdapter({
  type: ADAPTER_TYPE,
  version: '1.0.0',
  sdk: '^2.0.0',
  description: 'Acme Access door controllers: access events, doors as devices, unlock / lock / hold open',
  configSchema: acmeAccessConfigSchema,
  capabilities: [...DOOR_CAPABILITIES],
  capabilityScopes: { ACME_HOLD_OPEN: 'admin' }, // LOCK and UNLOCK: admin by default
  eventKinds: [BATTERY_LOW_KIND],
  deviceTypes: [DOOR_TYPE],
  graphqlPrefix: 'Acme',
  graphql: (builder, refs) => addAcmeAccessSchema(builder, refs, ADAPTER_TYPE),
  start(ctx) {
    const client = new AcmeAccessClient(ctx.fetch, ctx.config.baseUrl, ctx.config.apiKey);
    ctx.route('POST', '/events', webhookHandler(ctx));
    ctx.runExclusive('poll', (signal) => pollDoors(ctx, client, signal));
    const actions = doorActions(client, ctx.instanceId, ctx.signal);
    const api: AcmeAccessApi = { holdOpen: (door, durationSec, key) => actions.holdOpen(door, durationSec, key) };
    const accepted = (r: { actionId: string }) => ({ accepted: true, vendorActionId: r.actionId });
    return {
      api,
      capabilities: {
        unlock: async (input) => accepted(await actions.unlock(input.deviceVendorId, input.durationSec, input.idempotencyKey)),
        lock: async (input) => accepted(await actions.lock(input.deviceVendorId, input.idempotencyKey)),
      },
      // The poll runs under runExclusive (the core aborts and awaits it before stop); routes close with the instance.
      stop: () => {},
    };
  },
});

export default acmeAccessAdapter;
