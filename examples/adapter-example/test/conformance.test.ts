/** The server's conformance kit on this adapter, with the vendor simulator. */
import { runAdapterConformance } from 'unified-surveillance-api/testkit';
import hmacWebhookAdapter from '../src/index.ts';
import { HmacWebhookVendor } from '../src/simulator/index.ts';

const SECRET = 'conformance-secret-0123456789';
const vendor = new HmacWebhookVendor(SECRET);

runAdapterConformance(hmacWebhookAdapter, {
  config: { secret: SECRET, statusIntervalSec: 0.1 },
  invalidConfigs: [
    { patch: { secret: 'short' }, path: 'secret', message: 'at least 16 characters' },
    { patch: { secret: undefined }, path: 'secret' },
    { patch: { statusUrl: 'ftp://vendor.example/status' }, path: 'statusUrl', message: 'http(s) URL' },
    { patch: { toleranceSec: 0 }, path: 'toleranceSec' },
  ],
  simulator: {
    start: async () => ({ statusUrl: await vendor.start() }),
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
});
