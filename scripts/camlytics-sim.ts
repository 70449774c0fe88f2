/**
 * Runs a simulated Camlytics desktop app (REST API under /v1/json/) until Ctrl-C.
 *
 *   npx tsx scripts/camlytics-sim.ts --port 48462 --rate 1 --webhook 'http://localhost:4000/adapters/camlytics/default/webhook?token=…'
 *
 * Options: --port N (default 48462, 0 = any)  --host H (127.0.0.1)  --seed S  --rate N (events/s, default 1)
 *   --offset +03:00 (host UTC offset)  --fault MODE  --quiet
 *   --webhook URL: also POST an immediate webhook per event, hourly aggregates at xx:00 and daily at 00:00
 *   --aggregate-now: with --webhook, send one hourly and one daily aggregate per channel at start
 * While running, type a command line: `fault MODE`, `emit [TYPE]`, `hourly`, `daily`, `stats`.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline';
import { CamlyticsSimulator, scheduleAggregateWebhooks, type CamlyticsFault } from '@unified-surveillance/simulators/camlytics';

const FAULTS: readonly CamlyticsFault[] = ['none', 'down', 'html', 'invalid-json', 'http500', 'hang', 'drop', 'duplicates', 'huge'];

const { values: a } = parseArgs({
  options: {
    port: { type: 'string', default: '48462' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string' },
    rate: { type: 'string', default: '1' },
    offset: { type: 'string', default: '+03:00' },
    fault: { type: 'string', default: 'none' },
    webhook: { type: 'string' },
    'aggregate-now': { type: 'boolean', default: false },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(`camlytics-sim: ${message} (see the header of scripts/camlytics-sim.ts)`);
  process.exit(2);
}

if (a.help) fail('usage');
const offset = /^([+-])(\d\d):(\d\d)$/.exec(a.offset);
if (!offset) fail(`bad --offset ${a.offset}`);
const isFault = (f: string): f is CamlyticsFault => (FAULTS as readonly string[]).includes(f);
if (!isFault(a.fault)) fail(`unknown fault ${a.fault}; one of ${FAULTS.join(', ')}`);
const rate = Number(a.rate);
if (!(rate >= 0)) fail(`bad --rate ${a.rate}`);
const log = (line: string): void => {
  if (!a.quiet) console.log(new Date().toISOString(), line);
};

const sim = new CamlyticsSimulator({
  port: Number(a.port),
  host: a.host,
  seed: a.seed,
  ratePerSec: rate,
  utcOffsetMinutes: (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])),
});
sim.fault = a.fault;

const webhook = a.webhook;
let stopSchedule = (): void => {};
const sendAggregates = (kind: 'hourly' | 'daily'): void => {
  if (!webhook) return void log('no --webhook given');
  for (const c of sim.channels) {
    sim.sendWebhook(webhook, kind, { channelId: c.id }).then(
      (r) => log(`${kind} webhook ${c.name}: ${r.status}`),
      (e: Error) => log(`${kind} webhook ${c.name} failed: ${e.message}`),
    );
  }
};
sim.onEvent((e) => {
  log(`event ${e.type} ${e.channel_name} ${e.rule_name || '-'} object ${e.object_id}`);
  if (webhook) {
    sim.sendWebhook(webhook, 'immediate', { event: e }).then(
      (r) => log(`immediate webhook: ${r.status}`),
      (err: Error) => log(`immediate webhook failed: ${err.message}`),
    );
  }
});

const url = await sim.start();
if (webhook) {
  stopSchedule = scheduleAggregateWebhooks(sim, webhook, (kind, c, r) => log(`${kind} webhook ${c.name}: ${r instanceof Error ? r.message : r.status}`));
  if (a['aggregate-now']) {
    sendAggregates('hourly');
    sendAggregates('daily');
  }
}
console.log(`camlytics-sim: ${url}/v1/json/events?limit=10&order=DESC&timeout=5 (channels: ${url}/v1/json/channels); Ctrl-C to stop`);

const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, arg] = line.trim().split(/\s+/);
  if (cmd === 'fault' && arg && isFault(arg)) {
    sim.fault = arg;
    log(`fault ${arg}`);
  } else if (cmd === 'emit') sim.emit(arg ? { type: arg } : {});
  else if (cmd === 'hourly' || cmd === 'daily') sendAggregates(cmd);
  else if (cmd === 'stats') console.log(JSON.stringify(sim.stats));
  else if (cmd) log(`commands: fault ${FAULTS.join('|')}; emit [TYPE]; hourly; daily; stats`);
});

let stopping = false;
process.on('SIGINT', () => {
  if (stopping) process.exit(130);
  stopping = true;
  stopSchedule();
  rl.close();
  void sim.stop().then(() => {
    console.log('stats', JSON.stringify(sim.stats));
    process.exit(0);
  });
});
