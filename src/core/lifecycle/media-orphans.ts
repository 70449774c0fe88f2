/**
 * Media rows no live reference needs any more. Media are content-addressed, so one row may be
 * referenced by several events; a row goes only when no remaining event references it with a live
 * ref (one without `expiredAt`). Found through events_media_ids_gin_idx (its expression: schema.ts MEDIA_IDS). Runs inside the caller's
 * transaction, after it deleted or expired the events' refs, so the check sees that change.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { resultRows } from '../db/result-rows.ts';

export interface DeletedMedia {
  id: string;
  byteSize: number;
  segment: string | null;
  offset: number | null;
}

type Tx = Pick<Db, 'execute'>;

/** `media[].id` of `media` json lists, distinct. */
export function mediaIdsOf(lists: readonly unknown[]): string[] {
  const ids = new Set<string>();
  for (const list of lists) if (Array.isArray(list)) for (const m of list) if (m && typeof (m as { id?: unknown }).id === 'string') ids.add((m as { id: string }).id);
  return [...ids];
}

/** A condition: `events` row `e` still references media `m` with a live ref. */
export const LIVE_REFERENCE = sql.raw(`exists (select from events e
    where jsonb_path_query_array(e.media, '$[*].id') @> jsonb_build_array(m.id) and e.media <> '[]'::jsonb
      and exists (select from jsonb_array_elements(e.media) r where r->>'id' = m.id and r->'expiredAt' is null))`);

/** Delete the rows of `ids` that no live reference needs; returns them. */
export async function deleteUnreferencedMedia(tx: Tx, ids: readonly string[]): Promise<DeletedMedia[]> {
  if (!ids.length) return [];
  const rows = resultRows<{ id: string; byte_size: number; segment: string | null; offset: string | number | null }>(
    await tx.execute(sql`delete from media m
      where m.id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::text::jsonb)) and not ${LIVE_REFERENCE}
      returning m.id, m.byte_size, m.segment, m."offset"`),
  );
  return rows.map((r) => ({ id: r.id, byteSize: Number(r.byte_size), segment: r.segment, offset: r.offset == null ? null : Number(r.offset) }));
}
