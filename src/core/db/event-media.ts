/**
 * Images a duplicate brings that its stored event lacks (the same pass sent over FF TCP without
 * images, then over HTTP with them): added to the stored event's media list. One UPDATE, so it is
 * atomic and race-safe: the list is recomputed from the row as it is when locked (PostgreSQL
 * re-evaluates it on a concurrent update), and an image is added only when the stored event has no
 * image of its role yet, so re-sends add nothing twice. The media rows themselves are inserted with
 * the batch (event-insert.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';
import type { MediaRef } from '../events/model.ts';

/** True when the stored event gained images (false: it had an image of each role already, or is gone). */
export async function addMissingMedia(db: Db, adapter: string, instance: string, dedupeKey: string, media: readonly MediaRef[]): Promise<boolean> {
  if (media.length === 0) return false;
  const json = JSON.stringify(media.map((m) => ({ id: m.id, role: m.role, contentType: m.contentType, byteSize: m.byteSize })));
  const missing = sql`select n.x from jsonb_array_elements(${json}::text::jsonb) as n(x)
    where not exists (select from jsonb_array_elements(events.media) as s(y) where s.y->>'role' = n.x->>'role')`;
  const result = await db.execute(sql`
    update events set media = events.media || (select jsonb_agg(m.x) from (${missing}) as m)
    where adapter = ${adapter} and instance = ${instance} and dedupe_key = ${dedupeKey} and exists (${missing})
    returning seq::text as seq`);
  const rows = Array.isArray(result) ? result : ((result as { rows?: unknown[] }).rows ?? []);
  return rows.length > 0;
}
