/**
 * Leases on real databases: PGlite grants at once; on PostgreSQL (TEST_DATABASE_URL) two Leases
 * objects — two sessions, as two server processes would have — compete for the same names: exactly
 * one holds, and when the holder's connection is terminated (as when its process is SIGKILLed) the
 * other takes over at its next retry while the loser's work signal is aborted. Retries and
 * heartbeats run on a ManualClock: the test moves time and waits only for the database's answers.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import type { Leases, LockConnector } from '../../../src/core/cluster/lease.ts';
import { PgLeases } from '../../../src/core/cluster/pg-leases.ts';
import { LEASE_LOCK_CLASS, openPgLockSession } from '../../../src/core/cluster/pg-lock-session.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
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
    expect(validateConfig({}).cluster).toEqual({ leaseRetrySec: 2, leaseHeartbeatSec: 1, leaseHeartbeatTimeoutSec: 2, deviceCacheSec: 2 });
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
    expect(changes).toEqual([
      ['a', false],
      ['a', true],
      ['b', false],
      ['b', true],
      ['a', false],
      ['b', false],
    ]);
    expect(() => leases.run('c', () => {})).toThrow(/closed/);
  });

  it('a work that throws is logged, and its lease stays held', async () => {
    const errors: string[] = [];
    const leases = tdb.database.createLeases({ ...FAST, log: { ...log, error: (o: { lease?: string }, m: string) => void errors.push(`${o.lease}: ${m}`) } as unknown as typeof log });
    const h = leases.run('boom', () => {
      throw new Error('boom');
    });
    await waitFor(() => errors.length > 0, 2000, 'the failure logged');
    expect(errors).toEqual(['boom: work under a lease failed']);
    expect(h.held).toBe(true);
    await leases.close();
  });
});

describe.skipIf(!TEST_DATABASE_URL)('leases on PostgreSQL: two sessions compete', () => {
  let tdb: TestDb;
  let admin: import('postgres').Sql;
  let url: string;
  let clock: ManualClock;
  const open: Leases[] = [];
  /** Lock-session calls in flight, over every Leases of the test. */
  let busy = 0;
  const track = async <T>(op: () => Promise<T>): Promise<T> => {
    busy++;
    try {
      return await op();
    } finally {
      busy--;
    }
  };
  /** Sessions on the test database whose every call is tracked (so the test knows when the database answered). */
  const connector = (): LockConnector => () =>
    track(async () => {
      const s = await openPgLockSession(url);
      return { id: s.id, tryLock: (n) => track(() => s.tryLock(n)), unlock: (n) => track(() => s.unlock(n)), check: () => track(() => s.check()), close: () => track(() => s.close()) };
    });
  const mk = (connect: LockConnector = connector()) => {
    const l = new PgLeases(connect, { ...FAST, clock });
    open.push(l);
    return l;
  };
  /** Move the clock (retries, heartbeats fire), then wait for the database to answer what they asked. */
  const step = async (ms: number) => {
    await clock.advance(ms);
    await waitFor(() => busy === 0, 5000, 'lock-session calls answered');
  };
  /** Backend pids holding lease locks, by the lock's second key. */
  const holders = async (): Promise<number[]> =>
    (
      await admin<
        Array<{ pid: number }>
      >`select pid from pg_locks where locktype = 'advisory' and classid = ${LEASE_LOCK_CLASS} and granted and database = (select oid from pg_database where datname = current_database())`
    ).map((r) => r.pid);
  /** Terminate a backend (as when its process is SIGKILLed) and wait until the server let its locks go. */
  const terminate = async (pid: number) => {
    await admin`select pg_terminate_backend(${pid})`;
    await waitFor(async () => !(await holders()).includes(pid), 5000, 'locks of the terminated backend released');
  };

  beforeAll(async () => {
    tdb = await openPostgresTestDb();
    const { default: postgres } = await import('postgres');
    const u = new URL(TEST_DATABASE_URL!);
    const [{ d }] = (await tdb.database.db.execute(sql`select current_database() as d`)) as unknown as Array<{ d: string }>;
    u.pathname = `/${d}`;
    url = u.toString();
    admin = postgres(url, { max: 1, onnotice: () => {} });
  });
  beforeEach(() => {
    clock = new ManualClock();
  });
  afterEach(async () => {
    let closed = false;
    const closing = Promise.all(open.splice(0).map((l) => l.close())).finally(() => (closed = true));
    await waitFor(async () => (await clock.advance(100), closed), 10_000, 'leases closed'); // works that clean up on the clock finish
    await closing;
  });
  afterAll(async () => {
    await admin?.end();
    await tdb?.cleanup();
  });

  it('the database creates postgres leases', async () => {
    const l = tdb.database.createLeases(FAST);
    open.push(l);
    expect(l.kind).toBe('postgres');
  });

  it('exactly one of two holds; the other is on standby', async () => {
    const one = mk();
    const two = mk();
    const w1 = recorder();
    const w2 = recorder();
    const h1 = one.run('poller', w1.work);
    const h2 = two.run('poller', w2.work);
    await step(0);
    expect([h1.held, h2.held].filter(Boolean)).toHaveLength(1);
    for (let i = 0; i < 3; i++) await step(FAST.retryMs); // several retries of the other
    expect([h1.held, h2.held].filter(Boolean)).toHaveLength(1);
    expect(w1.active() + w2.active()).toBe(1);
    expect(await holders()).toHaveLength(1);
  });

  it('the other takes over at its next retry when the holder’s connection is terminated; the loser’s signal aborts', async () => {
    const one = mk();
    const two = mk();
    const w1 = recorder();
    const w2 = recorder();
    const h1 = one.run('poller', w1.work);
    await step(0);
    expect(h1.held).toBe(true);
    const h2 = two.run('poller', w2.work);
    await step(FAST.retryMs);
    expect(h2.held).toBe(false);
    const [pid] = await holders();
    await terminate(pid);
    await step(FAST.retryMs); // one retry of `two`, and two heartbeats of `one`
    expect(h2.held).toBe(true);
    await waitFor(() => w1.runs[0]?.ended, 2000, 'the loser’s work returned');
    expect(w1.runs[0].signal.aborted).toBe(true);
    expect(h1.held).toBe(false);
    expect(w2.active()).toBe(1);
    // The loser reconnects and stays on standby: still one holder, on a new session of `two`.
    for (let i = 0; i < 3; i++) await step(FAST.retryMs);
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
      await clock.sleep(150); // cleanup still running: nobody else may hold yet
      order.push('one:end');
    };
    const h1 = one.run('mirror', slowStop);
    await step(0);
    expect(h1.held).toBe(true);
    const h2 = two.run('mirror', async (signal) => {
      order.push('two:start');
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    });
    await step(0); // its first try failed: one holds
    expect(h2.held).toBe(false);
    const stopping = h1.stop();
    await step(150); // the cleanup ends, before the first retry of `two` (at retryMs)
    await stopping;
    expect(h2.held).toBe(false);
    await step(FAST.retryMs - 150);
    expect(h2.held).toBe(true);
    expect(order).toEqual(['one:start', 'one:end', 'two:start']);
    const h1again = one.run('mirror', slowStop);
    await step(2 * FAST.retryMs);
    expect(h1again.held).toBe(false);
    await two.close();
    await step(FAST.retryMs);
    expect(h1again.held).toBe(true);
  });

  it('leases of different names spread independently; losing the session loses all of its leases at once', async () => {
    const one = mk();
    const two = mk();
    const h1a = one.run('a', () => {});
    const h1b = one.run('b', () => {});
    await step(0);
    expect(h1a.held && h1b.held).toBe(true);
    const h2a = two.run('a', () => {});
    const h2b = two.run('b', () => {});
    const h2c = two.run('c', () => {});
    await step(0);
    expect(h2c.held).toBe(true);
    expect(h2a.held || h2b.held).toBe(false);
    const pids = await holders();
    expect(new Set(pids).size).toBe(2);
    const onePid = pids.find((p) => pids.filter((q) => q === p).length === 2)!;
    await terminate(onePid);
    await step(FAST.retryMs);
    expect(h2a.held && h2b.held).toBe(true);
    expect(h1a.held || h1b.held).toBe(false);
  });

  it('a session that cannot connect retries at each retryMs and holds nothing', async () => {
    let attempts = 0;
    const leases = mk(() =>
      track(async () => {
        attempts++;
        throw new Error('connection refused');
      }),
    );
    const h = leases.run('x', () => {});
    await step(0);
    expect(attempts).toBe(1);
    for (let i = 0; i < 3; i++) await step(FAST.retryMs);
    expect(attempts).toBe(4);
    expect(h.held).toBe(false);
  });
});
