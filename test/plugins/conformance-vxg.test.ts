/** The conformance kit on the built-in VXG adapter, against its Cloud VMS simulator (stored events mirrored by polling). */
import { vxgAdapter } from '../../src/adapters/vxg/index.ts';
import { VxgSimulator } from '@unified-surveillance/simulators/vxg';
import { runAdapterConformance } from '../../src/testkit.ts';
import { waitFor } from '../helpers/wait-for.ts';

const CAMERA = 248527;
const sim = new VxgSimulator({ seed: 'conformance' });

runAdapterConformance(vxgAdapter, {
  config: { pollIntervalSec: 0.1, backfillSec: 0 },
  // door_bell is the simulated camera's triggerable type; motion a type events can be created with.
  capabilityCalls: { triggerEvent: { type: 'door_bell', meta: { conformance: true } }, createEvent: { type: 'motion', meta: { conformance: true } } },
  operations: [
    {
      name: 'vxgEventTypes',
      query: 'query($c: ID!) { vxgEventTypes(cameraId: $c) { name caps { canBeTriggered } } }',
      variables: (ids) => ({ c: ids.cameraId }),
      scope: 'events:read',
      check: (data) => (data.vxgEventTypes.some((t: { name: string }) => t.name === 'door_bell') ? undefined : 'door_bell is not among the event types'),
    },
    {
      name: 'vxgUpdateEventType',
      query: 'mutation($i: VxgUpdateEventTypeInput!) { vxgUpdateEventType(input: $i) { name notify } }',
      variables: (ids) => ({ i: { cameraId: ids.cameraId, name: 'motion', notify: true } }),
      scope: 'admin',
      check: (data) => (data.vxgUpdateEventType.notify === true ? undefined : 'notify was not changed'),
    },
  ],
  invalidConfigs: [
    { patch: { accessToken: 'not-a-token' }, path: 'accessToken', message: 'invalid VXG channel access token' },
    { patch: { accessToken: undefined }, path: 'accessToken', message: 'required' },
    { patch: { pollIntervalSec: 0 }, path: 'pollIntervalSec' },
    { patch: { baseUrl: 'ftp://vxg.example' }, path: 'baseUrl' },
  ],
  simulator: {
    start: async () => {
      await sim.start();
      return { accessToken: [sim.tokenFor(CAMERA)] };
    },
    stop: () => sim.stop(),
    produceEvent: () => {
      sim.cameraEvent(CAMERA, 'motion', { meta: { conformance: true } });
    },
    // Every poll re-reads the last pollOverlapSec: the newest event comes back on the next polls.
    produceDuplicate: async () => {
      const seen = sim.stats.requests;
      await waitFor(() => sim.stats.requests >= seen + 3, 5000, 'two more VXG polls');
    },
    breakVendor: () => {
      sim.fault = 'http500';
    },
    restoreVendor: () => {
      sim.fault = 'none';
    },
  },
});
