/**
 * A retention policy as an SQL condition on `events`, with "first match wins": the rows a policy
 * decides are those it matches and no earlier policy matches. Sites and cameras are resolved to the
 * camera source ids events carry (camera_id) when a pass starts, so a link or site change applies
 * from the next pass.
 */
import { inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { cameras, events } from '../db/schema.ts';
import type { RetentionPolicy } from './policy.ts';

/** The source ids (cameras.id) of the logical cameras named by configured or internal ids, or of the sites' cameras. */
async function sourceIds(db: Db, p: RetentionPolicy): Promise<string[] | null> {
  if (!p.cameraIds?.length && !p.siteIds?.length) return null;
  let primaries: Set<string> | null = null;
  const primariesOf = async (cond: SQL) => {
    const rows = await db.select({ id: cameras.id, into: cameras.linkedInto }).from(cameras).where(cond);
    return new Set(rows.map((r) => r.into ?? r.id));
  };
  if (p.cameraIds?.length) primaries = await primariesOf(or(inArray(cameras.id, [...p.cameraIds]), inArray(cameras.cameraKey, [...p.cameraIds]))!);
  if (p.siteIds?.length) {
    const ofSites = await primariesOf(sql`${inArray(cameras.siteKey, [...p.siteIds])} and ${isNull(cameras.linkedInto)}`);
    primaries = primaries ? new Set([...primaries].filter((id) => ofSites.has(id))) : ofSites;
  }
  if (!primaries?.size) return [];
  const ids = [...primaries];
  const rows = await db
    .select({ id: cameras.id })
    .from(cameras)
    .where(or(inArray(cameras.id, ids), inArray(cameras.linkedInto, ids)));
  return rows.map((r) => r.id);
}

/** What a policy matches, as a condition that is never NULL (so it can be negated). */
export async function policyCondition(db: Db, p: RetentionPolicy): Promise<SQL> {
  const parts: SQL[] = [];
  if (p.kinds?.length) parts.push(inArray(events.kind, [...p.kinds]));
  if (p.adapters?.length) {
    const types = p.adapters.filter((a) => !a.includes('/'));
    const instances = p.adapters.filter((a) => a.includes('/')).map((a) => a.split('/', 2) as [string, string]);
    const any: SQL[] = [];
    if (types.length) any.push(inArray(events.adapter, types));
    for (const [adapter, instance] of instances) any.push(sql`(${events.adapter} = ${adapter} and ${events.instance} = ${instance})`);
    parts.push(sql`(${sql.join(any, sql` or `)})`);
  }
  const sources = await sourceIds(db, p);
  if (sources) parts.push(sources.length ? sql`coalesce(${inArray(events.cameraId, sources)}, false)` : sql`false`);
  return parts.length ? sql`(${sql.join(parts, sql` and `)})` : sql`true`;
}

/** For each policy: the rows it decides (it matches them and no earlier policy does). */
export async function decidingConditions(db: Db, policies: readonly RetentionPolicy[]): Promise<SQL[]> {
  const matches = await Promise.all(policies.map((p) => policyCondition(db, p)));
  return matches.map((m, i) => (i === 0 ? m : sql`${m} and not (${sql.join(matches.slice(0, i), sql` or `)})`));
}
