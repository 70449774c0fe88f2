/**
 * Disk usage by adapter instance and event kind: events stored and the bytes of the images they
 * reference (Media.byteSize summed over events.media; an image referenced by two events counts
 * twice, though the store keeps it once; media whose bytes expired (`expiredAt` set) are not
 * counted). One aggregate over the event log (a full scan: it is cached by StorageUsageCache for
 * metrics, and read fresh by the admin query storageUsage).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import type { Clock } from '../time/clock.ts';

export interface StorageUsageRow {
  adapter: string;
  instance: string;
  kind: string;
  events: number;
  mediaBytes: number;
}

export async function storageUsage(db: Db): Promise<StorageUsageRow[]> {
  const result = await db.execute(sql`
    select e.adapter, e.instance, e.kind, count(*)::text as events, coalesce(sum(m.bytes), 0)::text as media_bytes
    from events e
    left join lateral (
      select sum((x->>'byteSize')::bigint) as bytes from jsonb_array_elements(e.media) as x where x->>'expiredAt' is null
    ) m on true
    group by e.adapter, e.instance, e.kind
    order by e.adapter, e.instance, e.kind`);
  const rows = (Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? [])) as Array<Record<string, string>>;
  return rows.map((r) => ({ adapter: r.adapter, instance: r.instance, kind: r.kind, events: Number(r.events), mediaBytes: Number(r.media_bytes) }));
}

/** The last usage figures, read again when older than `ttlMs` (default 5 minutes): what /metrics shows. */
export class StorageUsageCache {
  private last: { at: number; rows: StorageUsageRow[] } | null = null;
  private inflight: Promise<StorageUsageRow[]> | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ttlMs = 300_000,
  ) {}

  async get(): Promise<StorageUsageRow[]> {
    if (this.last && this.clock.nowMs() - this.last.at < this.ttlMs) return this.last.rows;
    this.inflight ??= storageUsage(this.db)
      .then((rows) => {
        this.last = { at: this.clock.nowMs(), rows };
        return rows;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }
}
