/**
 * Start a real app (HTTP server on 127.0.0.1:0, adapters running) on a test database, plus small
 * helpers to call GraphQL in process or over the socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { createApp, type App } from '../../src/app.ts';
import { validateConfig } from '../../src/core/config/load.ts';
import type { AdapterDefinition } from '../../src/core/adapter/types.ts';
import type { Clock } from '../../src/core/time/clock.ts';
import { openPgliteTestDb, type TestDb } from './db.ts';

export interface TestApp {
  app: App;
  url: string;
  dataDir: string;
  db: TestDb;
  /** POST a GraphQL operation to /graphql over HTTP. */
  gql<R = any, V = Record<string, unknown>>(
    doc: string | TypedDocumentNode<R, V>,
    variables?: V,
    headers?: Record<string, string>,
  ): Promise<{ data?: R; errors?: Array<{ message: string; extensions?: Record<string, unknown> }>; status: number }>;
  close(): Promise<void>;
}

export interface StartOptions {
  config?: unknown;
  adapters?: readonly AdapterDefinition[];
  db?: TestDb;
  logLevel?: string;
  /** Log here instead (e.g. pino writing to a stream the test reads). */
  log?: pino.Logger;
  /** The server's clock (e.g. a ManualClock the test moves); default real time. */
  clock?: Clock;
  /** REDIS_URL of the app (several instances on one PostgreSQL). */
  redisUrl?: string;
  /** AppOptions.plateListPause. */
  plateListPause?: () => Promise<void>;
  /** MEDIA_DIR (default: DATA_DIR/media), e.g. on a small filesystem. */
  mediaDir?: string;
}

export async function startTestApp(options: StartOptions = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'usa-test-'));
  const db = options.db ?? (await openPgliteTestDb());
  const config = validateConfig(options.config ?? { adapters: [{ type: 'ff', id: 'default', tcpPort: 0 }] }, process.env);
  const app = await createApp({
    env: { port: 0, host: '127.0.0.1', dataDir, logLevel: options.logLevel ?? 'silent', redisUrl: options.redisUrl, mediaDir: options.mediaDir },
    config,
    adapters: options.adapters,
    database: db.database,
    log: options.log ?? pino({ level: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'silent' }),
    clock: options.clock,
    plateListPause: options.plateListPause,
  });
  await app.listen();
  const url = app.url();
  return {
    app,
    url,
    dataDir,
    db,
    async gql(doc, variables, headers = {}) {
      const query = typeof doc === 'string' ? doc : print(doc);
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: any };
      return { ...body, status: res.status };
    },
    async close() {
      await app.close();
      if (!options.db) await db.cleanup();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The TCP port an FF instance listens on (tcpPort 0 → an ephemeral port). */
export function ffTcpPort(t: TestApp, instance = 'default'): number {
  const inst = t.app.registry.find('ff', instance);
  const port = (inst?.running as { tcpPort?: number } | null)?.tcpPort;
  if (!port) throw new Error(`ff/${instance} has no TCP port`);
  return port;
}
