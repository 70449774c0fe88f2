/**
 * The time zone of each source's site, in memory, for adapters that read vendor local times
 * (ctx.cameras.timeZoneOf, called per event): a lookup never queries the store. A source linked
 * into a camera takes that camera's site. One map per server instance, shared by its adapter
 * instances; reloaded when cameras change here or on another instance (the same invalidation as
 * the link index, services.ts), and at most `ttlMs` after the last load when asked (so without Redis
 * another instance's change shows within the TTL). A reload runs in the background: until it
 * finishes, lookups answer from the previous map.
 */
import { eq, isNotNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { cameras, sites } from '../db/schema.ts';

/** Source id → IANA zone of its camera's site, for every source whose site has a zone. */
export async function readSiteZones(db: Db): Promise<Map<string, string>> {
  const primary = alias(cameras, 'primary_camera');
  const rows = await db
    .select({ id: cameras.id, timezone: sites.timezone })
    .from(cameras)
    .leftJoin(primary, eq(primary.id, cameras.linkedInto))
    .innerJoin(sites, eq(sites.key, sql`case when ${cameras.linkedInto} is null then ${cameras.siteKey} else ${primary.siteKey} end`))
    .where(isNotNull(sites.timezone));
  return new Map(rows.map((r) => [r.id, r.timezone as string]));
}

export interface SiteZonesOptions {
  /** Reload on a lookup this long after the last load (cluster.deviceCacheSec). */
  ttlMs: number;
  log?: Logger;
  now?: () => number;
  /** How the map is read (default readSiteZones). */
  read?: (db: Db) => Promise<Map<string, string>>;
}

export class SiteZones {
  private zones = new Map<string, string>();
  private loadedAt = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | null = null;
  private again = false;

  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly read: (db: Db) => Promise<Map<string, string>>;

  constructor(
    private readonly db: Db,
    private readonly options: SiteZonesOptions,
  ) {
    this.ttlMs = options.ttlMs;
    this.now = options.now ?? Date.now;
    this.read = options.read ?? readSiteZones;
  }

  /** The zone of the site of the camera containing source `id` (internal id); null when none. Never waits. */
  zoneOf(id: string): string | null {
    if (this.now() - this.loadedAt >= this.ttlMs) void this.refresh();
    return this.zones.get(id) ?? null;
  }

  /**
   * Reload from the store (a reload asked for while one runs runs again after it, so a change
   * committed before the call is seen). Resolves when loaded; never rejects (a failed load keeps
   * the previous map and is tried again after the TTL).
   */
  refresh(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    const run = async () => {
      do {
        this.again = false;
        const at = this.now();
        try {
          this.zones = await this.read(this.db);
        } catch (err) {
          this.options.log?.warn({ err }, 'site time zones could not be read; keeping the previous ones');
        }
        this.loadedAt = at;
      } while (this.again);
    };
    const p = run().finally(() => {
      if (this.loading === p) this.loading = null;
    });
    this.loading = p;
    return p;
  }
}
