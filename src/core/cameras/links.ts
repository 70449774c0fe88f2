/**
 * Linked cameras in the store: link, unlink, rename / move to a site, and the config's `cameras:`
 * applied at start-up. A logical camera is a primary row (linked_into null, its id is the camera's
 * id) plus the rows linked into it (linked_into = the primary's id), ordered by link_rank. Linking
 * never changes the `into` camera's id; an unlinked source becomes a primary again, so its old id.
 */
import { and, asc, eq, inArray, isNotNull, isNull, ne, notInArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameras, sites } from '../db/schema.ts';
import { badInput, notFound } from '../errors.ts';
import { CAMERA_DEVICE_TYPE } from '../events/model.ts';

export type LinkOrigin = 'config' | 'api';

/** Every source linked into another camera: source id → primary id, and the primaries' sources in link_rank order. */
export interface LinkSnapshot {
  primaryOf: Map<string, string>;
  /** Primary id → its linked sources (not the primary itself), in link_rank order. */
  linked: Map<string, string[]>;
}

export async function readLinks(db: Db): Promise<LinkSnapshot> {
  const rows = await db
    .select({ id: cameras.id, into: cameras.linkedInto })
    .from(cameras)
    .where(isNotNull(cameras.linkedInto))
    .orderBy(asc(cameras.linkedInto), asc(cameras.linkRank), asc(cameras.id));
  const primaryOf = new Map<string, string>();
  const linked = new Map<string, string[]>();
  for (const r of rows) {
    const into = r.into as string;
    primaryOf.set(r.id, into);
    const list = linked.get(into) ?? [];
    list.push(r.id);
    linked.set(into, list);
  }
  return { primaryOf, linked };
}

/** Ids of the primary cameras of these sites. */
export async function cameraIdsOfSites(db: Db, siteKeys: readonly string[]): Promise<string[]> {
  if (!siteKeys.length) return [];
  const rows = await db
    .select({ id: cameras.id })
    .from(cameras)
    .where(and(inArray(cameras.siteKey, [...siteKeys]), isNull(cameras.linkedInto)));
  return rows.map((r) => r.id);
}

/**
 * The sources of the `from` cameras (each a camera of its own, or with its linked sources) join
 * `into`, after its own sources. Refused (BAD_USER_INPUT naming the id): `into` among `from`, a
 * `from` or `into` that is a source of another camera, a configured `from` camera. Unknown ids: NOT_FOUND.
 */
export async function linkCameras(db: Db, into: string, from: readonly string[], origin: LinkOrigin): Promise<void> {
  const fromIds = [...new Set(from)];
  if (fromIds.includes(into)) throw badInput(`input.from: camera ${into} cannot be linked into itself`, { field: 'from' });
  await db.transaction(async (tx) => {
    const ids = [into, ...fromIds];
    const rows = await tx
      .select()
      .from(cameras)
      .where(or(inArray(cameras.id, ids), inArray(cameras.linkedInto, ids)))
      .orderBy(asc(cameras.linkRank), asc(cameras.id))
      .for('update');
    const byId = new Map(rows.map((r) => [r.id, r]));
    const target = byId.get(into);
    if (!target || target.deviceType !== CAMERA_DEVICE_TYPE) throw notFound(`input.into: camera ${into} not found`);
    if (target.linkedInto) throw badInput(`input.into: ${into} is a source of camera ${target.linkedInto}; link into that camera`, { field: 'into' });
    let rank = Math.max(0, ...rows.filter((r) => r.linkedInto === into).map((r) => r.linkRank));
    for (const f of fromIds) {
      const r = byId.get(f);
      if (!r || r.deviceType !== CAMERA_DEVICE_TYPE) throw notFound(`input.from: camera ${f} not found`);
      if (r.linkedInto === into) continue; // already one of its sources
      if (r.linkedInto) throw badInput(`input.from: source ${f} is already in camera ${r.linkedInto}; unlink it there first`, { field: 'from' });
      if (r.cameraKey) throw badInput(`input.from: camera ${f} is configured (cameras: ${r.cameraKey}); change the config to link it`, { field: 'from' });
      const group = [r, ...rows.filter((x) => x.linkedInto === f)];
      for (const s of group) {
        rank += 1;
        await tx.update(cameras).set({ linkedInto: into, linkRank: rank, linkOrigin: origin, updatedAt: new Date() }).where(eq(cameras.id, s.id));
      }
    }
  });
}

/**
 * `source` leaves camera `cameraId` and is a camera of its own again (its old id). The primary
 * source cannot leave (the camera's id is its id): BAD_USER_INPUT, as is a source of another camera.
 */
export async function unlinkSource(db: Db, cameraId: string, source: string): Promise<void> {
  await db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(cameras)
      .where(inArray(cameras.id, [cameraId, source]))
      .for('update');
    const cam = rows.find((r) => r.id === cameraId);
    if (!cam || cam.deviceType !== CAMERA_DEVICE_TYPE || cam.linkedInto) throw notFound(`input.cameraId: camera ${cameraId} not found`);
    const src = rows.find((r) => r.id === source);
    if (!src) throw notFound(`input.source: source ${source} not found`);
    if (src.id === cameraId) throw badInput(`input.source: ${source} is the primary source of camera ${cameraId} (its id); unlink the other sources instead`, { field: 'source' });
    if (src.linkedInto !== cameraId) throw badInput(`input.source: ${source} is not a source of camera ${cameraId}`, { field: 'source' });
    await tx.update(cameras).set({ linkedInto: null, linkRank: 0, linkOrigin: null, updatedAt: new Date() }).where(eq(cameras.id, source));
  });
}

