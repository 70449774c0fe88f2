/**
 * The audit_log table: append, read newest first (keyset on id), prune by age in bounded batches.
 * Nothing here updates or deletes a single entry: the log is append only; only the prune removes
 * whole old rows.
 */
import { desc, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { auditLog } from '../db/schema.ts';

export interface NewAuditEntry {
  at: Date;
  keyId: string | null;
  action: string;
  args: Record<string, unknown>;
  outcome: string;
}

export interface AuditEntryRecord extends NewAuditEntry {
  id: bigint;
}

export async function appendAuditEntries(db: Db, entries: readonly NewAuditEntry[]): Promise<void> {
  if (!entries.length) return;
  await db.insert(auditLog).values(entries.map((e) => ({ ...e })));
}

/** Newest first, entries older than `before` (an id) when given; `first` + 1 read to tell hasNextPage. */
export async function listAuditEntries(db: Db, first: number, before: bigint | null): Promise<{ entries: AuditEntryRecord[]; hasNextPage: boolean }> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(before === null ? undefined : lt(auditLog.id, before))
    .orderBy(desc(auditLog.id))
    .limit(first + 1);
  return { entries: rows.slice(0, first).map((r) => ({ ...r, args: r.args as Record<string, unknown> })), hasNextPage: rows.length > first };
}

/** Delete up to `batch` entries recorded at or before `olderThan`, oldest first; returns how many. */
export async function pruneAuditBatch(db: Db, olderThan: Date, batch: number): Promise<number> {
  const ids = db.select({ id: auditLog.id }).from(auditLog).where(lte(auditLog.at, olderThan)).orderBy(auditLog.at).limit(batch);
  const deleted = await db.delete(auditLog).where(inArray(auditLog.id, ids)).returning({ id: auditLog.id });
  return deleted.length;
}

/** Entries in the log (tests, metrics). */
export async function countAuditEntries(db: Db): Promise<number> {
  const [r] = await db.select({ n: sql<string>`count(*)` }).from(auditLog);
  return Number(r?.n ?? 0);
}
