/**
 * `npm run demo`: the server (embedded PGlite under ./data/demo unless DATA_DIR is set) plus a
 * simulator of every vendor, wired together, so live events, triggers and streams show within
 * seconds. The simulators follow the vendor documents, not the adapters (package @unified-surveillance/simulators, ./simulators).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Webhook } from 'standardwebhooks';
import { createApp } from '../src/app.ts';
import { ConfigError, readEnv, validateConfig } from '../src/core/config/load.ts';
import { FfCameraSimulator } from '../simulators/ff/index.ts';
import { CamlyticsSimulator } from '../simulators/camlytics/index.ts';
import { defaultEventTypes, VxgSimulator } from '../simulators/vxg/index.ts';
import { encodeGlobalId } from '../src/core/util/global-id.ts';
import { IvmsSimulator } from '../simulators/ivms/index.ts';

const WEBHOOK_TOKEN = 'demo-webhook-token-0123456789';
/** Signing secret of the demo's webhook sink (a new one each run; config would take `${WH_SECRET}`). */
const DEMO_SINK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** A receiver as a user would write one: verify the Standard Webhooks signature, then use the event. */
async function startWebhookReceiver(secret: string): Promise<{ url: string; close(): void }> {
  const wh = new Webhook(secret);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const msg = wh.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as {
          data: { seq: string; kind: string; camera: { name: string } | null; plate: { plate: string } | null };
        };
        const d = msg.data;
        process.stdout.write(`  [webhook receiver] verified ${req.headers['webhook-id']}: ${d.kind} ${d.plate?.plate ?? ''} at ${d.camera?.name ?? '?'} (seq ${d.seq})\n`);
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end(); // not signed with our secret
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, close: () => server.close() };
}
/** The simulated FF gate camera (its deviceId is the FF sensorProviderID, so the source's vendorId). */
const GATE_CAMERA = 'GATE-NORTH';
/** The IVMS simulator's channel 1, "Entry_View" (active; channel 3 "Parking_Gate" is inactive in the simulator). */
const GATE_CHANNEL = 1;
/** Regular vehicles of the north gate: the FF simulator sends these on about half of its passes; they are the ALLOW list. */
const REGULARS = ['1AB 2345', '2BC 6789', 'M-KL 4242', 'WA 123XY', 'BA-777AB'];
/** The VXG camera whose I/O output opens the gate: the simulator's camera 248527 with a triggerable `io_alarm`. */
const GATE_CONTROLLER = 248527;
const IO_ALARM = { name: 'io_alarm', caps: { can_be_triggered: true, can_record: false, can_snapshot: false, is_periodic: false }, notify: true, receive: true, record: false, snapshot: false };
/** In GraphiQL: the last plate read at the gate, its camera (both vendors), video around it and related events. */
const GATE_QUERY =
  '{ events(first: 1, filter: { siteIds: ["gate"], kinds: [PLATE_READ] }) { edges { node { occurredAt camera { key name status sources { adapter status } } ... on PlateReadEvent { plate } video(beforeSec: 5) { state playlistUrl } related { kind occurredAt source { adapter } } } } } }';

