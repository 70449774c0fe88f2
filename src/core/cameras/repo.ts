/**
 * Device rows (cameras and devices of adapter-declared types: doors, readers, …, one table, told
 * apart by `deviceType`): registered from events and by adapters; read by GraphQL.
 */
import { and, asc, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameras } from '../db/schema.ts';
import { CAMERA_DEVICE_TYPE, type CameraStatus, type CapabilityName } from '../events/model.ts';

export type CameraRow = typeof cameras.$inferSelect;

export interface CameraRecord {
  id: string;
  adapter: string;
  instance: string;
  vendorId: string;
  name: string;
  /** The GraphQL object type presenting it: 'Camera', or one of its adapter's deviceTypes. */
  deviceType: string;
  status: CameraStatus;
  capabilities: CapabilityName[];
  details: Record<string, unknown>;
  /** Primary row of the logical camera this source joined (core/cameras/links.ts); null for a primary. Since SDK 2.1.0. */
  linkedInto?: string | null;
  /** Order among the sources of its logical camera (the primary is 0). Since SDK 2.1.0. */
  linkRank?: number;
  /** Site key (sites.key) of the logical camera. Since SDK 2.1.0. */
  siteKey?: string | null;
  /** Configured camera id (config `cameras[].id`). Since SDK 2.1.0. */
  key?: string | null;
  /**
   * A logical camera (what GraphQL presents, core/cameras/logical.ts): its sources in link_rank
   * order, each with its own status and capabilities; absent on a raw source row. Since SDK 2.1.0.
   */
  sources?: DeviceRecord[];
}
/** A device of any type: the same shape as a camera. */
export type DeviceRecord = CameraRecord;

export const toCamera = (r: CameraRow): CameraRecord => ({
  id: r.id,
  adapter: r.adapter,
  instance: r.instance,
  vendorId: r.vendorId,
  name: r.customName ?? r.name,
  deviceType: r.deviceType,
  status: r.status as CameraStatus,
  capabilities: (r.capabilities ?? []) as CapabilityName[],
  details: (r.details ?? {}) as Record<string, unknown>,
  linkedInto: r.linkedInto,
  linkRank: r.linkRank,
  siteKey: r.siteKey,
  key: r.cameraKey,
});

export interface CameraFilter {
  adapters?: readonly string[] | null;
  instances?: readonly string[] | null;
  statuses?: readonly CameraStatus[] | null;
  capabilities?: readonly CapabilityName[] | null;
  /** Site keys: cameras of these sites. */
  siteKeys?: readonly string[] | null;
}
export interface DeviceFilter extends CameraFilter {
  /** Device types (GraphQL type names: Camera, AcmeDoor, …); any of them. */
  types?: readonly string[] | null;
}

type DeviceUpsertRow = Pick<CameraRecord, 'id' | 'adapter' | 'instance' | 'vendorId' | 'name'> & Partial<Pick<CameraRecord, 'status' | 'capabilities' | 'details' | 'deviceType'>>;

/** Insert or update a device (default type Camera); the type is updated too. */
export async function upsertCamera(db: Db, c: DeviceUpsertRow): Promise<void> {
  const set: Partial<typeof cameras.$inferInsert> = { name: c.name, updatedAt: new Date() };
  if (c.deviceType) set.deviceType = c.deviceType;
  if (c.status) set.status = c.status;
  if (c.capabilities) set.capabilities = c.capabilities;
  if (c.details) set.details = c.details;
  await db
    .insert(cameras)
    .values({ ...c, deviceType: c.deviceType ?? CAMERA_DEVICE_TYPE, status: c.status ?? 'UNKNOWN', capabilities: c.capabilities ?? [], details: c.details ?? {} })
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

/**
 * Devices of every type (or of `filter.types`) ordered by id; `after` is the last id of the previous
 * page. Only primaries (a source linked into another camera is listed as that camera): adapters,
 * instances and capabilities match any source of a camera, statuses the row's own status (the
 * services filter a linked camera's composed status).
 */
export async function listDevices(db: Db, filter: DeviceFilter | null | undefined, first: number, after?: string | null): Promise<{ devices: DeviceRecord[]; hasNextPage: boolean }> {
  const c = [isNull(cameras.linkedInto)];
  if (filter?.types?.length) c.push(inArray(cameras.deviceType, [...filter.types]));
  if (filter?.siteKeys) c.push(filter.siteKeys.length ? inArray(cameras.siteKey, [...filter.siteKeys]) : sql`false`);
  if (filter?.statuses?.length) c.push(inArray(cameras.status, [...filter.statuses]));
  const s = [];
  if (filter?.adapters?.length) s.push(inArray(cameras.adapter, [...filter.adapters]));
  if (filter?.instances?.length) s.push(inArray(cameras.instance, [...filter.instances]));
  // Capability names are UPPER_SNAKE (GraphQL enum values); anything else is dropped, never interpolated.
  if (filter?.capabilities?.length) s.push(sql`${cameras.capabilities} ?| ${sql.raw(`array[${filter.capabilities.map((x) => `'${x.replace(/[^A-Z0-9_]/g, '')}'`).join(',')}]`)}`);
  // Any source of the camera (its own row or one linked into it) matching.
  if (s.length) c.push(sql`${cameras.id} in (select coalesce(linked_into, id) from cameras where ${and(...s)})`);
  if (after) c.push(gt(cameras.id, after));
  const rows = await db
    .select()
    .from(cameras)
    .where(and(...c))
    .orderBy(asc(cameras.id))
    .limit(first + 1);
  return { devices: rows.slice(0, first).map(toCamera), hasNextPage: rows.length > first };
}

/** Cameras only (devices of type Camera), ordered by id; `after` is the last id of the previous page. */
export async function listCameras(db: Db, filter: CameraFilter | null | undefined, first: number, after?: string | null): Promise<{ cameras: CameraRecord[]; hasNextPage: boolean }> {
  const r = await listDevices(db, { ...filter, types: [CAMERA_DEVICE_TYPE] }, first, after);
  return { cameras: r.devices, hasNextPage: r.hasNextPage };
}
