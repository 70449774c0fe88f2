/**
 * The PostgreSQL session behind PgLeases (lease.ts): its own postgres.js client limited to exactly
 * one connection, so every lock is taken and checked on the same backend. Not a connection of the
 * main pool, and not `reserve()`d:
 * - postgres.js recycles pool connections (max_lifetime, 30–60 min), which would drop every lease
 *   periodically, and a hung pool connection cannot be ended on its own; here the lifetime is
 *   unlimited and close() ends this client alone;
 * - a query on a reserved connection whose socket has closed throws an uncaught TypeError inside
 *   postgres.js 3.4 (nextWrite on a null socket), which would crash the process.
 *
 * The session is dead once its connection closed (`onclose`), and check() also compares the backend
 * pid: a different pid means the driver reconnected behind our back (the old backend, and with it
 * every lock, is gone). Either counts as a failure, so PgLeases drops every lease of the session.
 */
import type { LockSession } from './lease.ts';

/** First key of every lease lock (the second is hashtext(name)); the migration lock uses 7413001. */
export const LEASE_LOCK_CLASS = 7413100;

export async function openPgLockSession(url: string): Promise<LockSession> {
  const { default: postgres } = await import('postgres');
  let dead: string | null = null;
  const alive = () => {
    if (dead) throw new Error(dead);
  };
  const sql = postgres(url, {
    max: 1,
    onclose: () => {
      dead ??= 'the lease connection closed';
    },
    idle_timeout: 0,
    max_lifetime: 0,
    connect_timeout: 10,
    onnotice: () => {},
    connection: { application_name: 'unified-surveillance-api/leases' },
  });
  try {
    const [{ pid }] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
    let closed = false;
    return {
      id: `pid ${pid}`,
      tryLock: async (name) => {
        alive();
        const [r] = await sql<Array<{ ok: boolean }>>`select pg_try_advisory_lock(${LEASE_LOCK_CLASS}, hashtext(${name})) as ok`;
        return r.ok === true;
      },
      unlock: async (name) => {
        alive();
        const [r] = await sql<Array<{ ok: boolean }>>`select pg_advisory_unlock(${LEASE_LOCK_CLASS}, hashtext(${name})) as ok`;
        if (r.ok !== true) throw new Error(`lease ${name} was not held by this session`);
      },
      check: async () => {
        alive();
        const [r] = await sql<Array<{ pid: number }>>`select pg_backend_pid() as pid`;
        if (r.pid !== pid) throw new Error(`the lease connection was replaced (backend ${pid} → ${r.pid}): its locks are gone`);
      },
      close: async () => {
        if (closed) return;
        closed = true;
        dead ??= 'closed';
        await sql.end({ timeout: 1 }).catch(() => {});
      },
    };
  } catch (err) {
    await sql.end({ timeout: 0 }).catch(() => {});
    throw err;
  }
}
