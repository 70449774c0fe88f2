/**
 * A real server with a VXG instance wired to a VXG simulator on loopback, with every log line
 * captured (to check that tokens never appear). Like test/helpers/app.ts, plus the log capture.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp, type App } from '../../../src/app.ts';
import { validateConfig } from '../../../src/core/config/load.ts';
import { builtInAdapters } from '../../../src/adapters/index.ts';
import { vxgAdapter } from '../../../src/adapters/vxg/index.ts';
import { VxgSimulator, type VxgSimulatorOptions } from '@unified-surveillance/simulators/vxg';
import type { TestDb } from '../../helpers/db.ts';

export const CAM_A = 248527;
export const CAM_B = 237863;

export interface VxgHarness {
  app: App;
  url: string;
  sim: VxgSimulator;
  logs: string[];
  gql(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, any> }>; status: number; text: string }>;
  /** Camera.id of a VXG camera of instance `cloud`. */
  cameraId(camid: number, instance?: string): string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  db: TestDb;
  /** Simulator options, or a running simulator to reuse (not stopped by close()). */
  sim?: VxgSimulatorOptions | VxgSimulator;
  /** The VXG instance entries (default: one instance `cloud` with tokens for both cameras). */
  instances?: (sim: VxgSimulator) => Array<Record<string, unknown>>;
  auth?: unknown;
}

export async function startVxgHarness(o: HarnessOptions): Promise<VxgHarness> {
  const own = !(o.sim instanceof VxgSimulator);
  const sim = o.sim instanceof VxgSimulator ? o.sim : new VxgSimulator({ seed: 'adapter-tests', ...o.sim });
  await sim.start();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const instances = o.instances?.(sim) ?? [{ type: 'vxg', id: 'cloud', accessToken: [sim.tokenFor(CAM_A), sim.tokenFor(CAM_B)], pollIntervalSec: 0.1 }];
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-vxg-'));
  const app = await createApp({
    env: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'trace' },
    config: validateConfig({ adapters: instances, ...(o.auth ? { auth: o.auth } : {}) }),
    adapters: [...builtInAdapters.filter((d) => d.type !== 'vxg'), vxgAdapter],
    database: o.db.database,
    log: pino({ level: 'trace' }, sink),
  });
  await app.listen();
  const url = app.url();
  return {
    app,
    url,
    sim,
    logs,
    async gql(query, variables, headers = {}) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const text = await res.text();
      return { ...(JSON.parse(text) as object), status: res.status, text };
    },
    cameraId: (camid, instance = 'cloud') => `vxg/${instance}/${camid}`,
    async close() {
      await app.close();
      if (own) await sim.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Every secret a simulator token carries: the token and its inner share token. */
export function secretsIn(token: string): string[] {
  const inner = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { token: string }).token;
  return [token, inner];
}
