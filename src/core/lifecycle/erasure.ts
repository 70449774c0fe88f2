/**
 * erasePlate (contract "Data lifecycle"): every read of a normalized plate within [from, to] (or,
 * fuzzy, every read within OCR-aware distance 1, as EventFilter.plateFuzzy finds them), their media
 * and the plate's list entries are deleted.
 *
 * In batches of `batchSize` events, each: (1) the events and their media rows are read; (2) the
 * media bytes are overwritten with zeros in their segment (pre-segment files deleted) and flushed;
 * (3) one transaction deletes the events and those media rows, and marks `expiredAt` on the refs of
 * any other event that shared an image (an image showing the plate goes even when another read
 * references it; that event keeps its metadata, like after media expiry). Bytes go before rows, so a
 * crash between (2) and (3) leaves events whose bytes are already zeros, and the next call erases
 * them again: erasure is idempotent and a second call after an interrupted first finishes it.
 * Subscriptions resuming with `after` read the log, so they never see an erased event.
 */
import { and, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { fuzzyPlateConditions } from '../db/event-repo.ts';
import { resultRows } from '../db/result-rows.ts';
import { events, plateListEntries, plateLists } from '../db/schema.ts';
import type { FileMediaStore, MediaMeta } from '../media/store.ts';
import { levenshteinPatterns, ocrCanonical, OCR_TRANSLATE_FROM, OCR_TRANSLATE_TO } from '../plates/ocr.ts';
import { mediaIdsOf } from './media-orphans.ts';
import { withoutJit } from './no-jit.ts';
import { expireRefs } from './media-expiry.ts';

export interface ErasureRequest {
  /** Normalized plate. */
  plate: string;
  from?: Date | null;
  to?: Date | null;
  /** Also reads within OCR-aware distance 1 (look-alikes free), and list entries as close. */
  fuzzy?: boolean;
}

export interface ErasureReport {
  events: number;
  media: number;
  listEntries: number;
}

export interface ErasureOptions {
  batchSize?: number;
  /** Aborted: stop after the current batch (what was done stays done; a later call finishes). */
  signal?: AbortSignal;
  now?: () => Date;
  /** After each batch committed (tests interrupt here). */
  onBatch?: (report: ErasureReport) => void;
}

export async function erasePlate(db: Db, store: Pick<FileMediaStore, 'erase'>, req: ErasureRequest, opts: ErasureOptions = {}): Promise<ErasureReport> {
  const limit = opts.batchSize ?? 500;
  const report: ErasureReport = { events: 0, media: 0, listEntries: await eraseListEntries(db, req) };
  const cond = and(...readsOf(req))!;
  while (!opts.signal?.aborted) {
    const rows = resultRows<{ seq: string; media: unknown }>(await db.execute(sql`select seq::text as seq, media from events where ${cond} order by seq limit ${limit}`));
    if (!rows.length) break;
    const ids = mediaIdsOf(rows.map((r) => r.media));
    const idsJson = JSON.stringify(ids);
    const metas = ids.length
      ? resultRows<{ id: string; content_type: string; byte_size: number; segment: string | null; offset: string | number | null }>(
          await db.execute(sql`select id, content_type, byte_size, segment, "offset" from media where id in (select jsonb_array_elements_text(${idsJson}::text::jsonb))`),
        ).map(
          (m): MediaMeta => ({
            id: m.id,
            contentType: m.content_type,
            byteSize: Number(m.byte_size),
            ...(m.segment != null && m.offset != null ? { segment: m.segment, offset: Number(m.offset) } : {}),
          }),
        )
      : [];
    await store.erase(metas);
    const now = opts.now?.() ?? new Date();
    const seqs = JSON.stringify(rows.map((r) => r.seq));
    const deleted = await db.transaction(async (tx) => {
      await withoutJit(tx);
      await tx.execute(sql`delete from events where seq in (select (jsonb_array_elements_text(${seqs}::text::jsonb))::bigint)`);
      if (!ids.length) return 0;
      await tx.execute(sql`update events set media = ${expireRefs(now, ids)}
        where media <> '[]'::jsonb and seq in (
          select e.seq from events e, jsonb_array_elements_text(${idsJson}::text::jsonb) as m(id)
          where jsonb_path_query_array(e.media, '$[*].id') @> jsonb_build_array(m.id) and e.media <> '[]'::jsonb)`);
      return resultRows(await tx.execute(sql`delete from media where id in (select jsonb_array_elements_text(${idsJson}::text::jsonb)) returning id`)).length;
    });
    report.events += rows.length;
    report.media += deleted;
    opts.onBatch?.({ ...report });
  }
  return report;
}

/** The reads to erase: the plate (exact, or within distance 1) and the time window. */
function readsOf(req: ErasureRequest): SQL[] {
  const c: SQL[] = req.fuzzy ? fuzzyPlateConditions({ plate: req.plate, maxDistance: 1 }) : [sql`${events.plateNormalized} = ${req.plate}`];
  if (req.from) c.push(gte(events.occurredAt, req.from));
  if (req.to) c.push(lte(events.occurredAt, req.to));
  return c;
}

/** Delete the plate's entries in every list (fuzzy: entries within OCR-aware distance 1 too). */
async function eraseListEntries(db: Db, req: ErasureRequest): Promise<number> {
  let cond: SQL = sql`${plateListEntries.plateNormalized} = ${req.plate}`;
  if (req.fuzzy) {
    const canonical = sql`translate(${plateListEntries.plateNormalized}, ${OCR_TRANSLATE_FROM}, ${OCR_TRANSLATE_TO})`;
    const { exact, like } = levenshteinPatterns(ocrCanonical(req.plate), 1);
    const any = [...exact.map((e) => sql`${canonical} = ${e}`), ...like.map((p) => sql`${canonical} like ${p}`)];
    cond = sql`(${sql.join(any, sql` or `)})`;
  }
  // The lists' updated_at moves too, so every instance's index sees the change (plates/repo.ts listVersions).
  const [r] = resultRows<{ n: number }>(
    await db.execute(sql`
      with d as (delete from ${plateListEntries} where ${cond} returning list_id),
           u as (update ${plateLists} set updated_at = now() where id in (select list_id from d))
      select count(*)::int as n from d`),
  );
  return Number(r?.n ?? 0);
}
