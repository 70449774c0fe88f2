/** The conformance kit on the built-in IVMS adapter, against its simulator (REST channels, WebSocket alerts with images). */
import { ivmsAdapter } from '../../src/adapters/ivms/index.ts';
import { IvmsSimulator, type IvmsAlertMessage } from '@unified-surveillance/simulators/ivms';
import { runAdapterConformance } from '../../src/testkit.ts';
import { waitFor } from '../helpers/wait-for.ts';

/** The simulator writes alert times in this process's zone. */
const LOCAL_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;
const sim = new IvmsSimulator();
let last: IvmsAlertMessage | undefined;
/** IVMS alerts have no id and no replay; a re-sent alert is the same message again (the simulator's hub sends it). */
const resend = (message: unknown) => (sim as unknown as { hub: { broadcast(m: unknown): number } }).hub.broadcast(message);

runAdapterConformance(ivmsAdapter, {
  config: { timezone: LOCAL_ZONE, maxReconnectSec: 0.3, channelRefreshSec: 1 },
  invalidConfigs: [
    { patch: { baseUrl: undefined }, path: 'baseUrl' },
    { patch: { wsUrl: 'http://ivms.local/notification' }, path: 'wsUrl', message: 'ws(s)://' },
    { patch: { pathPrefix: 'no-slash' }, path: 'pathPrefix' },
    { patch: { keepaliveSec: 0 }, path: 'keepaliveSec' },
  ],
  simulator: {
    start: async () => {
      await sim.start();
      return { baseUrl: sim.url, wsUrl: sim.wsUrl };
    },
    stop: () => sim.stop(),
    // READY comes with the channel list; alerts need the notification socket too (IVMS does not replay).
    produceEvent: async (env) => {
      await waitFor(() => (env.instance().counters['ws.connects'] ?? 0) > 0, 5000, 'the notification socket');
      last = sim.alert({ cameraId: 1, imageBytes: 4000 });
    },
    produceDuplicate: () => {
      if (!resend(last)) throw new Error('no notification socket connected');
    },
    breakVendor: () => {
      sim.refuseWebSockets = true;
      sim.dropWebSockets();
    },
    restoreVendor: () => {
      sim.refuseWebSockets = false;
    },
  },
});
