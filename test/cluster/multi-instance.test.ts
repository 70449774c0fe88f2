/**
 * Several real server processes on one PostgreSQL and one Redis (TEST_DATABASE_URL, TEST_REDIS_URL):
 * an event ingested by any instance reaches the subscribers of every instance exactly once and in
 * seq order; `events(after)` answers the same on every instance; a subscriber resumes with `after`
 * on another instance without gap or duplicate; when an instance is SIGKILLed, the others go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { ffJson } from '../helpers/ff-events.ts';
import { gql, startServerProcess, type ServerProcess } from '../helpers/process.ts';
import { createPostgresDatabase, TEST_DATABASE_URL } from '../helpers/db.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ffMultipartBodies } from '../../bench/lib/ff-data.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
const SUB = 'subscription($after: String) { events(after: $after) { seq ... on FfPlateEvent { carId } } }';

interface Subscriber {
  name: string;
  seqs: bigint[];
  client: Client;
  stop(): void;
}

/** Live `events` subscriptions the server holds (its subscriptions_active gauge). */
async function activeSubscriptions(p: ServerProcess): Promise<number> {
  const m = /^subscriptions_active\{field="events"\} (\d+)/m.exec(await (await fetch(`${p.base}/metrics`)).text());
  return Number(m?.[1] ?? 0);
}

async function subscribe(p: ServerProcess, name: string, after?: string): Promise<Subscriber> {
  const before = await activeSubscriptions(p);
  const client = createClient({ url: `${p.base.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, lazy: false, onNonLazyError: () => {} });
  const seqs: bigint[] = [];
  return new Promise((resolve, reject) => {
    let started = false;
    let stop = () => {};
    const off = client.on('connected', () => {
      off();
      // The server listens on the bus once the operation has started (its gauge counts it): only then ingest.
      waitFor(async () => (await activeSubscriptions(p)) > before, 10_000, `${name} subscribed on the server`).then(() => {
        started = true;
        resolve({ name, seqs, client, stop });
      }, reject);
    });
    stop = client.subscribe<{ events: { seq: string } }>(
      { query: SUB, variables: after ? { after } : {} },
      {
        next: (r) => (r.data ? seqs.push(BigInt(r.data.events.seq)) : reject(new Error(JSON.stringify(r.errors)))),
        // Once started, a closed socket (its server was killed) just ends the stream: the counts tell the rest.
        error: (e) => (started ? undefined : reject(e instanceof Error ? e : new Error(`subscription failed: ${String((e as { code?: number }).code ?? e)}`))),
        complete: () => {},
      },
    );
  });
}

/**
 * A positive barrier for "nothing more arrives": one more event, posted after everything else,
 * reaches every subscriber in `subs`. Delivery is in seq order, so anything extra (a duplicate)
 * would have come before it. Resolves with its seq.
 */
async function marker(p: ServerProcess, i: number, subs: Subscriber[]): Promise<bigint> {
  const seq = BigInt((await postTo(p, i)).seq!);
  await waitFor(() => subs.every((s) => s.seqs.includes(seq)), 20_000, `marker ${seq} at ${subs.map((s) => s.name).join(', ')}`);
  return seq;
}

const postTo = async (p: ServerProcess, i: number) => {
  const r = await fetch(`${p.base}/adapters/ff/default/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ffJson(i)) });
  const text = await r.text();
  const body = JSON.parse(text) as { seq?: string; status?: string };
  if (r.status !== 200) throw new Error(`POST to ${p.base} answered ${r.status}: ${text}`);
  return { status: r.status, seq: body.seq, duplicate: body.status === 'duplicate' };
};

const skip = !TEST_DATABASE_URL || !TEST_REDIS_URL;
if (skip) console.log('TEST_DATABASE_URL or TEST_REDIS_URL is not set: the multi-instance tests are skipped.');

