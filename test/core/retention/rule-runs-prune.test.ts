/**
 * rule_runs under retention, on both drivers: the retention pass deletes the runs whose last change
 * is older than ruleRunsRetainDays (in batches), keeps younger ones and PENDING retries of any age,
 * and keeps everything when no retention is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFileSchema } from '../../../src/core/config/schema.ts';
import { resultRows } from '../../../src/core/db/result-rows.ts';
import { createRetentionMetrics } from '../../../src/core/lifecycle/metrics.ts';
import { type PassDeps, runRetentionPass } from '../../../src/core/lifecycle/retention-pass.ts';
import { FileMediaStore } from '../../../src/core/media/store.ts';
import { ManualClock } from '../../../src/core/time/manual-clock.ts';
import { drivers, type TestDb } from '../../helpers/db.ts';
import { DAY } from './helpers.ts';

for (const driver of drivers) {
  describe(`rule_runs retention on ${driver.name}`, () => {
    let db: TestDb;
    let media: FileMediaStore;
    const dir = mkdtempSync(join(tmpdir(), 'usa-rule-runs-'));
    const clock = new ManualClock(Date.now());
    const metrics = createRetentionMetrics(new Registry());
    const deps = (o: Partial<PassDeps>): PassDeps => ({
      db: db.database.db,
      media,
      metrics,
      clock,
      log: pino({ level: 'silent' }),
      policies: async () => [],
      batchSize: 2,
      ...o,
    });
    const statuses = async () => resultRows<{ s: string }>(await db.database.db.execute(sql`select status || ':' || idempotency_key as s from rule_runs order by id`)).map((r) => r.s);

    beforeAll(async () => {
      db = await driver.open();
      media = new FileMediaStore(dir, db.database.db);
      const d = db.database.db;
      await d.execute(sql`insert into rules (id, name, "when", actions, from_seq) values ('rr-1', 'prune me', '{}'::jsonb, '[]'::jsonb, 0)`);
      const run = (seq: number, status: string, ageDays: number) =>
        d.execute(sql`insert into rule_runs (rule_id, event_seq, action, camera_id, occurred_at, status, idempotency_key, at)
          values ('rr-1', ${seq}, 0, '', ${new Date(clock.nowMs() - ageDays * DAY).toISOString()}::timestamptz, ${status}, ${`k${seq}`},
                  ${new Date(clock.nowMs() - ageDays * DAY).toISOString()}::timestamptz)`);
      await run(1, 'SUCCEEDED', 100);
      await run(2, 'FAILED', 95);
      await run(3, 'SKIPPED', 91);
      await run(4, 'PENDING', 120);
      await run(5, 'SUCCEEDED', 89);
      await run(6, 'SUCCEEDED', 1);
    });
    afterAll(async () => {
      media?.close();
      await db?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    });

    it('keeps every run when no retention is given', async () => {
      const r = await runRetentionPass(deps({}), new AbortController().signal);
      expect(r.ruleRuns).toBe(0);
      expect(await statuses()).toHaveLength(6);
    });

    it('deletes runs last changed before the retention, in batches; keeps younger ones and PENDING retries', async () => {
      const r = await runRetentionPass(deps({ ruleRunsRetainMs: 90 * DAY }), new AbortController().signal);
      expect(r).toMatchObject({ ruleRuns: 3, complete: true });
      expect(await statuses()).toEqual(['PENDING:k4', 'SUCCEEDED:k5', 'SUCCEEDED:k6']);
      expect((await metrics.ruleRunsDeleted.get()).values[0]?.value).toBe(3);
    });

    it('the config default is 90 days, at least 2', () => {
      expect(configFileSchema.parse({}).ruleRunsRetainDays).toBe(90);
      expect(configFileSchema.safeParse({ ruleRunsRetainDays: 1 }).success).toBe(false);
    });
  });
}
