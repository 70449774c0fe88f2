/**
 * Plugin tests: a throwaway "user project" whose node_modules holds the example plugin the way
 * `npm install ./examples/adapter-example` leaves it (a link to the package directory), and a
 * real server started with plugin roots (like test/helpers/app.ts, plus `pluginRoots`).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../../src/app.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import type { PluginRoots } from '../../src/core/plugins/load.ts';
import type { TestDb } from '../helpers/db.ts';

export const ROOT = resolve(import.meta.dirname, '../..');
export const EXAMPLE_DIR = join(ROOT, 'examples', 'adapter-example');
export const EXAMPLE_PACKAGE = 'usa-adapter-hmac-webhook';
export const FIXTURES = join(import.meta.dirname, 'fixtures', 'plugins');

export interface UserProject {
  dir: string;
  cleanup(): void;
}

/** A project directory with node_modules/<name> linked to each given package directory. */
export function userProject(packages: Record<string, string>): UserProject {
  const dir = mkdtempSync(join(tmpdir(), 'usa-plugins-'));
  for (const [name, target] of Object.entries(packages)) {
    const link = join(dir, 'node_modules', ...name.split('/'));
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(target, link, 'junction');
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface PluginApp {
  app: App;
  url: string;
  gql(query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> }>;
  close(): Promise<void>;
}

export async function startPluginApp(db: TestDb, config: unknown, pluginRoots: PluginRoots): Promise<PluginApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-plugin-app-'));
  const app = await createApp({
    env: { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' },
    config: validateConfig(config, process.env),
    database: db.database,
    log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    pluginRoots,
  });
  await app.listen();
  const url = app.url();
  return {
    app,
    url,
    gql: async (query, variables) => {
      const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) });
      return (await res.json()) as { data?: any };
    },
    close: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
