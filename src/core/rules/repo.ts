/**
 * Rules and their runs in the store (rules, rule_runs). Runs are inserted ON CONFLICT DO NOTHING
 * RETURNING: only the rows an insert created are executed (at most once per rule, event and
 * action, also while two lease holders overlap). Due retries are claimed with a conditional update,
 * so one run is attempted by one caller at a time.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, lt, lte, max, ne, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { ruleRuns, rules } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import type { PlannedRun } from './evaluate.ts';
import type { NewRule, RuleAction, RuleOrigin, RuleRecord, RuleRunRecord, RuleUpdate, RuleWhen, RunStatus } from './model.ts';

const toRule = (r: typeof rules.$inferSelect): RuleRecord => ({
  id: r.id,
  name: r.name,
  enabled: r.enabled,
  when: (r.when ?? {}) as RuleWhen,
  actions: (r.actions ?? []) as RuleAction[],
  cooldownSec: r.cooldownSec,
  fromSeq: BigInt(r.fromSeq),
  lastFiredAt: r.lastFiredAt,
  origin: r.origin as RuleOrigin,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});
const toRun = (r: typeof ruleRuns.$inferSelect): RuleRunRecord => ({ ...r, id: BigInt(r.id), eventSeq: BigInt(r.eventSeq), status: r.status as RunStatus });

const nameTaken = (name: string) => new AppError('BAD_USER_INPUT', `name: a rule named ${JSON.stringify(name)} exists`, { field: 'name' });
const isUniqueViolation = (e: unknown) => /rules_name_uq|duplicate key|unique/i.test(String((e as { cause?: unknown })?.cause ?? '') + String((e as Error)?.message ?? ''));

export async function listRules(db: Db): Promise<RuleRecord[]> {
  return (await db.select().from(rules).orderBy(asc(rules.name))).map(toRule);
}

export async function enabledRules(db: Db): Promise<RuleRecord[]> {
  return (await db.select().from(rules).where(eq(rules.enabled, true)).orderBy(asc(rules.createdAt), asc(rules.id))).map(toRule);
}

export async function ruleById(db: Db, id: string): Promise<RuleRecord | null> {
  const [r] = await db.select().from(rules).where(eq(rules.id, id));
  return r ? toRule(r) : null;
}

export async function ruleByName(db: Db, name: string): Promise<RuleRecord | null> {
  const [r] = await db.select().from(rules).where(eq(rules.name, name));
  return r ? toRule(r) : null;
}

export async function countRules(db: Db): Promise<number> {
  const [r] = await db.select({ n: count() }).from(rules);
  return Number(r?.n ?? 0);
}

export async function insertRule(db: Db, rule: NewRule, fromSeq: bigint): Promise<RuleRecord> {
  try {
    const [r] = await db
      .insert(rules)
      .values({ id: randomUUID(), ...rule, fromSeq })
      .returning();
    return toRule(r!);
  } catch (e) {
    if (isUniqueViolation(e)) throw nameTaken(rule.name);
    throw e;
  }
}

/** `fromSeq` given: the rule was (re-)enabled, events up to it are not acted on. */
export async function updateRule(db: Db, id: string, update: RuleUpdate, fromSeq: bigint | null): Promise<RuleRecord | null> {
  try {
    const [r] = await db
      .update(rules)
      .set({ ...update, ...(fromSeq !== null ? { fromSeq } : {}), updatedAt: sql`now()` })
      .where(eq(rules.id, id))
      .returning();
    return r ? toRule(r) : null;
  } catch (e) {
    if (update.name !== undefined && isUniqueViolation(e)) throw nameTaken(update.name);
    throw e;
  }
}

export async function deleteRule(db: Db, id: string): Promise<boolean> {
  return (await db.delete(rules).where(eq(rules.id, id)).returning({ id: rules.id })).length > 0;
}

/** The occurredAt of the last event (other than `seq`) the rule fired on for this camera; null when none. */
export async function lastFiredOccurredAt(db: Db, ruleId: string, cameraId: string, seq: bigint): Promise<Date | null> {
  const [r] = await db
    .select({ at: max(ruleRuns.occurredAt) })
    .from(ruleRuns)
    .where(and(eq(ruleRuns.ruleId, ruleId), eq(ruleRuns.cameraId, cameraId), ne(ruleRuns.status, 'SKIPPED'), ne(ruleRuns.eventSeq, seq)));
  return r?.at ? new Date(r.at) : null;
}

