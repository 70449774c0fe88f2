/**
 * The server's conformance kit (kit 2, SDK 2.0.0) on this adapter, with the controller simulator:
 * events, duplicates, health from the door poll, the UNLOCK / LOCK handlers called through the
 * core's unlockDevice / lockDevice with a door's global id, acmeHoldDoorOpen through the same id
 * (refused without admin), and the webhook route refusing a delivery without its signature.
 */
import { runAdapterConformance } from 'unified-surveillance-api/testkit';
import { describe, expect, it } from 'vitest';
import acmeAccessAdapter from '../src/index.ts';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../src/signature.ts';
import { AcmeAccessController } from '../src/simulator/index.ts';

const API_KEY = 'conformance-api-key-0123456789';
const SECRET = 'conformance-webhook-secret-0123';
const vendor = new AcmeAccessController(API_KEY, SECRET);

runAdapterConformance(acmeAccessAdapter, {
  config: { apiKey: API_KEY, webhookSecret: SECRET, pollIntervalSec: 0.2 },
  invalidConfigs: [
    { patch: { apiKey: 'short' }, path: 'apiKey', message: 'at least 16 characters' },
    { patch: { webhookSecret: undefined }, path: 'webhookSecret' },
    { patch: { baseUrl: 'ftp://controller.example/api' }, path: 'baseUrl', message: 'http(s) URL' },
    { patch: { pollIntervalSec: 0 }, path: 'pollIntervalSec', message: 'at least 0.1 s' },
    { patch: { timeZone: 'Mars/Olympus_Mons' }, path: 'timeZone', message: 'IANA time zone' },
  ],
  simulator: {
    start: async () => ({ baseUrl: await vendor.start() }),
    stop: () => vendor.stop(),
    produceEvent: async (env) => {
      await vendor.emit(env.routeUrl('/events'));
    },
    produceDuplicate: async (env) => {
      const r = await vendor.retryLast(env.routeUrl('/events'));
      if (r.status !== 200) throw new Error(`retry answered ${r.status}: ${r.body}`);
    },
    breakVendor: () => {
      vendor.down = true;
    },
    restoreVendor: () => {
      vendor.down = false;
    },
  },
  capabilityCalls: { unlock: { durationSec: 5 }, lock: {} },
  operations: [
    {
      name: 'hold door open through its global id',
      query: 'mutation($id: ID!) { acmeHoldDoorOpen(doorId: $id, durationSec: 5) { accepted vendorActionId door { id name acmeLocked acmeOnline } } }',
      variables: ({ deviceId }) => ({ id: deviceId }),
      scope: 'admin',
    },
  ],
  credentials: { headers: [SIGNATURE_HEADER, TIMESTAMP_HEADER] },
});

// Runs after the kit's checks (vitest runs a file's tests in order): what reached the controller.
describe('acme-access: the controller side of the kit', () => {
  it('received the unlock, lock and hold-open, each with an Idempotency-Key of ours', () => {
    const byAction = (a: string) => vendor.actions.filter((x) => x.action === a);
    expect(byAction('unlock').length).toBeGreaterThanOrEqual(1);
    expect(byAction('unlock')[0]).toMatchObject({ durationSec: 5 });
    expect(byAction('lock').length).toBeGreaterThanOrEqual(1);
    expect(byAction('hold-open')[0]).toMatchObject({ durationSec: 5 });
    for (const a of vendor.actions) expect(a.idempotencyKey).toMatch(/^usa-/);
  });
});
