/**
 * The real thing, as an operator runs it — both `node --import tsx src/main.ts` and the compiled
 * server `npm start` runs (`node dist/main.js`, scripts/server-build.mjs; its TypeScript plugins
 * load through tsx's hooks, registered for them) — with a config file whose
 * `plugins` names a plugin directory next to it — a copy outside any node_modules, so its
 * `import … from 'unified-surveillance-api/sdk'` is answered by the server's resolve hook. The example
 * is a plugin written for SDK 1.x (`sdk: '^1.0.0'`); beside it, one written for 2.x that imports the
 * `/sdk/graphql` entry too. Also `schema:print` with the configured plugins, and a plugin for an SDK
 * the server does not provide (^3.0.0) stopping start-up.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SDK_VERSION } from '../../src/sdk.ts';
import { HmacWebhookVendor } from '../../examples/adapter-example/src/simulator/index.ts';
import { EXAMPLE_DIR, FIXTURES, ROOT } from './helpers.ts';

const SECRET = 'process-test-secret-012345';

/** A lone-file plugin written for SDK 2.x: both entries, resolved by the server's hook like the example's. */
const SDK2_PLUGIN = `import { defineAdapter, SDK_VERSION, z } from 'unified-surveillance-api/sdk';
import { requireScope } from 'unified-surveillance-api/sdk/graphql';

export default defineAdapter({
  type: 'current',
  version: '1.0.0',
  sdk: '^2.0.0',
  configSchema: z.object({ type: z.literal('current'), id: z.string() }).strict(),
  capabilities: [],
  graphqlPrefix: 'Current',
  graphql: (builder) => builder.queryField('currentSdkVersion', (t) => t.string({ authScopes: requireScope('events:read'), resolve: () => SDK_VERSION })),
  start: () => ({ stop: () => {} }),
});
`;

function run(args: string[], env: Record<string, string>): ChildProcess {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  delete childEnv.DATABASE_URL;
  const node = args[0].endsWith('.ts') ? ['--import', 'tsx', ...args] : args;
  return spawn(process.execPath, node, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** How the server is started: from the sources under tsx, or compiled as `npm start` does. */
const WAYS = [
  { way: 'node --import tsx src/main.ts', main: 'src/main.ts', prepare: () => {} },
  { way: 'npm start (compiled dist/main.js)', main: 'dist/main.js', prepare: () => execFileSync(process.execPath, ['scripts/server-build.mjs', '--if-stale'], { cwd: ROOT, stdio: 'ignore' }) },
];

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe.each(WAYS)('plugins in a real server process: $way', ({ main, prepare }) => {
  let dir: string;
  let server: ChildProcess | undefined;
  let serverExit: Promise<{ code: number | null; stdout: string; stderr: string }>;
  let url = '';
  const config = () => join(dir, 'config.yaml');

  beforeAll(async () => {
    prepare();
    dir = mkdtempSync(join(tmpdir(), 'usa-plugin-process-'));
    mkdirSync(join(dir, 'plugins'));
    cpSync(join(EXAMPLE_DIR, 'package.json'), join(dir, 'plugins', 'hmac-webhook', 'package.json'));
    cpSync(join(EXAMPLE_DIR, 'src'), join(dir, 'plugins', 'hmac-webhook', 'src'), { recursive: true });
    cpSync(join(FIXTURES, 'future-sdk.ts'), join(dir, 'plugins', 'future.mts')); // a lone file: .mts makes it an ES module
    writeFileSync(join(dir, 'plugins', 'current.mts'), SDK2_PLUGIN);
    writeFileSync(config(), ['plugins: ["./plugins/hmac-webhook", "./plugins/current.mts"]', 'adapters:', '  - { type: hmac-webhook, id: acme, secret: "${HOOK_SECRET}" }', ''].join('\n'));

    server = run([main], { PORT: '0', HOST: '127.0.0.1', DATA_DIR: join(dir, 'data'), CONFIG_FILE: config(), HOOK_SECRET: SECRET, LOG_LEVEL: 'info' });
    serverExit = finished(server);
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const onData = (d: Buffer) => {
        out += d;
        const m = /"url":"http:\/\/localhost:(\d+)\/graphql"/.exec(out);
        if (m) {
          server!.stdout!.off('data', onData);
          resolve(`http://127.0.0.1:${m[1]}`);
        }
      };
      server!.stdout!.on('data', onData);
      void serverExit.then((r) => reject(new Error(`server exited (${r.code}) before listening:\n${r.stderr}${out}`)));
    });
  }, 120_000);

  afterAll(async () => {
    if (server && server.exitCode === null) server.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the plugin from the config file’s directory and stores its signed events', async () => {
    const vendor = new HmacWebhookVendor(SECRET);
    const ev = await vendor.emit(`${url}/adapters/hmac-webhook/acme/events`, { type: 'zone.entered' });
    const res = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ events(first: 5, filter: { adapters: ["hmac-webhook"] }) { edges { node { __typename kind ... on HmacWebhookEvent { eventId } } } } }' }),
    });
    const body = (await res.json()) as { data: { events: { edges: Array<{ node: Record<string, unknown> }> } } };
    expect(body.data.events.edges.map((e) => e.node)).toEqual([{ __typename: 'HmacWebhookEvent', kind: 'ZONE_ENTERED', eventId: ev.id }]);
  });

  it('loads a plugin written for SDK 2.x beside the 1.x one: its field resolves, with the SDK version it runs on', async () => {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ currentSdkVersion }' }) });
    expect(await res.json()).toEqual({ data: { currentSdkVersion: SDK_VERSION } });
  });

  it('stops cleanly on SIGTERM', async () => {
    server!.kill('SIGTERM');
    const { code, stdout } = await serverExit;
    expect(code).toBe(0);
    expect(stdout).toContain('"msg":"stopped"');
  }, 30_000);

  it('schema:print prints the schema with the configured plugins (no need for their secrets)', async () => {
    const { code, stdout, stderr } = await finished(run(['src/print-schema.ts', '--config', config()], {}));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('type HmacWebhookEvent implements AnalyticsEvent & Event & Node {');
    expect(stdout).toContain('hmacWebhookStats(instance: String!): HmacWebhookStats');
    expect(stdout).toContain('type FfPlateEvent implements Event & Node & PlateReadEvent {');
  }, 30_000);

  it('a plugin for another SDK stops start-up with one line naming it, no stack trace', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'plugins: ["./plugins/future.mts"]\n');
    const { code, stderr } = await finished(run([main], { PORT: '0', DATA_DIR: join(dir, 'data-bad'), CONFIG_FILE: bad }));
    expect(code).toBe(1);
    expect(stderr).toBe(`invalid configuration:\n  - plugins[0] (./plugins/future.mts): adapter "future" needs SDK ^3.0.0, this server provides ${SDK_VERSION} (and 1.4.0 for 1.x plugins)\n`);
  }, 30_000);
});
