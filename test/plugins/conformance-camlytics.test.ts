/** The conformance kit on the built-in Camlytics adapter, against its simulator (long-poll, webhooks, faults). */
import { camlyticsAdapter } from '../../src/adapters/camlytics/index.ts';
import { CamlyticsSimulator, type RestEvent } from '@unified-surveillance/simulators/camlytics';
import { runAdapterConformance } from '../../src/testkit.ts';

const TOKEN = 'conformance-webhook-token-0123';
const sim = new CamlyticsSimulator({ seed: 'conformance' });
let last: RestEvent | undefined;

runAdapterConformance(camlyticsAdapter, {
  config: { webhookToken: TOKEN, pollTimeoutSec: 1, minPollIntervalMs: 20, requestGraceSec: 2, backoffInitialMs: 20, backoffMaxSec: 0.2, channelRefreshSec: 0.2 },
  invalidConfigs: [
    { patch: { baseUrl: 'ftp://camlytics.local' }, path: 'baseUrl', message: 'http(s) URL' },
    { patch: { webhookToken: 'short' }, path: 'webhookToken' },
    { patch: { pollLimit: 0 }, path: 'pollLimit' },
    { patch: { timezone: 'Mars/Olympus' }, path: 'timezone' },
  ],
  simulator: {
    start: async () => ({ baseUrl: await sim.start() }),
    stop: () => sim.stop(),
    produceEvent: () => {
      last = sim.emit();
    },
    // The event the poll already delivered, now also by webhook: one event, one row.
    produceDuplicate: async (env) => {
      const r = await sim.sendWebhook(env.routeUrl(`/webhook?token=${TOKEN}`), 'immediate', { event: last });
      if (r.status !== 200) throw new Error(`webhook answered ${r.status}: ${r.body}`);
    },
    breakVendor: () => {
      sim.fault = 'down';
    },
    restoreVendor: () => {
      sim.fault = 'none';
    },
  },
});
