/**
 * One bad row never looks like an outage (src/core/events/writer.ts, refusal.ts), on each driver: a
 * row the database refuses while it answers (here SQLSTATE 54000, an index row too large) is
 * bisected out of its batch and refused as data (BAD_USER_INPUT, counted, never retried), while the
 * writes around it commit; a systemic error or an unanswered ping is still an outage; a passing
 * glitch on a single row is retried once, not refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { sql } from 'drizzle-orm';
import { drivers, type TestDb } from '../helpers/db.ts';
import type { InsertableEventRow } from '../../src/core/db/event-insert.ts';
import type { Db } from '../../src/core/db/client.ts';
import { EventWriter } from '../../src/core/events/writer.ts';
import { LocalEventBus } from '../../src/core/events/bus.ts';
import { createMetrics, type Metrics } from '../../src/core/ops/metrics.ts';

const T0 = new Date('2024-06-14T10:00:00.123Z');
/** 12,000 characters that do not compress: too large for a btree index row (SQLSTATE 54000). */
const hugePlate = () => randomBytes(9000).toString('base64');
const row = (instance: string, dedupeKey: string, plateNormalized: string | null = null): InsertableEventRow => ({
  typeName: 'TestThingEvent',
  kind: 'CUSTOM',
  vendorType: 'thing',
  occurredAt: T0,
  receivedAt: T0,
  adapter: 'wr',
  instance,
  cameraId: null,
  dedupeKey,
  plateNormalized,
  trackId: null,
  plate: null,
  analytics: null,
  data: {},
  raw: {},
  media: [],
});
const metricValue = async (m: Metrics, name: string, labels = '') => {
  const line = (await m.registry.metrics()).split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
};
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code ?? 'no code',
  );

for (const driver of drivers) {
  describe(`writer isolates rows the database refuses, on ${driver.name}`, () => {
    let t: TestDb;
    beforeAll(async () => void (t = await driver.open()));
    afterAll(() => t.cleanup());

    const stored = async (instance: string) => {
      const r = (await t.database.db.execute(sql`select dedupe_key from events where adapter = 'wr' and instance = ${instance} order by seq`)) as unknown as { rows?: unknown[] } | unknown[];
      return ((Array.isArray(r) ? r : (r.rows ?? [])) as Array<{ dedupe_key: string }>).map((x) => x.dedupe_key);
    };

    /** The real database; `fail(n, err)` makes the next n statements (pings included) fail with err. */
    const setup = () => {
      const injected: Array<unknown> = [];
      const real = t.database.db;
      const state = { statements: 0 };
      const db = new Proxy(real, {
        get: (target, prop, receiver) =>
          prop === 'execute'
            ? (q: unknown) => {
                state.statements += 1;
                if (injected.length) return Promise.reject(injected.shift());
                return target.execute(q as never);
              }
            : Reflect.get(target, prop, receiver),
      }) as Db;
      const metrics = createMetrics();
      const writer = new EventWriter({ db, bus: new LocalEventBus(), log: pino({ level: 'silent' }), metrics });
      const write = (r: InsertableEventRow, deadlineMs = 10_000) => writer.enqueue({ row: r, mediaRows: [], deadline: Date.now() + deadlineMs });
      return { writer, write, metrics, state, fail: (n: number, err: unknown) => injected.push(...Array(n).fill(err)) };
    };

    it('a poison row in a batch of valid ones: the valid ones commit, the poison one is refused BAD_USER_INPUT and counted', async () => {
      const { write, metrics } = setup();
      const keys = Array.from({ length: 20 }, (_, i) => `v${i}`);
      const ps = keys.map((k, i) => (i === 7 ? codeOf(write(row('a', 'poison', hugePlate()))) : codeOf(write(row('a', k)))));
      const codes = await Promise.all(ps);
      expect(codes).toEqual(keys.map((_, i) => (i === 7 ? 'BAD_USER_INPUT' : 'ok')));
      expect(await stored('a')).toEqual(keys.filter((_, i) => i !== 7));
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="a"}')).toBe(1);
      expect(await metricValue(metrics, 'db_write_errors_total')).toBe(0);
    });

    it('a poison row alone is refused at once, not held to its deadline as in an outage', async () => {
      const { write, metrics } = setup();
      expect(await codeOf(write(row('b', 'alone', hugePlate()), 60_000))).toBe('BAD_USER_INPUT');
      expect(await codeOf(write(row('b', 'after')))).toBe('ok');
      expect(await stored('b')).toEqual(['after']);
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="b"}')).toBe(1);
    });

    it('a systemic error (connection lost, 08006) is an outage: retried, and the write commits', async () => {
      const { write, metrics, fail } = setup();
      fail(3, Object.assign(new Error('terminating connection'), { code: '08006' }));
      expect(await codeOf(write(row('c', 'kept')))).toBe('ok');
      expect(await stored('c')).toEqual(['kept']);
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="c"}')).toBe(0);
      expect(await metricValue(metrics, 'db_write_errors_total')).toBe(3);
    });

    it('a driver connection error (CONNECTION_CLOSED, no SQLSTATE) is an outage at once: no ping queued on the pool', async () => {
      const { write, metrics, fail } = setup();
      // Three failed calls, all statements: a ping after each would have used up the failures sooner.
      fail(3, Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' }));
      expect(await codeOf(write(row('cc', 'kept')))).toBe('ok');
      expect(await stored('cc')).toEqual(['kept']);
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="cc"}')).toBe(0);
      expect(await metricValue(metrics, 'db_write_errors_total')).toBe(3);
    });

    it('an error without SQLSTATE while the ping fails is an outage, not a refusal', async () => {
      const { write, metrics, fail } = setup();
      fail(4, new Error('socket hang up')); // statement, ping, statement, ping
      expect(await codeOf(write(row('d', 'kept')))).toBe('ok');
      expect(await stored('d')).toEqual(['kept']);
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="d"}')).toBe(0);
      expect(await metricValue(metrics, 'db_write_errors_total')).toBe(2);
    });

    it('a passing glitch on one row while the database answers is retried once, not refused', async () => {
      const { write, metrics, fail, state } = setup();
      fail(1, new Error('socket hang up')); // the statement only; the ping answers
      expect(await codeOf(write(row('e', 'kept')))).toBe('ok');
      expect(await stored('e')).toEqual(['kept']);
      expect(state.statements).toBe(3); // statement, ping, the row again
      expect(await metricValue(metrics, 'events_refused_total', '{adapter="wr",instance="e"}')).toBe(0);
    });
  });
}
