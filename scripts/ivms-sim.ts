/**
 * Runs a simulated Videonetics IVMS server until Ctrl-C.
 *
 *   npx tsx scripts/ivms-sim.ts --port 8090 --alert-every 5000
 *
 * Options: --port N (default 8090, 0 = any)  --host H (default 127.0.0.1)  --prefix /V-Pro-IVMS-APIServer|/i-apiserver
 *   --ttl MS (session keepalive window, default 60000)  --archive-method POST|GET|both (default both)
 *   --seed S  --alert-every MS (0 = no alerts; default 10000)  --alert-type N (default 209)
 *   --alert-message TEXT  --image-bytes N  --events 1,2,3 (ids with snap/clip)  --slow-ms N (their delay)
 *   --fault none|site-down|invalid-json|http500|hang  --quiet
 */
import { parseArgs } from 'node:util';
import { IvmsSimulator, type IvmsFault } from '@unified-surveillance/simulators/ivms';

const FAULTS: readonly IvmsFault[] = ['none', 'site-down', 'invalid-json', 'http500', 'hang'];

const { values: a } = parseArgs({
  options: {
    port: { type: 'string', default: '8090' },
    host: { type: 'string', default: '127.0.0.1' },
    prefix: { type: 'string', default: '/V-Pro-IVMS-APIServer' },
    ttl: { type: 'string', default: '60000' },
    'archive-method': { type: 'string', default: 'both' },
    seed: { type: 'string' },
    'alert-every': { type: 'string', default: '10000' },
    'alert-type': { type: 'string', default: '209' },
    'alert-message': { type: 'string', default: 'Activity Detection' },
    'image-bytes': { type: 'string', default: '8000' },
    events: { type: 'string', default: '1,2,3' },
    'slow-ms': { type: 'string', default: '0' },
    fault: { type: 'string', default: 'none' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`ivms-sim: ${message} (see the header of scripts/ivms-sim.ts)`);
  process.exit(2);
}

function int(name: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer, got ${text}`);
  return n;
}

if (a.help) fail('usage');
const archiveMethod = a['archive-method'];
if (archiveMethod !== 'POST' && archiveMethod !== 'GET' && archiveMethod !== 'both') fail(`bad --archive-method ${archiveMethod}`);
if (!FAULTS.includes(a.fault as IvmsFault)) fail(`bad --fault ${a.fault}`);

const sim = new IvmsSimulator({
  port: int('port', a.port),
  host: a.host,
  pathPrefix: a.prefix,
  seed: a.seed,
  sessionTtlMs: int('ttl', a.ttl),
  archiveMethod,
});
sim.fault = a.fault as IvmsFault;
const slowMs = int('slow-ms', a['slow-ms']);
const eventIds = a.events ? a.events.split(',').map((id) => int('events', id)) : [];
for (const id of eventIds) sim.addEvent(id, { slowMs });

const log = (...parts: unknown[]): void => {
  if (!a.quiet) console.log(new Date().toISOString(), ...parts);
};
const url = await sim.start();
console.log(`ivms-sim: REST ${url}${a.prefix}/REST/local/channel  WebSocket ${sim.wsUrl}  events with media: ${eventIds.join(',') || 'none'}`);

const alertEvery = int('alert-every', a['alert-every']);
const alertTimer =
  alertEvery > 0
    ? setInterval(() => {
        const m = sim.alert({ alertType: int('alert-type', a['alert-type']), alertMessage: a['alert-message'], imageBytes: int('image-bytes', a['image-bytes']) });
        log('alert', m.cameraId, m.cameraName, m.eventTime, m.alertMessage, m.alertType);
      }, alertEvery)
    : undefined;
const statsTimer = setInterval(() => log('stats', JSON.stringify(sim.stats)), 10_000);

let stopping = false;
const shutdown = (): void => {
  if (stopping) process.exit(130);
  stopping = true;
  clearInterval(alertTimer);
  clearInterval(statsTimer);
  void sim.stop().then(() => {
    console.log('ivms-sim: stopped', JSON.stringify(sim.stats));
    process.exit(0);
  });
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
