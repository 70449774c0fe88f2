/**
 * Once-per-deployment work across real server processes (TEST_DATABASE_URL): two processes on one
 * fresh PostgreSQL database, both configured with the same Camlytics instance pointing at the
 * simulator run here. Exactly one of them polls (its `adapters` lease says held, the other's says
 * standby; the simulator sees one long-poll in flight, never two). When the holder is SIGKILLed the
 * other takes the poll over within a few seconds, and events Camlytics emits after the kill are
 * stored and queryable on the survivor.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamlyticsSimulator, formatDotNetTime } from '@unified-surveillance/simulators/camlytics';
import { gql, startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';

const LEASE = 'adapter:camlytics/office:poll';
const ADAPTERS = '{ adapters { type id status detail leases { name held } } }';
const EVENTS = '{ events(first: 500, filter: { adapters: ["camlytics"] }) { edges { node { ... on CamlyticsEvent { eventId } } } } }';

interface LeaseView {
  status: string;
  detail: string | null;
  held: boolean | null;
}

async function leaseOf(p: ServerProcess): Promise<LeaseView> {
  const r = await gql<{ adapters: Array<{ type: string; id: string; status: string; detail: string | null; leases: Array<{ name: string; held: boolean }> }> }>(p.base, ADAPTERS);
  const a = r.data?.adapters.find((x) => x.type === 'camlytics' && x.id === 'office');
  if (!a) throw new Error(`no camlytics/office on ${p.base}: ${JSON.stringify(r)}`);
  return { status: a.status, detail: a.detail, held: a.leases.find((l) => l.name === 'poll')?.held ?? null };
}

async function storedEventIds(p: ServerProcess): Promise<Set<string>> {
  const r = await gql<{ events: { edges: Array<{ node: { eventId?: string } }> } }>(p.base, EVENTS);
  if (!r.data) throw new Error(JSON.stringify(r.errors));
  return new Set(r.data.events.edges.map((e) => e.node.eventId!).filter(Boolean));
}

async function leaseGauge(p: ServerProcess): Promise<string | null> {
  const text = await (await fetch(`${p.base}/metrics`)).text();
  return new RegExp(`^usa_lease_held\\{lease="${LEASE.replace(/[/.]/g, '\\$&')}"\\} (\\S+)$`, 'm').exec(text)?.[1] ?? null;
}

const skip = !TEST_DATABASE_URL;
if (skip) console.log('TEST_DATABASE_URL is not set: the lease failover test across server processes is skipped.');

describe.skipIf(skip)('Camlytics polling on exactly one of two server processes, with failover', () => {
  const sim = new CamlyticsSimulator({ seed: 'lease-failover' });
  const procs: ServerProcess[] = [];
  let dropDb = async () => {};

  beforeAll(async () => {
    await sim.start();
    const created = await createPostgresDatabase('lf');
    dropDb = created.drop;
    const config = [
      'adapters:',
      `  - { type: camlytics, id: office, baseUrl: "${sim.url}", pollTimeoutSec: 1, minPollIntervalMs: 20, requestGraceSec: 2, backoffInitialMs: 50, backoffMaxSec: 0.5, channelRefreshSec: 1 }`,
      'cluster: { leaseRetrySec: 0.5, leaseHeartbeatSec: 0.25, leaseHeartbeatTimeoutSec: 1 }',
      '',
    ].join('\n');
    // Started together, as a deployment would: one of them gets the lease.
    procs.push(...(await Promise.all([0, 1].map(() => startServerProcess({ config, env: { DATABASE_URL: created.url }, readyTimeoutMs: 90_000 })))));
  }, 120_000);

  /** Camlytics events at distinct milliseconds (now, or just after the last): the adapter's dedupe key has millisecond resolution. */
  let lastMs = 0;
  const emitSpaced = (n: number) => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      lastMs = Math.max(Date.now(), lastMs + 1);
      ids.push(sim.emit({ time: formatDotNetTime(lastMs, sim.utcOffsetMinutes) }).event_id);
    }
    return ids;
  };

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.cleanup()));
    await sim.stop();
    await dropDb();
  });

  it('exactly one process polls; the other says standby; the simulator sees one long-poll in flight', async () => {
    await waitFor(async () => (await Promise.all(procs.map(leaseOf))).some((l) => l.held), 15_000, 'a lease holder');
    // Three more long-polls begin: two whole polls (pollTimeoutSec 1) ran in between, over which
    // the other process retried its lease (leaseRetrySec 0.5) several times.
    const polls = sim.stats.eventRequests;
    await waitFor(() => sim.stats.eventRequests >= polls + 3, 15_000, 'three more long-polls');
    const views = await Promise.all(procs.map(leaseOf));
    expect(views.filter((v) => v.held)).toHaveLength(1);
    const standby = views.find((v) => !v.held)!;
    expect(standby.held).toBe(false);
    expect(standby.status).toBe('READY');
    expect(standby.detail).toMatch(/standby: poll runs on another instance/);
    expect(views.find((v) => v.held)!.status).toBe('READY');
    expect(sim.stats.activeEventRequests).toBe(1);
    expect(sim.stats.maxConcurrentEventRequests).toBe(1);
    const gauges = await Promise.all(procs.map(leaseGauge));
    expect(gauges.sort()).toEqual(['0', '1']);

    const before = emitSpaced(3);
    await waitFor(
      async () => {
        const ids = await storedEventIds(procs[0]);
        return before.every((id) => ids.has(id));
      },
      10_000,
      'events stored by the holder',
    );
    const ids = await storedEventIds(procs[1]); // the same log on both
    for (const id of before) expect(ids.has(id)).toBe(true);
  });

  it('SIGKILL of the holder: the other takes over within seconds and stores what Camlytics emits after the kill', async () => {
    const views = await Promise.all(procs.map(leaseOf));
    const holder = procs[views.findIndex((v) => v.held)];
    const survivor = procs[views.findIndex((v) => !v.held)];
    const requestsBefore = sim.stats.eventRequests;
    holder.kill('SIGKILL');
    const killedAt = Date.now();
    await holder.exited;
    const after = emitSpaced(4);

    await waitFor(async () => (await leaseOf(survivor)).held, 10_000, 'takeover by the survivor');
    const tookMs = Date.now() - killedAt;
    console.log(`lease failover: the survivor polled ${tookMs} ms after the SIGKILL of the holder`);
    expect(tookMs).toBeLessThan(5000);
    const v = await leaseOf(survivor);
    expect(v.status).toBe('READY');
    expect(v.detail ?? '').not.toMatch(/standby/);
    expect(await leaseGauge(survivor)).toBe('1');

    await waitFor(
      async () => {
        const ids = await storedEventIds(survivor);
        return after.every((id) => ids.has(id));
      },
      15_000,
      'events emitted after the kill stored by the survivor',
    ).catch(async (err) => {
      console.log(
        survivor
          .out()
          .split('\n')
          .filter((l) => /camlytics|lease|poll/i.test(l))
          .slice(-20)
          .join('\n'),
      );
      console.log(JSON.stringify((await gql(survivor.base, '{ adapters { counters { name value } } }')).data));
      throw err;
    });
    expect(sim.stats.eventRequests).toBeGreaterThan(requestsBefore);
    expect(sim.stats.maxConcurrentEventRequests).toBe(1);
    const later = sim.emit().event_id;
    await waitFor(async () => (await storedEventIds(survivor)).has(later), 10_000, 'live again');
    // The survivor logged the takeover.
    expect(survivor.logs().some((l) => l.msg === 'lease acquired' && l.lease === LEASE)).toBe(true);
  }, 60_000);
});
