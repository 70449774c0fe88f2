/**
 * `npm run demo`: the server (embedded PGlite under ./data/demo unless DATA_DIR is set) plus
 * simulated vendors wired to it, so live events show in GraphiQL within seconds:
 *  - FF camera GATE-NORTH pushing vehicle passes over HTTP multipart/JSON with two images,
 *  - FF camera GATE-SOUTH pushing over raw TCP (back-to-back JSON objects, split writes).
 * The simulators follow the vendor documents, not the adapters (src/adapters/ff/simulator).
 */
import pino from 'pino';
import { createApp } from '../src/app.ts';
import { ConfigError, readEnv, validateConfig } from '../src/core/config/load.ts';
import { FfCameraSimulator } from '../src/adapters/ff/simulator/index.ts';

async function main(): Promise<void> {
  const env = readEnv({ DATA_DIR: './data/demo', ...process.env }, process.argv.slice(2));
  const tcpPort = Number(process.env.FF_TCP_PORT ?? 4001);
  const config = validateConfig({ adapters: [{ type: 'ff', id: 'default', tcpPort, timezone: 'Europe/Prague' }] }, process.env);
  const log = pino({ level: env.logLevel === 'info' ? 'warn' : env.logLevel });
  const app = await createApp({ env, config, log });
  const port = await app.listen();
  const base = `http://127.0.0.1:${port}`;

  const cameras = [
    new FfCameraSimulator({
      deviceId: 'GATE-NORTH',
      seed: 'north',
      ratePerSec: 0.5,
      http: { url: `${base}/adapters/ff/default/events`, modes: ['multipart-file', 'multipart-file', 'multipart-field', 'json'], twoImages: true, imageBytes: 24_000 },
      useEventBuffer: true,
    }),
    new FfCameraSimulator({
      deviceId: 'GATE-SOUTH',
      seed: 'south',
      ratePerSec: 0.3,
      tcp: { host: '127.0.0.1', port: tcpPort, framing: 'none', writeStrategy: 'fragments' },
    }),
  ];
  for (const c of cameras) await c.start();

  process.stdout.write(`
  Unified Surveillance API demo
  ─────────────────────────────
  GraphiQL:   http://localhost:${port}/graphql   (open it in a browser and press ▶)
  Simulated:  FF camera GATE-NORTH over HTTP (two images), FF camera GATE-SOUTH over TCP :${tcpPort}

  Paste into GraphiQL:
    subscription { events { seq occurredAt camera { name } ... on PlateReadEvent { plate direction phase confidence } } }
    { ffPlateTracks(first: 5) { bestPlate direction firstSeen lastSeen closed media { role url } } }

  Ctrl-C stops everything.
`);

  const timer = setInterval(() => {
    const n = app.registry.list()[0]?.counters ?? {};
    log.warn({ httpStored: n['http.stored'] ?? 0, tcpStored: n['tcp.stored'] ?? 0, duplicates: (n['http.duplicates'] ?? 0) + (n['tcp.duplicates'] ?? 0) }, 'demo: events stored so far');
  }, 15_000);
  const stop = async () => {
    clearInterval(timer);
    for (const c of cameras) await c.stop();
    await app.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((e) => {
  process.stderr.write(e instanceof ConfigError ? `${e.message}\n` : `demo failed: ${(e as Error).stack}\n`);
  process.exit(1);
});
