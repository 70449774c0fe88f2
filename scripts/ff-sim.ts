/**
 * Runs one simulated FF (CAMMRA / AXIS LPV) camera until Ctrl-C.
 *
 *   npx tsx scripts/ff-sim.ts --http http://localhost:4000/adapters/ff/default/events --tcp 127.0.0.1:4001 --rate 2
 *
 * Options: --device ID  --tz Europe/Prague  --seed S  --rate N (passes/s)
 *   --http URL  --modes multipart-file,multipart-field,json,no-image  --two-images  --image-bytes N
 *   --auth-header NAME:VALUE  --basic USER:PASSWORD  --buffer (use_event_buffer)
 *   --tcp HOST:PORT  --framing none|crlf|lf|nul|pretty  --write per-object|batch|fragments  --tcp-images
 *   --types new,update,reliable,lost  --lost-after MS  --quiet
 */
import { parseArgs } from 'node:util';
import { FfCameraSimulator, HTTP_MODES, type HttpAuth, type HttpMode, type TcpFraming, type TcpWriteStrategy } from '@unified-surveillance/simulators/ff';

const { values: a } = parseArgs({
  options: {
    device: { type: 'string', default: 'SIM-01' },
    tz: { type: 'string', default: 'Europe/Prague' },
    seed: { type: 'string' },
    rate: { type: 'string', default: '1' },
    http: { type: 'string' },
    modes: { type: 'string', default: 'multipart-file' },
    'two-images': { type: 'boolean', default: false },
    'image-bytes': { type: 'string', default: '20000' },
    'auth-header': { type: 'string' },
    basic: { type: 'string' },
    buffer: { type: 'boolean', default: false },
    tcp: { type: 'string' },
    framing: { type: 'string', default: 'none' },
    write: { type: 'string', default: 'per-object' },
    'tcp-images': { type: 'boolean', default: false },
    types: { type: 'string', default: 'new,update,reliable,lost' },
    'lost-after': { type: 'string', default: '10000' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`ff-sim: ${message} (see the header of scripts/ff-sim.ts)`);
  process.exit(2);
}

if (a.help || (!a.http && !a.tcp)) fail('give --http URL and/or --tcp HOST:PORT');

const modes = a.modes.split(',') as HttpMode[];
for (const m of modes) if (!HTTP_MODES.includes(m)) fail(`unknown mode ${m}`);
let auth: HttpAuth | undefined;
if (a['auth-header']) {
  const i = a['auth-header'].indexOf(':');
  auth = i > 0 ? { kind: 'header', name: a['auth-header'].slice(0, i), value: a['auth-header'].slice(i + 1) } : { kind: 'header', value: a['auth-header'] };
} else if (a.basic) {
  const i = a.basic.indexOf(':');
  auth = { kind: 'basic', user: a.basic.slice(0, Math.max(0, i)), password: a.basic.slice(i + 1) };
}
let tcp: { host: string; port: number } | undefined;
if (a.tcp) {
  const i = a.tcp.lastIndexOf(':');
  const port = Number(a.tcp.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port)) fail(`bad --tcp ${a.tcp}`);
  tcp = { host: a.tcp.slice(0, i), port };
}
const enabled = new Set(a.types.split(','));

const camera = new FfCameraSimulator({
  deviceId: a.device,
  timeZone: a.tz,
  seed: a.seed,
  ratePerSec: Number(a.rate),
  useEventBuffer: a.buffer,
  eventTypes: { new: enabled.has('new'), update: enabled.has('update'), reliable: enabled.has('reliable'), lost: enabled.has('lost') },
  passes: { lostAfterMs: Number(a['lost-after']) },
  http: a.http ? { url: a.http, modes, auth, twoImages: a['two-images'], imageBytes: Number(a['image-bytes']) } : undefined,
  tcp: tcp ? { ...tcp, framing: a.framing as TcpFraming, writeStrategy: a.write as TcpWriteStrategy, images: a['tcp-images'] } : undefined,
  onLog: a.quiet ? undefined : (line) => console.log(new Date().toISOString(), line),
});

const report = (): void => console.log(new Date().toISOString(), 'stats', JSON.stringify({ ...camera.stats, buffered: camera.buffered }));
const statsTimer = setInterval(report, 10_000);
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  clearInterval(statsTimer);
  void camera.stop().then(() => {
    report();
    process.exit(0);
  });
});
await camera.start();
console.log(`ff-sim: camera ${a.device} running; Ctrl-C to stop`);
