/** Sites (config `sites:`): a place whose cameras share a time zone. Read by GraphQL. */
import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { sites } from '../db/schema.ts';

export interface SiteRecord {
  key: string;
  name: string;
  /** IANA time zone; null when the site has none. */
  timezone: string | null;
}

const toSite = (r: typeof sites.$inferSelect): SiteRecord => ({ key: r.key, name: r.name, timezone: r.timezone });

export async function listSites(db: Db): Promise<SiteRecord[]> {
  return (await db.select().from(sites).orderBy(asc(sites.key))).map(toSite);
}

export async function sitesByKey(db: Db, keys: readonly string[]): Promise<SiteRecord[]> {
  if (!keys.length) return [];
  return (
    await db
      .select()
      .from(sites)
      .where(inArray(sites.key, [...keys]))
  ).map(toSite);
}

export async function siteByKey(db: Db, key: string): Promise<SiteRecord | null> {
  return (await db.select().from(sites).where(eq(sites.key, key))).map(toSite)[0] ?? null;
}
