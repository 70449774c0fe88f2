/**
 * One batch of retention deletion: up to `limit` events a policy decides whose occurredAt is before
 * the cutoff, oldest first from a keyset position (events_occurred_seq_idx), deleted in ONE
 * transaction with the media rows no remaining event references. The transaction holds row locks
 * on those events and media rows only (the writer inserts new rows and never waits on them), and a
 * crash anywhere leaves either the whole batch or none of it: never an event without its media row.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { resultRows } from '../db/result-rows.ts';
import { withoutJit } from './no-jit.ts';
import { deleteUnreferencedMedia, mediaIdsOf, type DeletedMedia } from './media-orphans.ts';

/** Where a policy's walk through the log is: the last (occurredAt, seq) handled. */
export interface LogKey {
  at: Date;
  seq: bigint;
}

export interface BatchResult {
  /** Rows handled (events deleted, or events whose media were expired). */
  events: number;
  media: DeletedMedia[];
  /** The oldest row of the batch (lag behind the policy); null when the batch was empty. */
  first: LogKey | null;
  /** The last row of the batch: where the next batch starts. */
  last: LogKey | null;
}

type Row = { seq: string; occurred_at: string | Date; media: unknown };

export const keyOf = (r: Row): LogKey => ({ at: new Date(r.occurred_at), seq: BigInt(r.seq) });

export const after = (key: LogKey | null) => (key ? sql`and (occurred_at, seq) > (${key.at.toISOString()}::timestamptz, ${key.seq.toString()}::bigint)` : sql``);

export async function deleteExpiredEvents(db: Db, decides: SQL, cutoff: Date, from: LogKey | null, limit: number): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await withoutJit(tx);
    const rows = resultRows<Row>(
      await tx.execute(sql`select seq::text as seq, occurred_at, media from events
        where occurred_at < ${cutoff.toISOString()}::timestamptz ${after(from)} and ${decides}
        order by occurred_at, seq limit ${limit} for update`),
    );
    if (!rows.length) return { events: 0, media: [], first: null, last: null };
    const seqs = JSON.stringify(rows.map((r) => r.seq));
    await tx.execute(sql`delete from events where seq in (select (jsonb_array_elements_text(${seqs}::text::jsonb))::bigint)`);
    const media = await deleteUnreferencedMedia(tx, mediaIdsOf(rows.map((r) => r.media)));
    return { events: rows.length, media, first: keyOf(rows[0]), last: keyOf(rows[rows.length - 1]) };
  });
}
