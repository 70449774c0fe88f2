/**
 * The live half of the conformance kit: the vendor simulator and a real server (HTTP on
 * 127.0.0.1:0, an in-memory PGlite database) running only the adapter under test, plus the reads
 * the checks make (stored events, instance status, GraphQL in process).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp, type App } from '../app.ts';
import { validateConfig } from '../core/config/load.ts';
import { openDatabase, type Database } from '../core/db/client.ts';
import type { AdapterDefinition } from '../core/adapter/types.ts';
import type { StoredEvent } from '../core/events/model.ts';
import { SCOPES, type Scope } from '../core/config/schema.ts';
import type { AdapterInstanceInfo } from '../core/ports.ts';
import type { ConformanceEnv } from './types.ts';

export interface GqlResult {
  data?: any;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

/** Which API key a kit call uses: the admin key (default), or the key with every scope except `without` and admin. */
export interface GqlAuth {
  without?: Scope;
}

/**
 * The server runs with API keys (so scopes are enforced): one admin key, and for each scope a key
 * with every other scope except admin (for `admin`: every scope but admin). Random per LiveServer.
 */
function makeKeys(): { admin: string; without: Record<Scope, string>; config: Array<{ key: string; name: string; scopes: Scope[] }> } {
  const key = () => randomBytes(24).toString('hex');
  const admin = key();
  const without = Object.fromEntries(SCOPES.map((s) => [s, key()])) as Record<Scope, string>;
  return {
    admin,
    without,
    config: [
      { key: admin, name: 'conformance-admin', scopes: ['admin'] },
      ...SCOPES.map((s) => ({ key: without[s], name: `conformance-without-${s}`, scopes: SCOPES.filter((x) => x !== s && x !== 'admin') })),
    ],
  };
}

export class LiveServer {
  private app: App | null = null;
  private database: Database | null = null;
  private readonly dataDir = mkdtempSync(join(tmpdir(), 'usa-conformance-'));
  private readonly keys = makeKeys();

  constructor(
    private readonly def: AdapterDefinition,
    private readonly logLevel: string,
  ) {}

  get running(): App {
    if (!this.app) throw new Error('the server is not running (an earlier step failed)');
    return this.app;
  }

  /**
   * Start a server with one instance; the database survives restarts (same store, same state).
   * `beforeListen` sees the app before the instance starts (e.g. to watch every status it reports).
   */
  async start(instance: Record<string, unknown>, beforeListen?: (app: App) => void): Promise<void> {
    this.database ??= await openDatabase({ pgliteDir: 'memory://' });
    const app = await createApp({
      env: { port: 0, host: '127.0.0.1', dataDir: this.dataDir, logLevel: this.logLevel },
      config: validateConfig({ auth: { apiKeys: this.keys.config }, adapters: [instance] }),
      adapters: [this.def],
      database: this.database,
      log: pino({ level: this.logLevel }),
    });
    this.app = app;
    beforeListen?.(app);
    await app.listen();
  }

  /** Stop the server (and so the instance); the database stays for a restart. */
  async stopServer(): Promise<void> {
    const app = this.app;
    this.app = null;
    await app?.close();
  }

  async close(): Promise<void> {
    await this.stopServer();
    await this.database?.close();
    this.database = null;
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** `whenNotRunning`: what `running` is while the instance is not (e.g. its start() failed and is retried). */
  env(type: string, id: string, whenNotRunning?: ConformanceEnv['running']): ConformanceEnv {
    const app = this.running;
    const running = app.registry.find(type, id)?.running ?? whenNotRunning;
    if (!running) throw new Error(`${type}/${id} is not running`);
    const appUrl = app.url();
    return {
      appUrl,
      adapterType: type,
      instanceId: id,
      routeUrl: (path) => `${appUrl}/adapters/${type}/${id}${path}`,
      running: running as ConformanceEnv['running'],
      instance: () => {
        const i = this.info(type, id);
        return { status: i?.status ?? 'STOPPED', detail: i?.detail ?? null, counters: { ...i?.counters } };
      },
    };
  }

  info(type: string, id: string): AdapterInstanceInfo | undefined {
    return this.running.services.adapters().find((a) => a.type === type && a.id === id);
  }

  async events(type: string, id: string): Promise<StoredEvent[]> {
    const out: StoredEvent[] = [];
    let after: bigint | null = null;
    for (;;) {
      const page = await this.running.services.listEvents({ adapters: [type], instances: [id] }, { first: 500, after });
      out.push(...page.events);
      if (!page.hasNextPage || !page.events.length) return out;
      after = page.events[page.events.length - 1].seq;
    }
  }

  /** `Authorization: Bearer …` of the admin key, or of the key lacking `auth.without` (and admin). */
  authorization(auth: GqlAuth = {}): string {
    return `Bearer ${auth.without ? this.keys.without[auth.without] : this.keys.admin}`;
  }

  /** A GraphQL operation in process, with the admin key unless `auth.without` names the scope to lack. */
  async gql(query: string, variables?: Record<string, unknown>, auth: GqlAuth = {}): Promise<GqlResult> {
    const res = await this.running.yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: this.authorization(auth) },
      body: JSON.stringify({ query, variables }),
    });
    return (await res.json()) as GqlResult;
  }
}

type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

/** Poll `check` until it returns a truthy value; on timeout throw naming `what` (and `state()` when given). */
export async function waitUntil<T>(check: () => Promise<T> | T, ms: number, what: string, state?: () => Promise<string> | string): Promise<Truthy<T>> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v as Truthy<T>;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}${state ? ` (${await state()})` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
