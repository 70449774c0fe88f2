/**
 * Stream sessions with two server instances on one PostgreSQL (TEST_DATABASE_URL): two apps in
 * this process, each with its own lease session, as two processes would have. Keepalives and idle
 * expiry run on the holder of the `streams` lease only; a session started on the other instance is
 * found by the holder's HLS proxy (and tokens minted on one instance work on the other); viewers'
 * use on the non-holder keeps the session alive; holds count across instances; when the holder's
 * database session dies, the other takes the sessions over and keeps them alive. Both apps run on
 * one ManualClock: keepalives, syncs, lease retries and heartbeats happen as the test moves time
 * (`step`: the clock moves, then the lease sessions answer what that asked; `tick`: steps until a
 * condition holds, with a breath of real time for the database and HTTP in between).
 * The clock moves far faster than real time here, so time waits for the database where it matters:
 * a heartbeat whose query is still in flight would otherwise time out (0.5 s of this clock can be
 * 10 ms of real time) and the lease would flap between the instances; and viewers watch while the
 * lease moves, so no session idles out (1 s) however long the database takes to notice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { openPostgresTestDb, TEST_DATABASE_URL, type TestDb } from '../helpers/db.ts';
import { startStreamOrigin, streamTestAdapter, type StreamOrigin } from '../helpers/stream-origin.ts';
import { streamSessions } from '../../src/core/db/schema.ts';
import { eq, sql } from 'drizzle-orm';
import { LEASE_LOCK_CLASS, openPgLockSession } from '../../src/core/cluster/pg-lock-session.ts';
import type { LockConnector } from '../../src/core/cluster/lease.ts';
import { PgLeases } from '../../src/core/cluster/pg-leases.ts';
import { ManualClock } from '../../src/core/time/manual-clock.ts';

const START = 'mutation($input: StartStreamInput!) { startStream(input: $input) { id state playlistUrl } }';
const KEEP = 'mutation($id: ID!) { keepStreamAlive(id: $id) { id state } }';
const STOP = 'mutation($id: ID!) { stopStream(id: $id) { id state } }';
const urisOf = (text: string) => text.split('\n').flatMap((l) => (l.startsWith('#') ? [...l.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]) : l.trim() ? [l.trim()] : []));

if (!TEST_DATABASE_URL) console.log('TEST_DATABASE_URL is not set: stream sessions across two instances are skipped.');

describe.skipIf(!TEST_DATABASE_URL)('stream sessions across two instances (postgres)', () => {
  let origin: StreamOrigin;
  let tdb: TestDb;
  const apps: TestApp[] = [];
  let width = 10;
  const clock = new ManualClock();
  /** Lock-session calls (connect, lock, check, unlock, close) of both apps still in flight. */
  let leaseCalls = 0;
  const counted = async <T>(call: () => Promise<T>): Promise<T> => {
    leaseCalls++;
    try {
      return await call();
    } finally {
      leaseCalls--;
    }
  };
  /** The apps' lease sessions, every call counted (otherwise the same as the database's own). */
  const countedSessions =
    (url: string): LockConnector =>
    () =>
      counted(async () => {
        const s = await openPgLockSession(url);
        return { id: s.id, tryLock: (n) => counted(() => s.tryLock(n)), unlock: (n) => counted(() => s.unlock(n)), check: () => counted(() => s.check()), close: () => counted(() => s.close()) };
      });
  let leasesDb: TestDb;
  /** Move the clock by `ms`, then let the lease sessions answer what that asked before time moves on. */
  const step = async (ms: number) => {
    await clock.advance(ms);
    await waitFor(() => leaseCalls === 0, 5000, 'lease-session calls answered');
  };
  /** Step the clock by `ms` and check `cond`, until it holds (each try also gives real I/O a moment). */
  const tick = (cond: () => Promise<boolean> | boolean, what: string, ms = 100) => waitFor(async () => (await step(ms), cond()), 20_000, what);
  const boot = () =>
    startTestApp({
      db: leasesDb,
      adapters: [streamTestAdapter],
      logLevel: process.env.TEST_LOG_LEVEL,
      config: {
        adapters: [{ type: 'hlstest', id: 'a', baseUrl: origin.url, keepaliveMs: 100 }],
        streams: { idleTimeoutSec: 1 },
        cluster: { leaseRetrySec: 0.2, leaseHeartbeatSec: 0.1, leaseHeartbeatTimeoutSec: 0.5 },
      },
      clock,
    });
  const roles = () => {
    const holder = apps.find((a) => a.app.streams.driving);
    const other = apps.find((a) => a !== holder && !a.app.streams.driving);
    if (!holder || !other) throw new Error(`expected one holder of the streams lease: ${apps.map((a) => a.app.streams.driving)}`);
    return { holder, other };
  };
  const start = async (t: TestApp, w = ++width) => {
    const r = await t.gql(START, { input: { cameraId: 'hlstest/a/cam1', mode: 'LIVE', width: w } });
    expect(r.errors).toBeUndefined();
    return { ...(r.data.startStream as { id: string; state: string; playlistUrl: string }), sid: origin.lastSid() };
  };
  const row = async (id: string) => (await tdb.database.db.select().from(streamSessions).where(eq(streamSessions.id, id)))[0];
  const keepalives = (sid: string) => origin.keepalives.get(sid) ?? 0;

  beforeAll(async () => {
    origin = await startStreamOrigin();
    tdb = await openPostgresTestDb();
    const [{ d }] = (await tdb.database.db.execute(sql`select current_database() as d`)) as unknown as Array<{ d: string }>;
    const url = new URL(TEST_DATABASE_URL!);
    url.pathname = `/${d}`;
    leasesDb = { ...tdb, database: { ...tdb.database, createLeases: (options) => new PgLeases(countedSessions(url.toString()), options) } };
    apps.push(await boot(), await boot());
    await waitFor(() => apps.some((a) => a.app.streams.driving), 5000, 'a holder of the streams lease');
  });
  afterAll(async () => {
    for (const a of apps) await a.app.close().catch(() => {});
    await tdb?.cleanup();
    await origin?.close();
  });

  it('only the holder drives; a session started on the other is found, proxied and kept alive there', async () => {
    const { holder, other } = roles();
    expect(holder.app.streams.shared && other.app.streams.shared).toBe(true);
    const s = await start(other);
    expect(s.state).toBe('ACTIVE');
    // The holder's proxy finds it (read from the row on a miss), and keeps it used.
    const master = await fetch(new URL(s.playlistUrl, holder.url));
    expect(master.status).toBe(200);
    const variants = urisOf(await master.text());
    // A variant token minted by the holder, fetched through the other instance (learnt there).
    const low = new URL(variants[0], new URL(s.playlistUrl, other.url));
    const media = await fetch(low);
    expect(media.status).toBe(200);
    const parts = urisOf(await media.text());
    // A segment token minted by the other instance, fetched through the holder.
    const seg = await fetch(new URL(parts[2], new URL(variants[0], new URL(s.playlistUrl, holder.url))));
    expect(seg.status).toBe(200);
    expect(Buffer.from(await seg.arrayBuffer()).equals(origin.bytesOf(`/hls/${s.sid}/low/seg0.m4s`))).toBe(true);
    // Keepalives come (from the holder, which took the row in).
    const k = keepalives(s.sid);
    await tick(() => keepalives(s.sid) >= k + 3, 'keepalives by the holder');
    expect(other.app.streams.driving).toBe(false);
    await other.gql(STOP, { id: s.id });
  });

  it('viewers on the non-holder keep it alive past the idle timeout; unused, the holder expires it', async () => {
    const { holder, other } = roles();
    const s = await start(other);
    const until = clock.nowMs() + 2200; // over twice the idle timeout (1 s), used through `other` only
    while (clock.nowMs() < until) {
      expect((await fetch(new URL(s.playlistUrl, other.url))).status).toBe(200);
      await step(150);
    }
    expect(origin.stops).not.toContain(s.sid);
    expect((await row(s.id))?.lastUsedAt.getTime()).toBeGreaterThan(clock.nowMs() - 1000);
    await tick(() => origin.stops.includes(s.sid), 'idle expiry by the holder');
    expect(origin.stops.filter((x) => x === s.sid)).toHaveLength(1);
    // The row is deleted after the vendor stop answered (a queued write): wait for it, no time passes.
    await waitFor(async () => (await row(s.id)) === undefined, 5000, 'the expired session row deleted');
    // The other instance notices (within about a second when the machine is not loaded).
    await tick(async () => (await fetch(new URL(s.playlistUrl, other.url))).status === 404, '404 on the other instance');
    expect((await holder.gql(KEEP, { id: s.id })).data.keepStreamAlive.state).toBe('STOPPED'); // it expired it there
  });

  it('holds count across instances: the last stopStream, wherever it comes, stops the vendor session once', async () => {
    const { holder, other } = roles();
    const w = ++width;
    const a = await start(other, w);
    const b = await start(other, w); // shared on the instance that started it
    expect(b.id).toBe(a.id);
    expect((await row(a.id))?.holders).toBe(2);
    expect((await holder.gql(STOP, { id: a.id })).data.stopStream.state).toBe('ACTIVE');
    expect((await row(a.id))?.holders).toBe(1);
    expect(origin.stops).not.toContain(a.sid);
    expect((await holder.gql(STOP, { id: a.id })).data.stopStream.state).toBe('STOPPED');
    expect(origin.stops.filter((x) => x === a.sid)).toHaveLength(1);
    await tick(async () => (await other.gql(KEEP, { id: a.id })).data?.keepStreamAlive?.state === 'STOPPED', 'STOPPED on the other instance');
    expect((await other.gql(STOP, { id: a.id })).data.stopStream.state).toBe('STOPPED'); // no second vendor stop
    expect(origin.stops.filter((x) => x === a.sid)).toHaveLength(1);
  });

  it('when the holder’s database session dies it stops driving at once; whoever holds the lease next keeps the sessions alive', async () => {
    const { holder, other } = roles();
    const s = await start(holder);
    const t = await start(other);
    // Viewers watch both, each through the instance that did not start it, all along.
    const watch = async () => {
      expect((await fetch(new URL(s.playlistUrl, other.url))).status).toBe(200);
      expect((await fetch(new URL(t.playlistUrl, holder.url))).status).toBe(200);
    };
    await tick(async () => (await watch(), keepalives(t.sid) > 0), 'the holder took t in');
    // Kill the holder's lease connection, as if it had been cut (the app itself stays up).
    const killed = (await tdb.database.db.execute(
      sql`select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and classid = ${LEASE_LOCK_CLASS} and objid = hashtext('streams')::oid and granted and database = (select oid from pg_database where datname = current_database())`,
    )) as unknown as Array<{ ok: boolean }>;
    expect(killed).toHaveLength(1);
    // Its next heartbeat fails and it stops driving; it could take the lease again only at a later retry
    // (retries come every 200 ms, heartbeats every 100 ms, and each step waits for the heartbeat's answer).
    await tick(async () => (await watch(), !holder.app.streams.driving), 'the holder noticed the loss (its next heartbeat)', 50);
    await tick(async () => (await watch(), apps.filter((a) => a.app.streams.driving).length === 1), 'a holder again');
    const [ks, kt] = [keepalives(s.sid), keepalives(t.sid)];
    for (let i = 0; i < 6; i++) {
      await watch();
      await step(150);
    }
    await tick(async () => (await watch(), keepalives(s.sid) > ks + 3 && keepalives(t.sid) > kt + 3), 'keepalives from the new holder', 50);
    expect(origin.stops).not.toContain(s.sid);
    expect(origin.stops).not.toContain(t.sid);
  });

  it('when the holder shuts down, the other resumes its sessions (vendor still accepts them) and keeps them alive', async () => {
    const { holder, other } = roles();
    const s = await start(holder); // known on the holder only
    await holder.app.close();
    apps.splice(apps.indexOf(holder), 1);
    expect(origin.stops).not.toContain(s.sid); // left open for the next holder
    await tick(() => other.app.streams.driving, 'takeover after shutdown');
    const k = keepalives(s.sid);
    const watch = async () => expect((await fetch(new URL(s.playlistUrl, other.url))).status).toBe(200);
    for (let i = 0; i < 6; i++) {
      await watch();
      await step(150);
    }
    await tick(async () => (await watch(), keepalives(s.sid) > k + 3), 'keepalives after the takeover', 50);
    expect((await other.gql(STOP, { id: s.id })).data.stopStream.state).toBe('STOPPED');
    expect(origin.stops.filter((x) => x === s.sid)).toHaveLength(1);
    // Every session of this suite was stopped once at the vendor, or is stopped now.
    for (const id of (await tdb.database.db.select().from(streamSessions)).map((r) => r.id)) await other.gql(STOP, { id });
    await tick(async () => (await tdb.database.db.select().from(streamSessions)).length === 0, 'no rows left', 0);
  });
});
