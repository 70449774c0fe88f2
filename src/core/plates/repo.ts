/**
 * Plate lists in the store (plate_lists, plate_list_entries): CRUD, bulk upsert of entries in one
 * statement (the batch travels as one JSON text parameter, like the event insert, so 10,000 entries
 * never hit the driver's parameter limit), and the full read the matcher is built from.
 */
import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, gt, inArray, like, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { plateListEntries, plateLists } from '../db/schema.ts';
import { AppError } from '../errors.ts';
import { sqlState } from '../events/refusal.ts';
import type { MatcherEntry, MatcherList, PlateListKind } from './matcher.ts';

export interface PlateListRecord extends MatcherList {
  createdAt: Date;
}

export interface PlateListEntryRecord extends MatcherEntry {}

const toList = (r: typeof plateLists.$inferSelect): PlateListRecord => ({ id: r.id, name: r.name, kind: r.kind as PlateListKind, maxDistance: r.maxDistance, createdAt: r.createdAt });
const toEntry = (r: typeof plateListEntries.$inferSelect): PlateListEntryRecord => ({
  listId: r.listId,
  plateNormalized: r.plateNormalized,
  plate: r.plate,
  label: r.label,
  validFrom: r.validFrom,
  validTo: r.validTo,
});

export async function listPlateLists(db: Db): Promise<PlateListRecord[]> {
  return (await db.select().from(plateLists).orderBy(asc(plateLists.name))).map(toList);
}

export async function plateListsById(db: Db, ids: readonly string[]): Promise<PlateListRecord[]> {
  if (!ids.length) return [];
  return (
    await db
      .select()
      .from(plateLists)
      .where(inArray(plateLists.id, [...ids]))
  ).map(toList);
}

/** Entry counts of these lists (absent or empty lists: 0), in one query. */
export async function plateListSizes(db: Db, listIds: readonly string[]): Promise<Map<string, number>> {
  const out = new Map(listIds.map((id) => [id, 0]));
  if (!listIds.length) return out;
  const rows = await db
    .select({ id: plateListEntries.listId, n: count() })
    .from(plateListEntries)
    .where(inArray(plateListEntries.listId, [...listIds]))
    .groupBy(plateListEntries.listId);
  for (const r of rows) out.set(r.id, Number(r.n));
  return out;
}

export async function plateListSize(db: Db, listId: string): Promise<number> {
  const [r] = await db.select({ n: count() }).from(plateListEntries).where(eq(plateListEntries.listId, listId));
  return Number(r?.n ?? 0);
}

export async function createPlateList(db: Db, input: { name: string; kind: PlateListKind; maxDistance: number }): Promise<PlateListRecord> {
  const rows = await db
    .insert(plateLists)
    .values({ id: randomUUID(), name: input.name, kind: input.kind, maxDistance: input.maxDistance })
    .onConflictDoNothing({ target: plateLists.name })
    .returning();
  if (!rows[0]) throw new AppError('BAD_USER_INPUT', `input.name: a plate list named ${JSON.stringify(input.name)} exists`, { field: 'name' });
  return toList(rows[0]);
}

/** Deletes the list and its entries; false when there was none. Events keep their stored matches. */
export async function deletePlateList(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(plateLists).where(eq(plateLists.id, id)).returning({ id: plateLists.id });
  return rows.length > 0;
}

export interface NewEntry {
  plateNormalized: string;
  plate: string;
  label: string | null;
  validFrom: Date | null;
  validTo: Date | null;
}

