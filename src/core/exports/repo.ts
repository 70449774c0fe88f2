/** The data_exports table: one row per built export, until it expires (sweeper.ts removes it). */
import { and, eq, gt, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { dataExports } from '../db/schema.ts';

export type ExportRow = typeof dataExports.$inferSelect;

export async function insertExport(db: Db, row: ExportRow): Promise<void> {
  await db.insert(dataExports).values(row);
}

export async function exportById(db: Db, id: string): Promise<ExportRow | null> {
  const [r] = await db.select().from(dataExports).where(eq(dataExports.id, id)).limit(1);
  return r ?? null;
}

/** Of `ids`, those whose export has not expired at `now`. */
export async function liveExportIds(db: Db, ids: readonly string[], now: Date): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const rows = await db
    .select({ id: dataExports.id })
    .from(dataExports)
    .where(and(inArray(dataExports.id, [...ids]), gt(dataExports.expiresAt, now)));
  return new Set(rows.map((r) => r.id));
}

/** Delete the rows of exports expired at `now`; returns how many. */
export async function deleteExpiredExports(db: Db, now: Date): Promise<number> {
  return (await db.delete(dataExports).where(lte(dataExports.expiresAt, now)).returning({ id: dataExports.id })).length;
}
