/** The conformance kit on the built-in FF adapter: its camera simulator pushes plate reads over HTTP. */
import { ffAdapter } from '../../src/adapters/ff/index.ts';
import { PassGenerator, postEvent, stampEvent, type FfJson, type PassEvent } from '@unified-surveillance/simulators/ff';
import { makeJpeg } from '@unified-surveillance/simulators/kit';
import { runAdapterConformance } from '../../src/testkit.ts';

const passes = new PassGenerator({ deviceId: 'CONFORMANCE-1', seed: 'conformance', extraFieldRate: 0 });
let packetCounter = 0;
let last: { json: FfJson; ev: PassEvent } | undefined;
/** The instance's ingest secret: the kit replays a push without it and expects 401. */
const KEY = 'conformance-ingest-key';

async function push(url: string, json: FfJson, ev: PassEvent): Promise<void> {
  const images = [{ kind: 'vehicle', fileName: ev.images.first.fileName, data: makeJpeg(ev.images.first.path, 4000) }];
  const r = await postEvent({ url, mode: 'multipart-file', event: json, images, auth: { kind: 'header', value: KEY } });
  if (r.status !== 200) throw new Error(`FF ingest answered ${r.status}: ${r.body}`);
}

runAdapterConformance(ffAdapter, {
  // With auth, TCP push (no credentials) is limited to the listed addresses.
  config: { tcpPort: 0, tcpHost: '127.0.0.1', auth: { key: KEY }, allowIps: ['127.0.0.1'] },
  invalidConfigs: [
    { patch: { tcpPort: 70_000 }, path: 'tcpPort' },
    { patch: { timezone: 'Mars/Olympus' }, path: 'timezone', message: 'IANA' },
    { patch: { auth: { key: 'short' } }, path: 'auth.key' },
    { patch: { allowIps: ['not-an-ip'] }, path: 'allowIps[0]' },
  ],
  simulator: {
    // A camera pushes to the server: nothing to start; each event is a new vehicle pass.
    start: () => {},
    stop: () => {},
    produceEvent: async (env) => {
      const ev = passes.next().events.find((e) => e.carState === 'update')!;
      last = { json: stampEvent(ev.json, { packetCounter: ++packetCounter, profileID: '1' }), ev };
      await push(env.routeUrl('/events'), last.json, last.ev);
    },
    // The camera's event buffer re-sends an event after a lost answer.
    produceDuplicate: (env) => push(env.routeUrl('/events'), last!.json, last!.ev),
  },
});