/** Insert or replace entries by (list, normalized plate); the last of duplicates within the call wins. NOT_FOUND when the list is gone. */
export async function upsertEntries(db: Db, listId: string, entries: readonly NewEntry[]): Promise<void> {
  if (!entries.length) return;
  const unique = new Map(entries.map((e) => [e.plateNormalized, e]));
  const json = JSON.stringify([...unique.values()].map((e) => ({ plate_normalized: e.plateNormalized, plate: e.plate, label: e.label, valid_from: e.validFrom, valid_to: e.validTo })));
  try {
    await db.execute(sql`
    insert into plate_list_entries (list_id, plate_normalized, plate, label, valid_from, valid_to)
    select ${listId}, plate_normalized, plate, label, valid_from, valid_to
    from jsonb_to_recordset(${json}::text::jsonb) as x(plate_normalized text, plate text, label text, valid_from timestamptz, valid_to timestamptz)
    on conflict (list_id, plate_normalized) do update set
      plate = excluded.plate, label = excluded.label, valid_from = excluded.valid_from, valid_to = excluded.valid_to, updated_at = now()`);
  } catch (err) {
    // The list was deleted after the caller found it (a deletePlateList in between): not ours to answer INTERNAL.
    if (sqlState(err) === FOREIGN_KEY_VIOLATION) throw listGone(listId);
    throw err;
  }
  await touchList(db, listId);
}

const FOREIGN_KEY_VIOLATION = '23503';
const listGone = (listId: string) => new AppError('NOT_FOUND', `plate list ${JSON.stringify(listId.slice(0, 100))} not found`);

/** Marks the list changed (listVersions): other instances without Redis rebuild on their next check. */
async function touchList(db: Db, listId: string): Promise<void> {
  const rows = await db.update(plateLists).set({ updatedAt: sql`clock_timestamp()` }).where(eq(plateLists.id, listId)).returning({ id: plateLists.id });
  if (!rows.length) throw listGone(listId); // deleted in between
}

/**
 * Every list's id and last change, as one text: it differs after any list is created, deleted or
 * changed (addPlates / removePlates touch their list). Cheap: read instead of the entries to learn
 * whether a rebuild is needed.
 */
export async function listVersions(db: Db): Promise<string> {
  const rows = await db.select({ id: plateLists.id, at: plateLists.updatedAt }).from(plateLists).orderBy(asc(plateLists.id));
  return rows.map((r) => `${r.id}@${r.at.getTime()}`).join(',');
}

/** Removes the entries of these normalized plates (absent ones are ignored). NOT_FOUND when the list is gone. */
export async function removeEntries(db: Db, listId: string, platesNormalized: readonly string[]): Promise<void> {
  if (!platesNormalized.length) return;
  const json = JSON.stringify([...new Set(platesNormalized)]);
  await db.execute(sql`delete from plate_list_entries where list_id = ${listId} and plate_normalized in (select jsonb_array_elements_text(${json}::text::jsonb))`);
  await touchList(db, listId);
}

/** Entries of a list ordered by normalized plate, after `after` (a normalized plate); `plate`: exact, or a prefix with a trailing `*`. */
export async function listEntries(db: Db, listId: string, first: number, after: string | null, plate: string | null): Promise<{ entries: PlateListEntryRecord[]; hasNextPage: boolean }> {
  const cond: SQL[] = [eq(plateListEntries.listId, listId)];
  if (after != null) cond.push(gt(plateListEntries.plateNormalized, after));
  if (plate) {
    if (plate.endsWith('*')) cond.push(like(plateListEntries.plateNormalized, `${plate.slice(0, -1).replace(/[\\%_]/g, (c) => `\\${c}`)}%`));
    else cond.push(eq(plateListEntries.plateNormalized, plate));
  }
  const rows = await db
    .select()
    .from(plateListEntries)
    .where(and(...cond))
    .orderBy(asc(plateListEntries.plateNormalized))
    .limit(first + 1);
  return { entries: rows.slice(0, first).map(toEntry), hasNextPage: rows.length > first };
}

/** A page of every list's entries in (list, normalized plate) order, after `after`: what the matcher is rebuilt from. */
export async function entriesPage(db: Db, after: { listId: string; plateNormalized: string } | null, limit: number): Promise<PlateListEntryRecord[]> {
  const rows = await db
    .select()
    .from(plateListEntries)
    .where(after ? sql`(${plateListEntries.listId}, ${plateListEntries.plateNormalized}) > (${after.listId}, ${after.plateNormalized})` : undefined)
    .orderBy(asc(plateListEntries.listId), asc(plateListEntries.plateNormalized))
    .limit(limit);
  return rows.map(toEntry);
}
