/**
 * Leases on real databases: PGlite grants at once; on PostgreSQL (TEST_DATABASE_URL) two Leases
 * objects — two sessions, as two server processes would have — compete for the same names: exactly
 * one holds, and when the holder's connection is terminated (as when its process is SIGKILLed) the
 * other takes over within retryMs plus slack while the loser's work signal is aborted.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import type { Leases } from '../../../src/core/cluster/lease.ts';
import { LEASE_LOCK_CLASS } from '../../../src/core/cluster/pg-lock-session.ts';
import { openPgliteTestDb, openPostgresTestDb, TEST_DATABASE_URL, type TestDb } from '../../helpers/db.ts';
import { waitFor } from '../../helpers/wait-for.ts';
import { ConfigError, validateConfig } from '../../../src/core/config/load.ts';

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
const FAST = { log, retryMs: 200, heartbeatMs: 100, heartbeatTimeoutMs: 500, stopTimeoutMs: 2000 };

/** A work that records its runs and stays running until its signal aborts. */
function recorder() {
  const runs: Array<{ signal: AbortSignal; ended: boolean }> = [];
  const work = async (signal: AbortSignal) => {
    const run = { signal, ended: false };
    runs.push(run);
    await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener('abort', () => r(), { once: true })));
    run.ended = true;
  };
  return { runs, work, active: () => runs.filter((r) => !r.signal.aborted).length };
}

