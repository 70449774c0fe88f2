/**
 * Retention of the rules' run log (rule_runs): one batch deletes up to `limit` runs whose last
 * change (`at`) is before `olderThan`, oldest ids first, one short statement. A PENDING run (a retry
 * still due) is never deleted, whatever its age. What is lost with a run: its line in `Rule.runs`,
 * and the at-most-once record of (rule, event, action), which only matters to a consumer replaying
 * that event again; cooldown reads runs of events within cooldownSec (≤ 1 day) of a new one, so a
 * retention of at least 2 days leaves it intact.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { resultRows } from '../db/result-rows.ts';

/** Rows deleted by one batch (fewer than `limit`: nothing older is left). */
export async function pruneRuleRunsBatch(db: Pick<Db, 'execute'>, olderThan: Date, limit: number): Promise<number> {
  const [r] = resultRows<{ n: number }>(
    await db.execute(sql`with d as (
        delete from rule_runs where id in (
          select id from rule_runs where at < ${olderThan.toISOString()}::timestamptz and status <> 'PENDING' order by id limit ${limit})
        returning 1)
      select count(*)::int as n from d`),
  );
  return Number(r?.n ?? 0);
}
