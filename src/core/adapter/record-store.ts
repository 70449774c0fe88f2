/** Per-instance time-indexed documents (adapter_records), upserted by key, queried by time and content. */
import { and, asc, desc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adapterRecords } from '../db/schema.ts';
import { sanitizeJson } from '../events/ingest.ts';
import type { RecordQuery, RecordStore, StoredRecord } from './types.ts';

export function recordStore(db: Db, adapter: string, instance: string): RecordStore {
  const scope = (collection: string) => [eq(adapterRecords.adapter, adapter), eq(adapterRecords.instance, instance), eq(adapterRecords.collection, collection)];
  return {
    async put(collection, key, time, data) {
      const value = sanitizeJson(data ?? {});
      await db
        .insert(adapterRecords)
        .values({ adapter, instance, collection, key, time, data: value, updatedAt: new Date() })
        .onConflictDoUpdate({
          target: [adapterRecords.adapter, adapterRecords.instance, adapterRecords.collection, adapterRecords.key],
          set: { time, data: value, updatedAt: new Date() },
        });
    },
    async query(collection, q: RecordQuery = {}): Promise<StoredRecord[]> {
      const c: SQL[] = scope(collection);
      if (q.from) c.push(gte(adapterRecords.time, q.from));
      if (q.to) c.push(lte(adapterRecords.time, q.to));
      if (q.match) c.push(sql`${adapterRecords.data} @> ${JSON.stringify(q.match)}::jsonb`);
      const rows = await db
        .select()
        .from(adapterRecords)
        .where(and(...c))
        .orderBy(q.order === 'desc' ? desc(adapterRecords.time) : asc(adapterRecords.time))
        .limit(Math.min(q.limit ?? 1000, 10_000));
      return rows.map((r) => ({ key: r.key, time: r.time, data: r.data }));
    },
  };
}