async function main(): Promise<void> {
  const env = readEnv({ DATA_DIR: './data/demo', ...process.env }, process.argv.slice(2));
  const tcpPort = env.ffTcpPort;
  const localZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

  const camlytics = new CamlyticsSimulator({ ratePerSec: 0.2, seed: 'demo' });
  const vxg = new VxgSimulator({
    seed: 'demo',
    cameras: [
      { camid: GATE_CONTROLLER, name: 'Front door', eventTypes: [...defaultEventTypes(), IO_ALARM] },
      { camid: 237863, name: 'Parking' },
    ],
  });
  const ivms = new IvmsSimulator({ seed: 'demo' });
  const [camlyticsUrl, , ivmsUrl] = await Promise.all([camlytics.start(), vxg.start(), ivms.start()]);
  const receiver = await startWebhookReceiver(DEMO_SINK_SECRET);
  const vxgCameras = [248527, 237863]; // the simulator's default cameras (ids from the vendor examples)

  const config = validateConfig(
    {
      adapters: [
        { type: 'ff', id: 'default', tcpPort, timezone: 'Europe/Prague' },
        { type: 'camlytics', id: 'office', baseUrl: camlyticsUrl, webhookToken: WEBHOOK_TOKEN, pollTimeoutSec: 5 },
        { type: 'vxg', id: 'cloud', accessToken: vxgCameras.map((camid) => vxg.tokenFor(camid)), pollIntervalSec: 2 },
        { type: 'ivms', id: 'hq', baseUrl: ivmsUrl, wsUrl: ivms.wsUrl, timezone: localZone },
      ],
      // One gate, two vendors: the FF LPR camera GATE-NORTH (simulated below) and the IVMS channel 1
      // ("Entry_View", an active channel of the simulator that records) are one camera, so a plate
      // read has video (Event.video → an IVMS archive session) and related IVMS alerts.
      sites: [{ id: 'gate', name: 'Gate', timezone: 'Europe/Prague' }],
      cameras: [{ id: 'gate-north', name: 'North gate', site: 'gate', sources: [`ff/default/${GATE_CAMERA}`, `ivms/hq/${GATE_CHANNEL}`] }],
      // A webhook sink delivering plate reads to the receiver below (loopback: allowed explicitly).
      outbound: { allowHosts: ['127.0.0.1'] },
      sinks: [{ kind: 'WEBHOOK', name: 'demo-receiver', url: receiver.url, secret: DEMO_SINK_SECRET, filter: { kinds: ['PLATE_READ'] } }],
    },
    process.env,
  );
  const log = pino({ level: env.logLevel === 'info' ? 'warn' : env.logLevel });
  const app = await createApp({ env, config, log });
  const port = await app.listen();
  const base = `http://127.0.0.1:${port}`;

  const ffCameras = [
    new FfCameraSimulator({
      deviceId: GATE_CAMERA,
      seed: 'north',
      ratePerSec: 0.5,
      http: { url: `${base}/adapters/ff/default/events`, modes: ['multipart-file', 'multipart-file', 'multipart-field', 'json'], twoImages: true, imageBytes: 24_000 },
      useEventBuffer: true,
      passes: { regulars: { plates: REGULARS, share: 0.5 } },
    }),
    new FfCameraSimulator({ deviceId: 'GATE-SOUTH', seed: 'south', ratePerSec: 0.3, tcp: { host: '127.0.0.1', port: tcpPort, framing: 'none', writeStrategy: 'fragments' } }),
  ];
  const ruleId = await setUpGateRule(base);
  for (const c of ffCameras) await c.start();

  // Camlytics aggregates arrive by webhook at xx:00 and 00:00; send one of each now so the query has data.
  const webhook = `${base}/adapters/camlytics/office/webhook?token=${WEBHOOK_TOKEN}`;
  await camlytics.sendWebhook(webhook, 'hourly').catch(() => {});
  await camlytics.sendWebhook(webhook, 'daily').catch(() => {});
  const timers = [setInterval(() => vxg.cameraEvent(248527, 'motion', { withThumb: true }), 12_000), setInterval(() => ivms.alert({ imageBytes: 12_000 }), 9_000), watchGateRule(base, ruleId)];

  process.stdout.write(`
  Unified Surveillance API demo
  ─────────────────────────────
  Console:    http://localhost:${port}/console/   (live plate reads, search, video, cameras, lists)
  GraphiQL:   http://localhost:${port}/graphql   (open it in a browser and press ▶)
  Simulated:  FF cameras GATE-NORTH (HTTP, two images) and GATE-SOUTH (TCP :${tcpPort}),
              Camlytics "office" (long-poll + webhooks), VXG "cloud" (2 cameras), IVMS "hq" (alerts, HLS)
  Site "gate": camera gate-north = FF GATE-NORTH + IVMS channel ${GATE_CHANNEL} (one camera, two vendors)
  Webhook sink "demo-receiver": plate reads POSTed (signed) to a receiver in this process, printed below

  Paste into GraphiQL:
    subscription { events { seq kind vendorType occurredAt camera { name } source { adapter } ... on PlateReadEvent { plate direction } ... on AnalyticsEvent { ruleName objectClass } } }
    { ffPlateTracks(first: 5) { bestPlate direction firstSeen lastSeen closed media { role url } } }
    { camlyticsAggregates(granularity: HOURLY) { channelName since until count rules { ruleName count } } }
    { cameras { edges { node { id name status capabilities sources { adapter instance } } } } }
    { sinks { name state lag lastDeliveredSeq lastError deliveries(first: 3) { edges { node { seq status attempts httpStatus } } } } }
  Rule "open north gate": an ALLOW-list match at the gate (FF) triggers io_alarm on VXG camera ${GATE_CONTROLLER}; a line below each time.
    { rules { name enabled cooldownSec runs(first: 5) { edges { node { status attempts error event { ... on PlateReadEvent { plate } } } } } } }
  Trigger a VXG event (it comes back on the subscription): take the id of a VXG camera from cameras, then
    mutation { triggerEvent(input: { cameraId: "<id>", type: "door_bell", idempotencyKey: "demo-1" }) { accepted vendorEventId } }
  A plate read at the gate (FF) with the video of the car (IVMS archive from 5 s before it) and the events around it:
    ${GATE_QUERY}
  then open http://localhost:${port}<playlistUrl> in an HLS player (or Safari).
  Watch an IVMS camera through this server (open playlistUrl with any HLS player or Safari):
    mutation { startStream(input: { cameraId: "<IVMS camera id>", mode: LIVE }) { id state playlistUrl expiresAt } }

  Ctrl-C stops everything.
`);

  const stop = async () => {
    timers.forEach(clearInterval);
    for (const c of ffCameras) await c.stop();
    await app.close();
    await Promise.all([camlytics.stop(), vxg.stop(), ivms.stop()]);
    receiver.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

/** GraphQL on the demo server (no API keys: open). */
async function gql(base: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: any; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

/** The ALLOW list of regulars and the rule that opens the gate for them, through GraphQL (kept across demo restarts). */
async function setUpGateRule(base: string): Promise<string> {
  const { plateLists } = await gql(base, '{ plateLists { id name } }');
  const listId =
    plateLists.find((l: { name: string }) => l.name === 'regulars')?.id ??
    (await gql(base, 'mutation { createPlateList(input: { name: "regulars", kind: ALLOW, maxDistance: 1 }) { id } }')).createPlateList.id;
  await gql(base, 'mutation($i: AddPlatesInput!) { addPlates(input: $i) { size } }', { i: { listId, entries: REGULARS.map((plate) => ({ plate, label: 'regular' })) } });
  const { rules } = await gql(base, '{ rules { id name } }');
  const existing = rules.find((r: { name: string }) => r.name === 'open north gate');
  if (existing) return existing.id;
  const input = {
    name: 'open north gate',
    when: { kinds: ['PLATE_READ'], siteIds: ['gate'], plateListIds: [listId] },
    actions: [{ trigger: { cameraId: encodeGlobalId('Camera', `vxg/cloud/${GATE_CONTROLLER}`), type: 'io_alarm', meta: { reason: 'regular at the north gate' } } }],
    cooldownSec: 20, // one pass sends several reads (NEW, UPDATE, RELIABLE, LOST): open once
  };
  return (await gql(base, 'mutation($i: CreateRuleInput!) { createRule(input: $i) { id } }', { i: input })).createRule.id;
}

/** Print a line for each run of the gate rule that succeeded (polls its runs every second). */
function watchGateRule(base: string, ruleId: string): NodeJS.Timeout {
  const seen = new Set<string>();
  let first = true;
  return setInterval(() => {
    gql(base, 'query($id: ID!) { node(id: $id) { ... on Rule { runs(first: 20) { edges { node { id status event { occurredAt ... on PlateReadEvent { plate } } } } } } } }', { id: ruleId })
      .then((d) => {
        for (const { node: run } of [...d.node.runs.edges].reverse()) {
          if (run.status !== 'SUCCEEDED' || seen.has(run.id)) continue;
          seen.add(run.id);
          if (!first) process.stdout.write(`  rule "open north gate": ${run.event?.plate ?? '?'} at the north gate → io_alarm on VXG camera ${GATE_CONTROLLER} (gate opened)\n`);
        }
        first = false;
      })
      .catch(() => {});
  }, 1000);
}

main().catch((e) => {
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `demo failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
