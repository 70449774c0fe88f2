/**
 * `set local jit = off` for the current transaction. The planner's cost estimate for the "does any
 * other event still reference this image" anti-join (media-orphans.ts) is far above jit_above_cost,
 * so PostgreSQL JIT-compiles it: measured on a 1M-event copy, 1.85 s of compilation for 58 ms of
 * execution per 1,000-event batch. Retention and erasure statements are short index lookups: no JIT.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

export async function withoutJit(tx: Pick<Db, 'execute'>): Promise<void> {
  await tx.execute(sql`set local jit = off`);
}
