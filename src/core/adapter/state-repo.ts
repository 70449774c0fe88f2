/** Per-instance persistent key/value state (cursors, last-seen ids) in the adapter_state table. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { adapterState } from '../db/schema.ts';
import type { InstanceState } from './types.ts';

export function instanceState(db: Db, adapter: string, instance: string): InstanceState {
  return {
    async get<T>(key: string): Promise<T | undefined> {
      const [row] = await db
        .select({ value: adapterState.value })
        .from(adapterState)
        .where(and(eq(adapterState.adapter, adapter), eq(adapterState.instance, instance), eq(adapterState.key, key)))
        .limit(1);
      return row ? (row.value as T) : undefined;
    },
    async set(key: string, value: unknown): Promise<void> {
      await db
        .insert(adapterState)
        .values({ adapter, instance, key, value: value ?? sql`'null'::jsonb`, updatedAt: new Date() })
        .onConflictDoUpdate({
          target: [adapterState.adapter, adapterState.instance, adapterState.key],
          set: { value: value ?? sql`'null'::jsonb`, updatedAt: new Date() },
        });
    },
  };
}
