/**
 * Runs a simulated VXG Cloud VMS API on loopback until Ctrl-C and prints one channel access token
 * per camera.
 *
 *   npx tsx scripts/vxg-sim.ts --cameras 3 --port 8090 --rate 0.5
 *
 * Options: --cameras N (default 2)  --first-camid ID (default 248527)  --port P (default 0: any)
 *   --host H (default 127.0.0.1)  --seed S  --access all|watch (default all)
 *   --rate R (camera events per second over all cameras; default 0: none)
 *   --events motion,net,door_bell (types the cameras generate; default motion,door_bell)
 *   --absolute-links (meta.next as an absolute URL instead of a path)  --quiet
 */
import { parseArgs } from 'node:util';
import { createRng } from '@unified-surveillance/simulators/kit';
import { VxgSimulator, type SimCamera } from '@unified-surveillance/simulators/vxg';

const { values: a } = parseArgs({
  options: {
    cameras: { type: 'string', default: '2' },
    'first-camid': { type: 'string', default: '248527' },
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    access: { type: 'string', default: 'all' },
    rate: { type: 'string', default: '0' },
    events: { type: 'string', default: 'motion,door_bell' },
    'absolute-links': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`vxg-sim: ${message} (see the header of scripts/vxg-sim.ts)`);
  process.exit(2);
}

if (a.help) fail('usage');
const count = Number(a.cameras);
const firstCamid = Number(a['first-camid']);
const port = Number(a.port);
const rate = Number(a.rate);
if (!Number.isInteger(count) || count < 1) fail(`bad --cameras ${a.cameras}`);
if (!Number.isInteger(firstCamid) || firstCamid < 1) fail(`bad --first-camid ${a['first-camid']}`);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${a.port}`);
if (!Number.isFinite(rate) || rate < 0) fail(`bad --rate ${a.rate}`);
if (a.access !== 'all' && a.access !== 'watch') fail(`bad --access ${a.access}`);
const names = a.events
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

const cameras: SimCamera[] = Array.from({ length: count }, (_, i) => ({ camid: firstCamid + i, name: `Sim camera ${i + 1}` }));
const sim = new VxgSimulator({ port, host: a.host, cameras, seed: a.seed, pageLinks: a['absolute-links'] ? 'absolute' : 'path' });
const log = (line: string): void => {
  if (!a.quiet) console.log(new Date().toISOString(), line);
};

const url = await sim.start();
console.log(`vxg-sim: VXG API at ${url} with ${count} camera(s); Ctrl-C to stop`);
for (const c of cameras) console.log(`camera ${c.camid} token ${sim.tokenFor(c.camid, { access: a.access })}`);

const rng = createRng(a.seed ?? Date.now());
let eventTimer: NodeJS.Timeout | undefined;
if (rate > 0 && names.length > 0) {
  eventTimer = setInterval(
    () => {
      const cam = cameras[Math.floor(rng.next() * cameras.length)];
      const name = names[Math.floor(rng.next() * names.length)];
      try {
        const e = sim.cameraEvent(cam.camid, name, { meta: { source: 'vxg-sim', n: Math.floor(rng.next() * 1000) } });
        log(`event ${e.id} camera ${e.camid} ${e.name} at ${e.time}${e.thumb ? ' (thumb)' : ''}`);
      } catch (err) {
        log(`event not generated: ${(err as Error).message}`);
      }
    },
    Math.max(1, Math.round(1000 / rate)),
  );
}

const report = (): void => log(`stats ${JSON.stringify({ ...sim.stats, stored: sim.storedEvents().length })}`);
const statsTimer = setInterval(report, 10_000);
let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  clearInterval(statsTimer);
  if (eventTimer) clearInterval(eventTimer);
  void sim.stop().then(() => {
    report();
    process.exit(0);
  });
});