describe.skipIf(skip)('three instances on one PostgreSQL and one Redis', () => {
  const procs: ServerProcess[] = [];
  const subs: Subscriber[] = [];
  let dbUrl = '';
  let dropDb = async () => {};
  const mediaDir = mkdtempSync(join(tmpdir(), 'usa-shared-media-'));

  beforeAll(async () => {
    const created = await createPostgresDatabase('mi');
    dbUrl = created.url;
    dropDb = created.drop;
    const start = () =>
      startServerProcess({
        config: 'adapters:\n  - { type: ff, id: default, tcpPort: 0, tcpHost: 127.0.0.1 }\n',
        env: { DATABASE_URL: dbUrl, REDIS_URL: TEST_REDIS_URL, MEDIA_DIR: mediaDir },
        readyTimeoutMs: 90_000,
      });
    // Started together: migrations and the deployment id must cope with concurrent first starts.
    procs.push(...(await Promise.all([start(), start(), start()])));
  }, 150_000);

  afterAll(async () => {
    for (const s of subs) await s.client.dispose();
    await Promise.all(procs.map((p) => p.cleanup()));
    await dropDb();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  it('every event ingested anywhere reaches every subscriber on every instance exactly once, in seq order', async () => {
    for (const [i, p] of procs.entries()) {
      subs.push(await subscribe(p, `p${i}-a`));
      subs.push(await subscribe(p, `p${i}-b`));
    }
    for (const p of procs) expect(await (await fetch(`${p.base}/ready`)).json()).toMatchObject({ checks: { bus: 'redis' } });

    // 300 events, each sent to one instance, a third of them re-sent to another (a camera re-send
    // through the load balancer): stored once, both answers carry the same seq.
    const N = 300;
    const acked = new Map<number, string>();
    let dupAnswers = 0;
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map(async (w) => {
        for (let i = w; i < N; i += 6) {
          const r = await postTo(procs[i % 3], i);
          expect(r.status).toBe(200);
          acked.set(i, r.seq!);
          if (i % 3 === 0) {
            const again = await postTo(procs[(i + 1) % 3], i);
            expect(again).toMatchObject({ status: 200, seq: r.seq, duplicate: true });
            dupAnswers += 1;
          }
        }
      }),
    );
    expect(acked.size).toBe(N);
    expect(dupAnswers).toBe(N / 3);
    const expected = [...new Set(acked.values())].map(BigInt).sort((a, b) => (a < b ? -1 : 1));
    expect(expected.length).toBe(N);

    await waitFor(() => subs.every((s) => s.seqs.length >= N), 30_000, `all subscribers to get ${N} events (${subs.map((s) => `${s.name}=${s.seqs.length}`).join(' ')})`);
    const end = await marker(procs[0], 999, subs);
    const counts = subs.map((s) => `${s.name}=${s.seqs.length - 1}`).join(' ');
    console.log(`multi-instance: acked=${N} (+${dupAnswers} duplicate re-sends) stored=${expected.length} deliveries: ${counts}`);
    for (const s of subs) expect(s.seqs, s.name).toEqual([...expected, end]);
    // Redis carried them (the log is only the fallback): each instance received the others' events over it.
    for (const p of procs) {
      const m = /^bus_events_received_total (\d+)/m.exec(await (await fetch(`${p.base}/metrics`)).text());
      expect(Number(m?.[1])).toBeGreaterThan(0);
    }

    // The log answers the same on every instance, from any cursor (history is newest first: `after` pages to older events).
    const mid = expected[N / 2].toString();
    const pages = await Promise.all(procs.map((p) => gql<{ events: { edges: Array<{ node: { seq: string } }> } }>(p.base, `{ events(first: 500, after: "${mid}") { edges { node { seq } } } }`)));
    const seqSets = pages.map((pg) => pg.data!.events.edges.map((e) => BigInt(e.node.seq)));
    expect(seqSets[0]).toEqual(expected.slice(0, N / 2).reverse());
    expect(seqSets[1]).toEqual(seqSets[0]);
    expect(seqSets[2]).toEqual(seqSets[0]);
  }, 120_000);

  it('images stored by one instance are served by the others (shared MEDIA_DIR)', async () => {
    const [req] = ffMultipartBodies(1);
    const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k.toLowerCase() !== 'content-length')); // fetch sets it
    const r = await fetch(`${procs[1].base}/adapters/ff/default/events`, { method: 'POST', headers, body: new Uint8Array(req.body) });
    expect(r.status).toBe(200);
    const { seq } = (await r.json()) as { seq: string };
    const q = await gql<{ event: { media: Array<{ url: string; byteSize: number }> } }>(procs[2].base, `{ event(id: "${seq}") { media { url byteSize } } }`);
    expect(q.data!.event.media.length).toBe(2);
    for (const m of q.data!.event.media) {
      const img = await fetch(new URL(m.url, procs[0].base));
      expect(img.status).toBe(200);
      expect((await img.arrayBuffer()).byteLength).toBe(m.byteSize);
    }
  });

  it('a subscriber resumes with `after` on another instance: no gap, no duplicate', async () => {
    const moved = subs.find((s) => s.name === 'p0-a')!;
    moved.stop();
    await moved.client.dispose();
    const lastSeen = moved.seqs[moved.seqs.length - 1];
    const acked: bigint[] = [];
    for (let i = 1000; i < 1060; i++) acked.push(BigInt((await postTo(procs[i % 3], i)).seq!));
    const resumed = await subscribe(procs[2], 'p0-a resumed on p2', lastSeen.toString());
    subs.push(resumed);
    await waitFor(() => resumed.seqs.length >= acked.length, 20_000, 'resumed subscriber to catch up');
    const end = await marker(procs[1], 1999, [resumed]);
    expect(resumed.seqs).toEqual([...acked, end]);
  }, 60_000);

  it('an instance SIGKILLed mid-ingest: the others keep delivering every event they acknowledge', async () => {
    const survivors = subs.filter((s) => !s.name.startsWith('p0'));
    // Everything earlier tests published has reached every survivor once this marker has (seq order).
    const start = await marker(procs[1], 2998, survivors);
    const before = new Map(survivors.map((s) => [s.name, s.seqs.indexOf(start) + 1]));
    const acked: bigint[] = [];
    const load = (async () => {
      for (let i = 2000; i < 2150; i++) {
        const r = await postTo(procs[1 + (i % 2)], i);
        if (r.status === 200) acked.push(BigInt(r.seq!));
      }
    })();
    await waitFor(() => acked.length >= 10, 20_000, 'ingest under way'); // killed mid-ingest, not before it
    procs[0].kill('SIGKILL');
    await load;
    expect(acked.length).toBe(150);
    await waitFor(() => survivors.every((s) => s.seqs.length - before.get(s.name)! >= acked.length), 20_000, 'survivors to receive every event');
    const end = await marker(procs[1], 2999, survivors);
    for (const s of survivors) expect(s.seqs.slice(before.get(s.name)!), s.name).toEqual([...acked, end]);
    expect((await fetch(`${procs[1].base}/health`)).status).toBe(200);
  }, 60_000);
});
