/** Camera rows: registered from events and by adapters; read by GraphQL. */
import { and, asc, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameras } from '../db/schema.ts';
import type { Capability, CameraStatus } from '../events/model.ts';

export type CameraRow = typeof cameras.$inferSelect;

export interface CameraRecord {
  id: string;
  adapter: string;
  instance: string;
  vendorId: string;
  name: string;
  status: CameraStatus;
  capabilities: Capability[];
  details: Record<string, unknown>;
}

export const toCamera = (r: CameraRow): CameraRecord => ({
  id: r.id,
  adapter: r.adapter,
  instance: r.instance,
  vendorId: r.vendorId,
  name: r.name,
  status: r.status as CameraStatus,
  capabilities: (r.capabilities ?? []) as Capability[],
  details: (r.details ?? {}) as Record<string, unknown>,
});

export interface CameraFilter {
  adapters?: readonly string[] | null;
  instances?: readonly string[] | null;
  statuses?: readonly CameraStatus[] | null;
  capabilities?: readonly Capability[] | null;
}

export async function upsertCamera(db: Db, c: Omit<CameraRecord, 'status' | 'capabilities' | 'details'> & Partial<Pick<CameraRecord, 'status' | 'capabilities' | 'details'>>): Promise<void> {
  const set: Partial<typeof cameras.$inferInsert> = { name: c.name, updatedAt: new Date() };
  if (c.status) set.status = c.status;
  if (c.capabilities) set.capabilities = c.capabilities;
  if (c.details) set.details = c.details;
  await db
    .insert(cameras)
    .values({ ...c, status: c.status ?? 'UNKNOWN', capabilities: c.capabilities ?? [], details: c.details ?? {} })
    .onConflictDoUpdate({ target: cameras.id, set });
}

export async function setCameraStatus(db: Db, id: string, status: CameraStatus): Promise<void> {
  await db.update(cameras).set({ status, updatedAt: new Date() }).where(eq(cameras.id, id));
}

export async function camerasById(db: Db, ids: readonly string[]): Promise<CameraRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select()
    .from(cameras)
    .where(inArray(cameras.id, [...ids]));
  return rows.map(toCamera);
}

/** Ordered by id; `after` is the last id of the previous page. */
export async function listCameras(db: Db, filter: CameraFilter | null | undefined, first: number, after?: string | null): Promise<{ cameras: CameraRecord[]; hasNextPage: boolean }> {
  const c = [];
  if (filter?.adapters?.length) c.push(inArray(cameras.adapter, [...filter.adapters]));
  if (filter?.instances?.length) c.push(inArray(cameras.instance, [...filter.instances]));
  if (filter?.statuses?.length) c.push(inArray(cameras.status, [...filter.statuses]));
  if (filter?.capabilities?.length) c.push(sql`${cameras.capabilities} ?| ${sql.raw(`array[${filter.capabilities.map((x) => `'${x.replace(/[^A-Z_]/g, '')}'`).join(',')}]`)}`);
  if (after) c.push(gt(cameras.id, after));
  const rows = await db
    .select()
    .from(cameras)
    .where(and(...c))
    .orderBy(asc(cameras.id))
    .limit(first + 1);
  return { cameras: rows.slice(0, first).map(toCamera), hasNextPage: rows.length > first };
}