/**
 * Insert the planned runs; returns only those this insert created (a conflict: another attempt at
 * the same rule and event already did). PENDING ones are claimed until `claimUntil`.
 */
export async function insertRuns(db: Db, runs: readonly PlannedRun[], claimUntil: Date): Promise<RuleRunRecord[]> {
  if (!runs.length) return [];
  const rows = await db
    .insert(ruleRuns)
    .values(runs.map((r) => ({ ...r, nextAttemptAt: r.status === 'PENDING' ? claimUntil : null })))
    .onConflictDoNothing({ target: [ruleRuns.ruleId, ruleRuns.eventSeq, ruleRuns.action] })
    .returning();
  return rows.map(toRun);
}

export async function markFired(db: Db, ruleId: string, at: Date): Promise<void> {
  await db.update(rules).set({ lastFiredAt: at }).where(eq(rules.id, ruleId));
}

/** The outcome of an attempt (attempts counted here). */
export async function recordAttempt(db: Db, id: bigint, outcome: { status: RunStatus; error: string | null; nextAttemptAt: Date | null }): Promise<RuleRunRecord | null> {
  const [r] = await db
    .update(ruleRuns)
    .set({ status: outcome.status, error: outcome.error, nextAttemptAt: outcome.nextAttemptAt, attempts: sql`${ruleRuns.attempts} + 1`, at: sql`now()` })
    .where(and(eq(ruleRuns.id, id), eq(ruleRuns.status, 'PENDING')))
    .returning();
  return r ? toRun(r) : null;
}

/** Claim up to `limit` PENDING runs due at `now` (next_attempt_at moved to `claimUntil`); only the ones this call moved. */
export async function claimDue(db: Db, now: Date, claimUntil: Date, limit: number): Promise<RuleRunRecord[]> {
  const due = await db
    .select({ id: ruleRuns.id, next: ruleRuns.nextAttemptAt })
    .from(ruleRuns)
    .where(and(eq(ruleRuns.status, 'PENDING'), lte(ruleRuns.nextAttemptAt, now)))
    .orderBy(asc(ruleRuns.nextAttemptAt))
    .limit(limit);
  const out: RuleRunRecord[] = [];
  for (const d of due) {
    const [r] = await db
      .update(ruleRuns)
      .set({ nextAttemptAt: claimUntil })
      .where(and(eq(ruleRuns.id, d.id), eq(ruleRuns.status, 'PENDING'), eq(ruleRuns.nextAttemptAt, d.next!)))
      .returning();
    if (r) out.push(toRun(r));
  }
  return out;
}

/** PENDING runs that already failed once or more (waiting for a retry). */
export async function retryQueueDepth(db: Db): Promise<number> {
  const [r] = await db
    .select({ n: count() })
    .from(ruleRuns)
    .where(and(eq(ruleRuns.status, 'PENDING'), sql`${ruleRuns.attempts} > 0`));
  return Number(r?.n ?? 0);
}

/** Runs of a rule, newest first; `after`: a run id (the cursor). */
export async function listRuns(db: Db, ruleId: string, first: number, after: bigint | null): Promise<{ runs: RuleRunRecord[]; hasNextPage: boolean }> {
  const rows = await db
    .select()
    .from(ruleRuns)
    .where(and(eq(ruleRuns.ruleId, ruleId), after !== null ? lt(ruleRuns.id, after) : undefined))
    .orderBy(desc(ruleRuns.id))
    .limit(first + 1);
  return { runs: rows.slice(0, first).map(toRun), hasNextPage: rows.length > first };
}

/** Every run of a rule and event (tests and tools). */
export async function runsOfEvent(db: Db, ruleId: string, seq: bigint): Promise<RuleRunRecord[]> {
  return (
    await db
      .select()
      .from(ruleRuns)
      .where(and(eq(ruleRuns.ruleId, ruleId), eq(ruleRuns.eventSeq, seq)))
      .orderBy(asc(ruleRuns.action))
  ).map(toRun);
}