export interface CameraUpdate {
  /** undefined: unchanged; null: back to the vendor's name. */
  name?: string | null;
  /** undefined: unchanged; null: no site. */
  siteKey?: string | null;
}

/** Rename a camera or move it to a site; NOT_FOUND naming the camera or the site. */
export async function updateCamera(db: Db, id: string, u: CameraUpdate): Promise<void> {
  const set: Partial<typeof cameras.$inferInsert> = { updatedAt: new Date() };
  if (u.name !== undefined) set.customName = u.name;
  if (u.siteKey !== undefined) {
    if (u.siteKey !== null) {
      const s = await db.select({ key: sites.key }).from(sites).where(eq(sites.key, u.siteKey));
      if (!s.length) throw notFound(`input.siteId: site ${u.siteKey} not found`);
    }
    set.siteKey = u.siteKey;
  }
  const r = await db
    .update(cameras)
    .set(set)
    .where(and(eq(cameras.id, id), isNull(cameras.linkedInto), eq(cameras.deviceType, CAMERA_DEVICE_TYPE)))
    .returning({ id: cameras.id });
  if (!r.length) throw notFound(`input.id: camera ${id} not found`);
}

export interface SiteConfig {
  id: string;
  name: string;
  timezone?: string | null;
}
export interface CameraConfig {
  id: string;
  name?: string | null;
  site?: string | null;
  /** `adapter/instance/vendorId`, the first is the primary (its id is the camera's id). */
  sources: readonly string[];
}

/**
 * The config's `sites:` and `cameras:` made true in the store (idempotent; run at every start-up):
 * sites upserted, configured sites no longer in config removed; each configured camera's first
 * source is its primary (key, and name/site when given), the others linked in config order;
 * sources not seen yet get a placeholder row (UNKNOWN, no capabilities) that their adapter fills
 * in. Config-made links and keys no longer in config are undone; run-time (api) links stay.
 */
export async function applyCameraConfig(db: Db, cfg: { sites: readonly SiteConfig[]; cameras: readonly CameraConfig[] }): Promise<void> {
  await db.transaction(async (tx) => {
    const now = new Date();
    for (const s of cfg.sites) {
      await tx
        .insert(sites)
        .values({ key: s.id, name: s.name, timezone: s.timezone ?? null, origin: 'config', updatedAt: now })
        .onConflictDoUpdate({ target: sites.key, set: { name: s.name, timezone: s.timezone ?? null, origin: 'config', updatedAt: now } });
    }
    const siteKeys = cfg.sites.map((s) => s.id);
    await tx.delete(sites).where(and(eq(sites.origin, 'config'), siteKeys.length ? notInArray(sites.key, siteKeys) : sql`true`));
    await tx
      .update(cameras)
      .set({ siteKey: null })
      .where(and(isNotNull(cameras.siteKey), sql`${cameras.siteKey} not in (select key from sites)`));

    const keys = cfg.cameras.map((c) => c.id);
    await tx
      .update(cameras)
      .set({ cameraKey: null })
      .where(and(isNotNull(cameras.cameraKey), keys.length ? notInArray(cameras.cameraKey, keys) : sql`true`));
    const configLinked: string[] = [];
    for (const c of cfg.cameras) {
      for (const src of c.sources) {
        const [adapter, instance, ...rest] = src.split('/');
        await tx
          .insert(cameras)
          .values({ id: src, adapter, instance, vendorId: rest.join('/'), name: rest.join('/'), deviceType: CAMERA_DEVICE_TYPE })
          .onConflictDoNothing();
      }
      const [primary, ...others] = c.sources;
      await tx
        .update(cameras)
        .set({ cameraKey: null })
        .where(and(eq(cameras.cameraKey, c.id), ne(cameras.id, primary)));
      const set: Partial<typeof cameras.$inferInsert> = { linkedInto: null, linkRank: 0, linkOrigin: null, cameraKey: c.id, updatedAt: now };
      if (c.name != null) set.customName = c.name;
      if (c.site != null) set.siteKey = c.site;
      await tx.update(cameras).set(set).where(eq(cameras.id, primary));
      for (const [i, src] of others.entries()) {
        configLinked.push(src);
        await tx
          .update(cameras)
          .set({ linkedInto: primary, linkRank: i + 1, linkOrigin: 'config', cameraKey: null, updatedAt: now })
          .where(eq(cameras.id, src));
      }
      // Run-time links of this camera come after the configured sources, in their order.
      const apiLinked = await tx
        .select({ id: cameras.id })
        .from(cameras)
        .where(and(eq(cameras.linkedInto, primary), or(isNull(cameras.linkOrigin), ne(cameras.linkOrigin, 'config'))))
        .orderBy(asc(cameras.linkRank), asc(cameras.id));
      for (const [i, r] of apiLinked.entries())
        await tx
          .update(cameras)
          .set({ linkRank: others.length + 1 + i })
          .where(eq(cameras.id, r.id));
    }
    // Config links no longer configured are undone.
    await tx
      .update(cameras)
      .set({ linkedInto: null, linkRank: 0, linkOrigin: null, updatedAt: now })
      .where(and(eq(cameras.linkOrigin, 'config'), configLinked.length ? notInArray(cameras.id, configLinked) : sql`true`));
    // A row linked into what is now itself a linked source follows it to its primary (one level).
    await tx.execute(sql`update cameras c set linked_into = p.linked_into, link_rank = c.link_rank + 1000 from cameras p where c.linked_into = p.id and p.linked_into is not null`);
  });
}
