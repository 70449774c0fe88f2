/**
 * Stored cursors of log consumers (table log_cursors): per consumer name, the last seq it finished
 * and an epoch. A save only moves the cursor forward, and only within the epoch the saver loaded: a
 * rewind (replay from an earlier seq) bumps the epoch, so a save still in flight from before it is
 * refused and the consumer reloads. Two holders overlapping briefly (lease.ts) can therefore never
 * move a cursor back, nor past what one of them finished.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { logCursors } from '../db/schema.ts';

export interface CursorPosition {
  /** Everything at or below it is finished. */
  seq: bigint;
  epoch: number;
}

export interface CursorStore {
  /** The stored position; created at `initial` when there is none. */
  load(name: string, initial: () => Promise<bigint>): Promise<CursorPosition>;
  /** The stored position, or null when there is none (status of a consumer held elsewhere). */
  peek(name: string): Promise<CursorPosition | null>;
  /** Move forward to `pos.seq` if the epoch is still `pos.epoch`; false when a rewind happened (reload). */
  save(name: string, pos: CursorPosition): Promise<boolean>;
  /** Set the cursor to `seq` (back or forward) and start a new epoch; creates it when absent. */
  rewind(name: string, seq: bigint): Promise<CursorPosition>;
  remove(name: string): Promise<void>;
}

const toPos = (r: { seq: bigint; epoch: number }): CursorPosition => ({ seq: BigInt(r.seq), epoch: r.epoch });

export class DbCursorStore implements CursorStore {
  constructor(private readonly db: Db) {}

  async load(name: string, initial: () => Promise<bigint>): Promise<CursorPosition> {
    const found = await this.peek(name);
    if (found) return found;
    await this.db
      .insert(logCursors)
      .values({ name, seq: await initial() })
      .onConflictDoNothing();
    const made = await this.peek(name);
    if (!made) throw new Error(`cursor ${name} vanished while it was created`);
    return made;
  }

  async peek(name: string): Promise<CursorPosition | null> {
    const [r] = await this.db.select({ seq: logCursors.seq, epoch: logCursors.epoch }).from(logCursors).where(eq(logCursors.name, name));
    return r ? toPos(r) : null;
  }

  async save(name: string, pos: CursorPosition): Promise<boolean> {
    const rows = await this.db
      .update(logCursors)
      .set({ seq: sql`greatest(${logCursors.seq}, ${pos.seq})`, updatedAt: sql`now()` })
      .where(and(eq(logCursors.name, name), eq(logCursors.epoch, pos.epoch)))
      .returning({ name: logCursors.name });
    return rows.length > 0;
  }

  async rewind(name: string, seq: bigint): Promise<CursorPosition> {
    const [r] = await this.db
      .insert(logCursors)
      .values({ name, seq, epoch: 1 })
      .onConflictDoUpdate({ target: logCursors.name, set: { seq, epoch: sql`${logCursors.epoch} + 1`, updatedAt: sql`now()` } })
      .returning({ seq: logCursors.seq, epoch: logCursors.epoch });
    if (!r) throw new Error(`cursor ${name}: rewind returned nothing`);
    return toPos(r);
  }

  async remove(name: string): Promise<void> {
    await this.db.delete(logCursors).where(eq(logCursors.name, name));
  }
}
