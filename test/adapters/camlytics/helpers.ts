/** Shared by the Camlytics integration tests: an app with one Camlytics instance, and GraphQL reads. */
import { builtInAdapters } from '../../../src/adapters/index.ts';
import { camlyticsAdapter } from '../../../src/adapters/camlytics/index.ts';
import type { AdapterDefinition } from '../../../src/sdk.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import type { TestDb } from '../../helpers/db.ts';

export const TOKEN = 'camlytics-webhook-secret-0123';
export const adapters: readonly AdapterDefinition[] = [...builtInAdapters.filter((a) => a.type !== 'camlytics'), camlyticsAdapter];

/** Fast timings for tests: 1 s long-poll, short backoff and channel refresh. */
export function camlyticsInstance(baseUrl: string, over: Record<string, unknown> = {}) {
  return {
    type: 'camlytics',
    id: 'office',
    baseUrl,
    webhookToken: TOKEN,
    pollTimeoutSec: 1,
    minPollIntervalMs: 20,
    requestGraceSec: 2,
    backoffInitialMs: 20,
    backoffMaxSec: 0.2,
    channelRefreshSec: 0.2,
    ...over,
  };
}

export function startCamlyticsApp(db: TestDb, instances: Array<Record<string, unknown>>): Promise<TestApp> {
  return startTestApp({ db, adapters, config: { adapters: instances } });
}

export const EVENT_FIELDS = `id seq kind vendorType occurredAt raw source { adapter instance }
  camera { id name status camlyticsChannel { channelId streamUri streamUriHadCredentials } }
  ... on AnalyticsEvent { ruleId ruleName objectClass objectId }
  ... on CamlyticsEvent { eventId channelId channelName eventName timeText snapshotPath videoFileName videoFileTime deliveredBy }`;

export type Ev = Record<string, any>;

export async function camlyticsEvents(t: TestApp, instance = 'office'): Promise<Ev[]> {
  const r = await t.gql(`query($i: [String!]) { events(first: 500, filter: { adapters: ["camlytics"], instances: $i }) { edges { node { ${EVENT_FIELDS} } } } }`, { i: [instance] });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.events.edges.map((e: Ev) => e.node);
}

export async function adapterInfo(t: TestApp, id = 'office'): Promise<{ status: string; detail: string | null; counters: Record<string, number> }> {
  const r = await t.gql('{ adapters { type id status detail counters { name value } } }');
  const a = r.data.adapters.find((x: Ev) => x.type === 'camlytics' && x.id === id);
  return { status: a.status, detail: a.detail, counters: Object.fromEntries(a.counters.map((c: Ev) => [c.name, c.value])) };
}

export function webhookUrl(t: TestApp, token: string | null = TOKEN, instance = 'office'): string {
  return `${t.url}/adapters/camlytics/${instance}/webhook${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
}

/** waitFor whose result is the first truthy value of `check`, typed without the falsy cases. */
export async function waitForValue<T>(check: () => Promise<T | false | null | undefined>, ms: number, what: string): Promise<T> {
  return (await waitFor(check, ms, what)) as T;
}
