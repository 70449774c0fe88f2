/**
 * One batch of media expiry (a policy's `media` shorter than its `events`): up to `limit` events
 * whose media are still live and whose occurredAt is before the media cutoff, oldest first
 * (events_media_live_occurred_idx), in ONE transaction: each of their media refs gets `expiredAt`
 * and the event `media_expired_at` (the event and its metadata stay: Media.expiredAt answers when
 * the bytes went), and the media rows no live reference needs any more are deleted. Their bytes
 * become dead space in their segment (segment-reclaimer.ts).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { resultRows } from '../db/result-rows.ts';
import { withoutJit } from './no-jit.ts';
import { deleteUnreferencedMedia, mediaIdsOf } from './media-orphans.ts';
import { after, keyOf, type BatchResult, type LogKey } from './event-deletion.ts';

/** `media` with `expiredAt` set on every ref that lacks it (the SQL expression for an UPDATE). */
export const expireRefs = (at: Date, onlyIds?: readonly string[]) =>
  sql`(select coalesce(jsonb_agg(case when r->'expiredAt' is null ${onlyIds ? sql`and r->>'id' in (select jsonb_array_elements_text(${JSON.stringify(onlyIds)}::text::jsonb))` : sql``}
      then r || jsonb_build_object('expiredAt', ${at.toISOString()}::text) else r end order by i), '[]'::jsonb)
    from jsonb_array_elements(media) with ordinality as x(r, i))`;

export async function expireMedia(db: Db, decides: SQL, cutoff: Date, from: LogKey | null, limit: number, now: Date): Promise<BatchResult> {
  return db.transaction(async (tx) => {
    await withoutJit(tx);
    const rows = resultRows<{ seq: string; occurred_at: string | Date; media: unknown }>(
      await tx.execute(sql`select seq::text as seq, occurred_at, media from events
        where media_expired_at is null and media <> '[]'::jsonb
          and occurred_at < ${cutoff.toISOString()}::timestamptz ${after(from)} and ${decides}
        order by occurred_at, seq limit ${limit} for update`),
    );
    if (!rows.length) return { events: 0, media: [], first: null, last: null };
    const seqs = JSON.stringify(rows.map((r) => r.seq));
    await tx.execute(sql`update events set media_expired_at = ${now.toISOString()}::timestamptz, media = ${expireRefs(now)}
      where seq in (select (jsonb_array_elements_text(${seqs}::text::jsonb))::bigint)`);
    const media = await deleteUnreferencedMedia(tx, mediaIdsOf(rows.map((r) => r.media)));
    return { events: rows.length, media, first: keyOf(rows[0]), last: keyOf(rows[rows.length - 1]) };
  });
}