describe('cluster config', () => {
  it('has defaults, and names the path of a bad timing', () => {
    expect(validateConfig({}).cluster).toEqual({ leaseRetrySec: 2, leaseHeartbeatSec: 1, leaseHeartbeatTimeoutSec: 2 });
    let err: unknown;
    try {
      validateConfig({ cluster: { leaseRetrySec: 0, leaseHeartbeatSec: 'fast', extra: 1 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/cluster\.leaseRetrySec: Too small/);
    expect(problems).toMatch(/cluster\.leaseHeartbeatSec: /);
    expect(problems).toMatch(/cluster.*extra/);
  });
});

describe('leases on PGlite (one process is the deployment)', () => {
  let tdb: TestDb;
  beforeAll(async () => {
    tdb = await openPgliteTestDb();
  });
  afterAll(() => tdb.cleanup());

  it('grants at once, aborts on stop, releases on close', async () => {
    const changes: Array<[string, boolean]> = [];
    const leases = tdb.database.createLeases({ ...FAST, onChange: (n, h) => changes.push([n, h]) });
    expect(leases.kind).toBe('local');
    const a = recorder();
    const b = recorder();
    const ha = leases.run('a', a.work);
    leases.run('b', b.work);
    expect(ha.held).toBe(true);
    expect(leases.held('b')).toBe(true);
    await waitFor(() => a.runs.length === 1 && b.runs.length === 1, 2000, 'works started');
    expect(() => leases.run('a', a.work)).toThrow(/already run/);
    await ha.stop();
    expect(a.runs[0]).toMatchObject({ ended: true });
    expect(a.runs[0].signal.aborted).toBe(true);
    expect(leases.list()).toEqual([{ name: 'b', held: true }]);
    await leases.close();
    expect(b.runs[0].ended).toBe(true);
    // false when registered, then each acquisition and release
    expect(changes).toEqual([['a', false], ['a', true], ['b', false], ['b', true], ['a', false], ['b', false]]);
    expect(() => leases.run('c', () => {})).toThrow(/closed/);
  });

  it('a work that throws is logged, and its lease stays held', async () => {
    const leases = tdb.database.createLeases(FAST);
    const h = leases.run('boom', () => {
      throw new Error('boom');
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(h.held).toBe(true);
    await leases.close();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('leases on PostgreSQL: two sessions compete', () => {
  let tdb: TestDb;
  let admin: import('postgres').Sql;
  const open: Leases[] = [];
  const mk = (extra: Partial<typeof FAST> = {}) => {
    const l = tdb.database.createLeases({ ...FAST, ...extra });
    open.push(l);
    return l;
  };
  /** Backend pids holding lease locks, by the lock's second key. */
  const holders = async (): Promise<number[]> =>
    (await admin<Array<{ pid: number }>>`select pid from pg_locks where locktype = 'advisory' and classid = ${LEASE_LOCK_CLASS} and granted and database = (select oid from pg_database where datname = current_database())`).map((r) => r.pid);

  beforeAll(async () => {
    tdb = await openPostgresTestDb();
    const { default: postgres } = await import('postgres');
    const url = new URL(TEST_DATABASE_URL!);
    const [{ d }] = (await tdb.database.db.execute(sql`select current_database() as d`)) as unknown as Array<{ d: string }>;
    url.pathname = `/${d}`;
    admin = postgres(url.toString(), { max: 1, onnotice: () => {} });
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((l) => l.close()));
  });
  afterAll(async () => {
    await admin?.end();
    await tdb?.cleanup();
  });

  it('exactly one of two holds; the other is on standby', async () => {
    const one = mk();
    const two = mk();
    const w1 = recorder();
    const w2 = recorder();
    const h1 = one.run('poller', w1.work);
    const h2 = two.run('poller', w2.work);
    expect(one.kind).toBe('postgres');
    await waitFor(() => h1.held || h2.held, 3000, 'a holder');
    await new Promise((r) => setTimeout(r, 600)); // several retries of the other
    expect([h1.held, h2.held].filter(Boolean)).toHaveLength(1);
    expect(w1.active() + w2.active()).toBe(1);
    expect(await holders()).toHaveLength(1);
  });

  it('the other takes over within retryMs + slack when the holder’s connection is terminated; the loser’s signal aborts', async () => {
    const one = mk();
    const two = mk();
    const w1 = recorder();
    const w2 = recorder();
    const h1 = one.run('poller', w1.work);
    await waitFor(() => h1.held, 3000, 'first holder');
    const h2 = two.run('poller', w2.work);
    await new Promise((r) => setTimeout(r, 300));
    expect(h2.held).toBe(false);
    const [pid] = await holders();
    const killedAt = Date.now();
    await admin`select pg_terminate_backend(${pid})`;
    await waitFor(() => h2.held, FAST.retryMs + 2000, 'takeover');
    const tookMs = Date.now() - killedAt;
    expect(tookMs).toBeLessThan(FAST.retryMs + 1500);
    await waitFor(() => w1.runs[0]?.signal.aborted && w1.runs[0].ended, FAST.heartbeatMs + FAST.heartbeatTimeoutMs + 1000, 'loser aborted');
    expect(h1.held).toBe(false);
    expect(w2.active()).toBe(1);
    // The loser reconnects and stays on standby: still one holder, on a new session of `two`.
    await new Promise((r) => setTimeout(r, 500));
    expect(h1.held).toBe(false);
    expect(await holders()).toHaveLength(1);
    expect(w1.active()).toBe(0);
  });

  it('a stopped holder hands over (after its work returned), and it can come back later', async () => {
    const one = mk();
    const two = mk();
    const order: string[] = [];
    const slowStop = async (signal: AbortSignal) => {
      order.push('one:start');
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      await new Promise((r) => setTimeout(r, 150)); // cleanup still running: nobody else may hold yet
      order.push('one:end');
    };
    const h1 = one.run('mirror', slowStop);
    await waitFor(() => h1.held, 3000, 'first holder');
    const h2 = two.run('mirror', async (signal) => {
      order.push('two:start');
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    });
    await h1.stop();
    await waitFor(() => h2.held, FAST.retryMs + 1500, 'takeover after stop');
    expect(order).toEqual(['one:start', 'one:end', 'two:start']);
    const h1again = one.run('mirror', slowStop);
    await new Promise((r) => setTimeout(r, 400));
    expect(h1again.held).toBe(false);
    await two.close();
    await waitFor(() => h1again.held, FAST.retryMs + 1500, 'back to the first');
  });

  it('leases of different names spread independently; losing the session loses all of its leases at once', async () => {
    const one = mk();
    const two = mk();
    const h1a = one.run('a', () => {});
    const h1b = one.run('b', () => {});
    await waitFor(() => h1a.held && h1b.held, 3000, 'both held by one');
    const h2a = two.run('a', () => {});
    const h2b = two.run('b', () => {});
    const h2c = two.run('c', () => {});
    await waitFor(() => h2c.held, 3000, 'c held by two');
    expect(h2a.held || h2b.held).toBe(false);
    const pids = await holders();
    expect(new Set(pids).size).toBe(2);
    const onePid = pids.find((p) => pids.filter((q) => q === p).length === 2)!;
    await admin`select pg_terminate_backend(${onePid})`;
    await waitFor(() => h2a.held && h2b.held, FAST.retryMs + 2000, 'two takes a and b');
    await waitFor(() => !h1a.held && !h1b.held, 2000, 'one lost both');
  });

  it('a session that cannot connect retries and holds nothing', async () => {
    const { PgLeases } = await import('../../../src/core/cluster/pg-leases.ts');
    let attempts = 0;
    const leases = new PgLeases(async () => {
      attempts++;
      throw new Error('connection refused');
    }, FAST);
    open.push(leases);
    const h = leases.run('x', () => {});
    await waitFor(() => attempts >= 3, 3000, 'retries');
    expect(h.held).toBe(false);
  });
});
